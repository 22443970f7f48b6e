// The host console (/host/<code>): everything the host must do next is one big button with
// its key. The host view carries the answer (private), the legal actions and the log.
(function () {
  "use strict";
  var UI = window.QuizUI, T = window.QuizI18n.t, el = UI.el;
  var root = document.getElementById("app");
  var code = root.dataset.contest;
  var $ = function (id) { return document.getElementById(id); };
  var live, s = null, presence = null, toastTimer = null, busy = false, queued = [],
    awaitVersion = null, awaitTimer = null;

  function toast(text, bad) {
    var t = $("toast"); t.textContent = text; t.className = "toast" + (bad ? " bad" : ""); t.hidden = false;
    clearTimeout(toastTimer); toastTimer = setTimeout(function () { t.hidden = true; }, 4000);
  }
  function errText(ack) {
    if (!ack) return T("err.server_error");
    if (ack.error === "timeout") return T("err.timeout");
    return (window.QuizI18n.zh ? ack.message_zh : ack.message) || ack.message || ack.error;
  }
  function act(action, fields, done) {
    var payload = { action: action };
    for (var k in fields || {}) payload[k] = fields[k];
    busy = true;
    live.emit("host", payload, function (ack) {
      if (!ack.ok) { queued = []; toast(errText(ack), true); }
      if (done) done(ack);
      // A queued key acts on the state this command made. The ack can overtake that state
      // (a broadcast through Redis, a busy socket): then the key waits for it, 2 s at most.
      if (ack.ok && ack.version != null && s && s.version < ack.version) {
        awaitVersion = ack.version;
        clearTimeout(awaitTimer); awaitTimer = setTimeout(release, 2000);
        return;
      }
      release();
    });
  }
  function release() {
    busy = false; awaitVersion = null; clearTimeout(awaitTimer);
    while (!busy && queued.length) runKey(queued.shift());   // in the order pressed
  }
  function legal(name) { return !!(s && s.legal && s.legal.indexOf(name) >= 0); }
  function qid() { return s && s.question ? s.question.id : null; }
  function turnTeam() { return s && s.turn ? UI.teamById(s, s.turn) : null; }

  // ---- modal dialogs (adjust score, confirmations) ------------------------------------------
  function modal(title, build, onOk, okLabel) {
    var d = $("modal"), body = UI.clear($("modal-body"));
    $("modal-title").textContent = title;
    $("modal-ok").textContent = okLabel || T("h.ok");
    var get = build(body);
    d.hidden = false;
    var first = body.querySelector("input, select, textarea, button");
    (first || $("modal-ok")).focus();
    function close() { d.hidden = true; $("modal-ok").onclick = null; $("modal-form").onsubmit = null; }
    $("modal-cancel").onclick = close;
    $("modal-form").onsubmit = function (e) {
      e.preventDefault();
      var v = get ? get() : true;
      if (v === false) return;
      close(); onOk(v);
    };
  }
  function field(body, labelText, input) {
    var l = el("label", "field"); l.appendChild(el("span", "", labelText)); l.appendChild(input); body.appendChild(l); return input;
  }
  function teamSelect(selected) {
    var sel = el("select");
    s.teams.slice().sort(function (a, b) { return a.seat - b.seat; }).forEach(function (t) {
      var o = el("option", "", t.seat + " · " + t.name); o.value = String(t.id);
      if (t.id === selected) o.selected = true; sel.appendChild(o);
    });
    return sel;
  }
  function adjustDialog(teamId) {
    if (!s) return;
    modal(T("h.adjust"), function (body) {
      var sel = field(body, T("h.team"), teamSelect(teamId));
      var delta = field(body, T("h.delta"), el("input")); delta.type = "number"; delta.step = "1"; delta.value = "10"; delta.id = "adj-delta";
      var reason = field(body, T("h.reason"), el("input")); reason.id = "adj-reason"; reason.maxLength = 200; reason.placeholder = T("h.reason_ph");
      var err = el("p", "error"); body.appendChild(err);
      setTimeout(function () { delta.select(); }, 0);
      return function () {
        var d = parseInt(delta.value, 10);
        if (!d) { err.textContent = T("h.need_delta"); return false; }
        if (!reason.value.trim()) { err.textContent = T("h.need_reason"); reason.focus(); return false; }
        return { team: parseInt(sel.value, 10), delta: d, reason: reason.value.trim() };
      };
    }, function (v) { act("adjust_score", v); }, T("h.apply"));
  }
  function confirmDialog(title, text, onOk, okLabel) {
    modal(title, function (body) { body.appendChild(el("p", "", text)); return null; }, onOk, okLabel);
  }
  function tiebreakDialog() {
    var ranked = UI.ranked(s.teams), topScore = ranked.length ? ranked[0].score : null;
    var tied = ranked.filter(function (t) { return t.score === topScore; });
    modal(T("h.tiebreak"), function (body) {
      body.appendChild(el("p", "hint", T("h.tiebreak_help")));
      var boxes = [];
      ranked.forEach(function (t) {
        var l = el("label", "check"), c = el("input"); c.type = "checkbox"; c.value = String(t.id);
        c.checked = tied.length > 1 && tied.indexOf(t) >= 0;
        l.appendChild(c); l.appendChild(el("span", "", t.name + " (" + t.score + ")")); body.appendChild(l); boxes.push(c);
      });
      var err = el("p", "error"); body.appendChild(err);
      return function () {
        var ids = boxes.filter(function (c) { return c.checked; }).map(function (c) { return parseInt(c.value, 10); });
        if (ids.length < 2) { err.textContent = T("h.tiebreak_two"); return false; }
        return ids;
      };
    }, function (ids) { act("start_tiebreak", { teams: ids }); }, T("h.start"));
  }

  // ---- the natural next step ------------------------------------------------------------------
  function primary() {
    if (!s) return null;
    // the teams choose their questions (风险): read from the snapshot's capabilities
    var ph = s.phase, teamsChoose = !!(s.capabilities && s.capabilities.wager);
    if (ph === "reading" && legal("open_buzzers")) return { action: "open_buzzers", label: T("a.open_buzzers"), run: function () { act("open_buzzers", { question: qid() }); } };
    if (ph === "collecting" && legal("close_answers")) return { action: "close_answers", label: T("a.close_answers"), run: function () { act("close_answers"); } };
    if (ph === "closed" && legal("reveal")) return { action: "reveal", label: T("a.reveal"), run: function () { act("reveal", { question: qid() }); } };
    if (legal("next") && ph !== "open" && ph !== "reading") {
      var label = T("a.next");
      if (ph === "lobby") label = T("a.start_contest");
      else if (ph === "round_end") label = (s.rounds || []).some(function (r) { return !r.started; }) ? T("a.next_round") : T("a.final");
      else if (ph === "round_intro") label = teamsChoose ? T("a.begin_wager") : T("a.first_question");
      else if (ph === "closed") label = s.next_question || teamsChoose ? T("a.next_question") : T("a.end_round");
      return { action: "next", label: label, run: function () { act("next"); } };
    }
    if (ph === "open") return { label: T("a.wait_buzz"), run: null };
    if (ph === "answering") return { label: T("a.judge_now"), run: null };
    if (ph === "choosing") return { label: T("a.choose_value"), run: null };
    return null;
  }

  // Buttons: [action id, label key, key, handler, shown-if]
  function buttons() {
    var t = turnTeam(), ev = s.last_event || {};
    var rejudgeTeam = s.phase === "closed" && legal("judge") && ev.type === "judged" ? UI.teamById(s, ev.team) : null;
    var jt = t || rejudgeTeam;
    return [
      { id: "open_buzzers", key: "B", label: T("a.open_buzzers"), on: legal("open_buzzers"), run: function () { act("open_buzzers", { question: qid() }); } },
      { id: "close_buzzers", key: "C", label: T("a.close_buzzers"), on: legal("close_buzzers"), run: function () { act("close_buzzers"); } },
      { id: "close_answers", key: "C", label: T("a.close_answers"), on: legal("close_answers"), run: function () { act("close_answers"); } },
      { id: "add_time", key: "+", label: T("a.add_time"), on: legal("add_time"), run: addTime },
      { id: "judge-right", key: "Y", cls: "good", label: jt ? T(rejudgeTeam && !t ? "a.rejudge_right" : "a.right", { team: jt.name }) : T("a.right_none"), on: legal("judge") && !!jt,
        run: function () { act("judge", { question: qid(), team: jt.id, correct: true }); } },
      { id: "judge-wrong", key: "N", cls: "bad", label: jt ? T(rejudgeTeam && !t ? "a.rejudge_wrong" : "a.wrong", { team: jt.name }) : T("a.wrong_none"), on: legal("judge") && !!jt,
        run: function () { act("judge", { question: qid(), team: jt.id, correct: false }); } },
      { id: "reveal", key: "R", label: T("a.reveal"), on: legal("reveal"), run: function () { act("reveal", { question: qid() }); } },
      { id: "next", key: "→", label: T("a.next"), on: legal("next"), run: function () { act("next"); } },
      { id: "pause", key: "P", label: s.paused ? T("a.resume") : T("a.pause"), on: legal("pause") || legal("resume"), run: function () { act(s.paused ? "resume" : "pause"); } },
      { id: "undo", key: "U", label: s.undo_label ? T("a.undo_what", { what: T("undo." + s.undo_label, null, true) || s.undo_label }) : T("a.undo"), on: legal("undo"), run: function () { act("undo"); } },
      { id: "adjust", key: "A", label: T("a.adjust"), on: legal("adjust_score"), run: function () { adjustDialog(t ? t.id : null); } },
      { id: "swap", key: "S", label: T("a.swap"), on: legal("swap_question") && !!swapTarget(), run: swap },
      { id: "tiebreak", key: "T", label: T("a.tiebreak"), on: legal("start_tiebreak"), run: tiebreakDialog },
      { id: "lock", key: "L", label: s.lobby_locked ? T("a.unlock_lobby") : T("a.lock_lobby"), on: legal("lock_lobby") || legal("unlock_lobby"),
        run: function () { act(s.lobby_locked ? "unlock_lobby" : "lock_lobby"); } },
      { id: "skip_reveal", key: "K", label: T("a.skip_reveal"), on: s.phase === "finished", run: skipReveal },
      { id: "finish", key: "", cls: "danger", label: T("a.finish"), on: legal("finish"),
        run: function () { confirmDialog(T("a.finish"), T("h.finish_confirm"), function () { act("finish"); }, T("a.finish")); } }
    ];
  }
  // all-answer: 15 s more for everyone (the phones and the projector follow the new deadline)
  function addTime() {
    act("add_time", {}, function (ack) { if (ack.ok) toast(T("h.time_added")); });
  }
  // ---- safe controls: what skips work asks once ------------------------------------------------
  // the round now running, with questions left (jumping away skips them)
  function roundInProgress() {
    if (!s || !s.round || s.phase === "lobby" || s.phase === "round_end" || s.phase === "finished") return null;
    var cur = (s.rounds || []).filter(function (r) { return r.id === s.round.id; })[0];
    return cur ? { title: cur.title || T("kind." + cur.kind), left: cur.left } : null;
  }
  function startRound(r) {
    var cur = roundInProgress(), go = function () { act("start_round", { round: r.id }); };
    if (!cur) return go();
    confirmDialog(T("a.start_round") + " · " + (r.title || T("kind." + r.kind)),
      T("h.jump_confirm", { current: cur.title, left: cur.left }), go, T("h.jump_ok"));
  }
  // the projector reveals third, second, first: the host may show them all at once
  function skipReveal() {
    live.emit("reveal", { action: "skip" }, function (ack) { if (!ack.ok) toast(errText(ack), true); });
  }
  function swapTarget() {
    if (s.phase === "reading" && s.question && !(s.buzzes || []).length && s.round && s.round.id !== null) return { id: s.question.id, current: true };
    if (s.next_question) return { id: s.next_question.id, current: false };
    return null;
  }
  function swap() {
    var target = swapTarget(); if (!target) return;
    confirmDialog(T("a.swap"), target.current ? T("h.swap_current") : T("h.swap_next"), function () {
      act("swap_question", { question: target.id }, function (ack) { if (ack.ok) toast(T("h.swapped")); });
    }, T("a.swap"));
  }

  // the judge's tablet (评委): the answer and the buzzes, and right / wrong only
  var judgeMode = root.dataset.judge === "1";
  var JUDGE_BUTTONS = { "judge-right": true, "judge-wrong": true };
  function forRole(p) { return judgeMode ? null : p; }

  function renderActions() {
    var p = forRole(primary()), pb = $("primary");
    pb.hidden = !p;
    if (p) { $("primary-label").textContent = p.label; pb.disabled = !p.run; pb.onclick = p.run; pb.querySelector("kbd").hidden = !p.run; }
    var box = UI.clear($("actions"));
    buttons().forEach(function (b) {
      if (!b.on || (p && p.run && p.action === b.id)) return;   // already the big button
      if (judgeMode && !JUDGE_BUTTONS[b.id]) return;
      var btn = el("button", "act " + (b.cls || "")); btn.type = "button"; btn.dataset.action = b.id;
      btn.appendChild(el("span", "act-label", b.label));
      if (b.key) btn.appendChild(el("kbd", "", b.key));
      btn.onclick = b.run;
      box.appendChild(btn);
    });
    // rounds that can be started
    var rb = UI.clear($("rounds"));
    (s.rounds || []).forEach(function (r, i) {
      var li = el("li", "round-row" + (s.round && s.round.id === r.id ? " current" : ""));
      li.appendChild(el("span", "rr-n", String(i + 1)));
      li.appendChild(el("span", "rr-title", (r.title || T("kind." + r.kind))));
      li.appendChild(el("span", "rr-left", r.started ? T("h.round_left", { left: r.left, count: r.count }) : T("h.round_count", { count: r.count })));
      if (!r.started && legal("start_round")) {
        var b = el("button", "small", T("a.start_round")); b.type = "button";
        b.onclick = function () { startRound(r); };
        li.appendChild(b);
      }
      rb.appendChild(li);
    });
    // wager: the chooser picks a value (the host enters it)
    var wb = UI.clear($("wager"));
    wb.hidden = !(s.phase === "choosing" && s.wager);
    if (!wb.hidden) {
      var w = s.wager, t = UI.teamById(s, w.chooser);
      wb.appendChild(el("p", "wager-who", T("h.chooses", { team: t ? t.name : "?" })));
      w.values.forEach(function (v) {
        var left = w.left[String(v)] || 0;
        var b = el("button", "act", T("h.value", { n: v, left: left })); b.type = "button"; b.disabled = !left;
        b.onclick = function () { act("choose_wager", { team: w.chooser, value: v }); };
        wb.appendChild(b);
      });
      if (legal("pass")) {
        var pbtn = el("button", "act", T("a.pass")); pbtn.type = "button";
        pbtn.onclick = function () {
          confirmDialog(T("a.pass"), T("h.pass_confirm", { team: t ? t.name : "?" }), function () { act("pass", { team: w.chooser }); }, T("a.pass"));
        };
        wb.appendChild(pbtn);
      }
    }
  }

  // ---- the question card (private) ------------------------------------------------------------
  function renderQuestion() {
    var q = s.question, card = $("now");
    var r = s.round;
    // before the first round the phase chip alone says 等待开始 (once)
    $("now-round").textContent = r ? (r.id === null ? T("kind." + r.kind) : (r.title || T("kind." + r.kind))) + (r.index ? " · " + T("round.n_of", { n: r.index, count: r.count }) : "") : "";
    $("now-phase").textContent = T("phase." + s.phase) + (s.paused ? " · " + T("st.paused") : "");
    $("now-phase").dataset.phase = s.phase;
    var body = UI.clear($("now-body"));
    card.classList.toggle("empty", !q);
    if (!q) {
      body.appendChild(el("p", "hint", s.phase === "lobby" ? T("h.lobby_hint") : T("h.no_question")));
    } else {
      var meta = el("p", "q-meta");
      meta.appendChild(el("span", "chip", T("type." + q.type)));
      if (q.count) meta.appendChild(el("span", "chip", T("q.n_of", { n: q.index, count: q.count })));
      meta.appendChild(el("span", "chip gold", T("q.points", { n: q.points })));
      if (q.category) meta.appendChild(el("span", "chip", q.category));
      body.appendChild(meta);
      body.appendChild(el("p", "q-stem", q.stem));
      var ans = s.answer || [];
      var choices = UI.choices(q, T);
      if (choices.length) {
        var ol = el("ol", "h-opts");
        choices.forEach(function (c) {
          var li = el("li", ans.indexOf(c.key) >= 0 ? "right" : "");
          li.style.setProperty("--opt", c.color);
          li.appendChild(UI.shape(c.shape, c.color));
          li.appendChild(el("b", "", c.letter));
          li.appendChild(el("span", "", c.text));
          var dist = s.distribution && s.distribution.counts;
          if (dist && dist[c.key] !== undefined) li.appendChild(el("span", "count", "×" + dist[c.key]));
          ol.appendChild(li);
        });
        body.appendChild(ol);
      }
      var priv = el("div", "private");
      priv.appendChild(el("p", "private-tag", T("h.private")));
      var a = el("p", "answer");
      a.appendChild(el("b", "", T("q.answer") + " "));
      a.appendChild(el("span", "", ans.length ? ans.map(function (k) { return k === "true" ? T("tf.true") : k === "false" ? T("tf.false") : k; }).join(T("sep.or")) : T("q.answer_open")));
      priv.appendChild(a);
      if (s.explanation) { var ex = el("p", "explain"); ex.appendChild(el("b", "", T("q.explanation") + " ")); ex.appendChild(el("span", "", s.explanation)); priv.appendChild(ex); }
      body.appendChild(priv);
      // answers in: all-answer or typed answers
      var subs = s.submissions || {};
      var ids = Object.keys(subs);
      if (s.answered_count !== null && s.answered_count !== undefined) body.appendChild(el("p", "hint", T("st.answered", { n: s.answered_count, total: s.teams.length })));
      if (ids.length) {
        var ul = el("ul", "subs");
        ids.forEach(function (id) {
          var t = UI.teamById(s, parseInt(id, 10)), rec = subs[id];
          var recs = rec && rec.answer ? [rec] : Object.keys(rec || {}).map(function (k) { return rec[k]; });
          recs.forEach(function (r) {
            var li = el("li", ""); li.style.setProperty("--team", UI.safeColor(t && t.color));
            li.appendChild(el("b", "", t ? t.name : id));
            li.appendChild(el("span", "", " " + (r.answer || []).join(", ")));
            ul.appendChild(li);
          });
        });
        body.appendChild(ul);
      }
    }
    renderMedia(q);
    var n = s.next_question, nb = $("next-q");
    nb.hidden = !n;
    if (n) { $("next-stem").textContent = T("type." + n.type) + " · " + n.stem; }
    // countdown
    var total = q && q.time_limit ? q.time_limit * 1000 : 0;
    var active = s.phase === "open" || s.phase === "answering" || s.phase === "collecting";
    ring.set(active ? s.deadline : null, total, active && s.paused ? s.paused_remaining_ms : null);
  }

  // pictures and sound of the question: a preview here, and play/pause for the projector (the
  // `media` message, relayed to the screens; not a command, so nothing in the log or the undo)
  var mediaKey = null;
  function renderMedia(q) {
    var box = $("now-media"), list = (q && q.media) || [];
    var key = q ? q.id + "|" + list.map(function (m) { return m.url; }).join(",") : null;
    if (key === mediaKey) return;
    mediaKey = key;
    UI.clear(box);
    box.hidden = !list.length;
    var playable = 0;
    list.forEach(function (m) {
      if (!m || typeof m.url !== "string" || !/^\/media\/[0-9a-f]{64}\.[a-z0-9]{2,4}$/.test(m.url)) return;
      var item = el("div", "hm-item hm-" + m.kind);
      if (m.kind === "image") {
        var img = el("img", ""); img.src = m.url; img.alt = m.name || ""; item.appendChild(img);
      } else {
        var index = playable++;
        var prev = document.createElement(m.kind === "video" ? "video" : "audio");
        prev.src = m.url; prev.controls = true; prev.preload = "metadata"; prev.title = T("media.preview");
        item.appendChild(prev);
        var row = el("div", "hm-buttons");
        [["play", "media.play"], ["pause", "media.pause"], ["restart", "media.restart"]].forEach(function (a) {
          var b = el("button", "secondary hm-" + a[0], T(a[1]));
          b.type = "button";
          b.onclick = function () {
            live.emit("media", { action: a[0], question: q.id, index: index }, function (ack) { if (!ack.ok) toast(errText(ack), true); });
          };
          row.appendChild(b);
        });
        item.appendChild(row);
      }
      item.appendChild(el("span", "hm-name", m.name || ""));
      box.appendChild(item);
    });
  }

  function renderBuzzes() {
    var ul = UI.clear($("buzzes"));
    (s.buzzes || []).slice().sort(function (a, b) { return (a.foul - b.foul) || ((a.rank || 0) - (b.rank || 0)); }).forEach(function (b) {
      var t = UI.teamById(s, b.team) || { name: "?" };
      var li = el("li", b.foul ? "foul" : "");
      li.style.setProperty("--team", UI.safeColor(t.color));
      li.appendChild(el("b", "", b.foul ? T("buzz.foul") : "#" + b.rank));
      li.appendChild(el("span", "", t.name));
      li.appendChild(el("span", "ms", b.foul ? T("buzz.early") : b.rank === 1 ? T("buzz.after_open", { ms: b.ms_after_open }) : "+" + b.ms_behind_first + " ms"));
      ul.appendChild(li);
    });
    $("buzz-box").hidden = !ul.firstChild;
    window.QuizEvidence.render(s, act);  // fair buzzing: evidence, near-tie (evidence.js)
  }

  function renderTeams() {
    var tb = UI.clear($("teams"));
    var phones = (presence && presence.phones) || [];
    UI.ranked(s.teams).forEach(function (t) {
      var tr = el("tr", s.turn === t.id ? "turn" : "");
      tr.style.setProperty("--team", UI.safeColor(t.color));
      tr.appendChild(el("td", "rank", String(t._rank)));
      var name = el("td", "tname"); name.appendChild(el("span", "dot", t.seat)); name.appendChild(el("span", "", t.name)); tr.appendChild(name);
      tr.appendChild(el("td", "score", String(t.score)));
      var p = presence && presence.teams ? presence.teams[String(t.id)] : null;
      var mine = phones.filter(function (ph) { return ph.team === t.id; });
      var rtts = mine.map(function (ph) { return ph.rtt; }).filter(function (x) { return typeof x === "number"; });
      var worst = rtts.length ? Math.max.apply(null, rtts) : null;
      var conn = el("td", "conn" + (p && p.connected ? (worst !== null && worst > 300 ? " slow" : " ok") : " none"));
      conn.textContent = p ? T("h.phones", { c: p.connected || 0, j: p.joined || 0 }) + (worst !== null ? " · " + worst + " ms" : "") : T("h.phones", { c: 0, j: 0 });
      tr.appendChild(conn);
      var ops = el("td", "ops");
      var adj = el("button", "small", "±"); adj.type = "button"; adj.title = T("a.adjust"); adj.dataset.team = String(t.id);
      adj.onclick = function () { adjustDialog(t.id); }; ops.appendChild(adj);
      if (legal("foul") && s.question) {
        var f = el("button", "small", T("a.foul")); f.type = "button";
        f.onclick = function () { confirmDialog(T("a.foul"), T("h.foul_confirm", { team: t.name }), function () { act("foul", { team: t.id, question: qid() }); }); };
        ops.appendChild(f);
      }
      tr.appendChild(ops);
      tb.appendChild(tr);
    });
    var pl = UI.clear($("phones"));
    phones.slice().sort(function (a, b) { return a.team - b.team; }).forEach(function (ph) {
      var t = UI.teamById(s, ph.team);
      var li = el("li", "");
      li.style.setProperty("--team", UI.safeColor(t && t.color));
      li.appendChild(el("span", "pname", ph.name || "?"));
      li.appendChild(el("span", "pteam", t ? t.name : ""));
      li.appendChild(el("span", "prtt", typeof ph.rtt === "number" ? ph.rtt + " ms" : "—"));
      li.appendChild(el("span", "psync " + (ph.sync || "none"), T("sync." + (ph.sync || "none"))));
      var rm = el("button", "small", T("a.remove")); rm.type = "button";
      rm.onclick = function () { confirmDialog(T("a.remove"), T("h.remove_confirm", { name: ph.name || "?" }), function () { act("remove_player", { player: ph.player }); }, T("a.remove")); };
      li.appendChild(rm);
      pl.appendChild(li);
    });
    $("phones-count").textContent = String(phones.length);
  }

  function renderLog() {
    var ul = UI.clear($("log"));
    (s.log || []).slice(-12).reverse().forEach(function (e) {
      var t = UI.teamById(s, e.team);
      var li = el("li", e.undone ? "undone" : "");
      li.appendChild(el("span", "d " + (e.delta >= 0 ? "up" : "down"), UI.signed(e.delta)));
      li.appendChild(el("b", "", t ? t.name : "?"));
      li.appendChild(el("span", "", reasonText(e.reason)));
      if (e.actor && e.actor.name === "judge") li.appendChild(el("span", "by-judge", T("h.by_judge")));
      ul.appendChild(li);
    });
  }

  // The engine writes its reasons in Chinese (the record's language); the console shows them in
  // the page's language. A host's own reason (an adjustment) is shown as typed.
  var REASONS = { "答对": "reason.right", "答错": "reason.wrong", "超时": "reason.timeout",
                  "提前抢答": "reason.early", "犯规": "reason.foul", "全员答题": "reason.all_answer" };
  function reasonText(reason) {
    var r = reason || "", m;
    if (REASONS[r]) return T(REASONS[r]);
    if ((m = /^撤销: ([\s\S]*)$/.exec(r))) return T("reason.undo", { what: reasonText(m[1]) });
    if ((m = /^风险 (-?\d+) 分 (\S+)$/.exec(r)) && REASONS[m[2]]) return T("reason.wager", { n: m[1], what: T(REASONS[m[2]]) });
    return r;
  }

  // in the lobby the phones list is open: the host sees each nickname and can remove it
  var phonesShown = false;
  function openPhonesInLobby() {
    if (phonesShown || s.phase !== "lobby") return;
    phonesShown = true; document.querySelector(".phones-box").open = true;
  }

  function render(state) {
    s = state;
    openPhonesInLobby();
    $("conn").dataset.ok = "1";
    renderQuestion(); renderActions(); renderBuzzes(); renderTeams(); renderLog();
    $("lobby-state").textContent = s.lobby_locked ? T("h.lobby_locked") : T("h.lobby_open");
    if (awaitVersion != null && s.version >= awaitVersion) release();   // the queued key's turn
  }

  var ring = new window.QuizCountdown($("ring"), function () { return live ? live.now() : Date.now(); });

  // ---- keyboard shortcuts -------------------------------------------------------------------
  document.addEventListener("keydown", function (e) {
    if (!s || e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = (e.target && e.target.tagName) || "";
    if (!$("modal").hidden) { if (e.key === "Escape") $("modal-cancel").click(); return; }
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    var k = e.key.length === 1 ? e.key.toUpperCase() : e.key;
    if (k === "ArrowRight") k = "→";
    if (k === "Enter" && tag === "BUTTON") return;
    if (k === "Enter") k = " ";
    if (k !== " " && !buttons().some(function (b) { return b.key === k; })) return;
    e.preventDefault();
    if (e.repeat) return;
    // one step at a time, in order: a key pressed while a command is on its way waits for
    // its ack and the state it made (act, release), so it acts on what the host then sees
    if (busy) { if (queued.length < 3) queued.push(k); return; }
    runKey(k);
  });
  // a clicked button keeps no focus, so Space never "clicks" it again
  document.addEventListener("click", function (e) {
    var b = e.target && e.target.closest && e.target.closest("button");
    if (b && $("modal").hidden) setTimeout(function () { b.blur(); }, 0);
  });
  function runKey(k) {
    if (judgeMode && k !== "Y" && k !== "N") return;
    if (k === " ") { var p = primary(); if (p && p.run) p.run(); return; }
    var list = buttons();
    for (var i = 0; i < list.length; i++) {
      if (list[i].key === k && list[i].on) { list[i].run(); return; }
    }
  }

  // the projector mirror
  var mirrorOn = true;
  try { mirrorOn = localStorage.getItem("quiz-mirror") !== "0"; } catch (e) { /* ignore */ }
  function mirror() {
    var f = $("mirror-frame");
    $("mirror").classList.toggle("off", !mirrorOn);
    if (mirrorOn && !f.getAttribute("src")) f.setAttribute("src", f.dataset.src);
    if (!mirrorOn) f.removeAttribute("src");
    $("mirror-toggle").textContent = mirrorOn ? T("h.mirror_hide") : T("h.mirror_show");
  }
  $("mirror-toggle").onclick = function () { mirrorOn = !mirrorOn; try { localStorage.setItem("quiz-mirror", mirrorOn ? "1" : "0"); } catch (e) { /* ignore */ } mirror(); };
  function scaleMirror() {
    var b = document.querySelector(".mirror-box");
    if (b && b.clientWidth) b.style.setProperty("--mirror-scale", String(b.clientWidth / 1920));
  }
  window.addEventListener("resize", scaleMirror);
  mirror(); scaleMirror();

  live = window.QuizLive.connect({
    contest: code, role: "host", render: render,
    onPresence: function (p) { presence = p; if (s) renderTeams(); },
    onStatus: function (ok) { $("offline").hidden = ok; },
    onRefused: function (data) { if (data) toast((window.QuizI18n.zh ? data.message_zh : data.message) || data.error, true); },
    onEvents: function (m) {
      (m.events || []).forEach(function (e) {
        if (e.type === "buzz" && e.first) { var t = UI.teamById(s, e.team); if (t) toast(T("h.buzzed", { team: t.name })); }
      });
    }
  });

  // ---- join requests: phones that asked for a team without its link (join policy) -----------
  var joinRequests = [];
  function renderJoinRequests() {
    var box = $("join-requests"), list = UI.clear($("join-requests-list"));
    box.hidden = !joinRequests.length;
    $("join-requests-count").textContent = String(joinRequests.length);
    joinRequests.forEach(function (r) {
      var t = s ? UI.teamById(s, r.team) : null;
      var li = el("li", "join-request");
      if (t) li.style.setProperty("--team", UI.safeColor(t.color));
      li.appendChild(el("span", "join-request-who", T("h.request_line", { name: r.name, team: t ? t.name : "#" + r.team })));
      [["approve_join", "h.approve", ""], ["refuse_join", "h.refuse", "secondary"]].forEach(function (a) {
        var b = el("button", a[2], T(a[1]));
        b.type = "button"; b.dataset.action = a[0];
        b.addEventListener("click", function () { b.disabled = true; act(a[0], { request: r.id }, function () { b.disabled = false; }); });
        li.appendChild(b);
      });
      list.appendChild(li);
    });
  }
  live.socket.on("join_requests", function (m) { joinRequests = (m && m.requests) || []; renderJoinRequests(); });
})();
