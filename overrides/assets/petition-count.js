/* Fresher signature count, loaded only on the petition page when it has a count address.
   With the portal's own service, that address is `compteur.json` beside the page, written
   into the published site by `python -m service publier-compteur`: the reader's browser
   asks the portal (or the mirror it reads), never the signature service. With `count_url`,
   it is the organisation's JSON. Reads {"count": 1234, "date": "2026-12-01"} (date
   optional; "goal", when given, is the current step of a goal that steps up) and updates
   the bar; on any failure (no count published yet, offline copy) the count written in the
   page stays. On an edition's page, the words come from the box (the catalogue's). */
(function () {
  "use strict";
  var box = document.querySelector(".petition-progress[data-count-url]");
  // Opened from disk (file://), a browser refuses to fetch: the count in the page stays.
  if (!box || !window.fetch || window.location.protocol === "file:") return;
  var bar = box.querySelector("progress");
  var label = box.querySelector(".petition-progress__label");
  var goal = parseInt(box.getAttribute("data-goal"), 10);
  // An edition's page gives its language and its sentences (singular, plural) with
  // {count}, {goal} and {day} to fill; a French page gives none.
  var lang = box.getAttribute("data-lang");
  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                "septembre", "octobre", "novembre", "décembre"];

  function number(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }
  function day(date) {
    var d = date.getDate();
    return (d === 1 ? "1er" : d) + " " + MONTHS[date.getMonth()] + " " + date.getFullYear();
  }
  function dateOf(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    var date = m ? new Date(+m[1], +m[2] - 1, +m[3]) : new Date();
    return isNaN(date.getTime()) ? new Date() : date;
  }

  fetch(box.getAttribute("data-count-url"), {credentials: "omit", cache: "no-cache"})
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(function (data) {
      var count = data && data.count;
      // The goal steps up once reached: the published file gives the current step.
      if (data && typeof data.goal === "number" && data.goal > 0 &&
          Math.floor(data.goal) === data.goal) goal = data.goal;
      if (typeof count !== "number" || !isFinite(count) || count < 0 ||
          Math.floor(count) !== count || !(goal > 0)) return;
      bar.max = goal;
      bar.value = Math.min(count, goal);
      if (lang) {  // an edition's page: its words and its language's numbers and dates
        var words = box.getAttribute(count === 1 ? "data-one" : "data-many") || "";
        var local = function (n) { return new Intl.NumberFormat(lang).format(n); };
        label.textContent = words.replace("{count}", local(count)).replace("{goal}", local(goal))
          .replace("{day}", new Intl.DateTimeFormat(lang === "en" ? "en-GB" : lang,
            {day: "numeric", month: "long", year: "numeric"}).format(dateOf(data.date)));
        bar.textContent = local(count);
      } else {
        label.textContent = number(count) + (count < 2 ? " signature" : " signatures") +
          " sur un objectif de " + number(goal) + ", au " + day(dateOf(data.date));
        bar.textContent = number(count);
      }
      box.setAttribute("data-live", "true");
    })
    .catch(function () { /* keep the build-time count */ });
})();
