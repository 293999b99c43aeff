"""Issue 14: the charts trainers and funders look at rather than read, in a real browser.

The demo may hold no results yet, so learners make them first through the JSON API, as the mobile or
offline clients would: seven learners take the initial positioning (answering at random) and the final one
(answering from the bank's solutions) and share their results, all twelve answer a questionnaire, three finish
a module. The trainer starts at `/`, signs in, opens the final positioning and the questionnaire by clicking,
then clicks to the gains, the questionnaire statistics and the printable report: axe on each page, « Voir les
chiffres » opened with the keyboard, screenshots at 1280 x 800 and 1920 x 1080 under .build/screens/charts
(not committed), the report also as printed and in grey levels. No page.goto after the first page."""
import http.client
import json
import re
import urllib.parse
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from test_module import good_path, load_module
from test_signin import assert_accessible

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / ".build" / "screens" / "charts"
SIZES = [(1280, 800), (1920, 1080), (360, 740)]
POSITIONED = [4, 6, 7, 8, 9, 10, 11]   # learners who take both positionings (7: every competence has 5 pairs or more)
MODULE_DONE = [0, 1, 4]                 # learners who finish the programme's first module


# Learners, through the JSON API

def call(demo, method, path, body=None, cookie=None, form=None):
    """One request as our own pages would send it; returns (status, JSON or None, headers)."""
    port = urllib.parse.urlparse(demo.url).port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Sec-Fetch-Site": "same-origin"}
    if cookie:
        headers["Cookie"] = cookie
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        data = urllib.parse.urlencode(form).encode()
    else:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode() if body is not None else None
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = None
        return response.status, parsed, dict(response.getheaders())
    finally:
        connection.close()


def learner_cookie(demo, index):
    status, _, headers = call(demo, "POST", "/api/session", {"code": demo.learners[index][1]})
    assert status == 200, status
    return headers["Set-Cookie"].split(";")[0]


