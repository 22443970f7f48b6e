/* The review page: ask before a redraw, filter the chooser as the organizer types;
   the 题本: the print button. Everything works without this script too (plain forms). */
(function () {
  "use strict";
  var textsEl = document.getElementById("review-texts");
  var texts = textsEl ? JSON.parse(textsEl.textContent) : {};

  document.querySelectorAll("form.redraw").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(texts.confirm_redraw || "?")) ev.preventDefault();
    });
  });

  var search = document.getElementById("chooser-q");
  if (search) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.choice"));
    var none = document.getElementById("chooser-filter-empty");
    var filter = function () {
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.getAttribute("data-text") || "";
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (none) none.hidden = shown > 0 || rows.length === 0;
    };
    search.addEventListener("input", filter);
    if (window.location.hash === "#chooser") search.focus();
  }

  var printNow = document.getElementById("print-now");
  if (printNow) printNow.addEventListener("click", function () { window.print(); });
})();
