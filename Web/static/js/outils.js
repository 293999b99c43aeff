// On every page: « Agrandir le texte », a switch remembered on this device. Its label says what a click
// will do; aria-pressed says the current state.
(function () {
  var root = document.documentElement;
  var stored = null;
  try { stored = localStorage.getItem("passerelle-large"); } catch (e) {}
  if (stored === "1") root.classList.add("large");
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".large-text").forEach(function (button) {
      function show() {
        var on = root.classList.contains("large");
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.textContent = on ? "Revenir au texte normal" : "Agrandir le texte";
      }
      button.hidden = false;
      show();
      button.addEventListener("click", function () {
        var on = !root.classList.contains("large");
        root.classList.toggle("large", on);
        try { localStorage.setItem("passerelle-large", on ? "1" : "0"); } catch (e) {}
        document.querySelectorAll(".large-text").forEach(function (other) {
          other.setAttribute("aria-pressed", on ? "true" : "false");
          other.textContent = on ? "Revenir au texte normal" : "Agrandir le texte";
        });
      });
    });
  });
})();

// A message that asks for attention (a refused answer) takes the focus, so that it is read and seen. After
// the page has loaded: going to the address's #fragment would otherwise take the focus back.
window.addEventListener("load", function () {
  setTimeout(function () {
    var message = document.querySelector("[data-focus]");
    if (message) { message.focus(); }
  }, 0);
});
