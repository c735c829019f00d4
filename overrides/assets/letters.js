/* Letter generator: fills the letters of the page from the form, in the browser only,
   and prepares a mailto link and a print button for each. Nothing is sent anywhere. */
(function () {
  "use strict";
  var form = document.getElementById("letter-form");
  if (!form) return;
  var MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                "septembre", "octobre", "novembre", "décembre"];
  var each = function (selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  };

  function frenchDate(value) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return "";
    var d = +m[3];
    return (d === 1 ? "1er" : d) + " " + MONTHS[+m[2] - 1] + " " + m[1];
  }

  function fill() {
    Array.prototype.forEach.call(form.querySelectorAll("[data-fills]"), function (input) {
      var name = input.getAttribute("data-fills");
      var value = input.value.trim();
      if (input.type === "date") value = frenchDate(value);
      each('.letter-field[data-field="' + name + '"]', function (field) {
        field.textContent = value || field.getAttribute("data-blank");
        field.classList.toggle("letter-field--filled", Boolean(value));
      });
    });
    each(".letter-actions", function (actions) {
      var letter = document.getElementById(actions.getAttribute("data-letter"));
      if (!letter) return;
      var mailto = actions.querySelector(".letter-mailto");
      // To the recipient when their address is known (data/destinataires.yml).
      mailto.href = "mailto:" + (mailto.getAttribute("data-to") || "") +
        "?subject=" + encodeURIComponent(letter.getAttribute("data-subject") || "") +
        "&body=" + encodeURIComponent(letter.innerText.trim());
    });
  }

  var today = new Date();
  var date = form.querySelector('[data-fills="date"]');
  if (date && !date.value) {
    date.value = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") +
      "-" + String(today.getDate()).padStart(2, "0");
  }
  form.hidden = false;
  form.addEventListener("input", fill);
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  each(".letter-actions", function (actions) {
    actions.hidden = false;
    actions.querySelector(".letter-print").addEventListener("click", function () {
      var letter = document.getElementById(actions.getAttribute("data-letter"));
      document.body.classList.add("printing-letter");
      letter.classList.add("letter--printing");
      window.print();
    });
  });
  window.addEventListener("afterprint", function () {
    document.body.classList.remove("printing-letter");
    each(".letter--printing", function (letter) { letter.classList.remove("letter--printing"); });
  });
  fill();
})();
