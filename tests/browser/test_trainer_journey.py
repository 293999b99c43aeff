"""A trainer's way through, as a person does it (issue 14): start at /, then only click what is on the screen —
no page.goto after the first page. Sign in, create a cohort, import a spreadsheet saved by Excel (Windows-1252)
and one in UTF-8 with the file chooser, print the codes, renew one learner's code, assign a module and a
positioning with a French date, then a wrong date (the form comes back with what was typed and the message by
the field), open a learner's report, the new cohort's tracker, then the demo cohort as `make demo` first starts
it (with its sample results): its tracker, the level distribution, a learner's report, the gains and the
questionnaire statistics, each with its chart; last, download the new cohort's CSV. At 1280 x 800 and
1920 x 1080, with a screenshot of each step under .build/screens/trainer (not committed) and axe on every
page; the demo's screens also at 360 x 740."""
import re
from pathlib import Path

import pytest

from test_signin import assert_accessible

SCREENS = Path(__file__).resolve().parents[2] / ".build" / "screens" / "trainer"


def shot(page, size, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{size}-{name}.png"), full_page=True)


def step(page, size, name):
    """Every page of the journey: accessible, and photographed."""
    assert_accessible(page)
    shot(page, size, name)


def click_and_wait(page, locator):
    with page.expect_navigation():
        locator.click()


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_a_trainer_goes_through_by_clicking_only(sample_demo, browser, width, height):
    demo = sample_demo
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    size = str(width)
    cohort_name = f"Promo parcours {width}"
    page.goto(demo.url + "/")
    # Sign in.
    page.get_by_label("Identifiant").fill(demo.trainer)
    page.get_by_label("Mot de passe").fill(demo.password)
    click_and_wait(page, page.get_by_role("button", name="Se connecter"))
    step(page, size, "01-accueil")

    # A new cohort.
    page.locator("summary", has_text="Créer une cohorte").click()
    page.get_by_label("Nom de la cohorte").fill(cohort_name)
    click_and_wait(page, page.get_by_role("button", name="Créer", exact=True))
    assert page.locator("h1").inner_text() == "Apprenants de la cohorte"
    step(page, size, "02-cohorte-vide")

    # A list saved by Excel on Windows: Windows-1252 and « ; ».
    excel = "Nom;Prénom;Structure\r\nFrançois;Zoé;Médiathèque\r\nLefèvre;Hélène;CCAS\r\n".encode("cp1252")
    page.get_by_label("Choisir un fichier CSV").set_input_files(
        files=[{"name": "liste-excel.csv", "mimeType": "text/csv", "buffer": excel}])
    page.wait_for_function("document.getElementById('csv').value.includes('Zoé')")
    click_and_wait(page, page.get_by_role("button", name="Importer"))
    assert "Zoé" in page.content() and "Hélène" in page.content()
    step(page, size, "03-codes-excel")
    # Printing the slips: what the printer gets.
    page.emulate_media(media="print")
    shot(page, size, "04-codes-impression")
    page.emulate_media(media="screen")

    # A UTF-8 list with a byte order mark, headers in capitals without accents.
    click_and_wait(page, page.get_by_role("link", name="Revenir à la liste des apprenants"))
    utf8 = "\ufeffNOM;PRENOM\nDurand;Anaïs\n".encode("utf-8")
    page.get_by_label("Choisir un fichier CSV").set_input_files(
        files=[{"name": "liste-utf8.csv", "mimeType": "text/csv", "buffer": utf8}])
    page.wait_for_function("document.getElementById('csv').value.startsWith('NOM;PRENOM')")
    click_and_wait(page, page.get_by_role("button", name="Importer"))
    assert "Anaïs" in page.content()
    step(page, size, "05-codes-utf8")

    # One lost slip: a new code for one learner only.
    click_and_wait(page, page.get_by_role("link", name="Revenir à la liste des apprenants"))
    step(page, size, "06-liste")
    click_and_wait(page, page.get_by_role("button", name="Nouveau code pour Zoé François"))
    assert "Nouveau code pour Zoé François" in page.inner_text("main")
    assert page.locator(".code-card").count() == 1
    step(page, size, "07-nouveau-code")

    # A module, due on a day typed the French way.
    click_and_wait(page, page.get_by_role("link", name="Revenir à la liste des apprenants"))
    click_and_wait(page, page.get_by_role("link", name="Revenir à mes cohortes"))
    card = page.locator("section.card", has=page.locator("h3", has_text=cohort_name))
    click_and_wait(page, card.get_by_role("link", name="Modules : attribuer, suivre, relire les travaux"))
    page.get_by_label("Module", exact=True).select_option(index=1)
    due = page.get_by_label("À terminer avant le (facultatif)")
    # The modules page keeps the browser's date picker, whose order of day and month follows the computer's
    # language (headless chromium's is English): chosen as a picker does. The positioning form below is typed.
    due.fill("2027-01-31")
    click_and_wait(page, page.get_by_role("button", name="Attribuer"))
    step(page, size, "08-module-attribue")

    # A positioning: the framework first, then its competences.
    click_and_wait(page, page.get_by_role("link", name="Revenir à mes cohortes"))
    card = page.locator("section.card", has=page.locator("h3", has_text=cohort_name))
    click_and_wait(page, card.get_by_role("link", name="Ouvrir un positionnement pour cette cohorte"))
    step(page, size, "09-positionnement-etape-1")
    page.get_by_label("Compétences numériques (référentiel Pix)").check()
    click_and_wait(page, page.get_by_role("button", name="Continuer"))
    assert page.get_by_label("Test adaptatif classique (comme Pix)").is_checked()
    assert page.locator("input[name=competences]").count() == 16
    for box in page.locator("input[name=competences]").all()[3:]:
        box.uncheck()
    assert "environ" in page.inner_text("#estimation") and "3 compétences" in page.inner_text("#estimation")
    step(page, size, "10-positionnement-etape-2")
    click_and_wait(page, page.get_by_role("link", name="Voir un exemple de question, comme les apprenants la verront"))
    assert "Aperçu pour le formateur" in page.inner_text("main")
    step(page, size, "11-apercu")
    click_and_wait(page, page.get_by_role("link", name="Revenir au formulaire du positionnement"))
    for box in page.locator("input[name=competences]").all()[3:]:
        box.uncheck()
    page.get_by_label("Moment").select_option("initial")
    # A day that does not exist: the form comes back as it was, with the message by the field.
    page.get_by_label("À faire avant le (facultatif)").fill("31/02/2027")
    click_and_wait(page, page.get_by_role("button", name="Ouvrir le positionnement"))
    field = page.get_by_label("À faire avant le (facultatif)")
    assert field.input_value() == "31/02/2027"
    assert page.evaluate("document.activeElement.id") == "echeance"
    assert "jour/mois/année" in page.inner_text("#erreur-echeance")
    assert page.locator("input[name=competences]:checked").count() == 3
    step(page, size, "12-date-refusee")
    field.fill("31/01/2027")
    click_and_wait(page, page.get_by_role("button", name="Ouvrir le positionnement"))
    assert "à faire avant le 31/01/2027" in page.inner_text("main")
    step(page, size, "13-positionnement-ouvert")

    # A learner's report.
    click_and_wait(page, page.get_by_role("link", name="Zoé François"))
    assert page.locator("h1").inner_text() == "Zoé François"
    assert "Identifiant externe" not in page.inner_text("main")
    step(page, size, "14-rapport-apprenant")

    # The new cohort's tracker: its three learners, no level yet, said in words.
    click_and_wait(page, page.get_by_role("link", name="Revenir à mes cohortes"))
    card = page.locator("section.card", has=page.locator("h3", has_text=cohort_name))
    click_and_wait(page, card.get_by_role("link", name="Suivi de la cohorte : niveaux, modules, aide"))
    assert page.locator("h1").inner_text() == "Suivi de la cohorte"
    assert page.locator("table.heatmap tbody tr").count() == 3
    step(page, size, "15-suivi-nouvelle-cohorte")

    # The demo cohort as it first starts: every screen with a chart or a table.
    click_and_wait(page, page.get_by_role("link", name="Revenir à mes cohortes"))
    demo_screens(page, size, click_and_wait)

    # The export of the new cohort, downloaded.
    click_and_wait(page, page.get_by_role("link", name="Revenir à mes cohortes"))
    card = page.locator("section.card", has=page.locator("h3", has_text=cohort_name))
    with page.expect_download() as download:
        card.get_by_role("link", name="tableur (CSV)", exact=True).click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode("utf-8"))
    text = data.decode("utf-8-sig")
    assert text.startswith('"Organisation";"Cohorte";"Nom";"Prénom"')
    assert '"François";"Zoé"' in text and "0%" in text
    context.close()


