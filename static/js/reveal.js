// The staged reveal of the final standings, paced the same on the projector and the phones:
// the podium's places (ranks 1–3, ties share one; at most five teams) are shown third, second,
// first, one each STEP ms from the "finished" event's server time; the host's skip shows all.
(function () {
  "use strict";
  var STEP = 2500;
  // the podium's places, in the order they are revealed (3, 2, 1)
  function places(rows) {
    var out = [];
    (rows || []).filter(function (r) { return r.rank <= 3; }).slice(0, 5).forEach(function (r) {
      if (out.indexOf(r.rank) < 0) out.push(r.rank);
    });
    return out.sort(function (a, b) { return b - a; });
  }
  // how many of n places are shown at `now` (all of them without a start or after a skip)
  function count(start, now, n, skipped) {
    var shown = skipped || start === null || start === undefined ? n : Math.floor((now - start) / STEP);
    return Math.max(0, Math.min(n, shown));
  }
  // whether the place `rank` is shown yet; a rank off the podium shows once the podium is whole
  function shows(rows, rank, start, now, skipped) {
    var p = places(rows), shown = count(start, now, p.length, skipped), i = p.indexOf(rank);
    return i >= 0 ? i < shown : shown >= p.length;
  }
  window.QuizReveal = { STEP: STEP, places: places, count: count, shows: shows };
})();
