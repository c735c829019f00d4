// Search page: Pagefind (built by macros/sitewide/search.py) is imported only when the reader
// focuses the field or arrives with ?q=…; a page view alone downloads nothing of it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pagefind]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var engine = null;
  var pending = null;
  var latest = 0;
  // French elisions (macros/sitewide/search.py ELISIONS): the index holds "l’ honnêteté", so the
  // query drops them ("l’honnêteté" → "honnêteté") and excerpts lose the added space.
  var ELISION = "(jusqu|lorsqu|puisqu|quoiqu|qu|[ldjmnstc])(['\u2019]|&#39;|&#x27;|&apos;)";
  var IN_QUERY = new RegExp("(^|[^\\p{L}\\p{N}])" + ELISION + "(?=[\\p{L}\\p{N}])", "giu");
  var IN_EXCERPT = new RegExp("(^|[^\\p{L}\\p{N}])" + ELISION + " (?=<mark>|[\\p{L}\\p{N}])", "giu");

  function withoutElisions(query) {
    return query.replace(IN_QUERY, "$1");
  }

  function unavailable() {
    document.getElementById("search-unavailable").hidden = false;
    status.textContent = "";
  }

  // Browsers refuse module imports from file:// pages: say so at once.
  if (location.protocol === "file:") {
    unavailable();
    return;
  }

  function load() {
    if (!engine) {
      var bundle = new URL(form.dataset.pagefind, document.baseURI).href;
      var root = new URL(form.dataset.siteRoot, document.baseURI).pathname;
      engine = import(bundle).then(function (pagefind) {
        // Result URLs relative to wherever the site is served, sub-paths included.
        return pagefind.options({ baseUrl: root, excerptLength: 24 }).then(function () {
          return pagefind;
        });
      });
      engine.catch(unavailable);
    }
    return engine;
  }

  // The page's words (overrides/search.html writes them in the page's language).
  var words = form.dataset;
  function word(key, fallback) { return words[key] || fallback; }

  function plural(count) {
    return count === 0 ? word("none", "Aucun résultat") : count === 1 ? word("one", "1 résultat")
      : word("many", "{n} résultats").replace("{n}", count);
  }

  function show(query, results) {
    list.replaceChildren();
    results.forEach(function (data) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = (data.meta && data.meta.title) || data.url;
      var excerpt = document.createElement("p");
      // Pagefind escapes the page text and adds <mark>; the elisions get their word back.
      excerpt.innerHTML = data.excerpt.replace(IN_EXCERPT, "$1$2$3");
      item.append(link, excerpt);
      list.append(item);
    });
  }

  function search(query) {
    var ticket = ++latest;
    query = query.trim();
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      return Promise.resolve();
    }
    status.textContent = word("running", "Recherche en cours…");
    return load().then(function (pagefind) {
      return pagefind.search(withoutElisions(query));
    }).then(function (found) {
      return Promise.all(found.results.slice(0, 20).map(function (r) { return r.data(); }))
        .then(function (results) {
          if (ticket !== latest) return;
          show(query, results);
          status.textContent = plural(found.results.length) +
            word("for", " pour «\u00a0{q}\u00a0»").replace("{q}", query) +
            (found.results.length > 20 ? word("first", " (les 20 premiers sont affichés)") : "") + ".";
          form.dataset.searched = query;  // lets tests and readers know it finished
        });
    }).catch(unavailable);
  }

  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { search(input.value); }, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(pending);
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value.trim()));
    search(input.value);
  });

  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    search(initial);
  }
})();
