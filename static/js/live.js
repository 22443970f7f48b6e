// Shared live connection: connects with the role's auth, keeps a server clock offset and the
// round trip, hands every `state` snapshot (newest version only) to the page's render, and
// forwards the other server messages. emit() always waits for the ack (with a timeout).
(function () {
  "use strict";
  function connect(opts) {
    var auth = { contest: opts.contest, role: opts.role };
    if (opts.key) auth.key = opts.key;
    if (opts.token) auth.token = opts.token;
    var socket = io({ transports: ["websocket", "polling"], tryAllTransports: true, auth: auth,
                      reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    var live = { socket: socket, offset: 0, version: -1, state: null, rtt: null, connected: false };
    function sync() {
      if (!socket.connected || live.clock) return;  // static/js/clock.js syncs buzzers
      var t0 = Date.now();
      socket.timeout(5000).emit("time", { rtt: live.rtt }, function (err, ack) {
        var t1 = Date.now();
        if (err || !ack || !ack.ok) return;
        // keep the estimate from the fastest round trip seen recently
        var rtt = t1 - t0;
        if (live.rtt === null || rtt <= live.rtt * 1.5 || !live.synced) {
          live.offset = ack.now - (t0 + t1) / 2; live.synced = true;
        }
        live.rtt = rtt;
        if (opts.onClock) opts.onClock(live);
      });
    }
    live.now = function () { return Date.now() + live.offset; };
    // emit(name, payload, cb): cb(ack) with {ok:false, error:"timeout"} when no ack comes.
    live.emit = function (name, payload, cb) {
      socket.timeout(8000).emit(name, payload || {}, function (err, ack) {
        if (err) ack = { ok: false, error: "timeout" };
        if (cb) cb(ack || { ok: false, error: "server_error" });
      });
    };
    live.setAuth = function (extra) {
      for (var k in extra) {
        if (extra[k] === null || extra[k] === undefined) delete auth[k]; else auth[k] = extra[k];
      }
      socket.auth = auth;
    };
    socket.on("connect", function () {
      live.connected = true; sync(); setTimeout(sync, 1500);
      if (opts.onStatus) opts.onStatus(true, live);
    });
    socket.on("disconnect", function (reason) {
      live.connected = false;
      if (opts.onStatus) opts.onStatus(false, live, reason);
    });
    socket.on("connect_error", function (err) {
      live.connected = false;
      var data = err && err.data;
      if (opts.onRefused) opts.onRefused(data, live);
      if (opts.onStatus) opts.onStatus(false, live, "connect_error");
    });
    socket.on("state", function (s) {
      if (!s || s.version < live.version) return;
      live.version = s.version; live.state = s;
      opts.render(s, live);
    });
    ["events", "presence", "me", "removed"].forEach(function (name) {
      var fn = opts["on" + name.charAt(0).toUpperCase() + name.slice(1)];
      if (fn) socket.on(name, function (data) { fn(data, live); });
    });
    setInterval(sync, 10000);
    return live;
  }
  window.QuizLive = { connect: connect };
})();
