// The question form (new, edit, duplicate): options added and removed, the answer ticked among
// the options or typed, true/false as two choices. The server checks everything again; this only
// keeps the typed answer and the ticks in step. No build step.
(function () {
  "use strict";
  var form = document.getElementById("question-form");
  if (!form) return;
  var t = window.QuizI18n ? window.QuizI18n.t : function (k) { return k; };
  var LETTERS = "ABCDEFGH";
  var type = document.getElementById("q-type");
  var optionsBox = document.getElementById("q-options");
  var list = document.getElementById("q-option-list");
  var addBtn = document.getElementById("q-add-option");
  var tfBox = document.getElementById("q-tf");
  var answer = document.getElementById("q-answer");
  var answerLabel = document.getElementById("q-answer-label");
  var hint = document.getElementById("q-answer-hint");

  function rows() { return Array.prototype.slice.call(list.querySelectorAll("li.q-option")); }
  function isChoice() { return type.value === "single" || type.value === "multiple"; }

  function letters(text) {
    var out = [];
    (text || "").toUpperCase().replace(/[^A-H]/g, "").split("").forEach(function (c) {
      if (out.indexOf(c) < 0) out.push(c);
    });
    return out.sort();
  }

  function setDisabled(box, off) {
    box.querySelectorAll("input, button").forEach(function (el) { el.disabled = off; });
  }

  function reletter() {
    rows().forEach(function (li, i) {
      var letter = LETTERS[i];
      li.querySelector(".q-letter").textContent = letter;
      li.querySelector('input[name="options"]').setAttribute("aria-label", t("bq.option", {letter: letter}));
      li.querySelector('input[name="correct"]').value = letter;
      li.querySelector(".q-remove").setAttribute("aria-label", t("bq.remove_option", {letter: letter}));
    });
    addBtn.disabled = !isChoice() || rows().length >= LETTERS.length;
  }

  function ticksToAnswer() {
    var picked = rows().filter(function (li) {
      return li.querySelector('input[name="correct"]').checked;
    }).map(function (li) { return li.querySelector('input[name="correct"]').value; });
    answer.value = picked.join("");
    answer.classList.remove("invalid");
  }

  function answerToTicks() {
    var wanted = letters(answer.value);
    rows().forEach(function (li) {
      var box = li.querySelector('input[name="correct"]');
      box.checked = wanted.indexOf(box.value) >= 0;
    });
  }

  function markKind() {  // one right option for single choice, any number for multiple
    var kind = type.value === "single" ? "radio" : "checkbox";
    rows().forEach(function (li) { li.querySelector('input[name="correct"]').type = kind; });
  }

  function showType() {
    var choice = isChoice();
    var tf = type.value === "true_false";
    optionsBox.hidden = !choice;
    setDisabled(optionsBox, !choice);  // hidden fields are not sent
    tfBox.hidden = !tf;
    setDisabled(tfBox, !tf);
    answerLabel.hidden = tf;
    hint.textContent = t("bq.hint_" + type.value, null, true) || hint.textContent;
    if (choice) {
      markKind();
      if (type.value === "single" && letters(answer.value).length > 1) {
        answer.value = letters(answer.value)[0];
      }
      answerToTicks();
    }
    if (tf) {
      var checked = tfBox.querySelector("input:checked");
      answer.value = checked ? checked.value : "";
    }
    reletter();
  }

  function addOption() {
    if (rows().length >= LETTERS.length) { window.alert(t("bq.max_options")); return; }
    var li = rows()[0].cloneNode(true);
    li.querySelector('input[name="options"]').value = "";
    li.querySelector('input[name="options"]').classList.remove("invalid");
    li.querySelector('input[name="correct"]').checked = false;
    list.appendChild(li);
    reletter();
    li.querySelector('input[name="options"]').focus();
  }

  function removeOption(li) {
    if (rows().length <= 2) { window.alert(t("bq.min_options")); return; }
    li.parentNode.removeChild(li);
    reletter();
    ticksToAnswer();  // the letters after the removed option move up, and so does the answer
  }

  addBtn.addEventListener("click", addOption);
  list.addEventListener("click", function (e) {
    var btn = e.target.closest(".q-remove");
    if (btn) removeOption(btn.closest("li.q-option"));
  });
  list.addEventListener("change", function (e) {
    if (e.target.name === "correct") ticksToAnswer();
  });
  answer.addEventListener("input", function () { if (isChoice()) answerToTicks(); });
  tfBox.addEventListener("change", function (e) { if (e.target.name === "tf") answer.value = e.target.value; });
  type.addEventListener("change", showType);
  form.querySelectorAll(".invalid").forEach(function (el) {
    el.addEventListener("input", function () { el.classList.remove("invalid"); el.removeAttribute("aria-invalid"); });
  });
  showType();
  var firstBad = form.querySelector(".invalid");
  if (firstBad) firstBad.focus();
})();
