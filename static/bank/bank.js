// Question bank page: drag-and-drop upload, select-all, confirmations. No build step.
(function () {
  "use strict";
  var drop = document.getElementById("bank-drop");
  var input = document.getElementById("bank-files");
  var chosen = document.getElementById("bank-chosen");

  function showChosen() {
    if (!chosen || !input) return;
    var names = [];
    for (var i = 0; i < input.files.length; i++) names.push(input.files[i].name);
    chosen.textContent = names.join(", ");
  }

  if (drop && input) {
    ["dragenter", "dragover"].forEach(function (type) {
      drop.addEventListener(type, function (e) {
        e.preventDefault();
        drop.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      drop.addEventListener(type, function (e) {
        e.preventDefault();
        drop.classList.remove("over");
      });
    });
    drop.addEventListener("drop", function (e) {
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      try {
        input.files = e.dataTransfer.files;  // the form then submits them like a chosen file
      } catch (err) {
        var dt = new DataTransfer();
        for (var i = 0; i < e.dataTransfer.files.length; i++) dt.items.add(e.dataTransfer.files[i]);
        input.files = dt.files;
      }
      showChosen();
    });
    drop.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); }
    });
    input.addEventListener("change", showChosen);
  }

  // The list's bulk bar: how many are ticked, and the one field the chosen action needs.
  var all = document.getElementById("bank-all");
  var ticked = document.getElementById("bank-ticked");
  function boxes() { return document.querySelectorAll('input[name="ids"]'); }
  function countTicked() {
    if (!ticked) return;
    var n = 0;
    boxes().forEach(function (box) { if (box.checked) n++; });
    ticked.textContent = String(n);
    if (n) {
      var sel = document.querySelector('#bank-bulk input[name="scope"][value="selected"]');
      if (sel) sel.checked = true;
    }
  }
  if (all) {
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      countTicked();
    });
  }
  boxes().forEach(function (box) { box.addEventListener("change", countTicked); });
  countTicked();

  var action = document.getElementById("bulk-action");
  function showActionField() {
    document.querySelectorAll("#bank-bulk [data-for]").forEach(function (el) {
      var on = action.value === el.getAttribute("data-for");
      el.hidden = !on;
      el.disabled = !on;  // only the chosen action's field is sent
    });
  }
  if (action) {
    action.addEventListener("change", showActionField);
    showActionField();
  }

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  });

  // Keep the organizer from submitting twice while a big file is checked.
  var upload = document.getElementById("bank-upload");
  if (upload) {
    upload.addEventListener("submit", function () {
      var btn = upload.querySelector('button[type="submit"]');
      if (btn) { btn.disabled = true; }
    });
  }
})();
