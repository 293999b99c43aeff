// The positioning form: updates « environ N questions » as competences are ticked. Without this script the
// page gives the estimate for the competences ticked when it was shown.
(function () {
  var estimate = document.getElementById("estimation");
  if (!estimate) return;
  var perCompetence = parseFloat(estimate.dataset.perCompetence) || 0;
  var irt = parseInt(estimate.dataset.irt, 10) || 40;
  var boxes = document.querySelectorAll("input[name=competences]");
  function update() {
    var chosen = 0;
    boxes.forEach(function (box) { if (box.checked) chosen += 1; });
    if (chosen === 0) { estimate.textContent = "Cochez au moins une compétence."; return; }
    if (perCompetence <= 0) return;
    var questions = Math.max(5, Math.round(perCompetence * chosen / 5) * 5);
    var minutes = Math.max(5, Math.round(questions * 0.75 / 5) * 5);
    estimate.textContent = "Avec " + (chosen === 1 ? "1 compétence" : chosen + " compétences") + "\u00a0: environ " + questions +
      " questions (à peu près " + minutes + " minutes) avec le test adaptatif classique, " + Math.min(irt, questions) +
      " au plus avec le test court calibré. Le positionnement peut se faire en plusieurs fois\u00a0: il reprend là où il s'est arrêté.";
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
})();
