"""The learner's way through, as a person does it (issue 13): start at /, then only click what is on the
screen — no page.goto after the first page. At a phone's size and a desktop's, with a screenshot of each
step under .build/screens/journey (not committed) and axe on every page of the journey."""
import re
from pathlib import Path

import pytest

from test_module import do_activity, load_module, submit
from test_signin import assert_accessible

SCREENS = Path(__file__).resolve().parents[2] / ".build" / "screens" / "journey"


def shot(page, size, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{size}-{name}.png"), full_page=True)


def sign_in_by_clicking(page, code):
    page.get_by_label("Votre code d'accès").fill(code)
    page.get_by_role("button", name="Entrer").click()
    page.wait_for_url("**/apprenant")


@pytest.mark.parametrize("size,learner", [((360, 740), 10), ((1280, 800), 11)])
def test_a_learner_goes_through_by_clicking_only(demo, browser, size, learner):
    width, height = size
    tag = f"{width}"
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    page = context.new_page()
    page.goto(demo.url + "/")  # the only address typed
    shot(page, tag, "01-connexion")
    assert_accessible(page)
    sign_in_by_clicking(page, demo.learners[learner][1])
    shot(page, tag, "02-accueil")
    assert_accessible(page)

    # The home page says where to start: the first module of the programme.
    page.locator(".next-step").get_by_role("link", name="Commencer").click()
    module_title = page.locator("h1").inner_text()
    module_id = page.url.rstrip("/").split("/")[-1]
    module, sets = load_module(module_id)
    shot(page, tag, "03-module")
    assert_accessible(page)

    # First lesson, read, then its activities.
    page.locator("ol.steps a").first.click()
    page.locator("article.lesson").wait_for()  # the click navigates; wait for the page
    assert page.locator("article.lesson").count() == 1
    shot(page, tag, "04-lecon")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("J'ai lu")).click()
    assert "/activites/" in page.url
    shot(page, tag, "05-activites")
    assert_accessible(page)

    # A refused answer: nothing chosen. The message is at the activity.
    set_id, activities = next((s, a) for s, a in sets if s in page.url)
    first_choice = next(a for a in activities if a["type"] in ("qcu", "qcm"))
    section = page.locator(f"#activite-{first_choice['id']}")
    section.locator("input[type=radio], input[type=checkbox]").first.evaluate("e => e.removeAttribute('required')")
    submit(page, section)
    alert = page.locator(f"#activite-{first_choice['id']} [role=alert]")
    assert alert.count() == 1 and alert.inner_text().strip(), "the refusal is explained at the activity"
    assert "refus=" in page.url, "post/redirect/get: a reload does not send the answer again"
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert", "the message takes the focus"
    shot(page, tag, "06-refus")
    assert_accessible(page)

    # Every activity of the set, each type as a person answers it.
    for activity in activities:
        do_activity(page, activity)
        assert page.locator(f"#activite-{activity['id']} [role=status]").count() >= 1, activity["id"]
    shot(page, tag, "07-activites-faites")
    assert_accessible(page)

    # On to the next lesson by its link.
    page.get_by_role("link", name=re.compile("Leçon suivante")).click()
    page.locator("article.lesson").wait_for()  # the click navigates; wait for the page
    assert page.locator("article.lesson").count() == 1
    lesson_url = page.url
    shot(page, tag, "08-lecon-suivante")
    assert_accessible(page)

    # Leave, come back: « Continuer » lands at the same place.
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion")
    sign_in_by_clicking(page, demo.learners[learner][1])
    page.locator(".next-step").get_by_role("link", name="Continuer").click()
    assert page.url == lesson_url
    shot(page, tag, "09-reprise")

    # The rest of the module by clicking: each lesson read, each of its activities answered (every type the
    # module holds: choices, short answers, ordering, matching, scenarios, self-assessment, reflection).
    seen_types = {a["type"] for a in activities}
    for number, (set_id, activities) in enumerate(sets[1:], start=2):
        page.get_by_role("button", name=re.compile("J'ai lu")).click()
        assert f"/activites/{set_id}" in page.url, (set_id, page.url)
        for activity in activities:
            do_activity(page, activity)
            assert page.locator(f"#activite-{activity['id']} [role=status]").count() >= 1, activity["id"]
            seen_types.add(activity["type"])
        shot(page, tag, f"09-{number}-activites")
        assert_accessible(page)
        following = page.get_by_role("link", name=re.compile("Leçon suivante"))
        if number < len(sets):
            following.click()
            page.locator("article.lesson").wait_for()  # the click navigates; wait for the page
            assert page.locator("article.lesson").count() == 1
    assert seen_types >= {"qcu", "qcm", "qroc", "ordering", "matching", "scenario", "self-assessment", "reflection"}, seen_types
    page.locator(".eyebrow a").first.click()  # the module, named at the top of the page
    assert "Terminé" in page.content() or "terminé" in page.content(), "every set done: the module says so"
    shot(page, tag, "09-module-termine")
    assert_accessible(page)

    # Back to the home page, then the positioning: one answer, « Je passe », close the tab, resume.
    page.get_by_role("link", name="Revenir à mon espace").click()
    page.wait_for_url("**/apprenant")
    page.locator("form[action^='/positionnements/'] button").first.click()
    page.wait_for_url("**/positionnement/*")
    assert_accessible(page)
    assert "au plus" not in page.content()
    shot(page, tag, "10-question")
    page.get_by_role("button", name="Je passe").click()
    page.wait_for_url("**/positionnement/*")
    assert page.locator("h1").inner_text() == "Question 2"
    page.close()
    page = context.new_page()
    page.goto(demo.url + "/")  # a new tab: the person types the address again
    page.locator(".next-step").get_by_role("link", name="Reprendre le positionnement").click()
    assert page.locator("h1").inner_text() == "Question 2"
    # « Je passe » until the end (each one rules out the skill and harder ones, so it ends).
    for _ in range(300):
        if "/resultat" in page.url:
            break
        page.get_by_role("button", name="Je passe").click()
        page.wait_for_load_state()
    assert "/resultat" in page.url, "the positioning ends"
    shot(page, tag, "11-resultat")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Partager")).click()
    assert page.locator("[role=status]").count() >= 1
    shot(page, tag, "12-partage")
    assert_accessible(page)
    context.close()
