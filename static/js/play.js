// The phone (/play/<code>): join a team, then one screen per state, no scrolling.
// The token in localStorage["quiz-token-<code>"] brings the phone back as the same player.
(function () {
  "use strict";
  var UI = window.QuizUI, T = window.QuizI18n.t, el = UI.el;
  var root = document.getElementById("app");
  var code = root.dataset.contest;
  var presetTeam = parseInt(root.dataset.presetTeam || "", 10) || null;
  var KEY = "quiz-token-" + code;
  var $ = function (id) { return document.getElementById(id); };
  var live, state = null, me = null, pending = null, lastScore = null, chosen = {}, wake = null;
  var errTimer = null;
  var clock = null;  // fair buzzing: static/js/clock.js (sync, press times, scheduled opening)

  function store(k, v) { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  function load(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
  function buzzVibe(p) { if (navigator.vibrate) { try { navigator.vibrate(p); } catch (e) { /* ignore */ } } }

  function screen(id) {
    ["s-join", "s-wait", "s-wager", "s-buzz", "s-answer", "s-result", "s-final", "s-removed"].forEach(function (s) { $(s).hidden = s !== id; });
    document.body.dataset.screen = id;
  }
  function errText(ack) {
    if (!ack) return T("err.server_error");
    var own = T("err." + ack.error, null, true);
    if (own) return own;
    return (window.QuizI18n.zh ? ack.message_zh : ack.message) || ack.message || ack.error;
  }
  function toast(text) {
    var t = $("toast"); t.textContent = text; t.hidden = false;
    clearTimeout(errTimer); errTimer = setTimeout(function () { t.hidden = true; }, 3500);
  }

  // ---- screen wake lock: keep the phone awake during the contest ------------------------------
  function keepAwake() {
    if (!("wakeLock" in navigator)) { $("awake-hint").hidden = !me; return; }
    if (wake || document.visibilityState !== "visible") return;
    navigator.wakeLock.request("screen").then(function (w) {
      wake = w; $("awake-hint").hidden = true;
      w.addEventListener("release", function () { wake = null; });
    }).catch(function () { $("awake-hint").hidden = !me; });
  }
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible" && me) keepAwake(); });

  // ---- join ------------------------------------------------------------------------------------
  // A team's own link (its desk card) carries the team's secret in the fragment: #k=SECRET.
  // It is kept for this tab only (sessionStorage) and taken out of the address bar.
  var SECRET_KEY = "quiz-team-secret-" + code, teamSecret = null, joinAsked = null;
  (function () {
    var m = /(?:^#|&)k=([A-Za-z0-9_-]{16,64})/.exec(location.hash || "");
    try {
      if (m && presetTeam) {
        sessionStorage.setItem(SECRET_KEY, JSON.stringify({ team: presetTeam, k: m[1] }));
        history.replaceState(null, "", location.pathname + location.search);
      }
      var kept = JSON.parse(sessionStorage.getItem(SECRET_KEY) || "null");
      if (kept && kept.team === presetTeam) teamSecret = kept.k;
    } catch (e) { if (m && presetTeam) teamSecret = m[1]; }
  })();
  var pickedTeam = presetTeam;
  function buildTeams(s) {
    var box = $("join-teams");
    if (presetTeam) {
      var t = UI.teamById(s, presetTeam);
      if (t) {
        box.hidden = true; $("join-preset").hidden = false;
        $("join-preset-name").textContent = t.name;
        $("join-preset").style.setProperty("--team", UI.safeColor(t.color));
        return;
      }
      presetTeam = null; pickedTeam = null;
    }
    box.hidden = false; $("join-preset").hidden = true;
    if (box.dataset.built === String(s.teams.length)) return;
    UI.clear(box); box.dataset.built = String(s.teams.length);
    s.teams.slice().sort(function (a, b) { return a.seat - b.seat; }).forEach(function (t) {
      var b = el("button", "team-pick", t.name);
      b.type = "button"; b.dataset.team = String(t.id);
      b.style.setProperty("--team", UI.safeColor(t.color));
      b.setAttribute("aria-pressed", String(pickedTeam === t.id));
      box.appendChild(b);
    });
  }
  // one listener for the team buttons, the page's own (there before the first state, on a slow
  // phone a tap lands on them) and those the state builds: a team picked stays picked
  $("join-teams").addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.team-pick");
    if (!b) return;
    pickedTeam = Number(b.dataset.team);
    Array.prototype.forEach.call(this.children, function (c) { c.setAttribute("aria-pressed", String(c === b)); });
    $("join-name").focus();
  });
  $("join-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var name = $("join-name").value.trim();
    if (!pickedTeam) { showJoinError(T("join.pick_team")); return; }
    if (!name) { showJoinError(T("join.need_name")); $("join-name").focus(); return; }
    keepAwake();
    askToJoin({ team: pickedTeam, name: name });
  });
  function askToJoin(payload) {
    if (teamSecret && payload.team === presetTeam) payload.secret = teamSecret;
    $("join-go").disabled = true; $("join-go").textContent = T("join.joining");
    showJoinError(""); markName(null); showJoinWait(null);
    live.emit("join", payload, function (ack) {
      $("join-go").disabled = false; $("join-go").textContent = T("join.go");
      if (!ack.ok) {
        if (ack.error === "already_joined") { location.reload(); return; }
        showJoinError(errText(ack)); markName(ack.error); return;
      }
      if (ack.pending) {  // the host lets this phone in (join_approved) or not (join_refused)
        joinAsked = { team: payload.team, name: payload.name };
        showJoinWait(payload.team); return;
      }
      joined(ack);
    });
  }
  function joined(ack) {
    joinAsked = null; showJoinWait(null);
    store(KEY, ack.token);
    live.setAuth({ token: ack.token });
    me = { player: ack.player, team: ack.team, name: ack.name, answer: null };
    buzzVibe(40);
    render();
  }
  function showJoinWait(teamId) {
    var p = $("join-wait"), t = teamId && state ? UI.teamById(state, teamId) : null;
    p.hidden = !teamId;
    p.textContent = teamId ? T("join.waiting", { team: t ? t.name : "" }) : "";
    $("join-go").hidden = !!teamId;
  }
  // a locked lobby takes no new phone: say so, and offer nothing to press
  function lockedLobby(locked) {
    $("join-locked").hidden = !locked;
    $("s-join").classList.toggle("locked", locked);
    ["join-teams", "join-preset", "join-name", "join-go"].forEach(function (id) { if (locked) $(id).hidden = true; });
    if (!locked) { $("join-name").hidden = false; if (!joinAsked) $("join-go").hidden = false; }
    document.querySelector("label[for=join-name]").hidden = locked;
    Array.prototype.forEach.call(document.querySelectorAll("#join-form .join-label"), function (l) { l.hidden = locked; });
  }
  // a refused name (empty, or a word of the contest's filter): the name field is marked and focused
  function markName(code) {
    var input = $("join-name"), bad = code === "bad_name" || code === "name_not_allowed";
    if (bad) { input.setAttribute("aria-invalid", "true"); input.setAttribute("aria-describedby", "join-error"); input.focus(); input.select(); }
    else { input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby"); }
  }
  function showJoinError(text) { var p = $("join-error"); p.textContent = text; p.hidden = !text; }

  // ---- the header: team, name, score -----------------------------------------------------------
  function header(s, t) {
    var h = $("me-bar");
    h.hidden = !t;
    if (!t) return;
    var color = UI.safeColor(t.color);
    h.style.setProperty("--team", color);
    $("me-team").textContent = t.name;
    $("me-name").textContent = me.name || "";
    $("me-score").textContent = String(t.score);
    $("me-rank").textContent = T("rank.n", { n: t.rank });
    $("me-rank").hidden = s.phase === "finished" && !placeShown(s);   // not before the projector
    if (lastScore !== null && lastScore !== t.score) {
      var d = t.score - lastScore, f = el("span", "me-delta " + (d > 0 ? "up" : "down"), UI.signed(d));
      h.appendChild(f); setTimeout(function () { if (f.parentNode) f.parentNode.removeChild(f); }, 2200);
    }
    lastScore = t.score;
  }

  function isBuzzRound(s) { return !!(s.capabilities && s.capabilities.buzzers); }
  function myBuzz(s) {
    var out = null;
    (s.buzzes || []).forEach(function (b) {
      if (b.team === me.team && (!out || (out.foul && !b.foul))) out = b;
    });
    return out;
  }
  function inTiebreak(s) { return !s.tiebreak || s.tiebreak.teams.indexOf(me.team) >= 0; }

  // ---- one instruction per state: the table of quiz/engine/phone_states.py, sent with the page --
  var PS = JSON.parse($("phone-states").textContent);
  // this phone's role in the current question (phone_states.ROLES)
  function myRole(s) {
    var b = myBuzz(s), w = s.wager || {};
    if (!inTiebreak(s)) return "out";
    if (b && b.foul) return "foul";
    if ((s.locked_out || []).indexOf(me.team) >= 0) return "locked";
    if (s.turn === me.team || (s.phase === "choosing" && w.chooser === me.team)) return "turn";
    if (b && b.rank) return "ranked";
    return "other";
  }
  // {key, action, text}: the one thing this phone says and lets its player do now
  function instructionFor(s) {
    var kind = (s.round && s.round.kind) || "buzz", type = (s.question && s.question.type) || "open";
    var row = PS.rows[kind + "|" + type + "|" + s.phase];
    if (row === undefined) row = PS.rows[kind + "|*|" + s.phase];
    var key = row === undefined ? "ps.listen" : PS.states[row][PS.roles.indexOf(myRole(s))];
    var who = s.phase === "choosing" ? (s.wager || {}).chooser : s.turn, t = who ? UI.teamById(s, who) : null;
    var title = s.round ? (s.round.title || T("kind." + s.round.kind)) : "";
    return { key: key, action: PS.actions[key], text: T(key, { team: t ? t.name : "", title: title }) };
  }

  // ---- buzz ------------------------------------------------------------------------------------
  // the big button shows where this phone stands; the caption is the state's one instruction
  function buzzScreen(s, ins) {
    screen("s-buzz");
    var btn = $("buzz"), cap = $("buzz-caption"), b = myBuzz(s), q = s.question;
    var st, main, sub = ins.text;
    if (ins.key === "ps.foul") { st = "foul"; main = T("buzz.foul_state"); }
    else if (ins.key === "ps.locked") { st = "locked"; main = timedOut(s) ? T("pt.timeout") : T("buzz.locked"); }
    else if (b && b.rank === 1) { st = "first"; main = T("buzz.first"); }
    else if (b && b.rank) { st = "ranked"; main = "#" + b.rank; sub = T("buzz.behind", { ms: b.ms_behind_first }); }
    else if (pending && pending.q === q.id && pending.attempt === q.attempt) { st = "sent"; main = T("buzz.sent"); }
    else if (ins.action === "buzz" || (clock && clock.isOpen(s))) { st = s.phase === "answering" ? "late" : "open"; main = T("buzz.press"); }
    else { st = "wait"; main = T("buzz.wait"); }
    if (s.paused) { sub = T("st.paused"); }
    btn.dataset.state = st;
    // before the buzzers open a press is a foul (as on a real buzzer): the button stays live
    btn.disabled = st !== "open" && st !== "wait" && st !== "late";
    $("buzz-main").textContent = main;
    cap.textContent = sub;
    $("buzz-stem").textContent = q.stem;
    phoneMedia($("buzz-media"), q);
  }
  // the question's pictures, when the contest file says "media_on_phones": true (sound and
  // video play on the projector only)
  var showMedia = root.dataset.media === "1";
  function phoneMedia(box, q) {
    var list = showMedia && q && q.media ? q.media.filter(function (m) {
      return m && m.kind === "image" && typeof m.url === "string" && /^\/media\/[0-9a-f]{64}\.[a-z0-9]{2,4}$/.test(m.url);
    }) : [];
    var key = list.map(function (m) { return m.url; }).join(",");
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    UI.clear(box);
    list.forEach(function (m) { var img = el("img", ""); img.src = m.url; img.alt = m.name || ""; box.appendChild(img); });
    box.hidden = !list.length;
  }
  function pressBuzz(e) {
    if (e) e.preventDefault();
    var s = state, btn = $("buzz");
    if (!s || !s.question || btn.disabled) return;
    var q = s.question;
    pending = { q: q.id, attempt: q.attempt };
    btn.dataset.state = "sent"; btn.disabled = true; $("buzz-main").textContent = T("buzz.sent");
    buzzVibe(60);
    live.emit("buzz", { question: q.id, pressed_at: clock && clock.pressTime(e) }, function (ack) {
      if (!ack.ok) {
        pending = null;
        if (ack.error !== "already_buzzed") toast(errText(ack));
      }
      render();
    });
  }
  $("buzz").addEventListener("pointerdown", pressBuzz);
  $("buzz").addEventListener("keydown", function (e) { if (e.key === " " || e.key === "Enter") pressBuzz(e); });

  // ---- answer tiles ---------------------------------------------------------------------------
  function answerScreen(s, ins) {
    screen("s-answer");
    var q = s.question, box = $("tiles"), multi = q.type === "multiple";
    var flag = $("ans-flag");
    flag.hidden = !(isBuzzRound(s) && s.turn === me.team);
    flag.textContent = T("buzz.first") + " " + T("buzz.first_sub");
    $("ans-stem").textContent = q.stem;
    phoneMedia($("ans-media"), q);
    var key = q.id + ":" + q.type;
    var mine = chosen[q.id] || (me.answer && me.answer.length ? me.answer : null) || load("quiz-ans-" + code + "-" + q.id);
    if (typeof mine === "string") { try { mine = JSON.parse(mine); } catch (e) { mine = null; } }
    var sel = multi ? (mine || []).slice() : null;
    var choices = UI.choices(q, T);
    if (ins.action !== "tap") choices = [];
    $("text-form").hidden = ins.action !== "type";
    $("open-note").hidden = ins.action !== "answer_aloud";
    $("open-note").textContent = ins.text;
    $("submit-multi").hidden = !multi || ins.action !== "tap";
    if (box.dataset.key !== key) {
      UI.clear(box); box.dataset.key = key;
      box.className = "tiles n" + choices.length;
      choices.forEach(function (c) {
        var b = el("button", "tile"); b.type = "button"; b.dataset.key = c.key;
        b.style.setProperty("--opt", c.color);
        b.appendChild(UI.shape(c.shape, "#fff"));
        b.appendChild(el("span", "tile-letter", c.letter));
        b.appendChild(el("span", "tile-text", c.text));
        b.addEventListener("click", function () {
          if (multi) {
            var cur = (chosen[q.id] && chosen[q.id].draft) || sel || [];
            var i = cur.indexOf(c.key); if (i >= 0) cur.splice(i, 1); else cur.push(c.key);
            cur.sort(); chosen[q.id] = chosen[q.id] || []; chosen[q.id].draft = cur;
            mark(box, cur, false);
            buzzVibe(15);
          } else {
            send(q, [c.key]);
          }
        });
        box.appendChild(b);
      });
      $("text-answer").value = "";
    }
    var sent = chosen[q.id] && chosen[q.id].length ? chosen[q.id] : (mine && mine.length ? mine : null);
    var draft = chosen[q.id] && chosen[q.id].draft;
    mark(box, draft || sent || [], !!sent && !draft);
    var waitMsg = $("ans-status");
    if (ins.action === "answer_aloud") waitMsg.textContent = "";
    else if (sent) waitMsg.textContent = s.phase === "collecting" ? T("ans.sent_change", { a: label(q, sent) }) : T("ans.sent", { a: label(q, sent) });
    else waitMsg.textContent = ins.text;
  }
  function label(q, keys) {
    if (q.type === "true_false") return keys[0] === "true" ? T("tf.true") : T("tf.false");
    return keys.join("");
  }
  function mark(box, keys, sent) {
    Array.prototype.forEach.call(box.children, function (b) {
      var on = keys.indexOf(b.dataset.key) >= 0;
      b.classList.toggle("on", on); b.classList.toggle("off", keys.length > 0 && !on && sent);
      b.setAttribute("aria-pressed", String(on));
    });
  }
  function send(q, answer) {
    chosen[q.id] = answer.slice();
    store("quiz-ans-" + code + "-" + q.id, JSON.stringify(answer));
    mark($("tiles"), answer, true);
    $("ans-status").textContent = T("ans.sending");
    buzzVibe(30);
    live.emit("answer", { question: q.id, answer: answer }, function (ack) {
      if (!ack.ok) { delete chosen[q.id]; store("quiz-ans-" + code + "-" + q.id, null); toast(errText(ack)); }
      render();
    });
  }
  $("submit-multi").addEventListener("click", function () {
    var q = state && state.question; if (!q) return;
    var d = chosen[q.id] && chosen[q.id].draft;
    if (!d || !d.length) { toast(T("ans.pick_one")); return; }
    send(q, d);
  });
  $("text-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = state && state.question, v = $("text-answer").value.trim();
    if (!q || !v) return;
    send(q, [v]); $("text-answer").blur();
  });

  // ---- result, waiting, final -------------------------------------------------------------------
  function resultScreen(s) {
    screen("s-result");
    var q = s.question, ev = s.last_event || {}, box = $("result");
    var mine = chosen[q.id] || me.answer || null;
    var verdict = null, delta = null;
    if (ev.type === "judged" && ev.team === me.team) { verdict = ev.correct; delta = ev.delta; }
    else if (s.revealed && s.answer && mine && mine.length && (q.type !== "fill_blank" && q.type !== "open")) {
      verdict = mine.slice().sort().join() === s.answer.slice().sort().join();
    }
    box.className = "result " + (verdict === true ? "ok" : verdict === false ? "bad" : "neutral");
    $("res-mark").textContent = verdict === true ? "✓" : verdict === false ? "✗" : "•";
    $("res-text").textContent = verdict === true ? T("v.right") : verdict === false ? (timedOut(s) ? T("pt.timeout") : T("v.wrong")) : T("res.closed");
    $("res-delta").textContent = delta ? UI.signed(delta) : "";
    var a = $("res-answer");
    if (s.revealed && s.answer) {
      var ch = UI.choices(q, T), txt = s.answer.map(function (k) {
        for (var i = 0; i < ch.length; i++) if (ch[i].key === k) return ch[i].letter + " " + ch[i].text;
        return k;
      });
      a.textContent = T("q.answer") + " " + (txt.length ? txt.join(T("sep.or")) : T("q.answer_open"));
    } else a.textContent = T("res.wait_reveal");
  }
  function waitScreen(s, text) {
    screen("s-wait");
    $("wait-text").textContent = text;
    var r = s.round;
    $("wait-round").textContent = r ? (r.title || T("kind." + r.kind)) : (s.name || "");
  }
  // 风险: the choosing team picks a value (or passes) on its phone; the host can do it too.
  function wagerScreen(s, w) {
    screen("s-wager");
    $("wager-text").textContent = T("wait.you_choose");
    var box = $("wager-values");
    UI.clear(box);
    (w.values || []).forEach(function (v) {
      var left = (w.left || {})[String(v)] || 0;
      var b = el("button", "big wager-value", T("wager.points", { n: v }));
      b.type = "button"; b.disabled = left === 0;
      b.appendChild(el("small", null, T("wager.left", { n: left })));
      b.addEventListener("click", function () { sendWager({ value: v }); });
      box.appendChild(b);
    });
    var settings = (s.round && s.round.settings) || {};
    $("wager-pass").hidden = !settings.allow_pass;
    drawPass();
  }
  // 放弃 asks once on the phone: the first tap arms it, the second sends it
  var passArmed = false, passLabel = $("wager-pass").textContent;
  function drawPass() {
    var p = $("wager-pass"), k = $("wager-keep");
    p.textContent = passArmed ? T("wager.pass_sure") : passLabel;
    p.classList.toggle("sure", passArmed);
    k.hidden = !passArmed || p.hidden; k.textContent = T("wager.keep");
  }
  $("wager-keep").addEventListener("click", function () { passArmed = false; drawPass(); });
  function sendWager(payload) {
    Array.prototype.forEach.call(document.querySelectorAll("#s-wager button"), function (b) { b.disabled = true; });
    live.emit("wager", payload, function (ack) {
      if (!ack.ok) { toast(errText(ack)); render(); }
    });
  }
  $("wager-pass").addEventListener("click", function () {
    if (!passArmed) { passArmed = true; drawPass(); return; }
    passArmed = false; drawPass(); sendWager({ pass: true });
  });

  function finalScreen(s) {
    screen("s-final");
    var t = UI.teamById(s, me.team);
    finalPlace(s);
    $("final-score").textContent = t ? T("score.n", { n: t.score }) : "";
    drawReview(mine && mine.review);
  }

  // ---- my own line: personal points and rank; after the end my answers and, in step with the
  // projector's staged reveal (static/js/reveal.js), my team's place ---------------------------
  var mine = null, mineKey = null, revealSkipped = false;
  // ask the server (`mine`: this player's only) whenever a scoring or the end may have changed it
  function askMine(s) {
    var ev = s.last_event || {};
    var key = [s.phase, s.question ? s.question.id : "", !!s.revealed, ev.type, !!s.personal].join("/");
    if (key === mineKey) return;
    mineKey = key;
    if (!s.personal && s.phase !== "finished") { mine = null; drawPersonal(s); return; }
    live.emit("mine", { lang: window.QuizI18n.zh ? "zh" : "en" }, function (ack) {
      if (!ack.ok) { mineKey = null; setTimeout(function () { if (state && me) askMine(state); }, 3000); return; }
      mine = ack;
      if (ack.reveal_skipped) revealSkipped = true;
      render();
    });
  }
  function drawPersonal(s) {
    var p = $("me-personal"), line = s && s.personal && mine && mine.personal;
    if (line && s.phase === "finished" && !placeShown(s)) line = null;   // no "第 1 名" to mislead
    p.hidden = !line;
    if (line) p.textContent = T("me.personal", { points: line.points, rank: line.rank, n: line.players });
  }
  function placeShown(s) {
    var t = UI.teamById(s, me.team);
    return !!t && window.QuizReveal.shows(s.final || [], t.rank, s.reveal_from, live.now(), revealSkipped);
  }
  function finalPlace(s) {
    var t = UI.teamById(s, me.team), shown = !!t && placeShown(s);
    $("final-rank").textContent = shown ? T("rank.n", { n: t.rank }) : "";
    $("final-rank").hidden = !shown;
    $("final-wait").textContent = T("final.wait");
    $("final-wait").hidden = !t || shown;
    $("me-rank").hidden = !shown;
    drawPersonal(s);
  }
  setInterval(function () { if (state && me && state.phase === "finished") finalPlace(state); }, 250);
  function drawReview(rv) {
    $("review").hidden = !rv;
    $("s-final").classList.toggle("with-review", !!rv);
    if (!rv) return;
    var ol = UI.clear($("review-list"));
    if (!rv.rows.length) ol.appendChild(el("li", "rv-none", T("rv.none")));
    rv.rows.forEach(function (r) {
      var li = el("li", "rv-row rv-" + r.result), head = el("p", "rv-head");
      head.appendChild(el("span", "rv-q", T("rv.q", { round: r.round_title, n: r.index })));
      head.appendChild(el("span", "rv-mark", ({ right: "✓ ", wrong: "✗ ", partial: "◐ " }[r.result] || "") + T("rv." + r.result)));
      head.appendChild(el("span", "rv-pts", T("rv.points", { n: UI.signed(r.points) })));
      li.appendChild(head);
      li.appendChild(el("p", "rv-stem", r.stem));
      var a = r.answer || (r.result === "unanswered" || r.result === "timeout" ? "—" : T("rv.aloud"));
      li.appendChild(el("p", "rv-ans", T(r.mine ? "rv.mine" : "rv.team", { a: a })));
      ol.appendChild(li);
    });
  }

  // ---- the countdown: every timed phase, from the server's deadline and the synced clock ------
  // (live.now(): the server's time, so every phone and the projector reach 0 together)
  var TIMED = { open: true, answering: true, collecting: true };
  var ring = new window.QuizCountdown($("p-ring"), function () { return live ? live.now() : Date.now(); },
    function (secs) { if (secs <= 3) buzzVibe(25); });
  function timerShown(s) { return !!(s && me && TIMED[s.phase] && (s.deadline || s.paused_remaining_ms)); }
  function drawTimer() {
    var s = state, box = $("p-timer"), shown = timerShown(s);
    box.hidden = !shown;
    if (!shown) return;
    var ms = ring.remaining(), txt = $("p-timer-text"), cost = s.timeout_points && s.turn === me.team;
    var st = ms === 0 ? "done" : ms !== null && ms <= 5000 ? "urgent" : "run";
    box.dataset.state = s.paused ? "paused" : st;
    UI.clear(txt);
    if (s.paused) txt.textContent = T("st.paused");
    else if (st === "done") txt.textContent = T("pt.up");
    else {
      txt.appendChild(document.createTextNode(st === "urgent" ? T("pt.last", { n: Math.ceil(ms / 1000) }) : T("pt.left")));
      // a deadline that costs points says so before it hits
      if (cost) { txt.appendChild(document.createTextNode(" · ")); txt.appendChild(el("span", "cost", T("pt.cost", { n: -s.timeout_points }))); }
    }
  }
  // this team's time ran out on the current question (the engine judged it wrong: 超时); kept
  // per question, since in fair order the buzzers re-open for the others by a later change
  var timeouts = {};
  function timedOut(s) {
    var ev = s.last_event || {}, qid = s.question && s.question.id;
    if (qid && ev.type === "judged" && ev.team === me.team && ev.timeout) timeouts[qid] = true;
    return !!(qid && timeouts[qid]);
  }
  function phoneTimer(s) {
    var on = timerShown(s);
    ring.set(on ? s.deadline : null, on ? s.countdown_ms || 0 : 0, on && s.paused ? s.paused_remaining_ms : null);
    drawTimer();
  }
  setInterval(drawTimer, 200);

  // ---- what to show for this state ------------------------------------------------------------
  function render() {
    var s = state;
    if (!s) return;
    $("contest-name").textContent = s.name || "";
    if (!me) { phoneTimer(null); header(s, null); buildTeams(s); screen("s-join"); lockedLobby(!!s.lobby_locked); return; }
    var t = UI.teamById(s, me.team);
    header(s, t);
    askMine(s); drawPersonal(s);
    $("awake-hint").hidden = !!wake || !me;
    phoneTimer(s);
    var ph = s.phase, q = s.question, ins = instructionFor(s);
    if (ph === "finished") return finalScreen(s);
    if (ins.action === "wager") return wagerScreen(s, s.wager || {});
    if (!q || ph === "lobby" || ph === "round_intro" || ph === "round_end" || ph === "choosing") return waitScreen(s, ins.text);
    if (ph === "closed") return resultScreen(s);
    if (ins.action === "tap" || ins.action === "type" || ins.action === "answer_aloud") return answerScreen(s, ins);
    if (isBuzzRound(s) && ins.key !== "ps.out") return buzzScreen(s, ins);
    return waitScreen(s, ins.text);
  }

  var banner = $("offline"), everConnected = false;
  live = window.QuizLive.connect({
    contest: code, role: "player", token: load(KEY),
    render: function (s) {
      if (state && s.question && (!state.question || state.question.id !== s.question.id)) pending = null;
      if (state && state.question && s.question && state.question.attempt !== s.question.attempt) pending = null;
      state = s; render();
      if (clock) clock.watchOpening(s, render);
    },
    onMe: function (m) { me = m; if (m.answer && m.answer.length && state && state.question) chosen[state.question.id] = chosen[state.question.id] || m.answer; render(); keepAwake(); },
    onStatus: function (ok) {
      if (ok) everConnected = true;
      if (ok) mineKey = null;            // ask for my own line again after a reconnect
      banner.hidden = ok || !everConnected;
      // a request waits only while its socket lives: ask again after a reconnect
      if (ok && joinAsked && !me) askToJoin({ team: joinAsked.team, name: joinAsked.name });
    },
    onRefused: function (data) {
      if (data && data.error === "bad_token") {
        store(KEY, null); me = null;
        live.setAuth({ token: null });
        setTimeout(function () { live.socket.connect(); }, 100);
        render();
      }
    },
    onRemoved: function (data) {
      store(KEY, null); me = null; live.setAuth({ token: null });
      $("removed-text").textContent = window.QuizI18n.zh ? data.message_zh : data.message;
      screen("s-removed");
    }
  });
  clock = window.QuizClock.attach(live);
  live.socket.on("join_approved", function (ack) { if (ack && ack.token && !me) joined(ack); });
  live.socket.on("join_refused", function (data) {
    joinAsked = null; showJoinWait(null);
    showJoinError(errText(data || { error: "join_refused" }));
  });
  live.socket.on("reveal", function (m) { if (m && m.action === "skip") { revealSkipped = true; render(); } });
  $("rejoin").addEventListener("click", function () { location.reload(); });
  if (!load(KEY)) screen("s-join");
})();
