// The projector (/screen/<code>): one thing at a time, huge, dark. It only ever receives the
// screen view, which carries no answer before the host reveals it.
(function () {
  "use strict";
  var UI = window.QuizUI, T = window.QuizI18n.t, Sfx = window.QuizSfx, el = UI.el;
  var root = document.getElementById("app");
  var code = root.dataset.contest;
  var mirror = /[?&]mirror=1/.test(location.search);
  if (mirror) { document.body.classList.add("mirror"); Sfx.mute(true); }
  var $ = function (id) { return document.getElementById(id); };
  var board = new window.QuizScoreboard($("rail"));
  var bigBoard = new window.QuizScoreboard($("big-board"));
  var live, ring, presence = null, last = null, floodTimer = null, verdictTimer = null;

  ring = new window.QuizCountdown($("ring"), function () { return live ? live.now() : Date.now(); },
    function (secs) { Sfx.tick(secs <= 1); });

  // text that scales (WCAG 1.4.4): the font sizes of screen.css are times --ts, the reader's
  // text size (1 to 2); a probe 1rem wide tells when the browser's text size changes
  (function textScale() {
    var probe = el("span", "ts-probe"); probe.setAttribute("aria-hidden", "true");
    document.body.appendChild(probe);
    function measure() {
      var ts = Math.min(2, Math.max(1, probe.getBoundingClientRect().width / 16));
      document.documentElement.style.setProperty("--ts", ts.toFixed(3));
      document.body.classList.toggle("big-text", ts > 1.2);
    }
    measure();
    if (window.ResizeObserver) new ResizeObserver(measure).observe(probe);
  })();

  function show(view) {
    ["v-lobby", "v-intro", "v-question", "v-choosing", "v-board", "v-podium"].forEach(function (id) {
      $(id).hidden = id !== view;
    });
    document.body.dataset.view = view;
  }
  function kindName(kind) { return T("kind." + (kind || "buzz")); }
  function typeName(type) { return T("type." + (type || "open")); }

  // what the round offers comes from the snapshot's capabilities (docs/protocol.md), not its kind
  function caps(s) { return (s && s.capabilities) || {}; }
  function outsideRounds(r) { return !!r && r.id === null; }   // a tie-break question
  function rulesLine(r, c) {
    var s = (r && r.settings) || {};
    var parts = [];
    if (c.buzzers) {
      parts.push(T("rule.buzz"));
      if (s.buzz_window) parts.push(T("rule.window", { n: s.buzz_window }));
    } else if (c.wager) {
      parts.push(T("rule.wager", { values: (s.values || []).join(" / ") }));
      if (s.allow_pass) parts.push(T("rule.pass"));
    } else if (c.tap_answer) {
      parts.push(T("rule.all_answer"));
    } else if (c.turn_answer) {
      parts.push(T("rule.compulsory"));
    }
    if (s.answer_time) parts.push(T("rule.time", { n: s.answer_time }));
    return parts.join(" · ");
  }

  // ---- top bar ------------------------------------------------------------------------------
  function topbar(s) {
    var r = s.phase === "finished" ? null : s.round, q = s.question;
    $("tb-round").textContent = r ? (outsideRounds(r) ? kindName(r.kind) : (r.title || kindName(r.kind))) : "";
    $("tb-q").textContent = q && q.count ? T("q.n_of", { n: q.index, count: q.count }) : "";
    $("tb-points").textContent = q && q.points !== null && q.points !== undefined ? T("q.points", { n: q.points }) : "";
    $("tb-points").hidden = !$("tb-points").textContent;
    $("paused").hidden = !s.paused;
  }

  // ---- lobby --------------------------------------------------------------------------------
  function lobby(s) {
    show("v-lobby");
    var ul = UI.clear($("lobby-teams"));
    (s.teams || []).slice().sort(function (a, b) { return a.seat - b.seat; }).forEach(function (t) {
      var p = presence && presence.teams ? presence.teams[String(t.id)] : null;
      var li = el("li", "lobby-team" + (p && p.connected ? " on" : ""));
      li.style.setProperty("--team", UI.safeColor(t.color));
      li.appendChild(el("span", "lt-seat", t.seat));
      li.appendChild(el("span", "lt-name", t.name));
      li.appendChild(el("span", "lt-phones", p ? T("lobby.phones", { n: p.connected || 0 }) : T("lobby.nophones")));
      lobbyNames(li, t);
      ul.appendChild(li);
    });
    $("lobby-locked").hidden = !s.lobby_locked;
  }

  // the nicknames of a team's phones, as they join (presence.names)
  function lobbyNames(li, t) {
    var names = (presence && presence.names && presence.names[String(t.id)]) || [];
    if (!names.length) return;
    var box = el("span", "lt-players");
    names.forEach(function (n) { box.appendChild(el("span", "lt-player", n)); });
    li.appendChild(box);
  }

  // ---- question -----------------------------------------------------------------------------
  function buzzOf(s, teamId) {
    var b = s.buzzes || [];
    for (var i = 0; i < b.length; i++) if (b[i].team === teamId && !b[i].foul) return b[i];
    return null;
  }

  function question(s) {
    show("v-question");
    var q = s.question, r = s.round || {};
    $("q-kind").textContent = (outsideRounds(r) ? kindName(r.kind) + " · " : "") + typeName(q.type);
    var stem = $("q-stem"), hasMedia = !!(q.media && q.media.length);
    stem.textContent = q.stem;
    stem.className = "q-stem" + (q.stem.length > 110 || (hasMedia && q.stem.length > 55) ? " long" : q.stem.length > 55 || hasMedia ? " mid" : "");
    mediaBox(q);
    var revealed = !!s.revealed, answer = s.answer || [];
    var choices = UI.choices(q, T);
    var ol = UI.clear($("q-options"));
    ol.className = "q-options n" + choices.length + (revealed ? " revealed" : "");
    var dist = s.distribution && s.distribution.counts;
    var most = 1;
    if (dist) Object.keys(dist).forEach(function (k) { most = Math.max(most, dist[k]); });
    choices.forEach(function (c) {
      var li = el("li", "opt");
      li.style.setProperty("--opt", c.color);
      li.dataset.key = c.key;
      if (revealed) li.classList.add(answer.indexOf(c.key) >= 0 ? "right" : "dim");
      if (dist && dist[c.key] !== undefined) {
        var bar = el("span", "opt-bar"); bar.style.width = Math.round(100 * dist[c.key] / most) + "%";
        li.appendChild(bar);
        li.appendChild(el("span", "opt-count", T("dist.count", { n: dist[c.key] })));
      }
      li.appendChild(UI.shape(c.shape, "#fff"));
      li.appendChild(el("span", "opt-letter", c.letter));
      li.appendChild(el("span", "opt-text", c.text));
      ol.appendChild(li);
    });
    ol.hidden = !choices.length;
    // the answer of a typed question, once revealed
    var ans = $("q-answer");
    ans.hidden = !(revealed && !choices.length);
    if (!ans.hidden) {
      UI.clear(ans);
      ans.appendChild(el("span", "label", T("q.answer")));
      ans.appendChild(el("span", "", answer.length ? answer.join(T("sep.or")) : T("q.answer_open")));
    }
    var ex = $("q-explain");
    ex.hidden = !(revealed && s.explanation);
    if (!ex.hidden) {
      UI.clear(ex);
      ex.appendChild(el("span", "label", T("q.explanation")));
      ex.appendChild(el("span", "", s.explanation));
    }
    status(s);
    buzzList(s);
    var total = q.time_limit ? q.time_limit * 1000 : 0;
    var st = r.settings || {};
    if (s.phase === "open" && st.buzz_window) total = st.buzz_window * 1000;
    else if (!q.time_limit && st.answer_time && (s.phase === "answering" || s.phase === "collecting")) total = st.answer_time * 1000;
    var active = s.phase === "open" || s.phase === "answering" || s.phase === "collecting";
    ring.set(active ? s.deadline : null, total, active && s.paused ? s.paused_remaining_ms : null);
  }

  // ---- pictures, sound, video: rebuilt only when the question changes (a state update must not
  // restart the sound); the host plays and pauses the sound with the `media` message ---------
  var mediaKey = null;
  function mediaBox(q) {
    var box = $("q-media"), list = (q && q.media) || [];
    var key = q ? q.id + "|" + list.map(function (m) { return m.url; }).join(",") : null;
    document.body.classList.toggle("with-media", !!list.length);
    if (key === mediaKey) return;
    mediaKey = key;
    UI.clear(box);
    box.className = "q-media n" + list.length;
    list.forEach(function (m) {
      if (!m || typeof m.url !== "string" || !/^\/media\/[0-9a-f]{64}\.[a-z0-9]{2,4}$/.test(m.url)) return;
      var fig = el("figure", "qm-item qm-" + m.kind);
      if (m.kind === "image") {
        var img = el("img", "");
        img.src = m.url; img.alt = m.name || ""; img.decoding = "async";
        fig.appendChild(img);
      } else {
        var av = document.createElement(m.kind === "video" ? "video" : "audio");
        av.src = m.url; av.preload = "auto"; av.controls = true; av.className = "qm-player";
        if (m.kind === "video") av.playsInline = true;
        else fig.appendChild(el("span", "qm-note", "♪ " + T("media.audio")));
        fig.appendChild(av);
      }
      box.appendChild(fig);
    });
    box.hidden = !box.firstChild;
  }
  function players() { return Array.prototype.slice.call($("q-media").querySelectorAll("audio, video")); }
  function stopMedia() { players().forEach(function (p) { try { p.pause(); } catch (e) { /* ignore */ } }); }
  function onMedia(msg) {
    if (!msg || !last || !last.question || msg.question !== last.question.id) return;
    var p = players()[msg.index || 0];
    if (!p) return;
    if (msg.action === "pause") { p.pause(); return; }
    if (msg.action === "restart") p.currentTime = 0;
    var go = p.play();
    if (go && go.catch) go.catch(function () { $("sound-hint").hidden = mirror; });
  }

  function status(s) {
    var box = UI.clear($("q-status")), q = s.question, r = s.round || {};
    box.className = "q-status";
    box.style.removeProperty("--team");
    var t = s.turn ? UI.teamById(s, s.turn) : null;
    if (s.phase === "reading") {
      box.classList.add("reading");
      box.appendChild(el("span", "", T("st.reading")));
    } else if (s.phase === "open") {
      box.classList.add("open");
      box.appendChild(el("span", "", T("st.open")));
    } else if (s.phase === "answering" && t) {
      box.classList.add("turn");
      box.style.setProperty("--team", UI.safeColor(t.color));
      box.style.color = UI.inkOn(UI.safeColor(t.color));
      box.appendChild(el("span", "st-seat", T("seat", { n: t.seat })));
      box.appendChild(el("span", "st-team", t.name));
      var b = buzzOf(s, t.id);
      box.appendChild(el("span", "", caps(s).buzzers ? T("st.buzzed_answering") : T("st.answering")));
      if (b && b.ms_after_open !== null) box.appendChild(el("span", "st-ms", T("buzz.after_open", { ms: b.ms_after_open })));
    } else if (s.phase === "collecting") {
      box.classList.add("open");
      box.appendChild(el("span", "", T("st.collecting")));
      if (s.answered_count !== null && s.answered_count !== undefined) {
        box.appendChild(el("span", "st-count", T("st.answered", { n: s.answered_count, total: (s.teams || []).length })));
      }
    } else if (s.phase === "closed") {
      box.classList.add("closed");
      var key = s.revealed ? "st.revealed" : ({ right: "st.closed_right", wrong: "st.closed_wrong", unanswered: "st.closed_none" }[s.outcome] || "st.closed");
      box.appendChild(el("span", "", T(key)));
    }
    if (!box.classList.contains("turn")) box.style.color = "";
    box.hidden = !box.firstChild;
  }

  function buzzList(s) {
    var ul = UI.clear($("q-buzzes"));
    var list = (s.buzzes || []).slice().sort(function (a, b) {
      if (a.foul !== b.foul) return a.foul ? 1 : -1;
      return (a.rank || 0) - (b.rank || 0);
    });
    list.forEach(function (b) {
      var t = UI.teamById(s, b.team); if (!t) return;
      var li = el("li", "bz" + (b.foul ? " foul" : b.rank === 1 ? " first" : ""));
      li.style.setProperty("--team", UI.safeColor(t.color));
      li.appendChild(el("span", "bz-rank", b.foul ? T("buzz.foul") : "#" + b.rank));
      li.appendChild(el("span", "bz-name", t.name));
      li.appendChild(el("span", "bz-ms", b.foul ? T("buzz.early") : b.rank === 1 ? T("buzz.after_open", { ms: b.ms_after_open }) : "+" + b.ms_behind_first + " ms"));
      if ((s.locked_out || []).indexOf(b.team) >= 0 && !b.foul) li.classList.add("out");
      ul.appendChild(li);
    });
    ul.hidden = !list.length;
  }

  // ---- the buzz moment: the winner's colour floods the stage ----------------------------------
  function flood(s, t) {
    var f = $("flood"), color = UI.safeColor(t.color);
    f.style.setProperty("--team", color); f.style.color = UI.inkOn(color);
    $("flood-name").textContent = t.name;
    $("flood-seat").textContent = T("seat", { n: t.seat });
    var b = buzzOf(s, t.id);
    $("flood-ms").textContent = b && b.ms_after_open !== null ? T("buzz.after_open", { ms: b.ms_after_open }) : "";
    f.hidden = false; f.classList.remove("go"); f.getBoundingClientRect(); f.classList.add("go");
    clearTimeout(floodTimer);
    floodTimer = setTimeout(function () { f.hidden = true; }, 2600);
  }
  function verdict(ok, t, delta) {
    var v = $("verdict");
    v.className = "verdict " + (ok ? "ok" : "bad");
    $("verdict-mark").textContent = ok ? "✓" : "✗";
    $("verdict-team").textContent = t ? t.name : "";
    $("verdict-text").textContent = (ok ? T("v.right") : T("v.wrong")) + (delta ? "  " + UI.signed(delta) : "");
    v.hidden = false; v.getBoundingClientRect(); v.classList.add("go");
    clearTimeout(verdictTimer);
    verdictTimer = setTimeout(function () { v.hidden = true; v.classList.remove("go"); }, 1800);
  }

  // ---- wager choosing, round end, podium ----------------------------------------------------
  function choosing(s) {
    show("v-choosing");
    var w = s.wager || {}, t = w.chooser ? UI.teamById(s, w.chooser) : null;
    var who = $("ch-team");
    who.textContent = t ? t.name : "";
    who.style.setProperty("--team", t ? UI.safeColor(t.color) : "#555");
    var ul = UI.clear($("ch-cards"));
    (w.values || []).forEach(function (v, i) {
      var left = (w.left || {})[String(v)] || 0;
      var li = el("li", "card-v" + (left ? "" : " gone"));
      li.appendChild(el("span", "cv-letter", "ABCDEFGH".charAt(i)));
      li.appendChild(el("span", "cv-value", T("q.points", { n: v })));
      li.appendChild(el("span", "cv-left", T("wager.left", { n: left })));
      ul.appendChild(li);
    });
  }
  function podium(s) {
    show("v-podium");
    var rows = s.final || UI.ranked(s.teams).map(function (t) { return { team: t.id, name: t.name, score: t.score, rank: t._rank }; });
    var ol = UI.clear($("podium"));
    // podium places for ranks 1–3 (ties share a place); first in the middle
    var top = rows.filter(function (r) { return r.rank <= 3; }).slice(0, 5);
    var order = [];
    top.forEach(function (r, i) { if (i % 2) order.unshift(r); else order.push(r); });
    order.forEach(function (r) {
      var t = UI.teamById(s, r.team) || {};
      var li = el("li", "pod pod-" + r.rank); li.dataset.rank = String(r.rank);
      li.style.setProperty("--team", UI.safeColor(t.color));
      li.appendChild(el("span", "pod-name" + (r.name.length > 8 ? " long" : ""), r.name));
      li.appendChild(el("span", "pod-score", T("score.n", { n: r.score })));
      li.appendChild(el("span", "pod-block", T("rank.n", { n: r.rank })));
      ol.appendChild(li);
    });
    var rest = UI.clear($("podium-rest"));
    rows.filter(function (r) { return r.rank > 3; }).forEach(function (r) {
      rest.appendChild(el("li", "", T("rank.n", { n: r.rank }) + "  " + r.name + "  " + r.score));
    });
    stageReveal(s);
  }

  // ---- the staged reveal: third, second, first, each with a sound, then the whole podium ------
  // Paced from the "finished" event's server time, so a reloaded projector and the host's mirror
  // stay in step; the host can skip it (the `reveal` message). Each place waits QuizReveal.STEP
// (static/js/reveal.js: the phones show their own place in step with it).
  var revealTimer = null, revealSkipped = false, revealSeen = -1;
  function revealStart(s) {
    var ev = s.last_event || {};
    return ev.type === "finished" && ev.at ? ev.at : null;
  }
  function stageReveal(s) {
    clearInterval(revealTimer);
    revealSeen = -1;
    drawReveal();
    revealTimer = setInterval(drawReveal, 200);
  }
  function drawReveal() {
    var s = last, box = $("podium");
    if (!s || s.phase !== "finished") { clearInterval(revealTimer); return; }
    var places = [];
    Array.prototype.forEach.call(box.children, function (li) {
      var r = parseInt(li.dataset.rank, 10); if (places.indexOf(r) < 0) places.push(r);
    });
    places.sort(function (a, b) { return b - a; });           // 3, 2, 1
    var start = revealStart(s), now = live ? live.now() : Date.now();
    var shown = window.QuizReveal.count(start, now, places.length, revealSkipped);
    var open = places.slice(0, shown);
    Array.prototype.forEach.call(box.children, function (li) {
      li.classList.toggle("shown", open.indexOf(parseInt(li.dataset.rank, 10)) >= 0);
    });
    var done = shown >= places.length;
    box.dataset.stage = String(shown);
    $("podium-rest").hidden = !done; $("podium-rule").hidden = !done;
    $("reveal-wait").hidden = done;
    // the best players beside the podium, once first place is out (it would tell who won)
    var pboard = $("podium-pboard"), withBoard = !!(s.player_board && s.player_board.length);
    $("v-podium").classList.toggle("with-pboard", withBoard && done);
    if (done) window.QuizPlayerBoard.draw(pboard, s); else pboard.hidden = true;
    if (shown !== revealSeen) {
      if (revealSeen >= 0 && shown > revealSeen) { if (done) Sfx.fanfare(); else Sfx.reveal(); }
      revealSeen = shown;
    }
    if (done) clearInterval(revealTimer);
  }
  function onReveal(msg) { if (msg && msg.action === "skip") { revealSkipped = true; drawReveal(); } }

  // ---- the player board (personal points, contest setting player_board) beside the team board --
  function playerBoards(s) {
    window.QuizPlayerBoard.draw($("rail-pboard"), s);
    window.QuizPlayerBoard.draw($("board-pboard"), s);
  }

  // ---- render -------------------------------------------------------------------------------
  function render(s) {
    var prev = last; last = s;
    topbar(s);
    var ph = s.phase;
    document.body.dataset.phase = ph;
    if (ph === "lobby") lobby(s);
    else if (ph === "round_intro") {
      show("v-intro");
      var r = s.round || {};
      $("intro-n").textContent = r.index ? T("round.n_of", { n: r.index, count: r.count }) : "";
      $("intro-title").textContent = r.title || kindName(r.kind);
      $("intro-kind").textContent = kindName(r.kind);
      $("intro-rules").textContent = rulesLine(r, caps(s));
    } else if (ph === "choosing") choosing(s);
    else if (ph === "round_end") {
      show("v-board");
      $("board-title").textContent = T("board.round_end", { title: (s.round && (s.round.title || kindName(s.round.kind))) || "" });
      bigBoard.update(s.teams);
    } else if (ph === "finished") podium(s);
    else if (s.question) question(s);
    if (!s.question || ph === "finished" || ph === "round_end") { stopMedia(); mediaBox(null); }
    if (ph !== "lobby") board.update(s.teams);
    playerBoards(s);
    if (ph !== "open" && ph !== "answering" && ph !== "collecting") ring.set(null);
    // the buzz moment, seen from the state (also right after a reload, without the flood)
    if (prev && s.question && ph === "answering" && s.turn &&
        caps(s).buzzers &&
        !(prev.phase === "answering" && prev.turn === s.turn && prev.question && prev.question.id === s.question.id &&
          prev.question.attempt === s.question.attempt)) {
      flood(s, UI.teamById(s, s.turn));
    }
    if (ph !== "answering") { $("flood").hidden = true; }
  }

  function onEvents(msg) {
    (msg.events || []).forEach(function (e) {
      var t = e.team ? UI.teamById(last, e.team) : null;
      if (e.type === "buzz" && e.first) Sfx.buzz();
      else if (e.type === "foul") Sfx.foul();
      else if (e.type === "buzzers_open" || e.type === "answers_open") Sfx.open();
      else if (e.type === "judged") { if (e.correct) Sfx.right(); else Sfx.wrong(); verdict(e.correct, t, e.delta); }
      else if (e.type === "revealed") { Sfx.reveal(); $("verdict").hidden = true; }
      else if (e.type === "finished") Sfx.open();        // the reveal's own sounds follow
      else if (e.type === "question_closed" && e.expired) Sfx.timeup();
    });
  }

  function onPresence(p) { presence = p; if (last && last.phase === "lobby") lobby(last); }

  // sound needs one click or key press on the projector laptop
  function unlock() {
    Sfx.unlock();
    setTimeout(function () { $("sound-hint").hidden = Sfx.ready() || mirror; }, 100);
  }
  document.addEventListener("click", unlock);
  document.addEventListener("keydown", function (e) {
    unlock();
    if (e.key === "f" || e.key === "F") {
      if (document.fullscreenElement) document.exitFullscreen(); else if (root.requestFullscreen) root.requestFullscreen();
    }
  });
  $("sound-hint").hidden = mirror;

  live = window.QuizLive.connect({
    contest: code, role: "screen", render: render, onEvents: onEvents, onPresence: onPresence,
    onStatus: function (ok) { $("offline").hidden = ok; }
  });
  live.socket.on("reveal", onReveal);
  if (!mirror) live.socket.on("media", onMedia);  // the host's mirror stays silent
  else document.body.classList.add("mirror-media");
})();
