// Buzzer clock sync (docs/protocol.md, "Clock sync and press times"): a burst of `time` samples
// when the socket connects, then a pair every few seconds, and a new burst when the network or
// the page's visibility changes. Each sample after the first echoes the server's `now` from the
// previous ack, so the server measures this buzzer's round trip itself. The offset is the median
// of the fastest recent samples; its uncertainty is half their spread plus a little for drift.
// A press is stamped from the event's own timestamp (event.timeStamp, on performance.timeOrigin),
// not from when the script ran, and converted to server time.
(function () {
  "use strict";
  var BURST = 6, EVERY_MS = 5000, KEEP_MS = 30000, FASTEST = 3;

  function local() { return performance.timeOrigin + performance.now(); }

  function attach(live, opts) {
    opts = opts || {};
    var samples = [], echo = null, busy = false, clock = { offset: null, rtt: null, uncertainty: null };
    live.clock = clock;  // live.js then leaves the offset to this module

    function estimate() {
      var now = local();
      samples = samples.filter(function (s) { return now - s.at < KEEP_MS; });
      if (!samples.length) return;
      var best = samples.slice().sort(function (a, b) { return a.rtt - b.rtt; }).slice(0, FASTEST);
      var offs = best.map(function (s) { return s.offset; }).sort(function (a, b) { return a - b; });
      clock.offset = offs[Math.floor(offs.length / 2)];
      clock.rtt = best[0].rtt;
      var age = (now - best[0].at) / 1000;  // a quartz clock drifts up to ~0.1 ms a second
      clock.uncertainty = Math.ceil((offs[offs.length - 1] - offs[0]) / 2 + 1 + age * 0.1);
      live.offset = clock.offset + (local() - Date.now());
      if (opts.onClock) opts.onClock(clock);
    }
    function sample(left) {
      if (!live.socket.connected || left <= 0) { busy = false; return; }
      var t0 = local();
      var payload = { echo: echo, rtt: clock.rtt, offset: clock.offset, uncertainty: clock.uncertainty };
      if (opts.deskTeams) payload.desk_teams = opts.deskTeams;
      live.socket.timeout(5000).emit("time", payload, function (err, ack) {
        var t1 = local();
        if (err || !ack || !ack.ok) { echo = null; busy = false; return; }
        echo = ack.now;
        samples.push({ at: t1, rtt: t1 - t0, offset: ack.now - (t0 + t1) / 2 });
        estimate();
        sample(left - 1);
      });
    }
    function burst(n) { if (busy) return; busy = true; echo = null; sample(n); }
    clock.resync = function () { burst(BURST); };
    clock.now = function () { return local() + (clock.offset || 0); };
    // the server time of an input event (its own timestamp), or of now without an event
    clock.pressTime = function (e) {
      if (clock.offset === null) return undefined;
      var t = e && e.timeStamp > 0 ? performance.timeOrigin + e.timeStamp : local();
      if (Math.abs(t - local()) > 10000) t = local();  // an old browser's epoch timeStamp
      return Math.round(t + clock.offset);
    };
    // buzzers scheduled to open at a server time light at that instant on this clock
    clock.isOpen = function (s) { return !!(s && s.opens_at && clock.offset !== null && clock.now() >= s.opens_at); };
    var openTimer = null;
    clock.watchOpening = function (s, render) {
      clearTimeout(openTimer);
      if (s && s.opens_at && !clock.isOpen(s)) openTimer = setTimeout(render, Math.max(0, s.opens_at - clock.now()));
    };
    live.socket.on("connect", function () { burst(BURST); });
    if (live.socket.connected) burst(BURST);
    setInterval(function () { burst(2); }, EVERY_MS);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") burst(BURST); });
    window.addEventListener("online", function () { burst(BURST); });
    var conn = navigator.connection;
    if (conn && conn.addEventListener) conn.addEventListener("change", function () { samples = []; burst(BURST); });
    return clock;
  }
  window.QuizClock = { attach: attach };
})();
