// Workshop page (mediator): asks every 5 seconds for the person's steps and adds the new ones to the
// list, which is an aria-live region (screen readers announce each new step politely). Without
// JavaScript, the page's « Actualiser la page » link does the same.
(function () {
  "use strict";
  function start() {
    var list = document.getElementById("etapes");
    var state = document.getElementById("etat-atelier");
    if (!list || !state || !window.fetch) { return; }
    var source = list.getAttribute("data-source");
    var timer = null;

    function item(step) {
      var li = document.createElement("li");
      if (step.refused) { li.className = "refused"; }
      if (step.risk) { li.className = "risk"; }
      var time = document.createElement("span");
      time.className = "step-time";
      time.textContent = step.time;
      var action = document.createElement("strong");
      action.textContent = step.action;
      var where = document.createElement("span");
      where.className = "hint";
      where.textContent = step.where + (step.details ? " ; " + step.details : "");
      li.appendChild(time);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(action);
      li.appendChild(document.createTextNode(" — " + step.outcome));
      li.appendChild(document.createElement("br"));
      li.appendChild(where);
      return li;
    }

    function poll() {
      fetch(source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          if (data.joined && state.getAttribute("data-joined") !== "oui") {
            state.setAttribute("data-joined", "oui");
            state.textContent = "La personne a rejoint l'atelier.";
            var code = document.getElementById("bloc-code");
            if (code) { code.hidden = true; }
          }
          var steps = data.steps || [];
          var none = document.getElementById("aucune-etape");
          if (none && steps.length > 0) { none.hidden = true; }
          for (var i = list.children.length; i < steps.length; i++) { list.appendChild(item(steps[i])); }
        })
        .catch(function () {
          // The workshop was ended (or the session expired): stop asking; the link still reloads the page.
          if (timer) { window.clearInterval(timer); timer = null; }
        });
    }
    timer = window.setInterval(poll, 5000);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
