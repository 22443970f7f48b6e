// Small DOM helpers shared by the three screens: elements with text (never HTML),
// the option colours and shapes (the same on projector and phone), ranks with ties.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var LETTERS = "ABCDEFGH";
  // Kahoot-like: colour + shape + letter, so colour-blind players still match phone to screen.
  var OPTIONS = [
    { color: "#e21b3c", shape: "triangle" }, { color: "#1368ce", shape: "diamond" },
    { color: "#c98a00", shape: "circle" }, { color: "#26890c", shape: "square" },
    { color: "#864cbf", shape: "star" }, { color: "#0a8a8a", shape: "hexagon" },
    { color: "#c2185b", shape: "pentagon" }, { color: "#6d4c41", shape: "cross" }
  ];
  var TF = { "true": { color: "#26890c", shape: "check" }, "false": { color: "#e21b3c", shape: "x" } };
  var PATHS = {
    triangle: "M50 8 L94 88 L6 88 Z",
    diamond: "M50 4 L96 50 L50 96 L4 50 Z",
    square: "M12 12 H88 V88 H12 Z",
    star: "M50 5 L61 38 L96 38 L68 59 L79 93 L50 72 L21 93 L32 59 L4 38 L39 38 Z",
    hexagon: "M27 8 H73 L96 50 L73 92 H27 L4 50 Z",
    pentagon: "M50 5 L95 38 L78 92 H22 L5 38 Z",
    cross: "M35 5 H65 V35 H95 V65 H65 V95 H35 V65 H5 V35 H35 Z",
    check: "M8 52 L22 38 L40 56 L78 16 L92 30 L40 84 Z",
    x: "M20 6 L50 36 L80 6 L94 20 L64 50 L94 80 L80 94 L50 64 L20 94 L6 80 L36 50 L6 20 Z"
  };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function shape(name, fill) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 100 100");
    svg.setAttribute("class", "shape");
    svg.setAttribute("aria-hidden", "true");
    if (name === "circle") {
      var c = document.createElementNS(SVG, "circle");
      c.setAttribute("cx", "50"); c.setAttribute("cy", "50"); c.setAttribute("r", "44");
      c.setAttribute("fill", fill || "#fff"); svg.appendChild(c);
    } else {
      var p = document.createElementNS(SVG, "path");
      p.setAttribute("d", PATHS[name] || PATHS.square); p.setAttribute("fill", fill || "#fff");
      svg.appendChild(p);
    }
    return svg;
  }
  // The choices of a question as [{key, letter, text, color, shape}]: letters for choice
  // questions, "true"/"false" for true/false; none for typed answers.
  function choices(q, T) {
    if (!q) return [];
    if (q.type === "true_false") {
      return [{ key: "true", letter: "✓", text: T("tf.true"), color: TF["true"].color, shape: "check" },
              { key: "false", letter: "✗", text: T("tf.false"), color: TF["false"].color, shape: "x" }];
    }
    if (q.type !== "single" && q.type !== "multiple") return [];
    return (q.options || []).map(function (text, i) {
      var o = OPTIONS[i % OPTIONS.length];
      return { key: LETTERS[i], letter: LETTERS[i], text: text, color: o.color, shape: o.shape };
    });
  }
  // Ranks from scores, ties share a rank (1, 2, 2, 4); the view's own rank wins when given.
  function ranked(teams) {
    var list = (teams || []).slice().sort(function (a, b) {
      return (b.score - a.score) || ((a.seat || 0) - (b.seat || 0));
    });
    var prev = null, rank = 0;
    list.forEach(function (t, i) {
      if (prev === null || t.score !== prev) { rank = i + 1; prev = t.score; }
      t._rank = t.rank || rank;
    });
    return list;
  }
  function teamById(state, id) {
    var ts = (state && state.teams) || [];
    for (var i = 0; i < ts.length; i++) if (ts[i].id === id) return ts[i];
    return null;
  }
  function signed(n) { return (n > 0 ? "+" : n < 0 ? "−" : "±") + Math.abs(n); }
  // Readable text colour on a team colour.
  function inkOn(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) return "#fff";
    var v = parseInt(m[1], 16), r = v >> 16, g = (v >> 8) & 255, b = v & 255;
    return (0.299 * r + 0.587 * g + 0.114 * b) > 170 ? "#111" : "#fff";
  }
  function safeColor(hex) { return /^#[0-9a-f]{6}$/i.test(hex || "") ? hex : "#607d8b"; }

  window.QuizUI = { el: el, clear: clear, shape: shape, choices: choices, ranked: ranked,
    teamById: teamById, signed: signed, inkOn: inkOn, safeColor: safeColor, LETTERS: LETTERS };
})();
