"""A demo learner takes the adaptive assessment in a real browser, with the keyboard, and sees the profile."""
from test_signin import assert_accessible


def sign_in(page, demo, index):
    page.goto(demo.url + "/connexion")
    page.fill("#code", demo.learners[index][1])
    page.keyboard.press("Enter")
    page.wait_for_url(demo.url + "/apprenant")


def answer_current_question(page):
    """Gives some answer to whatever question is shown, using only the keyboard where it matters."""
    form = page.locator("form.question")
    radios = form.locator("input[type=radio]")
    checkboxes = form.locator("input[type=checkbox]")
    texts = form.locator("input[type=text]")
    selects = form.locator("select")
    if radios.count():
        radios.first.focus()
        page.keyboard.press("Space")
    elif checkboxes.count():
        checkboxes.first.focus()
        page.keyboard.press("Space")
    elif texts.count():
        for i in range(texts.count()):
            texts.nth(i).fill("je ne sais pas")
    elif selects.count():
        for i in range(selects.count()):
            # Ordering wants different numbers; matching accepts any choice.
            options = selects.nth(i).locator("option")
            selects.nth(i).select_option(index=min(i + 1, options.count() - 1))
    page.get_by_role("button", name="Valider ma réponse").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_demo_learner_takes_the_assessment_and_sees_the_profile(demo, page):
    sign_in(page, demo, 2)
    page.get_by_role("button", name="Commencer").click()
    page.wait_for_url("**/positionnement/*")
    assert page.locator("h1").inner_text() == "Question 1"
    assert page.locator(".read-aloud").is_visible(), "read-aloud button shown where speech synthesis exists"
    assert_accessible(page)
    for _ in range(200):
        if "/resultat" in page.url:
            break
        answer_current_question(page)
    assert "/resultat" in page.url
    assert page.locator("h1").inner_text() == "Mon profil"
    assert page.locator("svg.chart").count() == 1
    assert page.locator("table tbody tr").count() >= 16
    assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the profile fits a phone"
    page.get_by_role("button", name="Partager mes résultats").click()
    assert "partagés avec votre formateur" in page.locator("[role=status]").inner_text()


def test_the_assessment_can_be_left_and_resumed(demo, page):
    sign_in(page, demo, 3)
    page.get_by_role("button", name="Commencer").click()
    page.wait_for_url("**/positionnement/*")
    answer_current_question(page)
    assert page.locator("h1").inner_text() == "Question 2"
    page.get_by_role("link", name="Revenir à mon espace").click()  # the question page's way back home
    page.wait_for_url("**/apprenant")
    page.get_by_role("link", name="Reprendre le positionnement").click()  # the home page's next step
    page.wait_for_url("**/positionnement/*")
    assert page.locator("h1").inner_text() == "Question 2"


def test_the_question_page_fits_a_phone(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    sign_in(page, demo, 4)
    page.get_by_role("button", name="Commencer").click()
    page.wait_for_url("**/positionnement/*")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()
