// Lesson page: the reading place is remembered per lesson on this device. (Large text: outils.js.)
(function () {
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
