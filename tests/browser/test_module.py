"""A demo learner follows the example module to completion in the browser, using every activity type.

The test reads the module's files to know the right answers, reads every lesson, answers every activity
(first wrongly where it can, to see the feedback, then rightly), and checks that the module is complete.
Like a person (issue 13): after the sign-in page, only clicks on what the pages show, no typed address."""
import re
from pathlib import Path

import pytest
import yaml

from sandbox_play import play_mission
from test_assessment import sign_in
from test_signin import assert_accessible

ROOT = Path(__file__).resolve().parents[2]
MODULE = "postures-accompagnement"


def all_modules():
    """Every bundled module, prerequisites first (one demo learner follows them in this order)."""
    modules = {}
    for folder in sorted((ROOT / "Curriculum").iterdir()):
        if (folder / "module.yaml").exists():
            modules[folder.name] = yaml.safe_load((folder / "module.yaml").read_text(encoding="utf-8")).get("prerequisites") or []
    ordered = []
    def visit(name):
        if name in ordered:
            return
        for prerequisite in modules.get(name, []):
            visit(prerequisite)
        ordered.append(name)
    for name in modules:
        visit(name)
    return ordered


def load_module(module_id=MODULE):
    folder = ROOT / "Curriculum" / module_id
    module = yaml.safe_load((folder / "module.yaml").read_text(encoding="utf-8"))
    sets = []
    for entry in module["activity_sets"]:
        activities = yaml.safe_load((folder / entry["file"]).read_text(encoding="utf-8"))["activities"]
        sets.append((entry["id"], activities))
    return module, sets


def submit(page, section):
    with page.expect_navigation():
        section.locator("button[type=submit]").last.click()


def answer_item(page, section, activity, right=True):
    kind = activity["type"]
    prefix = activity["id"] + "-"
    if kind == "qcu":
        choice = next(c for c in activity["choices"] if c.get("correct", False) == right)
        section.locator(f"input[type=radio][value='{choice['id']}']").check()
    elif kind == "qcm":
        for choice in activity["choices"]:
            if choice.get("correct", False) == right:
                section.locator(f"input[type=checkbox][value='{choice['id']}']").check()
    elif kind in ("qroc", "qrocm-ind"):
        for field in activity["fields"]:
            section.locator(f"#{prefix}champ_{field['id']}").fill(str(field["accepted"][0]) if right else "zzz")
    elif kind == "qrocm-dep":
        for field, accepted in zip(activity["fields"], activity["accepted"]):
            section.locator(f"#{prefix}champ_{field['id']}").fill(str(accepted) if right else "zzz")
    elif kind == "ordering":
        ids = [c["id"] for c in activity["choices"]]
        order = ids if right else ids[::-1]
        for position, choice_id in enumerate(order, start=1):
            section.locator(f"#{prefix}position_{choice_id}").select_option(str(position))
    elif kind == "matching":
        pairs = [p["id"] for p in activity["pairs"]]
        for index, pair in enumerate(pairs):
            target = pair if right else pairs[(index + 1) % len(pairs)]
            section.locator(f"#{prefix}paire_{pair}").select_option(target)
    submit(page, section)


def good_path(activity):
    """Choices that lead from the start to an ending with a good outcome (breadth-first)."""
    steps = {step["id"]: step for step in activity["steps"]}
    queue = [(activity["start"], [])]
    seen = set()
    while queue:
        current, path = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        for choice in steps[current]["choices"]:
            if choice["next"] == "end":
                if choice.get("outcome") == "good":
                    return path + [(current, choice)]
            else:
                queue.append((choice["next"], path + [(current, choice)]))
    raise AssertionError(f"no good ending in scenario {activity['id']}")


def do_activity(page, activity):
    """Answers one activity of any type rightly (scenarios by a good path), as a person would."""
    section = page.locator(f"#activite-{activity['id']}")
    kind = activity["type"]
    if kind == "scenario":
        play_scenario(page, activity, good=True)
    elif kind == "self-assessment":
        low = activity["scale"]["min"]
        for statement in activity["statements"]:
            section.locator(f"input[name='note_{statement['id']}'][value='{low + 1}']").check()
        submit(page, section)
    elif kind == "observation-grid":
        first = activity["parts"][0]["questions"][0]["id"]
        section.locator(f"#obs-{first}").fill("Un panneau à l'entrée indique l'accueil numérique.")
        submit(page, section)
    elif kind == "mission":
        play_mission(page, activity)
    elif kind == "reflection":
        section.locator("textarea").fill("J'ai aidé une personne à créer son compte en la laissant taper.")
        submit(page, section)
    else:
        answer_item(page, section, activity, right=True)


def play_scenario(page, activity, good=True):
    for _, choice in good_path(activity):
        section = page.locator(f"#activite-{activity['id']}")
        section.locator(f"input[type=radio][value='{choice['id']}']").check()
        submit(page, section)


def test_the_example_module_uses_every_activity_type():
    _, sets = load_module()
    types = {a["type"] for _, activities in sets for a in activities}
    assert types >= {"qcu", "qcm", "qroc", "qrocm-ind", "qrocm-dep", "ordering", "matching", "scenario",
                     "self-assessment", "observation-grid", "reflection"}, types


def named(text):
    """A link's or button's visible name, matched whole; pages use French typography (non-breaking spaces
    before « : » and inside « »), so any run of spaces matches."""
    return re.compile(r"^\s*" + r"\s+".join(re.escape(word) for word in text.split()) + r"\s*$")


