// Colours rendered by the server as data (data-color="#rrggbb"): painted here through
// the CSSOM, since the Content-Security-Policy refuses style="" attributes (quiz/web/headers.py).
(function () {
  "use strict";
  var HEX = /^#[0-9a-fA-F]{3,8}$/;
  Array.prototype.forEach.call(document.querySelectorAll("[data-color]"), function (el) {
    var c = el.getAttribute("data-color");
    if (!HEX.test(c)) return;
    if (el.classList.contains("swatch")) el.style.background = c;
    else el.style.setProperty("--team", c);
  });
})();
