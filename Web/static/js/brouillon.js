// Free-text activities: what the learner types is saved as a draft on the server while typing,
// so that nothing is lost if the tab closes. Sending the form is still an explicit action.
(function () {
  document.querySelectorAll("form.draft").forEach(function (form) {
    var status = form.querySelector(".draft-status");
    var timer = null;
    function collect() {
      var kind = form.dataset.kind;
      var data = {};
      if (kind === "text") {
        data.text = form.querySelector("textarea").value;
      } else if (kind === "answers") {
        data.answers = {};
        form.querySelectorAll("textarea").forEach(function (area) { data.answers[area.name.replace("obs_", "")] = area.value; });
      } else if (kind === "values") {
        data.values = {};
        form.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
          data.values[input.name.replace("note_", "")] = parseInt(input.value, 10);
        });
      }
      return data;
    }
    function save() {
      fetch(form.dataset.draft, {
        method: "PUT", headers: { "Content-Type": "application/json" }, credentials: "same-origin",
        body: JSON.stringify(collect())
      }).then(function (response) {
        if (status) status.textContent = response.ok ? "Brouillon enregistré." : "Le brouillon n'a pas pu être enregistré.";
      }).catch(function () {
        if (status) status.textContent = "Pas de connexion : le brouillon n'a pas pu être enregistré.";
      });
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 800); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(save, 300); });
  });
})();
