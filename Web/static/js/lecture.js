// Read-aloud: the browser's own speech synthesis, in French, with no network.
(function () {
  if (!("speechSynthesis" in window)) return;
  document.querySelectorAll(".read-aloud").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.speechSynthesis.cancel();
      var utterance = new SpeechSynthesisUtterance(button.dataset.text || "");
      utterance.lang = "fr-FR";
      utterance.rate = 0.9;
      window.speechSynthesis.speak(utterance);
    });
  });
})();
