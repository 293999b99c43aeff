// The practice sandbox: warns, while one types, that a value looks like a real social security
// number or IBAN (the server refuses it too and logs the fact, never the value).
(function () {
  "use strict";
  function kind(value) {
    var compact = value.replace(/[\s.\-]/g, "");
    if (/^[12]\d{12}(\d{2})?$/.test(compact)) return "numéro de sécurité sociale";
    if (/^FR76/i.test(compact) && compact.length >= 14) return "IBAN";
    return null;
  }
  function check(input) {
    var id = input.id + "-attention";
    var note = document.getElementById(id);
    var found = input.type === "password" ? null : kind(input.value);
    if (!found) {
      if (note) note.remove();
      input.removeAttribute("aria-describedby");
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.id = id;
      note.className = "alert sensitive-warning";
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
    }
    note.textContent = "Attention : cela ressemble à un vrai " + found + ". Ici, utilisez seulement les données inventées de la fiche.";
    input.setAttribute("aria-describedby", id);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".sandbox-form input[type=text]").forEach(function (input) {
      input.addEventListener("input", function () { check(input); });
    });
  });
})();
