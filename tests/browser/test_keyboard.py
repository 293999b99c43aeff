"""The learner's way through with the keyboard only (issue 13): from /, Tab and Enter/Space, no mouse."""
import re


def tab_to(page, wanted, limit=80):
    """Presses Tab until the focused element's text (or value) matches `wanted`; fails if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        text = page.evaluate("(document.activeElement.innerText || document.activeElement.value || '').trim()")
        if re.search(wanted, text):
            return text
    raise AssertionError(f"nothing matching {wanted!r} reached with Tab")


def test_a_learner_uses_only_the_keyboard(demo, page):
    page.goto(demo.url + "/")
    # The skip link comes first, then the site's name (a link home), the large-text switch, then the code.
    tab_to(page, "^Aller au contenu$", limit=1)
    tab_to(page, "Passerelle$", limit=1)
    tab_to(page, "^Agrandir le texte$", limit=1)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "code"
    page.keyboard.type(demo.learners[0][1])
    page.keyboard.press("Enter")
    page.wait_for_url("**/apprenant")
    tab_to(page, "^Commencer$")
    page.keyboard.press("Enter")
    page.wait_for_url("**/modules/*")
    first_lesson = page.evaluate("document.querySelector('ol.steps a').innerText.trim()")
    tab_to(page, re.escape(first_lesson))
    page.keyboard.press("Enter")
    page.wait_for_url("**/lecons/*")
    tab_to(page, "J'ai lu")
    page.keyboard.press("Enter")
    page.wait_for_url("**/activites/*")
    # The first activity: a choice by the keyboard, then « Valider ».
    section = page.locator("section.activity").first
    first_input = section.locator("input[type=radio], input[type=checkbox], select, input[type=text]").first
    kind = first_input.evaluate("e => e.tagName + ':' + (e.type || '')")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('section.activity') !== null "
                         "&& ['INPUT','SELECT'].includes(document.activeElement.tagName)"):
            break
    if kind.endswith(":radio") or kind.endswith(":checkbox"):
        page.keyboard.press("Space")
    elif kind.startswith("SELECT"):
        page.keyboard.press("ArrowDown")
    else:
        page.keyboard.type("réponse")
    tab_to(page, "^Valider$")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("section.activity").first.locator("[role=status], [role=alert]").count() >= 1
