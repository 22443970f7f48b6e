// The buzzer desk (/desk/<code>): the hall's machine turns configured keys (a keyboard, or a USB
// buzzer box that types keys) into that team's buzzes, stamped from the key event's own
// timestamp on this machine's synced clock (clock.js), ranked with the phones on one clock.
(function () {
  "use strict";
  var T = window.QuizI18n.t, UI = window.QuizUI, el = UI.el;
  var data = JSON.parse(document.getElementById("desk-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var byKey = {}, byId = {}, tiles = {}, state = null;
  var teams = data.teams.filter(function (t) { return t.key; });
  teams.forEach(function (t) {
    byKey[t.key.toLowerCase()] = t; byId[t.id] = t;
    var li = el("li", "desk-team");
    li.dataset.team = String(t.id);
    li.style.setProperty("--team", UI.safeColor(t.color));
    li.appendChild(el("kbd", "", t.key));
    li.appendChild(el("span", "desk-name", t.name));
    li.appendChild(el("span", "desk-status", ""));
    $("desk-teams").appendChild(li);
    tiles[t.id] = li;
  });
  $("desk-none").hidden = teams.length > 0;
  var live = window.QuizLive.connect({
    contest: data.code, role: "host",
    render: function (s) {
      var fresh = !state || !state.question || !s.question || state.question.id !== s.question.id || state.question.attempt !== s.question.attempt;
      state = s;
      $("desk-phase").textContent = T("desk.phase_" + (isBuzz(s) ? s.phase : "other"), null, true);
      if (fresh) teams.forEach(function (t) { show(t, "", ""); });
      (s.buzzes || []).forEach(function (b) {
        var t = byId[b.team];
        if (t) show(t, b.foul ? "refused" : "lit", b.foul ? T("buzz.foul") : "#" + b.rank);
      });
    }
  });
  var clock = window.QuizClock.attach(live, {
    deskTeams: teams.map(function (t) { return t.id; }),
    onClock: function (c) { $("desk-clock").textContent = T("desk.clock", { rtt: Math.round(c.rtt), unc: c.uncertainty }); }
  });
  function isBuzz(s) { var k = s && s.round && s.round.kind; return !!(s && s.question && (k === "buzz" || k === "tiebreak")); }
  function show(t, cls, text) {
    var li = tiles[t.id];
    li.className = "desk-team " + cls;
    li.querySelector(".desk-status").textContent = text;
  }
  document.addEventListener("keydown", function (e) {
    if (e.repeat || e.target.tagName === "INPUT" && e.target.type !== "checkbox") return;
    var t = byKey[(e.key || "").toLowerCase()];
    if (!t) return;
    e.preventDefault();
    if ($("desk-test").checked) {
      show(t, "lit", T("desk.test_ok"));
      setTimeout(function () { show(t, "", ""); }, 1500);
      return;
    }
    if (!isBuzz(state)) { show(t, "", T("desk.not_now")); return; }
    var pressed = clock.pressTime(e);
    show(t, "lit", T("desk.sent"));
    live.emit("desk_buzz", { team: t.id, question: state.question.id, pressed_at: pressed }, function (ack) {
      if (!ack.ok) { show(t, "refused", (window.QuizI18n.zh ? ack.message_zh : ack.message) || ack.error); return; }
      show(t, "lit", T("desk.buzzed"));
    });
  });
})();
