"""Workshop mode (issue 17, « atelier »), with two browser contexts: a mediator and the person they help.

The mediator starts at /, signs in (a trainer in one run, a learner training as a mediator in the other),
opens a workshop for a mission and reads the code; the person starts at /, clicks « Rejoindre un atelier »,
types the code and does steps of the mission on their own device; the mediator's page shows those steps as
they come; the mediator ends the workshop; the person's next page says it is over, and the database holds
nothing of them. Only the first page of each context is opened with page.goto. Axe on every page;
screenshots of each new screen at 360x740 and 1280x800 under .build/screens/workshop (not committed)."""
import re
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import start_demo, stop_demo
from test_signin import assert_accessible

SCREENS = Path(__file__).resolve().parents[2] / ".build" / "screens" / "workshop"
MISSION = "Trier les SMS et les courriels de M. Bernard L."


@pytest.fixture(scope="module")
def workshop_demo():
    """A demo of this module's own, to read its database at the end (nothing of the person may be left)."""
    running, process = start_demo()
    running.db = process.args[process.args.index("--db") + 1]
    yield running
    stop_demo(process)


def look(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SCREENS / f"{width}-{name}.png"), full_page=True)
    # What the screen shows first, without scrolling (a phone's first view matters most).
    page.screenshot(path=str(SCREENS / f"{width}-{name}-ecran.png"))
    assert_accessible(page)


def text(locator):
    return locator.inner_text().replace("\xa0", " ").replace("\u202f", " ")


def rows(db, sql, *args):
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, args).fetchone()[0]
    finally:
        connection.close()


@pytest.mark.parametrize("mediator_size,person_size,as_learner", [((1280, 800), (360, 740), False), ((360, 740), (1280, 800), True)])
def test_a_mediator_follows_a_person_live_then_everything_is_erased(workshop_demo, browser, mediator_size, person_size, as_learner):
    demo = workshop_demo
    mediator_context = browser.new_context(viewport=dict(zip(("width", "height"), mediator_size)), locale="fr-FR")
    person_context = browser.new_context(viewport=dict(zip(("width", "height"), person_size)), locale="fr-FR")
    mediator, person = mediator_context.new_page(), person_context.new_page()
    requested = []
    for page in (mediator, person):
        page.on("request", lambda request: requested.append(request.url))

    # The mediator: from / to the workshop desk.
    mediator.goto(demo.url + "/")
    if as_learner:
        mediator.get_by_label("Votre code d'accès").fill(demo.learners[10][1])
        mediator.get_by_role("button", name="Entrer").click()
        mediator.wait_for_url("**/apprenant")
        mediator.get_by_role("link", name=re.compile("Faire une mission du bac à sable avec une personne")).click()
    else:
        mediator.fill("#identifiant", demo.trainer)
        mediator.fill("#mot_de_passe", demo.password)
        mediator.keyboard.press("Enter")
        mediator.wait_for_url("**/formateur")
        mediator.get_by_role("link", name=re.compile("^Atelier : faire une mission")).click()
    look(mediator, "01-atelier-choix")
    card = mediator.locator(".workshop-missions li", has_text=MISSION)
    card.get_by_role("button", name="Ouvrir un atelier pour cette mission").click()
    look(mediator, "02-atelier-code")
    code = text(mediator.locator(".workshop-code")).strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code), code
    assert "En attente de la personne" in text(mediator.locator("#etat-atelier"))
    assert mediator.locator("#etapes").get_attribute("aria-live") == "polite"

    # The person: from / to the mission, with the code typed on the keyboard.
    person.goto(demo.url + "/")
    look(person, "03-connexion-avec-atelier")
    person.get_by_role("link", name="Rejoindre un atelier").click()
    look(person, "04-rejoindre")
    # A wrong code first: said plainly, in French.
    person.get_by_role("textbox", name="Code de l'atelier").fill("AAAA-AAAA")
    person.keyboard.press("Enter")
    assert "Ce code ne marche pas" in text(person.locator("[role=alert]"))
    look(person, "05-rejoindre-refus")
    person.get_by_role("textbox", name="Code de l'atelier").fill(code.lower().replace("-", " "))
    person.keyboard.press("Enter")
    person.wait_for_url(re.compile(r"/bac-a-sable/\d+$"))
    look(person, "06-mission-de-la-personne")
    banner = text(person.locator("header"))
    assert "Site d'entraînement" in banner and "sera effacé à la fin de l'atelier" in banner
    assert person.locator("a[href^='/modules/']").count() == 0
    person.locator(".sandbox-nav").get_by_role("link", name="Messages et SMS").click()
    person.locator(".message-list").get_by_role("button", name=re.compile("Amende impayée")).click()
    person.get_by_role("button", name="Signaler comme frauduleux").click()
    look(person, "07-messagerie-de-la-personne")

    # The mediator's screen shows those steps without being reloaded (polled every 5 s).
    steps = mediator.locator("#etapes")
    expect(steps).to_contain_text("Message signalé comme frauduleux", timeout=20_000)
    expect(mediator.locator("#etat-atelier")).to_contain_text("La personne a rejoint l'atelier", timeout=10_000)
    assert mediator.locator("#bloc-code").is_hidden(), "a used code is not shown any more"
    look(mediator, "08-atelier-suivi")
    attempt = int(re.search(r"/bac-a-sable/(\d+)", person.url).group(1))
    assert rows(demo.db, "SELECT count(*) FROM sandbox_events WHERE attempt_id = ?", attempt) >= 3

    # The mediator ends the workshop (keyboard: focus the button, Enter).
    mediator.get_by_role("button", name="Terminer l'atelier et tout effacer").focus()
    mediator.keyboard.press("Enter")
    mediator.wait_for_url("**/atelier?termine=1")
    assert "Tout ce que la personne a tapé est effacé" in text(mediator.locator("[role=status]"))
    assert mediator.locator("#titre-en-cours").count() == 0
    look(mediator, "09-atelier-termine-mediateur")

    # The person's next page says it is over; nothing of theirs is left.
    person.locator(".sandbox-nav").get_by_role("link", name="La mission").click()
    assert text(person.locator("h1")) == "L'atelier est terminé"
    assert "Tout ce que vous avez tapé a été effacé" in text(person.locator("main"))
    look(person, "10-atelier-termine-personne")
    assert rows(demo.db, "SELECT count(*) FROM sandbox_attempts WHERE id = ?", attempt) == 0
    assert rows(demo.db, "SELECT count(*) FROM sandbox_events WHERE attempt_id = ?", attempt) == 0
    assert rows(demo.db, "SELECT count(*) FROM workshops") == 0
    assert rows(demo.db, "SELECT count(*) FROM sandbox_attempts WHERE workshop_id IS NOT NULL") == 0

    external = [url for url in requested if not url.startswith(demo.url)]
    assert external == [], external
    mediator_context.close()
    person_context.close()
