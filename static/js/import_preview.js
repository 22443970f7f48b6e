// Import preview: a changed column recomputes the preview at once (the kept files are read
// again on the server, no upload); typing in a problem row marks it "import corrected".
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form) return;
  form.querySelectorAll("select.colmap-role").forEach(function (select) {
    select.addEventListener("change", function () {
      var apply = select.closest("details").querySelector(".colmap-apply");
      if (apply) form.requestSubmit(apply);
    });
  });
  form.querySelectorAll("fieldset.fix-row").forEach(function (row) {
    var fix = row.querySelector(".fix-action-fix");
    row.querySelectorAll(".fix-fields input, .fix-fields select").forEach(function (input) {
      input.addEventListener("input", function () { if (fix) fix.checked = true; });
    });
  });
})();
