/* Interactive charts, only when the reader asks for one.
 *
 * The first chart of a page includes this script (pages without a chart load
 * none). Each chart figure holds a hidden « Version interactive » button and, in
 * data-chart-spec, the address of its Vega-Lite spec. This script shows the
 * buttons; a click loads Vega, Vega-Lite and Vega-Embed from this site
 * (assets/vega/, never a CDN), then the spec, and draws the chart with tooltips.
 * It subscribes to Material's document$ so it also runs after instant navigation.
 */
(function () {
  "use strict";
  // Included once per page by the first chart; never set up twice.
  if (window.portalCharts) { return; }
  window.portalCharts = true;
  var script = document.currentScript;
  var assets = script ? script.src.replace(/[^/]*$/, "") : "";
  var libraries = ["vega/vega.min.js", "vega/vega-lite.min.js", "vega/vega-embed.min.js"];
  var loading = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = src;
      element.onload = resolve;
      element.onerror = function () { reject(new Error(src)); };
      document.head.appendChild(element);
    });
  }

  function loadVega() {
    if (!loading) {
      loading = libraries.reduce(function (previous, path) {
        return previous.then(function () { return loadScript(assets + path); });
      }, Promise.resolve());
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function show(box) {
    var button = box.querySelector(".chart-interactive-button");
    var status = box.querySelector(".chart-interactive-status");
    var view = box.querySelector(".chart-interactive-view");
    var image = box.closest("figure").querySelector(".chart-image");
    button.disabled = true;
    status.textContent = "Chargement de la version interactive…";
    var spec = new URL(box.getAttribute("data-chart-spec"), document.baseURI).href;
    Promise.all([loadVega(), fetch(spec).then(function (response) {
      if (!response.ok) { throw new Error(spec); }
      return response.json();
    })]).then(function (results) {
      var chart = results[1];
      return window.vegaEmbed(view, chart.spec, {
        renderer: "svg", actions: false,
        formatLocale: chart.formatLocale, timeFormatLocale: chart.timeFormatLocale
      });
    }).then(function () {
      image.hidden = true;
      button.hidden = true;
      status.textContent = "Version interactive : survolez ou touchez un élément pour le détail.";
    }).catch(function () {
      button.disabled = false;
      status.textContent = "La version interactive n’a pas pu être chargée ; le graphique ci-dessus et le tableau des données restent disponibles.";
    });
  }

  function setup() {
    var boxes = document.querySelectorAll(".chart-interactive[data-chart-spec]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.hasAttribute("data-chart-ready")) { return; }
      box.setAttribute("data-chart-ready", "");
      var button = box.querySelector(".chart-interactive-button");
      button.hidden = false;
      button.addEventListener("click", function () { show(box); });
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
