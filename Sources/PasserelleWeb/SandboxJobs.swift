import Foundation
import HTTPServer
import PasserelleCore
import PasserelleStore

/// The sandbox's job-seeker space: sign in with a job-seeker number, then the monthly declaration
/// (« actualisation ») in steps that cannot be seen before (`/bac-a-sable/{attempt}/emploi/…`).
extension WebApp {
    func jobPage(_ s: SandboxContext, page: String, status: Int = 200, _ extra: [String: Any] = [:]) -> HTTPResponse {
        var context: [String: Any] = ["page_" + page: true, "signedIn": s.state.jobSignedIn, "month": JobDeclaration.month]
        for (key, value) in extra { context[key] = value }
        let titles = ["accueil": "Se connecter", "espace": "Mon espace", "actualisation": "M'actualiser", "envoyee": "Actualisation envoyée"]
        return .html(templates.render("bac-a-sable-emploi",
                                      sandboxFrame(s, title: (titles[page] ?? "Emploi") + " — Espace emploi de démonstration", context)),
                     status: status)
    }

    /// `GET …/emploi`: sign in, or the space once signed in.
    func jobHome(_ s: SandboxContext, error: String? = nil) -> HTTPResponse {
        guard s.state.jobSignedIn else {
            var extra: [String: Any] = [:]
            if let error { extra["error"] = error }
            return jobPage(s, page: "accueil", status: error == nil ? 200 : 400, extra)
        }
        return jobPage(s, page: "espace", ["name": s.mission.persona.name, "sent": s.state.jobSent])
    }

    /// `POST …/emploi/connexion`.
    func jobSignIn(_ s: SandboxContext) throws -> HTTPResponse {
        if let warning = try sensitiveWarning(s, page: "Connexion à l'espace emploi", service: .emploi) { return jobHome(s, error: warning) }
        let number = s.field("identifiant"), password = String((s.fields.first { $0.name == "mot_de_passe" }?.value ?? "").prefix(200))
        let persona = s.mission.persona
        guard let known = persona.jobSeekerID, number.caseInsensitiveCompare(known) == .orderedSame, !password.isEmpty,
              password == persona.password else {
            try log(s, .emploi, "Connexion", .signIn, .refused, ["motDePasse": "tapé"])
            return jobHome(s, error: "Identifiant ou mot de passe incorrect. Vérifiez-les sur la fiche de la mission.")
        }
        try log(s, .emploi, "Connexion", .signIn, .ok, ["motDePasse": "tapé"])
        return .redirect(to: s.base + "/emploi")
    }

    /// `POST …/emploi/deconnexion`.
    func jobSignOut(_ s: SandboxContext) throws -> HTTPResponse {
        if s.state.jobSignedIn { try log(s, .emploi, "Mon espace", .signOut) }
        return .redirect(to: s.base + "/emploi")
    }

    /// `GET …/emploi/actualisation`: the current step only.
    func jobDeclarationPage(_ s: SandboxContext, step wanted: Int? = nil, error: String? = nil, typed: [String: String] = [:]) -> HTTPResponse {
        guard s.state.jobSignedIn else { return .redirect(to: s.base + "/emploi") }
        if s.state.jobSent { return jobPage(s, page: "envoyee", ["receipt": "A-\(s.attempt.id)-\(s.events.count)"]) }
        let step = min(wanted ?? s.state.jobStep, s.state.jobStep)
        let answers = s.state.jobAnswers
        func value(_ key: String) -> String { typed[key] ?? answers[key] ?? "" }
        func yesNo(_ key: String, _ question: String) -> [String: Any] {
            ["name": key, "question": question, "yes": value(key) == "oui", "no": value(key) == "non"]
        }
        var extra: [String: Any] = ["step": step, "stepOf": "Étape \(step) sur 3"]
        switch step {
        case 1:
            extra["step1"] = true
            extra["worked"] = yesNo("travaille", "Avez-vous travaillé en \(JobDeclaration.month) ?")
            extra["hours"] = value("heures")
            extra["gross"] = typed["brut"] ?? answers["brut"].flatMap { Int($0) }.map(WebApp.typedAmount) ?? ""
        case 2:
            extra["step2"] = true
            extra["questions"] = [yesNo("arret", "Avez-vous été en arrêt maladie ?"), yesNo("formation", "Avez-vous suivi une formation ?"),
                                  yesNo("recherche", "Êtes-vous toujours à la recherche d'un emploi ?")]
        default:
            extra["step3"] = true
            let worked = answers["travaille"] == "oui"
            extra["summary"] = [
                ["label": "Travail en \(JobDeclaration.month)", "value": worked ? "oui" : "non"],
                ["label": "Heures travaillées", "value": worked ? (answers["heures"] ?? "—") : "—"],
                ["label": "Salaire brut", "value": worked ? (answers["brut"].flatMap { Int($0) }.map(SandboxInput.euros) ?? "—") : "—"],
                ["label": "Arrêt maladie", "value": answers["arret"] ?? "—"],
                ["label": "Formation", "value": answers["formation"] ?? "—"],
                ["label": "Toujours à la recherche d'un emploi", "value": answers["recherche"] ?? "—"],
            ]
        }
        if let error { extra["error"] = error }
        return jobPage(s, page: "actualisation", status: error == nil ? 200 : 400, extra)
    }

