"""Read-aloud (issue 13): paragraph by paragraph, with pause and stop, choices read with their letter, and
never the sources. The browser's speech synthesis is replaced by a recorder, so that the test hears what
would be spoken. Everything starts at / and is reached by clicking."""
import time

from test_assessment import sign_in


def wait_spoken(page, count, seconds=10):
    """Waits until the recorder heard more than `count` texts (wait_for_function would need eval, which the CSP forbids)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if page.evaluate("window.__spoken.length") > count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"only {page.evaluate('window.__spoken.length')} text(s) spoken")

RECORDER = """
(() => {
  window.__spoken = [];
  // Like a real engine, a paused utterance does not end until it is resumed (the page relies on it).
  const fake = {
    paused: false, speaking: false, current: null, timer: null,
    finish() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        if (this.paused || !this.current) return;
        const u = this.current; this.current = null; this.speaking = false;
        if (u.onend) u.onend();
      }, 30);
    },
    speak(u) { window.__spoken.push(u.text); this.speaking = true; this.current = u; this.finish(); },
    cancel() { this.speaking = false; this.current = null; clearTimeout(this.timer); },
    pause() { this.paused = true; clearTimeout(this.timer); },
    resume() { this.paused = false; this.finish(); },
    getVoices() { return []; },
  };
  Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
})();
"""


def test_a_lesson_is_read_paragraph_by_paragraph_without_its_sources(demo, browser):
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(RECORDER)
    page = context.new_page()
    sign_in(page, demo, 8)
    page.locator(".next-step a.button").click()
    page.locator("a[href*='/lecons/']").first.click()
    page.get_by_role("button", name="Écouter la leçon").click()
    assert page.get_by_role("button", name="Pause").is_visible()
    assert page.get_by_role("button", name="Arrêter la lecture").is_visible()
    wait_spoken(page, 3)
    page.get_by_role("button", name="Pause").click()
    assert page.get_by_role("button", name="Reprendre la lecture").is_visible()
    heard = page.evaluate("window.__spoken.length")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__spoken.length") == heard, "nothing more is read while paused"
    page.get_by_role("button", name="Arrêter la lecture").click()
    spoken = page.evaluate("window.__spoken")
    first_heading = page.locator("article.lesson h1").first.inner_text()
    assert spoken[0] == first_heading, spoken[:2]
    assert all(".txt" not in text and "source :" not in text for text in spoken)
    assert page.locator(".reading").count() == 0, "the highlight goes when reading stops"
    assert not page.get_by_role("button", name="Pause").is_visible()
    context.close()


def test_choices_are_read_with_their_letter(demo, browser):
    context = browser.new_context(locale="fr-FR")
    context.add_init_script(RECORDER)
    page = context.new_page()
    sign_in(page, demo, 9)
    page.get_by_role("button", name="Commencer").first.click() if page.locator("form[action^='/positionnements/'] button").count() == 0 \
        else page.locator("form[action^='/positionnements/'] button").first.click()
    page.wait_for_url("**/positionnement/*")
    page.get_by_role("button", name="Écouter la question").click()
    wait_spoken(page, 1)
    page.wait_for_timeout(500)
    spoken = page.evaluate("window.__spoken")
    options = page.locator("form.question label.option")
    if options.count() > 0:
        assert any(text.startswith("Réponse A : ") for text in spoken), spoken
        if options.count() > 1:
            assert any(text.startswith("Réponse B : ") for text in spoken), spoken
    context.close()