def bank():
    items = {}
    for path in (ROOT / "Assessments" / "items").rglob("*.yaml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("items", []):
            items[item["id"]] = item
    return items


BANK = bank()


def right_answer(item):
    """The right answer of a bank item or a module activity, from its YAML."""
    kind = item["type"]
    if kind == "qcu":
        return {"choice": next(c["id"] for c in item["choices"] if c.get("correct"))}
    if kind == "qcm":
        return {"choices": [c["id"] for c in item["choices"] if c.get("correct")]}
    if kind in ("qroc", "qrocm-ind"):
        return {"fields": {f["id"]: str(f["accepted"][0]) for f in item["fields"]}}
    if kind == "qrocm-dep":
        return {"fields": {f["id"]: str(a) for f, a in zip(item["fields"], item["accepted"])}}
    if kind == "ordering":
        return {"order": [c["id"] for c in item["choices"]]}
    if kind == "matching":
        return {"pairs": {p["id"]: p["id"] for p in item["pairs"]}}
    raise AssertionError(kind)


def any_answer(view):
    """A well-formed answer to an item as the API shows it, right or wrong by chance."""
    kind = view["type"]
    if kind == "qcu":
        return {"choice": view["options"][0]["id"]}
    if kind == "qcm":
        return {"choices": [view["options"][0]["id"]]}
    if kind in ("qroc", "qrocm-ind", "qrocm-dep", "qrocm"):
        return {"fields": {field["id"]: "je ne sais pas" for field in view["fields"]}}
    if kind == "ordering":
        return {"order": [option["id"] for option in view["options"]][::-1]}
    if kind == "matching":
        rights = [option["id"] for option in view["right"]]
        return {"pairs": {left["id"]: rights[(index + 1) % len(rights)] for index, left in enumerate(view["left"])}}
    raise AssertionError(kind)


def take_positioning(demo, cookie, assignment, knows, who):
    """Takes (or takes up) a positioning to its end and shares the result: the learner knows the answer to a
    share `knows` of the items (the same ones from one run to the next), and answers the others at random."""
    status, view, _ = call(demo, "POST", "/api/assessments", {"assignment": assignment}, cookie=cookie)
    assert status == 200, (status, view)
    run = view["id"]
    for _ in range(400):
        item = view.get("item")
        if not item:
            break
        known = item["id"] in BANK and zlib.crc32(f"{who}:{item['id']}".encode()) % 100 < knows * 100
        answer = right_answer(BANK[item["id"]]) if known else any_answer(item)
        status, view, _ = call(demo, "POST", f"/api/assessments/{run}/answers",
                               {"item": item["id"], "answer": answer, "timeSpentMs": 20000}, cookie=cookie)
        assert status == 200, (status, view)
    status, _, _ = call(demo, "POST", f"/api/assessments/{run}/share", cookie=cookie)
    assert status == 200


def finish_module(demo, cookie, module_id):
    module, sets = load_module(module_id)
    for lesson in module["lessons"]:
        assert call(demo, "POST", f"/api/modules/{module_id}/lessons/{lesson[:-3]}", {"completed": True}, cookie=cookie)[0] == 200
    for _ in range(3):  # a rule such as « 3 right in a row » wants a few rounds
        for _, activities in sets:
            for activity in activities:
                path = f"/api/modules/{module_id}/activities/{activity['id']}"
                kind = activity["type"]
                if kind == "scenario":
                    for step, choice in good_path(activity):
                        call(demo, "POST", path, {"answer": {"step": step, "choice": choice["id"]}}, cookie=cookie)
                elif kind == "self-assessment":
                    low = activity["scale"]["min"]
                    call(demo, "POST", path, {"answer": {"values": {s["id"]: low + 1 for s in activity["statements"]}}}, cookie=cookie)
                elif kind == "observation-grid":
                    first = activity["parts"][0]["questions"][0]["id"]
                    call(demo, "POST", path, {"answer": {"answers": {first: "Un panneau indique l'accueil numérique."}}}, cookie=cookie)
                elif kind == "reflection":
                    call(demo, "POST", path, {"answer": {"text": "J'ai laissé la personne taper elle-même."}}, cookie=cookie)
                else:
                    call(demo, "POST", path, {"answer": right_answer(activity)}, cookie=cookie)
        status, progress, _ = call(demo, "GET", f"/api/modules/{module_id}", cookie=cookie)
        if progress and progress.get("state") == "complete":
            return
    raise AssertionError(f"module {module_id} not complete: {progress}")


def learners_make_results(demo, questionnaire, after):
    cookies = {index: learner_cookie(demo, index) for index in range(len(demo.learners))}
    listing = call(demo, "GET", "/api/assessments", cookie=cookies[POSITIONED[0]])[1]["assessments"]
    initial, final = listing[0]["assignment"], listing[-1]["assignment"]
    assert initial != final

    def positioned(index):
        rank = POSITIONED.index(index)
        take_positioning(demo, cookies[index], initial, knows=0.15 + 0.05 * rank, who=index)
        take_positioning(demo, cookies[index], final, knows=0.45 + 0.07 * rank, who=index)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(positioned, POSITIONED))
    # The questionnaire: every learner, answers spread over the 1-8 scale, some statements lower than others.
    statements = yaml.safe_load((ROOT / "Assessments" / "questionnaires" / "aisance-numerique.yaml").read_text(encoding="utf-8"))["statements"]
    for moment, url in (("avant", questionnaire), ("apres", after)):
        answer_questionnaire(demo, cookies, url, statements, better=2 if moment == "apres" else 0)
    # The programme's first module, finished by three learners.
    modules = call(demo, "GET", "/api/modules", cookie=cookies[0])[1]
    first = modules["modules"][0]["id"]
    for index in MODULE_DONE:
        finish_module(demo, cookies[index], first)


def answer_questionnaire(demo, cookies, url, statements, better):
    """Every learner answers; `better` raises the answers on the 1-8 scale (after the training)."""
    assignment = url.rstrip("/").split("/")[-1]
    for index, cookie in cookies.items():
        answers = {}
        for number, statement in enumerate(statements):
            draw = zlib.crc32(f"{index}:{statement['id']}".encode()) % 100
            if statement.get("type") == "yes-no":
                answers[f"reponse_{statement['id']}"] = "oui" if draw < (45 if statement["id"] == "o1" else 70) else "non"
            else:
                # Mostly agreeing, less so on every third statement; a few at the bottom of the scale.
                weights = [4, 5, 8, 12, 16, 22, 19, 14] if number % 3 else [10, 14, 18, 18, 14, 12, 8, 6]
                cumulative, value = 0, 8
                for candidate, weight in enumerate(weights, start=1):
                    cumulative += weight
                    if draw < cumulative:
                        value = candidate
                        break
                answers[f"reponse_{statement['id']}"] = str(min(8, value + better * (draw % 2)))
        status, _, _ = call(demo, "POST", f"/questionnaires/{assignment}", cookie=cookie, form=answers)
        assert status == 303, status


