/* What readers use of Material's script, without its 114 KB bundle (35 KB compressed):
   the light/dark switch, note previews, the back-to-top button, a table of contents that
   follows the reading, the page title in the header and a dismissible banner. Everything else works without any
   script (menu, table of contents, notes): the page keeps its "no-js" layout.
   Frozen versions (make release) still load Material's bundle for the version selector. */
(function () {
  "use strict";
  var body = document.body;
  var all = function (selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  };
  var KEYS = ["media", "scheme", "primary", "accent"];

  // --- Light or dark: Material's radio buttons; the choice is saved as Material saves it,
  // so the header's inline script applies it before the next page shows.
  // Each option is followed by the button that switches to the next one: only the button
  // after the checked option shows.
  var options = all("input[name=__palette]");
  function buttons() {
    options.forEach(function (option) {
      var button = option.nextElementSibling;
      if (button && button.tagName === "LABEL") button.hidden = !option.checked;
    });
  }
  function apply(option) {
    var color = {};
    KEYS.forEach(function (key) {
      color[key] = option.getAttribute("data-md-color-" + key);
      body.setAttribute("data-md-color-" + key, color[key]);
    });
    return color;
  }
  if (options.length) {
    // The header's inline script has applied the saved choice, or the device's preference.
    var current = body.getAttribute("data-md-color-scheme");
    var checked = options.filter(function (option) {
      return option.getAttribute("data-md-color-scheme") === current;
    })[0] || options[0];
    checked.checked = true;
    options.forEach(function (option, index) {
      option.addEventListener("change", function () {
        var color = apply(option);
        if (window.__md_set) window.__md_set("__palette", { index: index, color: color });
        buttons();
      });
    });
    buttons();
  }

  // --- A dismissible banner (Material's `announce.dismiss`): once closed, it stays closed
  // (the banner's inline script hides it on the next pages, as with Material's bundle).
  var banner = document.querySelector("[data-md-component=announce]");
  var close = banner && banner.querySelector(".md-banner__button");
  if (close && window.__md_hash) {
    // The banner's identity, as its inline script computes it, before the button changes.
    var hash = window.__md_hash(banner.querySelector(".md-typeset").innerHTML);
    close.style.display = "block";  // Material hides it on "no-js" pages, which these stay
    close.addEventListener("click", function () {
      banner.hidden = true;
      window.__md_set("__announce", hash);
    });
  }

  // --- Back to top: shown while the reader scrolls up, away from the top.
  var top = document.querySelector("[data-md-component=top]");
  var title = document.querySelector("[data-md-component=header-title]");
  var heading = document.querySelector(".md-content h1");
  var last = window.scrollY;
  function onScroll() {
    var y = window.scrollY;
    if (top) top.hidden = !(y < last && y > 400);
    if (title && heading) {
      title.classList.toggle("md-header__title--active",
                             heading.getBoundingClientRect().bottom < 0);
    }
    last = y;
    follow();
  }
  if (top) {
    top.addEventListener("click", function () {
      window.scrollTo({ top: 0 });
      top.hidden = true;
      top.blur();
    });
  }

  // --- The table of contents follows the reading: the section on screen is marked.
  var links = all(".md-sidebar--secondary [data-md-component=toc] a.md-nav__link");
  var targets = links.map(function (link) {
    return document.getElementById(decodeURIComponent(link.hash.slice(1)));
  });
  function follow() {
    var active = -1;
    targets.forEach(function (target, index) {
      if (target && target.getBoundingClientRect().top < 120) active = index;
    });
    links.forEach(function (link, index) {
      link.classList.toggle("md-nav__link--passed", index < active);
      link.classList.toggle("md-nav__link--active", index === active);
    });
  }
  window.addEventListener("scroll", onScroll, { passive: true });
  onScroll();

  // --- Note previews: the note itself, beside its call, on hover or keyboard focus.
  var preview = null;
  function hide() {
    if (preview) preview.remove();
    preview = null;
  }
  function show(call) {
    var note = document.getElementById(decodeURIComponent(call.hash.slice(1)));
    if (!note) return;
    hide();
    preview = document.createElement("div");
    preview.className = "note-preview";
    preview.setAttribute("role", "tooltip");
    preview.id = "note-preview";
    var copy = note.cloneNode(true);
    all(".note-backs", copy).forEach(function (backs) { backs.remove(); });
    all("[id]", copy).forEach(function (element) { element.removeAttribute("id"); });
    preview.innerHTML = copy.innerHTML;
    document.body.appendChild(preview);
    var box = call.getBoundingClientRect();
    var width = Math.min(preview.offsetWidth, window.innerWidth - 16);
    preview.style.left = Math.max(8, Math.min(box.left + window.scrollX - width / 2,
                                               window.innerWidth - width - 8)) + "px";
    preview.style.top = (box.bottom + window.scrollY + 6) + "px";
    call.setAttribute("aria-describedby", preview.id);
  }
  all("sup.note-call a").forEach(function (call) {
    call.addEventListener("mouseenter", function () { show(call); });
    call.addEventListener("focus", function () { show(call); });
    call.addEventListener("mouseleave", hide);
    call.addEventListener("blur", hide);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hide();
  });
})();
