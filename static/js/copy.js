// The contest page's copy buttons: data-copy names the element whose text is copied; the
// button says data-done for a moment (the link stays selectable when the clipboard is refused).
(function () {
  "use strict";
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
  }
  function done(button) {
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = button.dataset.done;
    setTimeout(function () { button.textContent = label; }, 2000);
  }
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var node = document.getElementById(button.dataset.copy);
      var text = node.href || node.textContent;
      select(node);
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { done(button); }, function () { done(button); });
      } else {
        try { document.execCommand("copy"); } catch (e) { /* the link stays selected */ }
        done(button);
      }
    });
  });
})();
