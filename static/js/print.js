// The printable results page (/results/<code>/print): the print button.
(function () {
  "use strict";
  var b = document.getElementById("print-results");
  if (b) b.addEventListener("click", function () { window.print(); });
})();
