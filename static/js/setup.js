// The contest form (new and edit): every setting of the rules as a field with its default
// written in and a hint; out comes a contest file (docs/contest-file.md) sent as JSON.
// A refusal names a field (data-path), which is highlighted and focused.
(function () {
  "use strict";
  function data(id) { return JSON.parse(document.getElementById(id).textContent || "null"); }
  var TX = data("setup-texts"), W = TX.words, DEFAULTS = data("setup-defaults");
  var spec = data("setup-spec") || {}, summary = data("bank-summary") || [];
  var form = document.getElementById("setup");
  var teamsBody = document.querySelector("#teams tbody");
  var roundsBox = document.getElementById("rounds");
  var errorBox = document.getElementById("setup-error");
  var PALETTE = ["#e53935", "#1e88e5", "#43a047", "#fdd835", "#8e24aa", "#fb8c00",
                 "#00acc1", "#d81b60", "#6d4c41", "#546e7a"];
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var TIEBREAK_KEYS = ["answer_time", "buzz_window", "right_points", "wrong_points",
                       "timeout_points", "foul_points", "foul_lockout"];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(s, vars) { return s.replace(/\{(\w+)\}/g, function (_m, k) { return vars[k]; }); }
  function byId(id) { return document.getElementById(id); }

  // ---- one setting as a field -----------------------------------------------------------
  function settingField(key, def, value, path) {
    var words = TX.settings[key] || [key, ""];
    var label = el("label", { "class": "setting" });
    var input;
    var v = value === undefined ? def : value;
    if (typeof def === "boolean") {
      label.className = "setting check";
      input = el("input", { type: "checkbox" });
      input.checked = !!v;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + words[0]));
    } else {
      label.appendChild(document.createTextNode(words[0] + " "));
      if (TX.choices[key]) {
        input = el("select");
        Object.keys(TX.choices[key]).forEach(function (c) {
          var o = el("option", { value: c }, TX.choices[key][c]);
          input.appendChild(o);
        });
        input.value = v;
      } else if (Array.isArray(def)) {
        input = el("input", { inputmode: "numeric" });
        input.value = (v || []).join(",");
      } else {
        input = el("input", { type: "number", step: "1" });
        input.value = v === null || v === undefined ? "" : v;
      }
      label.appendChild(input);
    }
    input.dataset.setting = key;
    input.dataset.path = path;
    input.dataset.kind = Array.isArray(def) ? "list" : typeof def === "boolean" ? "bool"
      : TX.choices[key] ? "choice" : "int";
    var shown = Array.isArray(def) ? def.join(",") : def === null ? "—" :
      typeof def === "boolean" ? (def ? "✓" : "✗") : TX.choices[key] ? TX.choices[key][def] : def;
    var hint = el("span", { "class": "hint" },
      (words[1] ? words[1] + " · " : "") + W["default"] + " " + shown);
    label.appendChild(hint);
    return label;
  }

  function readSettings(box) {
    var out = {}, bad = null;
    box.querySelectorAll("[data-setting]").forEach(function (input) {
      var key = input.dataset.setting, kind = input.dataset.kind;
      if (kind === "bool") out[key] = input.checked;
      else if (kind === "choice") out[key] = input.value;
      else if (kind === "list") {
        var parts = input.value.split(/[,，、\s]+/).filter(Boolean);
        var nums = parts.map(Number);
        if (!nums.length || nums.some(function (n) { return !(n > 0) || n % 1; })) bad = bad || [input, W["bad.values"]];
        out[key] = nums;
      } else if (input.value.trim() === "") out[key] = null;
      else {
        var n = Number(input.value);
        if (n % 1 !== 0 || isNaN(n)) bad = bad || [input, W["bad.number"]];
        out[key] = n;
      }
    });
    // a "None" default left empty stays null; a required number left empty takes the default
    return { values: out, bad: bad };
  }

  // ---- teams -----------------------------------------------------------------------------
  function renumberTeams() {
    Array.prototype.forEach.call(teamsBody.children, function (tr, i) {
      tr.querySelector(".t-name").dataset.path = "teams." + (i + 1) + ".name";
      tr.querySelector(".t-seat").dataset.path = "teams." + (i + 1) + ".seat";
    });
  }

  function addTeam(team) {
    if (typeof team === "string") team = { name: team };
    var i = teamsBody.children.length;
    var tr = el("tr", { "class": "team-row" });
    var seat = el("input", { type: "number", "class": "t-seat", min: "0", "aria-label": "seat" });
    seat.value = team.seat || i + 1;
    var name = el("input", { "class": "t-name", maxlength: "60" });
    name.value = team.name || "";
    var color = el("input", { type: "color", "class": "t-color" });
    color.value = team.color || PALETTE[i % PALETTE.length];
    var roster = el("input", { "class": "t-roster" });
    roster.value = (team.roster || []).join(", ");
    var remove = el("button", { type: "button", "class": "linklike remove-team", "aria-label": W.remove }, "✕");
    remove.addEventListener("click", function () { tr.remove(); renumberTeams(); updateWagerNotes(); });
    [seat, name, color, roster, remove].forEach(function (input) {
      var td = el("td"); td.appendChild(input); tr.appendChild(td);
    });
    teamsBody.appendChild(tr);
    renumberTeams();
    updateWagerNotes();
    return tr;
  }

  // ---- rounds ----------------------------------------------------------------------------
  function select(cls, options, value) {
    var s = el("select", { "class": cls });
    options.forEach(function (o) { s.appendChild(el("option", { value: o[0] }, o[1])); });
    s.value = value || "";
    return s;
  }
  function labelled(text, input) {
    var l = el("label"); l.appendChild(document.createTextNode(text + " ")); l.appendChild(input);
    return l;
  }

  function renumberRounds() {
    Array.prototype.forEach.call(roundsBox.children, function (node, i) {
      var n = i + 1;
      node.querySelector(".round-no").textContent = n + ". ";
      node.dataset.path = "rounds." + n;
      node.querySelector(".r-kind-path").dataset.path = "rounds." + n + ".kind";
      node.querySelector(".draws").dataset.path = "rounds." + n + ".draws";
      Array.prototype.forEach.call(node.querySelectorAll(".draw-row"), function (tr, j) {
        tr.querySelector(".d-count").dataset.path = "rounds." + n + ".draws." + (j + 1) + ".count";
      });
      node.querySelectorAll("[data-setting]").forEach(function (input) {
        input.dataset.path = "rounds." + n + ".settings." + input.dataset.setting;
      });
    });
  }

  // One draw from the bank: how many questions, of which type, category, difficulty, bank.
  // A wager round has one draw per value (its "level"); the values setting drives the rows.
  function drawRow(d, level) {
    var tr = el("tr", { "class": "draw-row" });
    if (level !== undefined) tr.dataset.level = level;
    var levelCell = el("td", { "class": "d-level" }, level !== undefined ? String(level) : "");
    var count = el("input", { type: "number", "class": "d-count", min: "1", max: "500",
                              "aria-label": level !== undefined ? W.per_level : W.count });
    count.value = d.count || (level !== undefined ? 2 : 6);
    var cat = el("input", { "class": "d-category", list: "categories", "aria-label": W.category });
    cat.value = d.category || "";
    var cells = [levelCell, count,
      select("d-type", ["", "single", "multiple", "true_false", "fill_blank", "open"]
        .map(function (t) { return [t, W["type." + t]]; }), d.type),
      cat,
      select("d-difficulty", ["", "easy", "medium", "hard"]
        .map(function (t) { return [t, W["difficulty." + t]]; }), d.difficulty),
      select("d-order", [["random", W["order.random"]], ["sheet", W["order.sheet"]]], d.order || "random"),
      select("d-bank", [["", W["bank.default"]]].concat(
        summary.map(function (b) { return [b.name, b.name + " (" + b.count + ")"]; })), d.bank)];
    cells.forEach(function (c, i) {
      if (i === 0) { tr.appendChild(c); return; }
      var td = el("td"); td.appendChild(c); tr.appendChild(td);
    });
    var td = el("td");
    if (level === undefined) {
      var remove = el("button", { type: "button", "class": "linklike remove-draw", "aria-label": W.remove }, "✕");
      remove.addEventListener("click", function () {
        var node = tr.closest("fieldset"); tr.remove(); renumberRounds(); updateWagerNotes(); node && node;
      });
      td.appendChild(remove);
    }
    tr.appendChild(td);
    return tr;
  }

  // a format whose teams stake a value (风险) draws its questions per value: its capabilities say so
  function staked(kind) { var f = (DEFAULTS.formats || {})[kind]; return !!(f && f.wager); }

  function drawTable(node, kind) {
    var table = el("table", { "class": "list draws" });
    var head = el("tr");
    [staked(kind) ? (zh ? "分值" : "Value") : "", staked(kind) ? W.per_level : W.count,
     W.type, W.category, W.difficulty, W.draw_order, W.bank, ""].forEach(function (h) {
      head.appendChild(el("th", {}, h));
    });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    table.appendChild(el("tbody"));
    return table;
  }

  function syncWagerRows(node) {
    var body = node.querySelector(".draws tbody");
    var values = node.querySelector("[data-setting=values]").value.split(/[,，、\s]+/)
      .filter(Boolean).map(Number).filter(function (v) { return v > 0 && v % 1 === 0; });
    var rows = {};
    Array.prototype.forEach.call(body.children, function (tr) { rows[tr.dataset.level] = tr; });
    var template = body.firstElementChild;
    values.forEach(function (v) {
      var tr = rows[v];
      if (!tr) {
        var d = {};
        if (template) {
          d = { count: template.querySelector(".d-count").value, type: "", category: template.querySelector(".d-category").value,
                difficulty: template.querySelector(".d-difficulty").value, order: template.querySelector(".d-order").value,
                bank: template.querySelector(".d-bank").value };
        }
        tr = drawRow(d, v);
      }
      body.appendChild(tr);  // in the order of the values
      delete rows[v];
    });
    Object.keys(rows).forEach(function (k) { rows[k].remove(); });
    renumberRounds();
  }

  function addRound(r) {
    var kind = r.kind;
    var draws = Array.isArray(r.draw) ? r.draw : r.draw ? [r.draw] : [];
    var node = el("fieldset", { "class": "round", "data-kind": kind });
    node._inline = r.questions || [];
    var legend = el("legend", { "class": "r-kind-path" });
    legend.appendChild(el("span", { "class": "round-no" }));
    legend.appendChild(el("span", { "class": "round-kind" }, W["kind." + kind]));
    var up = el("button", { type: "button", "class": "linklike move-up", "aria-label": W.up }, "↑");
    var down = el("button", { type: "button", "class": "linklike move-down", "aria-label": W.down }, "↓");
    var remove = el("button", { type: "button", "class": "linklike remove-round", "aria-label": W.remove }, "✕");
    up.addEventListener("click", function () {
      if (node.previousElementSibling) roundsBox.insertBefore(node, node.previousElementSibling);
      renumberRounds();
    });
    down.addEventListener("click", function () {
      if (node.nextElementSibling) roundsBox.insertBefore(node.nextElementSibling, node);
      renumberRounds();
    });
    remove.addEventListener("click", function () { node.remove(); renumberRounds(); });
    [up, down, remove].forEach(function (b) { legend.appendChild(document.createTextNode(" ")); legend.appendChild(b); });
    node.appendChild(legend);

    var title = el("input", { "class": "r-title", maxlength: "100" });
    title.value = r.title !== undefined ? r.title : W["kind." + kind].replace(/\s*\(.*\)/, "");
    var top = el("div", { "class": "grid4" });
    top.appendChild(labelled(W.title, title));
    node.appendChild(top);

    node.appendChild(el("h3", {}, W.draws));
    var table = drawTable(node, kind);
    node.appendChild(table);
    var body = table.querySelector("tbody");
    if (!staked(kind)) {
      if (!draws.length && !node._inline.length) draws = [{}];
      draws.forEach(function (d) { body.appendChild(drawRow(d)); });
      var more = el("button", { type: "button", "class": "secondary add-draw" }, "+ " + W.add_draw);
      more.addEventListener("click", function () { body.appendChild(drawRow({})); renumberRounds(); });
      node.appendChild(more);
    } else {
      draws.forEach(function (d) { body.appendChild(drawRow(d, d.level)); });
    }
    if (node._inline.length) node.appendChild(el("p", { "class": "hint inline-note" }, fmt(W.inline, { n: node._inline.length })));

    node.appendChild(el("h3", {}, W.settings));
    var sgrid = el("div", { "class": "grid4 settings" });
    var defs = DEFAULTS.rounds[kind], mine = r.settings || {};
    Object.keys(defs).forEach(function (key) {
      sgrid.appendChild(settingField(key, defs[key], mine[key], ""));
    });
    node.appendChild(sgrid);
    if (staked(kind)) {
      node.dataset.staked = "1";
      node.appendChild(el("p", { "class": "hint wager-note", "aria-live": "polite" }));
      node.querySelector("[data-setting=values]").addEventListener("input", function () { syncWagerRows(node); });
      node.addEventListener("input", updateWagerNotes);
      syncWagerRows(node);
    }
    roundsBox.appendChild(node);
    renumberRounds();
    updateWagerNotes();
    return node;
  }

  function updateWagerNotes() {
    if (!roundsBox) return;
    roundsBox.querySelectorAll("fieldset[data-staked]").forEach(function (node) {
      var values = node.querySelector("[data-setting=values]").value.split(/[,，、\s]+/).filter(Boolean);
      var counts = Array.prototype.map.call(node.querySelectorAll(".d-count"), function (i) {
        return parseInt(i.value, 10) || 0; });
      var n = counts.reduce(function (a, b) { return a + b; }, 0);
      var same = counts.every(function (c) { return c === counts[0]; });
      var per = same ? counts[0] || 0 : counts.join("/");
      var turns = parseInt(node.querySelector("[data-setting=turns_per_team]").value, 10) || 0;
      var teams = teamsBody.children.length;
      var need = teams * turns;
      var note = node.querySelector(".wager-note");
      note.textContent = fmt(W["wager.count"], { n: n, values: values.join(" / "), levels: values.length,
        per: per, turns: turns, teams: teams, need: need }) + (n < need ? " " + W["wager.short"] : "");
      note.classList.toggle("error", n < need);
    });
  }

  // ---- reading the form ------------------------------------------------------------------
  function num(input) { return input.value === "" ? null : Number(input.value); }

  function build() {
    var s = Object.assign({}, spec);
    delete s.code;
    s.name = byId("contest-name").value.trim();
    s.date = byId("contest-date").value || undefined;
    s.base_score = byId("base-score").value === "" ? 100 : Number(byId("base-score").value);
    s.bank = byId("contest-bank").value || undefined;
    s.join = byId("join-policy").value;
    s.exclude_used = byId("exclude-used").checked;
    s.media_on_phones = byId("media-on-phones").checked;
    var keys = byId("desk-keys").value.split(/[,，]/).map(function (k) { return k.trim(); });
    s.desk_keys = keys.some(function (k) { return k; }) ? keys : undefined;  // the buzzer desk
    s.name_filter = nameFilter();
    s.teams = [];
    s.rounds = [];
    var bad = null;
    Array.prototype.forEach.call(teamsBody.children, function (tr) {
      var q = function (c) { return tr.querySelector("." + c); };
      s.teams.push({ name: q("t-name").value.trim(), color: q("t-color").value, seat: num(q("t-seat")),
                     roster: q("t-roster").value.split(/[,，、]/).map(function (x) { return x.trim(); })
                       .filter(Boolean) });
    });
    Array.prototype.forEach.call(roundsBox.children, function (node) {
      var q = function (c) { return node.querySelector("." + c); };
      var kind = node.dataset.kind;
      var read = readSettings(node.querySelector(".settings"));
      bad = bad || read.bad;
      var settings = read.values, defs = DEFAULTS.rounds[kind];
      Object.keys(settings).forEach(function (k) {
        if (settings[k] === null && defs[k] !== null) settings[k] = defs[k];
      });
      var draw = [];
      node.querySelectorAll(".draw-row").forEach(function (tr) {
        var d = { count: num(tr.querySelector(".d-count")) };
        if (tr.dataset.level !== undefined) d.level = Number(tr.dataset.level);
        [["type", "d-type"], ["category", "d-category"], ["difficulty", "d-difficulty"],
         ["order", "d-order"], ["bank", "d-bank"]].forEach(function (p) {
          var v = tr.querySelector("." + p[1]).value.trim();
          if (v) d[p[0]] = v;
        });
        draw.push(d);
      });
      var round = { kind: kind, title: q("r-title").value.trim(), settings: settings, draw: draw };
      if (node._inline.length) round.questions = node._inline;
      s.rounds.push(round);
    });
    var c = readSettings(byId("contest-settings")), t = readSettings(byId("tiebreak-settings"));
    bad = bad || c.bad || t.bad;
    Object.keys(t.values).forEach(function (k) {
      if (t.values[k] === null && DEFAULTS.rounds.buzz[k] !== null) t.values[k] = DEFAULTS.rounds.buzz[k];
    });
    if (c.values.undo_depth === null) c.values.undo_depth = DEFAULTS.contest.undo_depth;
    s.settings = Object.assign({}, spec.settings || {}, c.values, { tiebreak: t.values });
    return { spec: s, bad: bad };
  }

  // the word filter for players' names: one word a line (quiz/live/namefilter.py)
  function nameFilter() {
    var words = byId("name-filter").value.split(/\r?\n/).map(function (w) { return w.trim(); })
      .filter(Boolean);
    return words.length ? words : undefined;
  }

  // ---- errors ----------------------------------------------------------------------------
  function clearErrors() {
    errorBox.hidden = true;
    form.querySelectorAll(".invalid").forEach(function (e) { e.classList.remove("invalid"); e.removeAttribute("aria-invalid"); });
  }
  function showError(text, field) {
    errorBox.textContent = W.failed + " " + text;
    errorBox.hidden = false;
    var target = field && (field.nodeType ? field : document.querySelector('[data-path="' + field + '"]'));
    if (!target && field) {  // rounds.2.per_level on a round without one, teams.3 ...
      var parts = field.split(".");
      while (parts.length && !target) { parts.pop(); target = document.querySelector('[data-path="' + parts.join(".") + '"]'); }
    }
    if (target) {
      target.classList.add("invalid");
      target.setAttribute("aria-invalid", "true");
      if (target.focus) target.focus();
    }
    errorBox.scrollIntoView({ block: "center" });
  }

  function send(body, headers) {
    clearErrors();
    headers["X-CSRFToken"] = form.dataset.csrf;
    var button = byId("setup-save");
    button.disabled = true;
    return fetch(form.dataset.create, { method: "POST", headers: headers, body: body,
                                        credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        button.disabled = false;
        if (res.ok) { window.location = res.url; return; }
        showError(zh ? res.message_zh : res.message, res.field);
      }, function () { button.disabled = false; showError(W.failed, null); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearErrors();
    var built = build();
    if (!built.spec.name) return showError(zh ? "比赛缺少名称" : "the contest needs a name", "name");
    if (!built.spec.teams.length) return showError(W["need.team"], byId("add-team"));
    var nameless = built.spec.teams.findIndex(function (t) { return !t.name; });
    if (nameless >= 0) return showError((zh ? "第 " + (nameless + 1) + " 支队伍缺少队名" : "team " + (nameless + 1) + " needs a name"), "teams." + (nameless + 1) + ".name");
    if (!built.spec.rounds.length) return showError(W["need.round"], byId("add-round"));
    if (built.bad) return showError(built.bad[1], built.bad[0]);
    send(JSON.stringify(built.spec), { "Content-Type": "application/json" });
  });
  var upload = byId("upload");
  if (upload) upload.addEventListener("submit", function (e) {
    e.preventDefault();
    send(new FormData(e.target), {});
  });
  byId("add-team").addEventListener("click", function () { addTeam({}).querySelector(".t-name").focus(); });
  byId("add-round").addEventListener("click", function () {
    addRound({ kind: byId("new-round-kind").value });
  });

  // ---- filling the form from the spec (the demo for a new contest, the contest to edit) ----
  var cats = {};
  summary.forEach(function (b) { b.categories.forEach(function (c) { cats[c] = 1; }); });
  Object.keys(cats).forEach(function (v) { byId("categories").appendChild(el("option", { value: v })); });
  byId("contest-name").value = spec.name || "";
  byId("contest-date").value = spec.date || "";
  if (spec.base_score !== undefined) byId("base-score").value = spec.base_score;
  if (spec.bank) byId("contest-bank").value = spec.bank;
  byId("join-policy").value = spec.join || "team_links";
  byId("exclude-used").checked = !!spec.exclude_used;
  byId("media-on-phones").checked = !!spec.media_on_phones;
  byId("desk-keys").value = (spec.desk_keys || []).join(",");
  byId("name-filter").value = (spec.name_filter || []).join("\n");
  (spec.teams || []).forEach(addTeam);
  (spec.rounds || []).forEach(addRound);
  var cs = spec.settings || {};
  ["tiebreak_counts_in_score", "undo_depth", "buzz_order", "near_tie", "player_board", "extra_time"].forEach(function (k) {
    byId("contest-settings").appendChild(settingField(k, DEFAULTS.contest[k], cs[k], "settings." + k));
  });
  var tb = cs.tiebreak || {};
  TIEBREAK_KEYS.forEach(function (k) {
    var f = settingField(k, DEFAULTS.rounds.buzz[k], tb[k], "settings.tiebreak." + k);
    f.firstChild.textContent = (zh ? "加赛：" : "Tie-break: ") + f.firstChild.textContent;
    byId("tiebreak-settings").appendChild(f);
  });
})();
