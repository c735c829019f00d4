/* Share links without tracking: a "copy" button and a Mastodon form for the reader's own
   instance. Without JavaScript the address is shown as text and the plain links work. */
(function () {
  "use strict";
  var box = document.querySelector(".share");
  if (!box) return;
  var address = box.querySelector(".share__url");
  // The text shared: the page's title and address, as the share links write it
  // (macros/action/share.py: share_text).
  var title = document.querySelector('meta[property="og:title"]');
  var text = (title ? title.content : document.title) + " " + address.textContent;
  var copy = box.querySelector(".share__copy");
  var status = box.querySelector(".share__status");
  var mastodon = box.querySelector(".share__mastodon");
  // An English page's words (macros/action/share.py writes them); French otherwise.
  function word(name, fallback) { return box.getAttribute("data-" + name) || fallback; }

  function selectAddress() {
    var range = document.createRange();
    range.selectNodeContents(address);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  copy.hidden = false;
  copy.addEventListener("click", function () {
    function fallback() {
      selectAddress();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      status.textContent = done ? word("copied", "Lien copié.") :
        word("selected", "L’adresse est sélectionnée : copiez-la avec Ctrl+C ou un appui long.");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(address.textContent).then(function () {
        status.textContent = word("copied", "Lien copié.");
      }, fallback);
    } else {
      fallback();
    }
  });

  var instance = mastodon.querySelector("input");
  mastodon.hidden = false;
  instance.addEventListener("input", function () { instance.setCustomValidity(""); });
  mastodon.addEventListener("submit", function (event) {
    event.preventDefault();
    var host = instance.value.trim().replace(/^https?:\/\//i, "").replace(/[\/?#].*$/, "")
      .replace(/^@?[^@]*@/, "");
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/i.test(host)) {
      instance.setCustomValidity(word("instance",
        "Indiquez le nom de votre instance, par exemple mastodon.social."));
      instance.reportValidity();
      return;
    }
    window.open("https://" + host + "/share?text=" + encodeURIComponent(text), "_blank",
                "noopener");
  });
})();
