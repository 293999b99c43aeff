// Lesson page: the visit is recorded (so that « Reprendre » comes back here) by a POST, since opening a
// page must not change anything on the server; the reading place is remembered per lesson on this
// device. (Large text: outils.js.)
(function () {
  var article = document.querySelector("article.lesson");
  if (!article) return;
  var parts = article.dataset.lesson.split("/");
  try {
    fetch("/api/modules/" + encodeURIComponent(parts[0]) + "/lessons/" + encodeURIComponent(parts[1]), {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ completed: false })
    }).catch(function () {});
  } catch (e) {}
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
