"""The sign-in page in a real browser: accessibility (axe, WCAG 2.1 A/AA), keyboard use, phone width."""
from axe_playwright_python.sync_playwright import Axe

AXE = Axe()


def assert_accessible(page):
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    assert results.violations_count == 0, results.generate_report()


def test_sign_in_page_passes_axe_and_loads_nothing_external(demo, page):
    page.goto(demo.url + "/connexion")
    assert page.title() == "Connexion — Passerelle"
    assert page.get_attribute("html", "lang") == "fr"
    assert_accessible(page)
    external = [url for url in page.requested_urls if not url.startswith(demo.url)]
    assert external == []


def test_a_learner_signs_in_with_the_keyboard_only(demo, page):
    name, code = demo.learners[0]
    page.goto(demo.url + "/connexion")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/"  # the site's name, a link home
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Agrandir le texte"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "code"
    page.keyboard.type(code.lower())
    page.keyboard.press("Enter")
    page.wait_for_url(demo.url + "/apprenant")
    assert page.locator("h1").inner_text() == "Bonjour " + name.split(" ")[0]
    assert_accessible(page)


def test_a_wrong_code_is_explained_and_the_page_stays_accessible(demo, page):
    page.goto(demo.url + "/connexion")
    page.fill("#code", "AAAAA-AAAAA")
    page.click("text=Entrer")
    alert = page.locator("[role=alert]")
    assert "pas reconnu" in alert.inner_text()
    assert_accessible(page)


def test_the_trainer_signs_in_and_sees_the_cohort(demo, page):
    page.goto(demo.url + "/connexion")
    page.fill("#identifiant", demo.trainer)
    page.fill("#mot_de_passe", demo.password)
    page.keyboard.press("Enter")
    page.wait_for_url(demo.url + "/formateur")
    assert "Cohorte de démonstration" in page.locator("main h3").first.inner_text()
    assert "12 apprenants" in page.locator("main h3").first.inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Modules : attribuer, suivre, relire les travaux").first.click()
    assert page.locator("h1").inner_text() == "Modules de la cohorte"
    assert_accessible(page)
    page.goto(demo.url + "/formateur")
    page.get_by_role("link", name="Suivi de la cohorte : niveaux, modules, aide").first.click()
    assert page.locator("h1").inner_text() == "Suivi de la cohorte"
    assert_accessible(page)
    page.goto(demo.url + "/formateur")
    page.get_by_role("link", name="Progression entre deux positionnements").first.click()
    assert page.locator("h1").inner_text() == "Progression de la cohorte"
    assert_accessible(page)

    page.goto(demo.url + "/formateur")
    page.get_by_role("link", name="Rapport imprimable pour les financeurs").first.click()
    assert page.locator("h1").inner_text().startswith("Cohorte")
    assert_accessible(page)

    # A new cohort, learners pasted as CSV, and the printable page of their codes.
    page.goto(demo.url + "/formateur")
    page.locator("summary", has_text="Créer une cohorte").click()
    page.fill("#nom-cohorte", "Cohorte du test navigateur")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer", exact=True).click()
    assert page.locator("h1").inner_text() == "Apprenants de la cohorte"
    assert_accessible(page)
    page.fill("#csv", "Nom;Prénom;Structure\nDurand;Léa;CCAS\nPetit;Omar;Centre social\n")
    with page.expect_navigation():
        page.get_by_role("button", name="Importer").click()
    assert page.locator(".code-card").count() == 2
    assert_accessible(page)
    page.goto(demo.url + "/formateur")
    page.click("text=Se déconnecter")
    page.wait_for_url(demo.url + "/connexion")


def test_the_page_fits_a_360_pixel_phone(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(demo.url + "/connexion")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("#code").bounding_box()
    assert box["height"] >= 44  # a finger-sized target
    context.close()
