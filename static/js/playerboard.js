// The player board (personal points of per-player rounds): rank, nickname, team, points.
// Ties share a rank (the server ranks). Names are set with textContent.
(function () {
  "use strict";
  var UI = window.QuizUI, T = window.QuizI18n.t;
  function draw(section, s) {
    var rows = s.player_board, on = !!(rows && rows.length), ol = UI.clear(section.querySelector("ol"));
    section.hidden = !on;
    if (!on) return;
    rows.forEach(function (r) {
      var t = UI.teamById(s, r.team) || {}, li = UI.el("li", "pb-row");
      li.style.setProperty("--team", UI.safeColor(t.color));
      li.appendChild(UI.el("span", "pb-rank", String(r.rank)));
      li.appendChild(UI.el("span", "pb-name", r.name || T("pb.anon")));
      li.appendChild(UI.el("span", "pb-team", t.name || ""));
      li.appendChild(UI.el("span", "pb-points", String(r.points)));
      ol.appendChild(li);
    });
  }
  window.QuizPlayerBoard = { draw: draw };
})();