def click_to(page, target):
    """Clicks a link or button a person sees and waits for the page it opens."""
    with page.expect_navigation():
        target.click()


def open_module_from_home(page, module):
    """On the learner's home page, opens a module by the link on its card, as a person does: the first
    cards are shown, the others under « Voir les N autres modules », opened first when the card is there."""
    # Cards folded under « Voir les N autres modules » are hidden until it is opened: look for them too.
    title = named(module["title"])
    cards = page.locator(".module-cards .card", has=page.get_by_role("heading", name=title, include_hidden=True))
    assert cards.count() == 1, f"module « {module['title']} » not listed on the learner's home page"
    link = cards.get_by_role("link", name=title, include_hidden=True)
    assert link.count() == 1, (f"module « {module['title']} » has no link on the home page (locked? "
                               f"{cards.inner_text()!r}); all_modules() orders prerequisites first")
    if not link.is_visible():
        page.locator("details.more-modules > summary").click()
    click_to(page, link)
    assert page.url.endswith(f"/modules/{module['id']}"), page.url


def open_lesson(page, module, index):
    """From the module page, the index-th lesson of its list « Leçons »."""
    click_to(page, page.locator("section[aria-labelledby=titre-lecons] ol.steps").get_by_role("link").nth(index))
    assert page.url.endswith(f"/lecons/{module['lessons'][index][:-3]}"), page.url


def open_activity_set(page, module, set_id):
    """From the module page, a set of activities by its title in the list « Activités »."""
    title = next(entry["title"] for entry in module["activity_sets"] if entry["id"] == set_id)
    click_to(page, page.locator("section[aria-labelledby=titre-activites]").get_by_role("link", name=named(title)))
    assert page.url.endswith(f"/activites/{set_id}"), page.url


def back_to_module(page, module):
    """From a lesson or a set of activities: the module's name at the top of the page links to it."""
    click_to(page, page.locator(".eyebrow").get_by_role("link", name=named(module["title"])))
    assert page.url.endswith(f"/modules/{module['id']}"), page.url


@pytest.mark.parametrize("module_id", all_modules())
def test_every_module_can_be_followed_to_completion(demo, page, module_id):
    """Signs in, then only clicks: the module's card on the home page, each lesson from the module page
    (« J'ai lu »), each set of activities, and back to the module by the link at the top of each page.
    One learner follows every module in all_modules()'s order, so a module whose prerequisites are done
    is open (a locked one has no link on the home page)."""
    module, sets = load_module(module_id)
    sign_in(page, demo, 5)
    open_module_from_home(page, module)
    # Pages use French typography (non-breaking spaces before « : » and inside « »): compare the words.
    assert " ".join(page.locator("h1").inner_text().split()) == " ".join(module["title"].split())
    assert_accessible(page)
    for index in range(len(module["lessons"])):
        open_lesson(page, module, index)
        assert page.locator("article.lesson h1").count() >= 1
        assert page.locator(".read-aloud").is_visible()
        click_to(page, page.locator("form[action$='/lue'] button"))
        back_to_module(page, module)
    open_lesson(page, module, 0)
    assert_accessible(page)
    back_to_module(page, module)

    for set_id, activities in sets:
        open_activity_set(page, module, set_id)
        assert_accessible(page)
        for activity in activities:
            do_activity(page, activity)
            feedback = page.locator(f"#activite-{activity['id']} [role=status]")
            assert feedback.count() >= 1, activity["id"]
        assert page.locator(".success", has_text="Série maîtrisée").count() == 1, set_id
        back_to_module(page, module)

    assert "Terminé" in page.locator(".eyebrow").inner_text()
    assert page.locator("[role=status]", has_text="terminé ce module").count() == 1


def test_a_wrong_answer_gets_an_explanation(demo, page):
    module, sets = load_module()
    set_id, activities = sets[0]
    item = next(a for a in activities if a["type"] == "qcu")
    sign_in(page, demo, 6)
    open_module_from_home(page, module)
    open_activity_set(page, module, set_id)
    section = page.locator(f"#activite-{item['id']}")
    answer_item(page, section, item, right=False)
    result = page.locator(f"#activite-{item['id']} [role=status]")
    assert "pas la bonne réponse" in result.inner_text()
    assert len(result.inner_text()) > 60, "the feedback explains why"


def test_a_lesson_fits_a_phone_and_remembers_large_text(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    sign_in(page, demo, 7)
    module, _ = load_module()
    open_module_from_home(page, module)
    open_lesson(page, module, 0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    button = page.get_by_role("button", name="Agrandir le texte")
    button.focus()
    page.keyboard.press("Enter")
    # Pressed, and its label now says what the next click will do.
    switch = page.locator("button.large-text")
    assert switch.get_attribute("aria-pressed") == "true"
    assert switch.inner_text() == "Revenir au texte normal"
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 1.5 * size
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('large')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Remembered on every page, not only lessons: back to the home page in one click on the site's name,
    # at the top of every page (on a phone too).
    click_to(page, page.locator("header .brand a"))
    assert page.url.endswith("/apprenant"), page.url
    assert page.evaluate("document.documentElement.classList.contains('large')")
    assert page.locator("button.large-text").get_attribute("aria-pressed") == "true"
    page.locator("button.large-text").click()
    assert not page.evaluate("document.documentElement.classList.contains('large')")
    assert page.locator("button.large-text").inner_text() == "Agrandir le texte"
    context.close()
