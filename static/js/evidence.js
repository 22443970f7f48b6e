// The host console's buzz evidence (docs/rules.md, "Fair buzz order"): for every buzz of the
// question its receipt, corrected press time, round trip, sync uncertainty and the margin to
// the next team; near-ties are marked, and under the "host decides" rule the host picks here.
(function () {
  "use strict";
  var T = window.QuizI18n.t, UI = window.QuizUI, el = UI.el;
  function ms(v) { return typeof v === "number" ? v + " ms" : "—"; }
  function flags(b) {
    var out = [];
    if (b.near_tie) out.push(T("ev.near_tie"));
    if (b.fallback) out.push(T("ev.fallback"));
    if (b.bound) out.push(T("ev.bound_" + b.bound));
    if (b.decided_by === "receipt" && b.near_tie) out.push(T("ev.by_receipt"));
    if (b.decided_by === "host") out.push(T("ev.by_host"));
    return out.join(" · ");
  }
  function render(s, act) {
    var box = document.getElementById("evidence-box");
    if (!box) return;
    var settings = s.settings || {}, fair = settings.buzz_order === "fair";
    document.getElementById("buzz-order").textContent = T(fair ? "ev.order_fair" : "ev.order_arrival");
    var opened = s.question && s.buzzes && s.buzzes.length ? s.buzzes.filter(function (b) { return !b.foul; }) : [];
    if (!opened.length && s.near_tie_rows) opened = s.near_tie_rows;  // waiting for the host
    var tb = UI.clear(document.getElementById("evidence"));
    opened.slice().sort(function (a, b) { return a.rank - b.rank; }).forEach(function (b) {
      var t = UI.teamById(s, b.team) || { name: "?" };
      var tr = el("tr", b.near_tie ? "near-tie" : "");
      tr.dataset.team = String(b.team);
      var open = b.corrected - b.ms_after_open;
      [ "#" + b.rank, t.name, ms(b.received - open), ms(b.ms_after_open), ms(b.rtt), ms(b.uncertainty),
        b.margin_ms === null || b.margin_ms === undefined ? "—" : "+" + b.margin_ms + " ms", flags(b)
      ].forEach(function (v) { tr.appendChild(el("td", "", v)); });
      tb.appendChild(tr);
    });
    document.getElementById("evidence-table").hidden = !opened.length;
    var tie = UI.clear(document.getElementById("near-tie"));
    tie.hidden = !s.near_tie;
    if (s.near_tie) {
      tie.appendChild(el("p", "", T("ev.decide")));
      s.near_tie.forEach(function (id) {
        var t = UI.teamById(s, id) || { name: "?" };
        var btn = el("button", "secondary", T("ev.give_to", { team: t.name }));
        btn.type = "button"; btn.dataset.team = String(id);
        btn.addEventListener("click", function () { act("decide_buzz", { question: s.question.id, team: id }); });
        tie.appendChild(btn);
      });
    }
    box.hidden = !s.question || !(s.round && (s.round.kind === "buzz" || s.round.kind === "tiebreak"));
  }
  window.QuizEvidence = { render: render };
})();
