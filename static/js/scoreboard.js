// A scoreboard whose rows slide to their new rank (FLIP), with bars and a floating +10 / −10.
// Ties share a rank. Rows are keyed by team id; names are set with textContent.
(function () {
  "use strict";
  var UI = window.QuizUI;
  function Scoreboard(container, opts) {
    this.box = container; this.opts = opts || {}; this.rows = {}; this.first = true;
  }
  Scoreboard.prototype.update = function (teams, extra) {
    var self = this, box = this.box, list = UI.ranked(teams);
    var before = {};
    Object.keys(this.rows).forEach(function (id) {
      before[id] = self.rows[id].el.getBoundingClientRect().top;
    });
    var top = 1, bottom = 0;
    list.forEach(function (t) { top = Math.max(top, t.score); bottom = Math.min(bottom, t.score); });
    var seen = {};
    list.forEach(function (t) {
      var id = String(t.id); seen[id] = true;
      var row = self.rows[id];
      if (!row) {
        var el = UI.el("li", "sb-row");
        var rank = UI.el("span", "sb-rank"), chip = UI.el("span", "sb-chip");
        var name = UI.el("span", "sb-name"), score = UI.el("span", "sb-score");
        var bar = UI.el("span", "sb-bar"), note = UI.el("span", "sb-note");
        el.appendChild(bar); el.appendChild(rank); el.appendChild(chip); el.appendChild(name);
        el.appendChild(note); el.appendChild(score);
        row = self.rows[id] = { el: el, rank: rank, chip: chip, name: name, score: score, bar: bar,
                                note: note, value: null };
      }
      var color = UI.safeColor(t.color);
      row.el.dataset.team = id;
      row.el.style.setProperty("--team", color);
      row.rank.textContent = String(t._rank);
      row.name.textContent = t.name;
      row.chip.textContent = t.seat !== undefined && t.seat !== null ? String(t.seat) : "";
      row.chip.style.color = UI.inkOn(color);
      row.score.textContent = String(t.score);
      var span = Math.max(1, top - Math.min(0, bottom));
      row.bar.style.width = Math.max(2, Math.round(100 * (t.score - Math.min(0, bottom)) / span)) + "%";
      row.el.classList.toggle("tied", list.filter(function (o) { return o._rank === t._rank; }).length > 1);
      var n = extra && extra[id];
      row.note.textContent = n ? n : "";
      if (row.value !== null && row.value !== t.score && !self.first) self.floatDelta(row, t.score - row.value);
      row.value = t.score;
      box.appendChild(row.el);
    });
    Object.keys(this.rows).forEach(function (id) {
      if (!seen[id]) { box.removeChild(self.rows[id].el); delete self.rows[id]; }
    });
    if (!this.first) {
      Object.keys(before).forEach(function (id) {
        var row = self.rows[id]; if (!row) return;
        var dy = before[id] - row.el.getBoundingClientRect().top;
        if (!dy) return;
        row.el.style.transition = "none";
        row.el.style.transform = "translateY(" + dy + "px)";
        row.el.getBoundingClientRect();
        row.el.style.transition = "transform .7s cubic-bezier(.2,.8,.2,1)";
        row.el.style.transform = "";
      });
    }
    this.first = false;
  };
  Scoreboard.prototype.floatDelta = function (row, delta) {
    var f = UI.el("span", "sb-float " + (delta > 0 ? "up" : "down"), UI.signed(delta));
    row.el.appendChild(f);
    row.el.classList.remove("flash-up", "flash-down");
    row.el.getBoundingClientRect();
    row.el.classList.add(delta > 0 ? "flash-up" : "flash-down");
    setTimeout(function () { if (f.parentNode) f.parentNode.removeChild(f); }, 2200);
  };
  window.QuizScoreboard = Scoreboard;
})();