    /// `POST …/emploi/actualisation/{step}`.
    func jobDeclarationStep(_ s: SandboxContext, step: Int) throws -> HTTPResponse {
        guard s.state.jobSignedIn else { return .redirect(to: s.base + "/emploi") }
        guard !s.state.jobSent else { return .redirect(to: s.base + "/emploi/actualisation") }
        guard (1...3).contains(step), step <= s.state.jobStep else { throw SandboxRefusal.notFound }
        let page = "Étape \(step) de l'actualisation"
        if let warning = try sensitiveWarning(s, page: page, service: .emploi) { return jobDeclarationPage(s, step: step, error: warning) }
        func yesNo(_ key: String) -> String? { ["oui", "non"].contains(s.field(key)) ? s.field(key) : nil }
        switch step {
        case 1:
            guard let worked = yesNo("travaille") else {
                return jobDeclarationPage(s, step: 1, error: "Répondez à la question : oui ou non.")
            }
            var data = ["etape": "1", "travaille": worked]
            if worked == "oui" {
                let hours = Int(s.field("heures")).flatMap { (1...744).contains($0) ? $0 : nil }
                let gross = SandboxInput.cents(s.field("brut"))
                guard let hours, let gross, gross > 0 else {
                    try log(s, .emploi, page, .declarationStep, .refused, ["etape": "1", "raison": "heures ou salaire manquant"])
                    return jobDeclarationPage(s, step: 1, error: "Écrivez le nombre d'heures (un nombre entier) et le salaire brut en euros.",
                                              typed: ["travaille": worked, "heures": s.field("heures"), "brut": s.field("brut")])
                }
                data["heures"] = String(hours)
                data["brut"] = String(gross)
            } else {
                data["heures"] = "0"
                data["brut"] = "0"
            }
            try log(s, .emploi, page, .declarationStep, .ok, data)
        case 2:
            guard let arret = yesNo("arret"), let formation = yesNo("formation"), let recherche = yesNo("recherche") else {
                return jobDeclarationPage(s, step: 2, error: "Répondez à chaque question : oui ou non.",
                                          typed: ["arret": s.field("arret"), "formation": s.field("formation"), "recherche": s.field("recherche")])
            }
            try log(s, .emploi, page, .declarationStep, .ok, ["etape": "2", "arret": arret, "formation": formation, "recherche": recherche])
        default:
            guard s.field("confirme") == "oui" else {
                return jobDeclarationPage(s, step: 3, error: "Cochez la case « Je confirme ma déclaration » pour l'envoyer.")
            }
            var data: [String: String] = [:]
            for key in ["travaille", "heures", "brut", "arret", "formation", "recherche"] { data[key] = s.state.jobAnswers[key] ?? "" }
            try log(s, .emploi, page, .declarationSent, .ok, data)
        }
        return .redirect(to: s.base + "/emploi/actualisation")
    }
}
