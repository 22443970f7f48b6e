// Sounds synthesized with the Web Audio API: nothing to download, nothing to license.
// Browsers start audio only after a user gesture: call QuizSfx.unlock() from a click or key.
(function () {
  "use strict";
  var ctx = null, muted = false;
  function ac() {
    if (!ctx) {
      var C = window.AudioContext || window.webkitAudioContext;
      if (!C) return null;
      try { ctx = new C(); } catch (e) { return null; }
    }
    return ctx;
  }
  function tone(freq, start, dur, type, gain, slideTo) {
    var c = ac(); if (!c || muted || c.state !== "running") return;
    var t = c.currentTime + start;
    var o = c.createOscillator(), g = c.createGain();
    o.type = type || "sine";
    o.frequency.setValueAtTime(freq, t);
    if (slideTo) o.frequency.exponentialRampToValueAtTime(slideTo, t + dur);
    g.gain.setValueAtTime(0.0001, t);
    g.gain.exponentialRampToValueAtTime(gain || 0.3, t + 0.01);
    g.gain.exponentialRampToValueAtTime(0.0001, t + dur);
    o.connect(g); g.connect(c.destination);
    o.start(t); o.stop(t + dur + 0.02);
  }
  var S = {
    unlock: function () { var c = ac(); if (c && c.state !== "running") c.resume(); return !!c; },
    ready: function () { return !!ctx && ctx.state === "running"; },
    mute: function (m) { muted = !!m; },
    // the buzz: a bright two-tone blast
    buzz: function () { tone(880, 0, 0.18, "square", 0.25); tone(1320, 0.12, 0.45, "square", 0.22); },
    tick: function (last) { tone(last ? 1400 : 1000, 0, 0.07, "square", 0.18); },
    open: function () { tone(660, 0, 0.12, "triangle", 0.3); tone(990, 0.1, 0.25, "triangle", 0.3); },
    right: function () { [523, 659, 784, 1047].forEach(function (f, i) { tone(f, i * 0.09, 0.3, "triangle", 0.3); }); },
    wrong: function () { tone(220, 0, 0.5, "sawtooth", 0.25, 140); tone(233, 0.02, 0.5, "sawtooth", 0.18, 150); },
    foul: function () { tone(330, 0, 0.15, "square", 0.25); tone(330, 0.22, 0.15, "square", 0.25); },
    reveal: function () { tone(784, 0, 0.2, "sine", 0.3); tone(1175, 0.15, 0.5, "sine", 0.28); },
    fanfare: function () { [523, 659, 784, 659, 784, 1047].forEach(function (f, i) { tone(f, i * 0.14, 0.35, "triangle", 0.3); }); },
    timeup: function () { tone(440, 0, 0.6, "square", 0.2, 220); }
  };
  window.QuizSfx = S;
})();
