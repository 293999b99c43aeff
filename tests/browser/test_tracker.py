"""The cohort tracker in a real browser (issue 14), reached only by clicks from `/`: the competences heat map
(readable headers, a legend, the level written in every cell, sorting by clicking a header), the « Modules »
tab, the modules page (work to review first, then the grid), printing on A4 landscape, and a phone's width.
Axe runs on each page; screenshots at 1280 x 800 and 1920 x 1080 go to .build/screens/tracker/."""
import re
from pathlib import Path

import yaml

import tracker_work
from test_signin import assert_accessible

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / ".build" / "screens" / "tracker"


def plain(text):
    """Text with the non-breaking spaces of French typography made ordinary."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def shoot(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.screenshot(path=str(SCREENS / f"{name}-{size['width']}x{size['height']}.png"), full_page=True)


def follow(page, link):
    """Clicks a link and waits for the page it opens."""
    with page.expect_navigation():
        link.click()


def sorted_header(page):
    """The header the table is sorted on, and its aria-sort."""
    headers = page.locator("table.heatmap thead th[aria-sort]")
    assert headers.count() == 1
    return headers.first.inner_text().strip(), headers.first.get_attribute("aria-sort")


def column(page, header_name):
    """The texts of one column of the heat map, by the visible name of its header."""
    names = [text.strip() for text in page.locator("table.heatmap thead th").all_inner_texts()]
    index = next(i for i, name in enumerate(names) if header_name in name)
    return [cell.strip() for cell in page.locator(f"table.heatmap tbody tr > :nth-child({index + 1})").all_inner_texts()]


def test_a_trainer_reads_the_tracker_at_a_glance(own_demo, page):
    demo = own_demo
    # Learners work first, through the learner API: positionings shared, activities answered, reflections sent,
    # and one learner who failed the same scenario four times.
    assert tracker_work.give_work(demo.url, demo.learners) >= 8

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(demo.url + "/")
    page.fill("#identifiant", demo.trainer)
    page.fill("#mot_de_passe", demo.password)
    follow(page, page.get_by_role("button", name="Se connecter"))
    page.wait_for_url(demo.url + "/formateur")
    follow(page, page.get_by_role("link", name="Suivi de la cohorte : niveaux, modules, aide").first)
    assert page.locator("h1").inner_text() == "Suivi de la cohorte"

    # At the top: the work to review and who needs help, as links.
    summary = page.locator("ul.summary")
    assert re.search(r"\d+ travaux? à relire", plain(summary.inner_text()))
    assert summary.get_by_role("link", name=re.compile("besoin d'aide")).count() == 1
    tabs = page.get_by_role("navigation", name="Vues du suivi")
    assert tabs.get_by_role("link", name="Compétences").get_attribute("aria-current") == "page"

    # Headers: every competence's name is written in its header (and is the link's name), with its code.
    headers = page.locator("table.heatmap thead th.col-competence")
    assert headers.count() == 16
    for index in range(headers.count()):
        text = headers.nth(index).inner_text()
        assert re.search(r"\d\.\d", text) and len(text) > 8, text
    assert page.get_by_role("link", name=re.compile("Mener une recherche et une veille d'information")).count() == 1
    # Names on one line: the first column's cells are as high as the other cells of their row.
    first = page.locator("table.heatmap tbody tr").first
    assert abs(first.locator("th").bounding_box()["height"] - first.locator("td").first.bounding_box()["height"]) < 2
    # A legend of the colours, and the level written in every cell (a dash read as « pas de résultat » otherwise).
    legend = plain(page.locator("ul.legend").first.inner_text())
    for label in ["0", "1", "2", "3", "4", "5", "6 et plus", "pas de résultat partagé"]:
        assert label in legend
    cells = page.locator("table.heatmap td.level").all_inner_texts()
    numbers = [text for text in cells if re.fullmatch(r"\d", text.strip())]
    assert len(numbers) >= 8 * 16, "8 learners shared a positioning"
    assert all(re.fullmatch(r"\d|–\s*(pas de résultat)?", text.strip()) for text in cells)
    assert_accessible(page)
    shoot(page, "competences")

    # Sorting by clicking a header, twice for the other direction; the order is in the address, not in a script.
    header, direction = sorted_header(page)
    assert header.startswith("Apprenant") and direction == "ascending"
    follow(page, page.locator("table.heatmap thead").get_by_role("link", name=re.compile("^Niveau moyen")))
    assert "tri=niveau" in page.url
    assert sorted_header(page)[1] == "ascending"
    means = [float(text.replace(",", ".")) for text in column(page, "Niveau moyen") if re.fullmatch(r"\d+,\d", text)]
    assert len(means) >= 8 and means == sorted(means)
    assert "Classés par niveau moyen, du plus faible au plus fort." in plain(page.locator("p.sorted").inner_text())
    follow(page, page.locator("table.heatmap thead").get_by_role("link", name=re.compile("^Niveau moyen")))
    assert sorted_header(page)[1] == "descending"
    means = [float(text.replace(",", ".")) for text in column(page, "Niveau moyen") if re.fullmatch(r"\d+,\d", text)]
    assert means == sorted(means, reverse=True)
    follow(page, page.get_by_role("link", name=re.compile("Mener une recherche")))
    assert "Mener une recherche" in sorted_header(page)[0]
    levels = [int(text) for text in column(page, "Mener une recherche") if re.fullmatch(r"\d", text.strip())]
    assert levels == sorted(levels)
    # The summary's link sorts by help needed: the learner who failed four times comes first.
    follow(page, page.locator("ul.summary").get_by_role("link", name=re.compile("besoin d'aide")))
    assert sorted_header(page)[0].startswith("Besoin d'aide")
    assert page.locator("table.heatmap tbody tr").first.locator("td").first.inner_text().strip() == "1 série"
    assert_accessible(page)

    # The « Modules » tab, with the keyboard: a compact grid, a symbol or a percentage in each cell, words for
    # screen readers, and the help needed named.
    page.get_by_role("navigation", name="Vues du suivi").get_by_role("link", name="Modules").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "vue=modules" in page.url
    assert tabs.get_by_role("link", name="Modules").get_attribute("aria-current") == "page"
    grid = page.locator("table.grid")
    programme = yaml.safe_load((ROOT / "Curriculum" / "programmes.yaml").read_text(encoding="utf-8"))["programmes"][0]
    assert grid.locator("thead th.col-module").count() == len(programme["modules"]), "one column per module of the demo's programme"
    assert grid.locator("tbody tr").count() == 12
    texts = [plain(text) for text in grid.locator("td.mod").all_text_contents()]
    assert any("En cours" in text and "%" in text for text in texts)
    assert any("Pas commencé" in text for text in texts) and any("Verrouillé" in text for text in texts)
    help_box = page.locator(".help-list")
    assert "A besoin d'aide : L'administration en ligne" in plain(help_box.inner_text())
    assert grid.locator("td.mod .help-flag").count() == 1
    for label in ["terminé", "en cours", "pas commencé", "verrouillé", "a besoin d'aide"]:
        assert label in plain(page.locator("ul.legend").inner_text())
    assert_accessible(page)
    shoot(page, "modules")

    # Wider screen: both views.
    page.set_viewport_size({"width": 1920, "height": 1080})
    shoot(page, "modules")
    follow(page, page.get_by_role("navigation", name="Vues du suivi").get_by_role("link", name="Compétences"))
    assert page.locator("table.heatmap").count() == 1
    shoot(page, "competences")

    # Printing: A4 landscape, without the tabs, the whole table (no scrolling region).
    page.emulate_media(media="print")
    assert page.locator("nav.tabs").is_hidden()
    assert page.locator(".tracker-wrap").evaluate("e => getComputedStyle(e).overflow") == "visible"
    pdf = page.pdf(prefer_css_page_size=True)
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box and round(float(box.group(1))) == 842 and round(float(box.group(2))) == 595, box
    page.emulate_media(media="screen")

    # A phone: the page does not scroll sideways; the table scrolls inside its region, names stay in view.
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator(".tracker-wrap").evaluate("e => e.scrollLeft = 400")
    name = page.locator("table.heatmap tbody th").first.bounding_box()
    assert 0 <= name["x"] < 40
    shoot(page, "competences")

    # The modules page: the work to review first (its count at the top), then the grid, no table per module.
    page.set_viewport_size({"width": 1280, "height": 800})
    follow(page, page.get_by_role("link", name="Revenir à mes cohortes"))
    follow(page, page.get_by_role("link", name="Modules : attribuer, suivre, relire les travaux").first)
    assert page.locator("h1").inner_text() == "Modules de la cohorte"
    top = page.locator("ul.summary").get_by_role("link", name=re.compile(r"\d+ travaux? à relire"))
    assert top.count() == 1
    order = page.evaluate("""() => [...document.querySelectorAll('#titre-relectures, #titre-grille, #titre-attribuer')]
                                    .map(e => e.id)""")
    assert order == ["titre-relectures", "titre-grille", "titre-attribuer"]
    assert page.locator("#relectures article").count() >= 2
    assert page.locator("main table").count() == 2, "the grid and the completion per module"
    assert_accessible(page)
    shoot(page, "modules-page")
    page.set_viewport_size({"width": 1920, "height": 1080})
    shoot(page, "modules-page")
    top.click()
    assert page.url.endswith("#relectures")
