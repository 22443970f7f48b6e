// Pages made for paper (the results sheet, the desk cards): their print button.
(function () {
  "use strict";
  ["print-results", "print-cards"].forEach(function (id) {
    var b = document.getElementById(id);
    if (b) b.addEventListener("click", function () { window.print(); });
  });
})();
