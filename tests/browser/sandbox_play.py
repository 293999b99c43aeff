"""Plays a sandbox mission to success by clicking, from its activity's YAML (goals and persona): used by the
module walk-through (test_module.py) for the missions of `Curriculum/sites-a-blanc`."""
import re

ACCEPTED = {"pdf", "jpeg", "png"}
PASSWORD = "Entrainement2026"
PROVIDERS = {"impots": "Identité Impôts de démonstration", "sante": "Identité Assurance santé de démonstration",
             "courrier": "Identité Courrier de démonstration"}


def nav(page, name):
    page.locator(".sandbox-nav").get_by_role("link", name=name).click()


def finish(page, activity):
    """Ends the mission, checks it succeeded, and goes back to the activity, waiting for its result."""
    nav(page, "La mission")
    page.get_by_role("button", name="J'ai fini : voir le bilan").click()
    assert "Mission réussie" in page.locator("[role=status]").inner_text(), page.locator("main").inner_text()
    page.get_by_role("link", name="Retour aux activités").click()
    page.wait_for_url(f"**fait={activity['id']}**")
    page.locator(f"#activite-{activity['id']} [role=status]").wait_for()


def play_mission(page, activity):
    section = page.locator(f"#activite-{activity['id']}")
    section.get_by_role("button", name=re.compile("Commencer|Recommencer")).first.click()
    goals = activity["goals"]
    checks = {goal["check"] for goal in goals}
    persona = activity["persona"]

    for goal in goals:
        if goal["check"] == "reported":
            for message in goal["messages"]:
                nav(page, "Messages et SMS")
                page.locator(f"form[action$='/messagerie/{message}/ouvrir'] button").click()
                page.get_by_role("button", name="Signaler comme frauduleux").click()

    if "job-declaration-sent" in checks:
        goal = next(g for g in goals if g["check"] == "job-declaration-sent")
        nav(page, "Emploi")
        page.locator("#identifiant").fill(str(persona["job_seeker_id"]))
        page.locator("#mot_de_passe").fill(str(persona["password"]))
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("link", name=re.compile("M'actualiser")).click()
        page.locator(f"input[name=travaille][value={'oui' if goal.get('worked') else 'non'}]").check()
        if goal.get("worked"):
            page.locator("#heures").fill(str(goal["hours"]))
            page.locator("#brut").fill(str(goal["gross_pay"]))
        page.get_by_role("button", name="Étape suivante").click()
        page.locator("input[name=arret][value=non]").check()
        page.locator("input[name=formation][value=non]").check()
        page.locator(f"input[name=recherche][value={'oui' if goal.get('still_looking', True) else 'non'}]").check()
        page.get_by_role("button", name="Étape suivante").click()
        page.get_by_label("Je confirme ma déclaration").check()
        page.get_by_role("button", name="Envoyer mon actualisation").click()
        page.locator(".caisse-header").get_by_role("button", name="Se déconnecter").click()
        finish(page, activity)
        return

    if "appointment-booked" in checks:
        goal = next(g for g in goals if g["check"] == "appointment-booked")
        nav(page, "Rendez-vous")
        page.get_by_role("link", name="S'identifier avec Connexion État").click()
        page.get_by_role("button", name=PROVIDERS[persona["provider"]]).click()
        page.locator("#identifiant").fill(str(persona["identifier"]))
        page.locator("#mot_de_passe").fill(str(persona["password"]))
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("button", name="Continuer sur le site de rendez-vous").click()
        page.locator(f"input[name=motif][value='{goal['reason']}']").check()
        page.locator(f"input[name=creneau][value='{goal['slots'][0]}']").check()
        page.get_by_role("button", name="Confirmer le rendez-vous").click()
        assert "Rendez-vous confirmé" in page.locator("h1").inner_text()
        page.get_by_role("link", name="Se déconnecter").click()
        page.get_by_role("button", name="Me déconnecter partout").click()
        finish(page, activity)
        return

    uses_caisse = bool(checks & {"account-created", "declaration-sent", "proof-sent", "message-read", "password-not-saved"})
    if not uses_caisse:
        finish(page, activity)
        return

    nav(page, "Caisse")
    if "account-created" in checks:
        page.get_by_role("link", name="Créer mon compte").click()
        page.get_by_label("Adresse de courriel").fill(persona["email"])
        page.locator("#mot_de_passe").fill(PASSWORD)
        page.locator("#mot_de_passe_2").fill(PASSWORD)
        page.get_by_label(re.compile("conditions d'utilisation")).check()
        page.get_by_role("button", name="Créer mon compte").click()
        nav(page, "Messages et SMS")
        page.locator("form[action$='/messagerie/code/ouvrir'] button").click()
        code = page.locator(".mail-code").inner_text().strip()
        page.get_by_role("link", name=re.compile("taper le code")).click()
        page.get_by_label("Code reçu par courriel").fill(code)
        page.get_by_role("button", name="Confirmer").click()
    elif persona.get("identifier"):
        page.locator("#identifiant").fill(str(persona["identifier"]))
        page.locator("#mot_de_passe").fill(str(persona["password"]))
        page.get_by_role("button", name="Se connecter").click()
    signed_in = "account-created" in checks or bool(persona.get("identifier"))
    if signed_in:
        page.get_by_role("button", name="Jamais").click()

    for goal in goals:
        if goal["check"] == "message-read":
            page.get_by_role("link", name=re.compile("Mes messages")).click()
            page.locator(f"form[action$='/caisse/messages/{goal['message']}'] button").click()
            nav(page, "Caisse")
        elif goal["check"] == "proof-sent":
            document = next(d for d in persona["documents"] if d["id"] == goal["document"])
            page.get_by_role("link", name="Envoyer un justificatif").click()
            page.locator(f"input[type=radio][value='{document['id']}']").check()
            size = document["size_ko"]
            if document["format"] not in ACCEPTED:
                page.get_by_role("button", name="Convertir en PDF").click()
                size = size * 9 // 10
            if size > 2000:
                page.get_by_role("button", name=re.compile("Compresser")).click()
            page.get_by_role("button", name="Envoyer ce fichier").click()
            assert "Justificatif reçu" in page.locator("[role=status]").inner_text()
            nav(page, "Caisse")
        elif goal["check"] == "declaration-sent":
            amounts = goal["amounts"]
            page.get_by_role("link", name=re.compile("Déclarer mes ressources")).click()
            for field in ["salaire-1", "salaire-2", "salaire-3"]:
                page.locator(f"#{field}").fill(str(amounts[field]))
            page.get_by_role("button", name="Étape suivante").click()
            for field in ["chomage", "pension", "autres"]:
                page.locator(f"#{field}").fill(str(amounts[field]))
            page.get_by_role("button", name="Étape suivante").click()
            page.get_by_label(re.compile("Je certifie")).check()
            page.get_by_role("button", name="Envoyer la déclaration").click()
            nav(page, "Caisse")

    if signed_in:
        page.locator(".caisse-header").get_by_role("button", name="Se déconnecter").click()
    finish(page, activity)