# The trainer, in the browser

def shoot_element(page, locator, path):
    """A picture of one element, cut out of a full-page screenshot: no wait for the element to be « stable »
    (an element screenshot waited 30 s for it once, on a loaded machine); these pictures are for people to look at."""
    box = locator.evaluate("e => { const r = e.getBoundingClientRect(); "
                           "return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height}; }")
    if box["width"] > 0 and box["height"] > 0:
        page.screenshot(path=path, full_page=True, clip=box)


def shoot(page, name):
    """Full-page screenshots at both sizes, and each chart alone at 1280 px (to look at it closely)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENS / f"{width}-{name}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than {width} px"
        if width < 600:  # on a phone a chart keeps a readable size and scrolls in its own box
            sizes = page.eval_on_selector_all("main svg.chart-wide", "charts => charts.map(c => c.getBoundingClientRect().width)")
            assert sizes and min(sizes) >= 600, sizes
            shoot_element(page, page.locator("main .chart-scroll").first, str(SCREENS / f"{width}-{name}-graphique-1.png"))
    page.set_viewport_size({"width": 1280, "height": 800})
    charts = page.locator("main svg[role=img]")
    for index in range(charts.count()):
        shoot_element(page, charts.nth(index), str(SCREENS / f"1280-{name}-graphique-{index + 1}.png"))


def check_charts(page, minimum):
    charts = page.locator("main svg[role=img]")
    assert charts.count() >= minimum, charts.count()
    for index in range(charts.count()):
        chart = charts.nth(index)
        ids = chart.get_attribute("aria-labelledby").split()
        assert len(ids) == 2
        assert page.locator(f"#{ids[0]}").evaluate("e => e.tagName") == "title"
        assert page.locator(f"#{ids[1]}").evaluate("e => e.tagName") == "desc"
        assert page.locator(f"#{ids[1]}").text_content().strip(), "the description says what the chart shows"
        assert chart.get_attribute("style") is None
        assert chart.locator("text").count() >= 3, "names and values are written, not only coloured"


def open_numbers_by_keyboard(page):
    """Tabs to the first « Voir les chiffres », opens it with Enter: the table shows."""
    summary = page.locator("details.chart-numbers > summary").first
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName === 'SUMMARY' && document.activeElement.textContent.includes('Voir les chiffres')"):
            break
    else:
        raise AssertionError("« Voir les chiffres » cannot be reached with Tab")
    assert not summary.locator("xpath=..").locator("table").is_visible()
    page.keyboard.press("Enter")
    table = summary.locator("xpath=..").locator("table")
    assert table.is_visible()
    return table


def test_the_trainer_reads_the_charts(own_demo, browser):
    demo = own_demo
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(demo.url + "/")  # the only address typed
    page.fill("#identifiant", demo.trainer)
    page.fill("#mot_de_passe", demo.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().startswith("Bonjour")
    card = page.locator("section.card", has=page.locator("h3", has_text="Cohorte de démonstration"))

    # The final positioning and a questionnaire, opened by clicking.
    card.get_by_role("link", name="Ouvrir un positionnement pour cette cohorte").click()
    page.get_by_label("Compétences numériques (référentiel Pix)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Moment").select_option("final")
    with page.expect_navigation():
        page.get_by_role("button", name="Ouvrir le positionnement").click()
    page.get_by_role("link", name="Revenir à mes cohortes").click()
    card = page.locator("section.card", has=page.locator("h3", has_text="Cohorte de démonstration"))
    urls = []
    for moment in ("avant", "apres"):  # the same questionnaire before and after the training
        card.locator("summary", has_text="Proposer un questionnaire").click()
        card.get_by_label("Moment").select_option(moment)
        with page.expect_navigation():
            card.get_by_role("button", name="Proposer le questionnaire").click()
        assert "/formateur/questionnaires/" in page.url
        urls.append(page.url)
        if moment == "avant":
            page.get_by_role("link", name="Revenir à mes cohortes").click()
            card = page.locator("section.card", has=page.locator("h3", has_text="Cohorte de démonstration"))
    questionnaire, after = urls

    learners_make_results(demo, questionnaire, after)

    # The gains: the earliest initial against the latest final by default, never the same one twice.
    page.get_by_role("link", name="Revenir à mes cohortes").click()
    card = page.locator("section.card", has=page.locator("h3", has_text="Cohorte de démonstration"))
    card.get_by_role("link", name="Progression entre deux positionnements").click()
    assert page.locator("h1").inner_text() == "Progression de la cohorte"
    before = page.locator("#avant").input_value()
    after = page.locator("#apres").input_value()
    assert before and after and before != after
    assert "initial" in page.locator("#avant option:checked").inner_text()
    assert "final" in page.locator("#apres option:checked").inner_text()
    check_charts(page, 2)
    gains = page.locator("svg[aria-labelledby^=gains]")
    assert gains.locator("text", has_text=re.compile(r"^\+\d")).count() >= 1, "gains are written with their sign"
    assert "IC 95 %" in page.locator("main").inner_text().replace("\u202f", " ").replace("\u00a0", " ")
    assert "taille de l'effet" in page.locator("main").inner_text()
    assert_accessible(page)
    table = open_numbers_by_keyboard(page)
    assert table.locator("tbody tr").count() >= 1
    shoot(page, "01-progression")
    assert_accessible(page)

    # The questionnaire: diverging bars, then the detail by structure, where every group is under 5.
    page.get_by_role("link", name="Revenir à mes cohortes").click()
    card = page.locator("section.card", has=page.locator("h3", has_text="Cohorte de démonstration"))
    card.get_by_role("link", name=re.compile("Aisance avec le numérique")).first.click()
    assert page.url == questionnaire
    check_charts(page, 2)
    comparison = page.locator("svg[aria-labelledby^=comparaison]")
    assert comparison.locator("text", has_text="Tout à fait d'accord").count() == 1
    assert page.locator("svg[aria-labelledby^=questionnaire-echelle]").count() == 0, "no second chart of the same answers"
    assert comparison.locator("text", has_text="après").count() >= 12, "before and after, one pair of bars per statement"
    assert_accessible(page)
    open_numbers_by_keyboard(page)
    shoot(page, "02-questionnaire")
    page.get_by_label("Détailler par").select_option("structure")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**par=structure")
    cells = page.locator("table tbody td", has_text="moins de 5 réponses")
    assert cells.count() >= 4, "groups of 2 to 4 learners are not given figures"
    assert page.locator("table tbody td", has_text="(n = ").count() == 0
    assert_accessible(page)
    shoot(page, "03-questionnaire-par-structure")

    # The report for funders: the same charts, tables open, and as printed, also in grey levels.
    page.get_by_role("link", name="Revenir à mes cohortes").click()
    card = page.locator("section.card", has=page.locator("h3", has_text="Cohorte de démonstration"))
    card.get_by_role("link", name="Rapport imprimable pour les financeurs").click()
    assert page.locator("h1").inner_text().startswith("Cohorte")
    check_charts(page, 4)
    steps = page.locator("svg[aria-labelledby^=modules-semaines]")
    assert steps.count() == 1 and steps.locator("text", has_text="modules attribués en tout").count() == 1
    assert_accessible(page)
    shoot(page, "04-rapport")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=str(SCREENS / "a4-05-rapport-imprime.png"), full_page=True)
    sections = page.locator("main > section")
    for index in range(sections.count()):
        shoot_element(page, sections.nth(index), str(SCREENS / f"a4-05-rapport-imprime-partie-{index + 1}.png"))
    page.evaluate("document.documentElement.style.filter = 'grayscale(1)'")  # the DOM, not markup: the CSP allows it
    page.screenshot(path=str(SCREENS / "a4-06-rapport-gris.png"), full_page=True)
    for index in range(sections.count()):
        shoot_element(page, sections.nth(index), str(SCREENS / f"a4-06-rapport-gris-partie-{index + 1}.png"))

    external = [url for url in requests if not url.startswith(demo.url)]
    assert external == []
    context.close()