def demo_screens(page, size, click_and_wait):
    """From the trainer's home, the demo cohort's tracker, level distribution, a learner's report, gains and
    questionnaire statistics, by clicking; each page checked with axe and photographed."""
    def demo_card():
        return page.locator("section.card", has=page.locator("h3", has_text="Cohorte de démonstration"))

    click_and_wait(page, demo_card().get_by_role("link", name="Suivi de la cohorte : niveaux, modules, aide"))
    heatmap = page.locator("table.heatmap")
    assert heatmap.locator("tbody tr").count() == 12
    assert heatmap.locator("td.level:not(.heat-none)").count() >= 7, "the sample results' levels"
    step(page, size, "16-demo-suivi")
    tabs = page.get_by_role("navigation", name="Vues du suivi")
    click_and_wait(page, tabs.get_by_role("link", name="Répartition des niveaux"))
    chart = page.locator("svg[aria-labelledby^=repartition]")
    assert chart.count() == 1 and chart.locator("title").text_content().startswith("Nombre d'apprenants à chaque niveau")
    assert "moins de 5 réponses" not in page.inner_text("main")
    page.locator("summary", has_text="Voir les chiffres").click()
    assert page.locator("details.chart-numbers table tbody tr").count() >= 3
    step(page, size, "17-demo-repartition")
    click_and_wait(page, tabs.get_by_role("link", name="Modules"))
    assert page.locator("h2", has_text="Modules par apprenant").count() == 1
    step(page, size, "18-demo-suivi-modules")

    # A learner of the demo who shared both positionings.
    click_and_wait(page, page.get_by_role("link", name="Benali Amina").first)
    assert page.locator("h1").inner_text() == "Amina Benali"
    assert page.locator("main svg").count() >= 1
    step(page, size, "19-demo-rapport-apprenant")

    # The gains: seven learners measured twice, so a chart, not the small-group sentence.
    click_and_wait(page, page.get_by_role("link", name="Revenir à mes cohortes"))
    click_and_wait(page, demo_card().get_by_role("link", name="Progression entre deux positionnements"))
    assert page.locator("svg[aria-labelledby^=gains]").count() == 1
    assert page.locator("svg[aria-labelledby^=niveaux]").count() == 1
    assert "au moins 5 apprenants" not in page.inner_text("main")
    step(page, size, "20-demo-progression")

    # The questionnaire answered before and after the training.
    click_and_wait(page, page.get_by_role("link", name="Revenir à mes cohortes"))
    click_and_wait(page, demo_card().get_by_role("link", name=re.compile("Aisance avec le numérique")).last)
    assert page.locator("main svg").count() >= 1
    step(page, size, "21-demo-questionnaire")


def test_the_demo_screens_on_a_phone(sample_demo, browser):
    """The demo's trainer screens at 360 x 740: charts scroll sideways in their box, the page does not."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.goto(sample_demo.url + "/")
    page.get_by_label("Identifiant").fill(sample_demo.trainer)
    page.get_by_label("Mot de passe").fill(sample_demo.password)
    click_and_wait(page, page.get_by_role("button", name="Se connecter"))
    demo_screens(page, "360", click_and_wait)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
