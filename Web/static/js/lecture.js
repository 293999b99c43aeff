// Read-aloud with the browser's own speech synthesis, in French, with no network. The region named by
// data-target is read paragraph by paragraph (the paragraph being read is highlighted); answer choices
// are read with their letter; « Pause » and « Arrêter » appear while it reads. Source lists and
// anything marked data-no-read are never read.
(function () {
  if (!("speechSynthesis" in window)) return;
  var synth = window.speechSynthesis;
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  function blocks(button) {
    var target = button.dataset.target ? document.querySelector(button.dataset.target) : null;
    if (!target) return [{ text: button.dataset.text || "", element: null }];
    var list = [];
    var choice = 0;
    target.querySelectorAll("h1, h2, h3, h4, p, li, legend, label").forEach(function (element) {
      if (element.closest("[data-no-read], .sources, [hidden], [aria-hidden='true'], .read-controls")) return;
      // A paragraph inside a list item or label is read with it, once.
      if (element.parentElement && element.parentElement.closest("li, label") && element.tagName === "P") return;
      if (element.tagName === "LI" && element.querySelector("label")) return;
      var text = element.innerText.replace(/\s+/g, " ").trim();
      if (!text) return;
      if (element.classList.contains("option")) {
        text = "Réponse " + LETTERS.charAt(choice % 26) + " : " + text;
        choice += 1;
      }
      list.push({ text: text, element: element });
    });
    return list.length ? list : [{ text: button.dataset.text || "", element: null }];
  }

  function controls(button) {
    var box = document.createElement("span");
    box.className = "read-controls";
    var pause = document.createElement("button");
    pause.type = "button";
    pause.className = "secondary";
    pause.textContent = "Pause";
    var stop = document.createElement("button");
    stop.type = "button";
    stop.className = "secondary";
    stop.textContent = "Arrêter la lecture";
    box.appendChild(pause);
    box.appendChild(stop);
    box.hidden = true;
    button.insertAdjacentElement("afterend", box);
    return { box: box, pause: pause, stop: stop };
  }

  document.querySelectorAll(".read-aloud").forEach(function (button) {
    button.hidden = false;
    var ui = controls(button);
    var current = null;
    var queue = [];
    var reading = false;

    function highlight(element) {
      if (current) current.classList.remove("reading");
      current = element;
      if (current) {
        current.classList.add("reading");
        current.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    }
    function finish() {
      reading = false;
      highlight(null);
      ui.box.hidden = true;
      ui.pause.textContent = "Pause";
      button.focus();
    }
    function next() {
      if (!reading) return;
      var block = queue.shift();
      if (!block) { finish(); return; }
      highlight(block.element);
      var utterance = new SpeechSynthesisUtterance(block.text);
      utterance.lang = "fr-FR";
      utterance.rate = 0.9;
      utterance.onend = next;
      utterance.onerror = function () { finish(); };
      synth.speak(utterance);
    }
    button.addEventListener("click", function () {
      synth.cancel();
      queue = blocks(button);
      reading = true;
      ui.box.hidden = false;
      ui.pause.textContent = "Pause";
      next();
    });
    ui.pause.addEventListener("click", function () {
      if (synth.paused) { synth.resume(); ui.pause.textContent = "Pause"; }
      else { synth.pause(); ui.pause.textContent = "Reprendre la lecture"; }
    });
    ui.stop.addEventListener("click", function () {
      reading = false;
      synth.cancel();
      finish();
    });
  });
})();
