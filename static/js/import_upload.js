// The import form: the name field of a new bank shows only when "a new bank" is chosen.
(function () {
  "use strict";
  var select = document.getElementById("import-bank");
  var label = document.getElementById("import-new-bank");
  var input = document.getElementById("import-new-bank-name");
  if (!select || !label) return;
  function sync() {
    var isNew = select.options[select.selectedIndex].value === "__new__";
    label.hidden = !isNew;
    if (input) input.required = isNew;
  }
  select.addEventListener("change", sync);
  sync();
})();
