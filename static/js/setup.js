// Contest setup form: teams and rounds in, a contest file (docs/contest-file.md) out.
(function () {
  "use strict";
  var T = window.SETUP_TEXT;
  var form = document.getElementById("setup");
  var teamsBody = document.querySelector("#teams tbody");
  var roundsBox = document.getElementById("rounds");
  var errorBox = document.getElementById("setup-error");
  var PALETTE = ["#e53935", "#1e88e5", "#43a047", "#fdd835", "#8e24aa", "#fb8c00",
                 "#00acc1", "#d81b60", "#6d4c41", "#546e7a"];
  var zh = document.documentElement.lang.indexOf("zh") === 0;

  function el(tag, attrs) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function addTeam(team) {
    var i = teamsBody.children.length;
    var tr = el("tr");
    var seat = el("input", { type: "number", name: "seat", min: "0", value: team.seat || i + 1 });
    var name = el("input", { name: "name", maxlength: "60", required: "" });
    name.value = team.name || "";
    var color = el("input", { type: "color", name: "color", value: team.color || PALETTE[i % PALETTE.length] });
    var roster = el("input", { name: "roster" });
    roster.value = (team.roster || []).join(", ");
    var remove = el("button", { type: "button", "class": "linklike", "aria-label": T.remove });
    remove.textContent = "✕";
    remove.onclick = function () { tr.remove(); };
    [seat, name, color, roster, remove].forEach(function (input) {
      var td = el("td"); td.appendChild(input); tr.appendChild(td);
    });
    teamsBody.appendChild(tr);
  }

  function addRound(kind, title, count) {
    var node = document.getElementById("round-template").content.firstElementChild.cloneNode(true);
    node.dataset.kind = kind;
    node.querySelector(".round-kind").textContent = T[kind];
    node.querySelector("[name=title]").value = title || T[kind].replace(/\s*\(.*\)/, "");
    if (count) node.querySelector("[name=count]").value = count;
    if (kind === "wager") node.querySelector("[name=count]").closest("label").hidden = true;
    node.querySelector(".remove").onclick = function () { node.remove(); };
    roundsBox.appendChild(node);
  }

  function num(input) {
    return input.value === "" ? null : parseInt(input.value, 10);
  }

  function spec() {
    var s = { name: form.name.value.trim(), base_score: num(form.base_score) || 0,
              bank: form.bank.value || undefined, exclude_used: form.exclude_used.checked,
              teams: [], rounds: [] };
    Array.prototype.forEach.call(teamsBody.children, function (tr) {
      var q = function (n) { return tr.querySelector("[name=" + n + "]"); };
      if (!q("name").value.trim()) return;
      s.teams.push({ name: q("name").value.trim(), color: q("color").value, seat: num(q("seat")),
                     roster: q("roster").value.split(/[,，、]/).map(function (x) { return x.trim(); })
                       .filter(Boolean) });
    });
    Array.prototype.forEach.call(roundsBox.children, function (node) {
      var q = function (n) { return node.querySelector("[name=" + n + "]"); };
      var kind = node.dataset.kind;
      var filters = {};
      ["type", "category", "difficulty", "order"].forEach(function (k) {
        if (q(k).value) filters[k] = q(k).value;
      });
      var settings = {};
      ["right_points", "wrong_points", "answer_time"].forEach(function (k) {
        if (q(k).value !== "") settings[k] = num(q(k));
      });
      var draw = [];
      if (kind === "wager") {
        var values = q("values").value.split(/[,，\s]+/).map(Number).filter(function (v) { return v > 0; });
        settings = { values: values };
        if (q("answer_time").value !== "") settings.answer_time = num(q("answer_time"));
        values.forEach(function (v) {
          draw.push(Object.assign({ level: v, count: num(q("per_level")) || 1 }, filters));
        });
      } else {
        draw.push(Object.assign({ count: num(q("count")) || 1 }, filters));
      }
      s.rounds.push({ kind: kind, title: q("title").value.trim(), settings: settings, draw: draw });
    });
    return s;
  }

  function send(body, headers) {
    errorBox.hidden = true;
    headers["X-CSRFToken"] = form.dataset.csrf;
    return fetch(form.dataset.create, { method: "POST", headers: headers, body: body,
                                        credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        if (res.ok) { window.location = res.url; return; }
        errorBox.textContent = T.failed + " " + (zh ? res.message_zh : res.message);
        errorBox.hidden = false;
        errorBox.scrollIntoView();
      });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    send(JSON.stringify(spec()), { "Content-Type": "application/json" });
  });
  document.getElementById("upload").addEventListener("submit", function (e) {
    e.preventDefault();
    send(new FormData(e.target), {});
  });
  document.getElementById("add-team").onclick = function () { addTeam({}); };
  document.getElementById("add-round").onclick = function () {
    addRound(document.getElementById("new-round-kind").value);
  };

  var summary = JSON.parse(document.getElementById("bank-summary").textContent || "[]");
  var cats = {}, diffs = {};
  summary.forEach(function (b) {
    b.categories.forEach(function (c) { cats[c] = 1; });
    b.difficulties.forEach(function (d) { diffs[d] = 1; });
  });
  [["categories", cats], ["difficulties", diffs]].forEach(function (pair) {
    var list = document.getElementById(pair[0]);
    Object.keys(pair[1]).forEach(function (v) { var o = el("option"); o.value = v; list.appendChild(o); });
  });

  var example = JSON.parse(document.getElementById("setup-example").textContent);
  example.teams.forEach(addTeam);
  example.rounds.forEach(function (r) {
    var count = (r.draw || []).reduce(function (n, d) { return n + (d.count || 0); }, 0);
    addRound(r.kind, r.title, count);
  });
})();
