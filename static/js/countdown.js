// A countdown ring driven by the server deadline (server epoch ms) and the clock offset.
// Red in the last 5 s; onTick(secondsLeft) once per second in the last 5 s (for the tick sound).
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var R = 44, LEN = 2 * Math.PI * R;
  function Countdown(host, now, onTick) {
    this.now = now; this.onTick = onTick; this.deadline = null; this.total = 0;
    this.paused = null; this.lastTick = null;
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 100 100"); svg.setAttribute("class", "ring");
    var bg = document.createElementNS(SVG, "circle"), fg = document.createElementNS(SVG, "circle");
    [bg, fg].forEach(function (c) {
      c.setAttribute("cx", "50"); c.setAttribute("cy", "50"); c.setAttribute("r", String(R));
      c.setAttribute("fill", "none"); c.setAttribute("stroke-width", "8"); svg.appendChild(c);
    });
    bg.setAttribute("class", "ring-bg"); fg.setAttribute("class", "ring-fg");
    fg.setAttribute("stroke-dasharray", String(LEN)); fg.setAttribute("transform", "rotate(-90 50 50)");
    this.fg = fg;
    this.label = document.createElement("span"); this.label.className = "ring-num";
    host.classList.add("countdown"); host.appendChild(svg); host.appendChild(this.label);
    this.host = host;
    var self = this;
    this.timer = setInterval(function () { self.draw(); }, 100);
  }
  // deadline: server ms or null; totalMs: the full length when known; pausedMs: frozen remainder.
  Countdown.prototype.set = function (deadline, totalMs, pausedMs) {
    if (deadline !== this.deadline) {
      var left = deadline ? deadline - this.now() : 0;
      this.total = Math.max(totalMs || 0, left, 1000);
      this.lastTick = null;
    } else if (totalMs && totalMs > this.total) {
      this.total = totalMs;
    }
    if (!deadline && pausedMs && totalMs) this.total = Math.max(totalMs, pausedMs);
    this.deadline = deadline || null;
    this.paused = (pausedMs === null || pausedMs === undefined) ? null : pausedMs;
    this.draw();
  };
  Countdown.prototype.remaining = function () {
    if (this.paused !== null) return this.paused;
    if (!this.deadline) return null;
    return Math.max(0, this.deadline - this.now());
  };
  Countdown.prototype.draw = function () {
    var ms = this.remaining();
    var active = ms !== null;
    this.host.hidden = !active;
    if (!active) return;
    var secs = Math.ceil(ms / 1000);
    this.label.textContent = String(secs);
    var frac = this.total ? Math.min(1, ms / this.total) : 0;
    this.fg.setAttribute("stroke-dashoffset", String(LEN * (1 - frac)));
    var urgent = ms > 0 && ms <= 5000;
    this.host.classList.toggle("urgent", urgent);
    this.host.classList.toggle("paused", this.paused !== null);
    this.host.classList.toggle("done", ms === 0);
    if (urgent && this.paused === null && secs !== this.lastTick) {
      this.lastTick = secs;
      if (this.onTick) this.onTick(secs);
    }
  };
  window.QuizCountdown = Countdown;
})();
