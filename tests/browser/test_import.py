"""A trainer imports a spreadsheet saved by Excel on Windows (Windows-1252, « ; ») and one in UTF-8 with a byte
order mark, by clicking from / (issue 14): accents arrive intact, the codes page lists the new learners."""
from test_signin import assert_accessible


def test_windows_1252_and_utf8_files_import_with_their_accents(demo, page):
    page.goto(demo.url + "/")
    page.fill("#identifiant", demo.trainer)
    page.fill("#mot_de_passe", demo.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/formateur")
    page.locator("summary", has_text="Créer une cohorte").click()
    page.fill("#nom-cohorte", "Cohorte import Excel")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer", exact=True).click()
    assert page.locator("h1").inner_text() == "Apprenants de la cohorte", page.locator("main").inner_text()[:300]
    excel = "Nom;Prénom;Structure\r\nFrançois;Zoé;Médiathèque\r\n".encode("cp1252")
    page.set_input_files("#fichier", files=[{"name": "liste.csv", "mimeType": "text/csv", "buffer": excel}])
    page.wait_for_timeout(200)
    assert "Zoé" in page.input_value("#csv") and "\ufffd" not in page.input_value("#csv")
    with page.expect_navigation():
        page.get_by_role("button", name="Importer").click()
    assert "Zoé" in page.content() and "François" in page.content()
    assert_accessible(page)
    page.go_back()  # back to the learners page, as a person would with the browser's button
    utf8 = "\ufeffNOM;PRENOM\nDurand;Anaïs\n".encode("utf-8")
    page.set_input_files("#fichier", files=[{"name": "liste-utf8.csv", "mimeType": "text/csv", "buffer": utf8}])
    page.wait_for_timeout(200)
    assert page.input_value("#csv").startswith("NOM;PRENOM")
    with page.expect_navigation():
        page.get_by_role("button", name="Importer").click()
    assert "Anaïs" in page.content()
