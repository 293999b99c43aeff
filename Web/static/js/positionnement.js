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
    var competences = chosen === 1 ? "1 compétence" : chosen + " compétences";
    var again = " Le positionnement peut se faire en plusieurs fois\u00a0: il reprend là où il s'est arrêté.";
    if (perCompetence <= 0) {  // before the simulation is done: 7 to 10 questions per competence
      estimate.textContent = "Avec " + competences + "\u00a0: environ " + 7 * chosen + " à " + 10 * chosen +
        " questions avec le test adaptatif classique, " + Math.min(irt, 10 * chosen) + " au plus avec le test court calibré." + again;
      return;
    }
    var questions = Math.max(5, Math.round(perCompetence * chosen / 5) * 5);
    var minutes = Math.max(5, Math.round(questions * 0.75 / 5) * 5);
    estimate.textContent = "Avec " + competences + "\u00a0: environ " + questions + " questions (à peu près " + minutes +
      " minutes) avec le test adaptatif classique, " + Math.min(irt, questions) + " au plus avec le test court calibré." + again;
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
})();
