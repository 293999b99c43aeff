// Lesson page: a larger-text switch (remembered on this device) and the reading place remembered per lesson.
(function () {
  var root = document.documentElement;
  var button = document.querySelector(".large-text");
  function apply(on) {
    root.classList.toggle("large", on);
    if (button) { button.setAttribute("aria-pressed", on ? "true" : "false"); }
  }
  try { apply(localStorage.getItem("passerelle-large") === "1"); } catch (e) {}
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = !root.classList.contains("large");
      apply(on);
      try { localStorage.setItem("passerelle-large", on ? "1" : "0"); } catch (e) {}
    });
  }
  var article = document.querySelector("article.lesson");
  if (!article) return;
  var key = "passerelle-place-" + article.dataset.lesson;
  try {
    var saved = parseInt(localStorage.getItem(key) || "0", 10);
    if (saved > 0) window.scrollTo(0, saved);
  } catch (e) {}
  var timer = null;
  window.addEventListener("scroll", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      try { localStorage.setItem(key, String(Math.round(window.scrollY))); } catch (e) {}
    }, 300);
  });
})();
