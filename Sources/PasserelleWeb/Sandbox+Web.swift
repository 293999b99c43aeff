import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// The practice sandbox (« bac à sable »): fictional teleservices under `/bac-a-sable/{attempt}/…`, where a
/// learner plays a mission for an invented persona. Every step is written to the attempt's event log;
/// what the pages show is worked out from that log (`SandboxState`), and so is the mission's result
/// (`Mission.problems`). Nothing leaves the server, no password is stored in clear.
extension WebApp {
    /// What a sandbox handler works with: the learner's own attempt (the router checked it), the mission,
    /// its log so far and the state worked out from it.
    struct SandboxContext {
        /// The learner playing; nil for the person of a workshop (`isWorkshop`).
        let learner: Learner?
        let attempt: Store.SandboxAttempt
        let module: Module
        let set: ActivitySet
        let mission: Mission
        let events: [SandboxEvent]
        let state: SandboxState
        let fields: [HTTPField]

        var base: String { "/bac-a-sable/\(attempt.id)" }
        /// Played by the person of a workshop: no links to modules or lessons, and a word that all will be erased.
        var isWorkshop: Bool { attempt.workshopID != nil }

        /// A form field, trimmed and bounded (a hostile body cannot make a value longer than 200 characters).
        func field(_ name: String) -> String {
            String((fields.first { $0.name == name }?.value ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        }
    }

    enum SandboxRefusal: Error {
        case notFound
    }

    /// Runs a sandbox page or action for the learner's attempt named in the path. An ended attempt shows
    /// its result instead (its world is frozen), unless `evenIfEnded`.
    func sandboxAction(_ context: RouteContext, evenIfEnded: Bool = false,
                       _ body: (SandboxContext) throws -> HTTPResponse) -> HTTPResponse {
        do {
            guard let id = context.integer("sandbox"), let attempt = try store.sandboxAttempt(id: id) else {
                return errorResponse(context.request, status: 404, message: WebApp.notYours)
            }
            // A learner's own attempt (a module meant for them), or the workshop person's attempt (checked again
            // here against their cookie: the router let them in for this attempt only).
            let learner = context.learner
            let found: Module?
            if let workshopID = attempt.workshopID {
                guard learner == nil, try guestWorkshop(context.request)?.id == workshopID else {
                    return errorResponse(context.request, status: 404, message: WebApp.notYours)
                }
                found = catalog.module(id: attempt.moduleID)
            } else {
                guard let learner else { return .redirect(to: "/connexion") }
                found = attempt.learnerID == learner.id ? try? modulesService.module(attempt.moduleID, for: learner) : nil
            }
            guard let module = found, let (set, activity) = module.activity(attempt.activityID),
                  case .mission(let mission) = activity.kind else {
                return errorResponse(context.request, status: 404, message: WebApp.notYours)
            }
            if !attempt.isOpen && !evenIfEnded { return .redirect(to: "/bac-a-sable/\(attempt.id)/bilan") }
            let events = try store.sandboxEvents(attemptID: attempt.id)
            let state = SandboxState(events: events, existingAccount: mission.existingAccount)
            let fields = context.request.method == "POST" ? Array(context.request.formFields().prefix(60)) : []
            return try body(SandboxContext(learner: learner, attempt: attempt, module: module, set: set, mission: mission,
                                           events: events, state: state, fields: fields))
        } catch Store.SandboxFailure.closed {
            return .redirect(to: "/bac-a-sable/\(context.integer("sandbox") ?? 0)/bilan")
        } catch Store.SandboxFailure.full {
            return errorResponse(context.request, status: 429, message: "Cette mission a enregistré trop d'étapes. Terminez-la, puis recommencez-la.")
        } catch SandboxRefusal.notFound {
            return errorResponse(context.request, status: 404, message: WebApp.noSuchPage)
        } catch {
            return errorResponse(context.request, status: 500, message: WebApp.serverTrouble)
        }
    }

    /// `POST /modules/{module}/missions/{activity}`: a fresh sandbox for this mission.
    func startMission(_ context: RouteContext) -> HTTPResponse {
        moduleAction(context) { learner, module, service in
            try service.requireOpen(learner, module)
            guard let (_, activity) = module.activity(context["activity"]), case .mission = activity.kind else {
                throw ModuleService.Failure.notFound
            }
            let id = try store.startSandboxAttempt(learnerID: learner.id, moduleID: module.id, activityID: activity.id,
                                                   mailCode: WebApp.newMailCode())
            return .redirect(to: "/bac-a-sable/\(id)")
        }
    }

    /// Six digits, as a confirmation code sent by e-mail.
    static func newMailCode() -> String {
        let bytes = Credentials.randomBytes(4)
        let number = bytes.reduce(UInt32(0)) { ($0 << 8) | UInt32($1) } % 1_000_000
        let text = String(number)
        return String(repeating: "0", count: max(0, 6 - text.count)) + text
    }

    // MARK: Logging

    func log(_ s: SandboxContext, _ service: SandboxService, _ step: String, _ action: SandboxAction,
             _ outcome: SandboxOutcome = .ok, _ data: [String: String] = [:],
             account: (identifier: String, passwordHash: String)? = nil) throws {
        try store.recordSandboxEvent(attemptID: s.attempt.id,
                                     SandboxEvent(service: service, step: step, action: action, outcome: outcome, data: data),
                                     account: account)
    }

    /// When a field of the form looks like a real social security number or IBAN: logs it (never the value)
    /// and returns the warning to show; the form is then refused and the value dropped.
    func sensitiveWarning(_ s: SandboxContext, page: String, service: SandboxService) throws -> String? {
        for field in s.fields where !["mot_de_passe", "mot_de_passe_2"].contains(field.name) {
            guard let kind = SandboxInput.sensitiveKind(String(field.value.prefix(200))) else { continue }
            try log(s, service, page, .sensitiveValue, .risk, ["type": kind, "page": page])
            return "Attention : ce que vous avez tapé ressemble à un vrai \(kind). Ici, n'utilisez que les données inventées de la fiche de la mission. Rien n'a été enregistré."
        }
        return nil
    }

    // MARK: Frame

    /// What every sandbox page shows: the training banner, the mission, the way back to the mission desk.
    func sandboxFrame(_ s: SandboxContext, title: String, _ extra: [String: Any]) -> [String: Any] {
        var context: [String: Any] = [
            "title": title, "sandboxID": s.attempt.id, "missionTitle": s.mission.title, "persona": s.mission.persona.name,
            "workshop": s.isWorkshop,
            "moduleID": s.module.id, "setID": s.set.id, "activityID": s.attempt.activityID,
            "services": s.mission.services.map { ["href": "/bac-a-sable/\(s.attempt.id)/" + WebApp.sandboxPath($0), "label": WebApp.sandboxMenuLabel($0)] },
        ]
        for (key, value) in extra { context[key] = value }
        return context
    }

    static func sandboxPath(_ service: SandboxService) -> String {
        switch service {
        case .allocations: return "caisse"
        case .emploi: return "emploi"
        case .rendezVous, .portail: return "rendez-vous"
        case .messagerie, .bacASable: return "messagerie"
        }
    }

    /// The short name of a service in the sandbox's menu.
    static func sandboxMenuLabel(_ service: SandboxService) -> String {
        switch service {
        case .allocations: return "Caisse"
        case .emploi: return "Emploi"
        case .rendezVous, .portail: return "Rendez-vous"
        case .messagerie, .bacASable: return "Messages et SMS"
        }
    }

    /// The name of a service on the mission desk's tiles.
    static func sandboxTileLabel(_ service: SandboxService) -> String {
        switch service {
        case .allocations: return "Site de la caisse d'allocations"
        case .emploi: return "Espace emploi"
        case .rendezVous, .portail: return "Site de rendez-vous en préfecture"
        case .messagerie, .bacASable: return "Messages et SMS"
        }
    }

    /// `GET /bac-a-sable/{sandbox}`: the mission desk: the goal, the persona and their documents, the services.
    func sandboxHome(_ s: SandboxContext) -> HTTPResponse {
        let persona = s.mission.persona
        let documents: [[String: Any]] = persona.documents.map { document in
            ["title": document.title, "file": document.fileName, "format": document.format.label,
             "size": SandboxFile.sizeLabel(document.kilobytes), "lines": document.lines, "hasLines": !document.lines.isEmpty]
        }
        let unread = s.mission.inbox.filter { !s.state.opened.contains($0) }.count + (s.state.accountCreated && !s.mission.existingAccount && !s.state.opened.contains("code") ? 1 : 0)
        return .html(templates.render("bac-a-sable-accueil", sandboxFrame(s, title: "Mission : \(s.mission.title)", [
            "goalHTML": Markdown.html(s.mission.goal), "level": s.mission.level.rawValue,
            "situation": persona.situation, "email": persona.email, "hasEmail": !persona.email.isEmpty,
            "identifier": persona.identifier ?? "", "password": persona.password ?? "", "hasAccount": persona.identifier != nil,
            "accountAt": persona.provider.map { "Compte chez « \($0.title) »" } ?? "Compte à la caisse",
            "jobSeekerID": persona.jobSeekerID ?? "", "hasJobAccount": persona.jobSeekerID != nil,
            "documents": documents, "hasDocuments": !documents.isEmpty,
            "goals": s.mission.goals.map(\.summary),
            "tiles": ([s.mission.start] + s.mission.services.filter { $0 != s.mission.start }).map { service -> [String: Any] in
                var tile: [String: Any] = ["href": "/bac-a-sable/\(s.attempt.id)/" + WebApp.sandboxPath(service),
                                           "label": WebApp.sandboxTileLabel(service)]
                if service == .messagerie && unread > 0 { tile["unread"] = unread }  // no « 0 non lu(s) »
                return tile
            },
        ])))
    }

    // MARK: Caisse d'allocations de démonstration

    func caissePage(_ s: SandboxContext, page: String, status: Int = 200, _ extra: [String: Any] = [:]) -> HTTPResponse {
        var context: [String: Any] = ["page_" + page: true, "signedIn": s.state.signedIn]
        if s.state.signedIn && !s.state.passwordQuestionAnswered { context["askSavePassword"] = true }
        for (key, value) in extra { context[key] = value }
        let titles = ["accueil": "Se connecter", "inscription": "Créer un compte", "confirmation": "Confirmer le compte",
                      "espace": "Mon espace", "declaration": "Déclarer mes ressources", "envoyee": "Déclaration envoyée",
                      "justificatif": "Envoyer un justificatif", "messages": "Mes messages", "message": "Message"]
        return .html(templates.render("bac-a-sable-caisse",
                                      sandboxFrame(s, title: (titles[page] ?? "Caisse") + " — Caisse d'allocations de démonstration", context)),
                     status: status)
    }

    /// `GET …/caisse`: the sign-in page, or the personal space once signed in.
    func caisseHome(_ s: SandboxContext, message: String? = nil) -> HTTPResponse {
        guard s.state.signedIn else {
            var extra: [String: Any] = [:]
            if let message { extra["error"] = message }
            if s.state.accountCreated && !s.state.accountConfirmed { extra["needsCode"] = true }
            return caissePage(s, page: "accueil", status: message == nil ? 200 : 400, extra)
        }
        let unread = s.mission.caisseMessages.filter { !s.state.opened.contains($0) }.count
        return caissePage(s, page: "espace", [
            "name": s.mission.persona.name, "unread": unread, "hasUnread": unread > 0,
            "declarationSent": s.state.declarationSent, "proofs": s.state.proofsAccepted.count,
        ])
    }

    /// `POST …/caisse/connexion`.
    func caisseSignIn(_ s: SandboxContext) throws -> HTTPResponse {
        if let warning = try sensitiveWarning(s, page: "Connexion", service: .allocations) { return caisseHome(s, message: warning) }
        let identifier = s.field("identifiant"), password = String((s.fields.first { $0.name == "mot_de_passe" }?.value ?? "").prefix(200))
        guard !identifier.isEmpty, !password.isEmpty else {
            try log(s, .allocations, "Connexion", .signIn, .refused, ["raison": "champ vide"])
            return caisseHome(s, message: "Tapez l'identifiant et le mot de passe.")
        }
        let right: Bool
        if s.mission.existingAccount, let known = s.mission.persona.identifier, let knownPassword = s.mission.persona.password {
            right = identifier.caseInsensitiveCompare(known) == .orderedSame && password == knownPassword
        } else if let created = s.attempt.accountIdentifier, let hash = s.attempt.passwordHash, s.state.accountCreated {
            guard s.state.accountConfirmed else {
                try log(s, .allocations, "Connexion", .signIn, .refused, ["raison": "compte non confirmé"])
                return caisseHome(s, message: "Ce compte n'est pas encore confirmé : tapez d'abord le code reçu par courriel.")
            }
            right = identifier.caseInsensitiveCompare(created) == .orderedSame && Credentials.verifyPassword(password, hash: hash)
        } else {
            right = false
        }
        guard right else {
            try log(s, .allocations, "Connexion", .signIn, .refused, ["raison": "identifiant ou mot de passe faux", "motDePasse": "tapé"])
            return caisseHome(s, message: "Identifiant ou mot de passe incorrect. Vérifiez-les sur la fiche de la mission.")
        }
        try log(s, .allocations, "Connexion", .signIn, .ok, ["motDePasse": "tapé"])
        return .redirect(to: s.base + "/caisse")
    }

    /// `POST …/caisse/navigateur`: the browser's « save this password? » question.
    func caisseSavePassword(_ s: SandboxContext) throws -> HTTPResponse {
        let save = s.field("choix") == "enregistrer"
        try log(s, .allocations, "Navigateur", save ? .passwordSaved : .passwordNotSaved, save ? .risk : .ok)
        return .redirect(to: s.base + "/caisse")
    }

    /// `POST …/caisse/deconnexion`.
    func caisseSignOut(_ s: SandboxContext) throws -> HTTPResponse {
        if s.state.signedIn { try log(s, .allocations, "Mon espace", .signOut) }
        return .redirect(to: s.base + "/caisse?deconnecte=1")
    }

    /// `GET|POST …/caisse/inscription`: create an account (e-mail, password with a policy).
    func caisseSignUp(_ s: SandboxContext, post: Bool) throws -> HTTPResponse {
        if s.state.accountCreated { return .redirect(to: s.base + (s.state.accountConfirmed ? "/caisse" : "/caisse/confirmation")) }
        let rules = ["8 caractères ou plus", "une majuscule", "une minuscule", "un chiffre"]
        guard post else { return caissePage(s, page: "inscription", ["rules": rules, "email": ""]) }
        if let warning = try sensitiveWarning(s, page: "Création du compte", service: .allocations) {
            return caissePage(s, page: "inscription", status: 400, ["rules": rules, "error": warning])
        }
        let email = s.field("courriel")
        let password = String((s.fields.first { $0.name == "mot_de_passe" }?.value ?? "").prefix(200))
        let again = String((s.fields.first { $0.name == "mot_de_passe_2" }?.value ?? "").prefix(200))
        var problems: [String] = []
        let parts = email.split(separator: "@")
        if parts.count != 2 || !parts[1].contains(".") || email.contains(" ") { problems.append("l'adresse de courriel n'est pas valide") }
        let policy = SandboxInput.passwordProblems(password)
        if !policy.isEmpty { problems.append("le mot de passe doit avoir " + policy.joined(separator: ", ")) }
        if password != again { problems.append("les deux mots de passe ne sont pas identiques") }
        if s.field("conditions") != "oui" { problems.append("cochez la case des conditions d'utilisation") }
        let conforms = policy.isEmpty ? "conforme" : "non conforme"
        guard problems.isEmpty else {
            try log(s, .allocations, "Création du compte", .signUp, .refused,
                    ["raison": problems.joined(separator: " ; "), "motDePasse": conforms])
            return caissePage(s, page: "inscription", status: 400, [
                "rules": rules, "email": email, "error": "Le compte n'est pas créé : " + problems.joined(separator: " ; ") + ".",
            ])
        }
        let hash = try Credentials.hashPassword(password)
        try log(s, .allocations, "Création du compte", .signUp, .ok, ["motDePasse": conforms], account: (email, hash))
        return .redirect(to: s.base + "/caisse/confirmation")
    }

    /// `GET|POST …/caisse/confirmation`: the code received by e-mail.
    func caisseConfirm(_ s: SandboxContext, post: Bool) throws -> HTTPResponse {
        guard s.state.accountCreated, !s.mission.existingAccount else { return .redirect(to: s.base + "/caisse") }
        if s.state.accountConfirmed { return .redirect(to: s.base + "/caisse") }
        let email = s.attempt.accountIdentifier ?? ""
        guard post else { return caissePage(s, page: "confirmation", ["email": email]) }
        let code = s.field("code").filter { !$0.isWhitespace }
        guard code == s.attempt.mailCode else {
            try log(s, .allocations, "Confirmation du compte", .codeEntered, .refused, ["raison": code.isEmpty ? "code vide" : "code faux"])
            return caissePage(s, page: "confirmation", status: 400, [
                "email": email, "error": "Ce code n'est pas le bon. Ouvrez la messagerie de la personne : le code est dans le courriel de la caisse.",
            ])
        }
        try log(s, .allocations, "Confirmation du compte", .codeEntered)
        return .redirect(to: s.base + "/caisse")
    }

    // MARK: Quarterly declaration

    /// `GET …/caisse/declaration`: the current step only (later steps cannot be seen before).
    func declarationPage(_ s: SandboxContext, step wanted: Int? = nil, error: String? = nil, typed: [String: String] = [:]) -> HTTPResponse {
        guard s.state.signedIn else { return .redirect(to: s.base + "/caisse") }
        if s.state.declarationSent { return caissePage(s, page: "envoyee", ["receipt": "D-\(s.attempt.id)-\(s.events.count)"]) }
        let step = min(wanted ?? s.state.declarationStep, s.state.declarationStep)
        func rows(_ fields: [DeclarationField]) -> [[String: Any]] {
            fields.map { field in
                let stored = s.state.declaration[field.rawValue].flatMap { Int($0) }.map(WebApp.typedAmount) ?? ""
                return ["name": field.rawValue, "label": field.label, "value": typed[field.rawValue] ?? stored]
            }
        }
        var extra: [String: Any] = ["step": step, "stepOf": "Étape \(step) sur 3", "months": DeclarationField.months.joined(separator: ", ")]
        switch step {
        case 1: extra["step1"] = true; extra["rows"] = rows([.salary1, .salary2, .salary3])
        case 2: extra["step2"] = true; extra["rows"] = rows([.unemployment, .pension, .other])
        default:
            extra["step3"] = true
            extra["summary"] = DeclarationField.allCases.map { field in
                ["label": field.label, "value": s.state.declaration[field.rawValue].flatMap { Int($0) }.map(SandboxInput.euros) ?? "—"]
            }
        }
        if let error { extra["error"] = error }
        return caissePage(s, page: "declaration", status: error == nil ? 200 : 400, extra)
    }

    /// « 812,40 » as it would be typed.
    static func typedAmount(_ cents: Int) -> String {
        cents % 100 == 0 ? String(cents / 100) : "\(cents / 100),\(cents % 100 < 10 ? "0" : "")\(cents % 100)"
    }

    /// `POST …/caisse/declaration/{step}`.
    func declarationStep(_ s: SandboxContext, step: Int) throws -> HTTPResponse {
        guard s.state.signedIn else { return .redirect(to: s.base + "/caisse") }
        guard !s.state.declarationSent else { return .redirect(to: s.base + "/caisse/declaration") }
        guard (1...3).contains(step), step <= s.state.declarationStep else { throw SandboxRefusal.notFound }
        let page = "Étape \(step) de la déclaration"
        if let warning = try sensitiveWarning(s, page: page, service: .allocations) { return declarationPage(s, step: step, error: warning) }
        if step == 3 {
            guard s.field("certifie") == "oui" else {
                try log(s, .allocations, page, .declarationSent, .refused, ["raison": "case « je certifie » non cochée"])
                return declarationPage(s, step: 3, error: "Cochez la case « Je certifie sur l'honneur… » pour envoyer la déclaration.")
            }
            var data: [String: String] = [:]
            for field in DeclarationField.allCases { data[field.rawValue] = s.state.declaration[field.rawValue] ?? "" }
            try log(s, .allocations, page, .declarationSent, .ok, data)
            return .redirect(to: s.base + "/caisse/declaration")
        }
        let fields: [DeclarationField] = step == 1 ? [.salary1, .salary2, .salary3] : [.unemployment, .pension, .other]
        var data: [String: String] = ["etape": String(step)]
        var typed: [String: String] = [:]
        var missing: [String] = []
        for field in fields {
            let text = s.field(field.rawValue)
            typed[field.rawValue] = text
            guard let cents = SandboxInput.cents(text) else { missing.append(field.label); continue }
            data[field.rawValue] = String(cents)
        }
        guard missing.isEmpty else {
            try log(s, .allocations, page, .declarationStep, .refused, ["etape": String(step), "raison": "montant manquant ou illisible"])
            return declarationPage(s, step: step, error: "Écrivez un montant en euros pour chaque ligne, 0 si la personne n'a rien touché. À revoir : "
                                   + missing.joined(separator: " ; ") + ".", typed: typed)
        }
        try log(s, .allocations, page, .declarationStep, .ok, data)
        return .redirect(to: s.base + "/caisse/declaration")
    }

    // MARK: Proofs

    /// `GET …/caisse/justificatif`: the simulated file picker and its tools.
    func proofPage(_ s: SandboxContext, error: String? = nil, notice: String? = nil, chosen: String? = nil) -> HTTPResponse {
        guard s.state.signedIn else { return .redirect(to: s.base + "/caisse") }
        let files = s.mission.files(s.state)
        let sent = s.state.proofsAccepted.compactMap { id in s.mission.persona.documents.first { $0.id == id }?.title }
        var extra: [String: Any] = [
            "files": files.map { file in
                ["id": file.id, "name": file.name, "format": file.format.label, "size": file.sizeLabel,
                 "checked": file.id == chosen,
                 "title": s.mission.persona.documents.first { $0.id == file.document }?.title ?? ""]
            },
            "hasFiles": !files.isEmpty, "sent": sent, "hasSent": !sent.isEmpty,
        ]
        if let error { extra["error"] = error }
        if let notice { extra["notice"] = notice }
        return caissePage(s, page: "justificatif", status: error == nil ? 200 : 400, extra)
    }

    /// `POST …/caisse/justificatif`: sends the chosen file, or applies a tool to it.
    func proofAction(_ s: SandboxContext) throws -> HTTPResponse {
        guard s.state.signedIn else { return .redirect(to: s.base + "/caisse") }
        let files = s.mission.files(s.state)
        guard let file = files.first(where: { $0.id == s.field("fichier") }) else {
            return proofPage(s, error: "Choisissez d'abord un fichier dans la liste.")
        }
        switch s.field("action") {
        case "convertir":
            guard let made = file.convertedToPDF() else { return proofPage(s, error: "Ce fichier est déjà un PDF.", chosen: file.id) }
            try log(s, .allocations, "Envoyer un justificatif", .fileConverted, .ok, ["fichier": made.id, "format": "pdf", "taille": String(made.kilobytes)])
            return proofPage(s.updated(with: made.id, store: store), notice: "Nouveau fichier : \(made.name) (\(made.sizeLabel)).", chosen: made.id)
        case "compresser":
            guard let made = file.compressed() else {
                return proofPage(s, error: file.kilobytes <= 300 ? "Ce fichier est déjà léger." : "L'outil ne sait pas compresser le format \(file.format.label). Convertissez-le d'abord en PDF.",
                                 chosen: file.id)
            }
            try log(s, .allocations, "Envoyer un justificatif", .fileCompressed, .ok, ["fichier": made.id, "taille": String(made.kilobytes)])
            return proofPage(s.updated(with: made.id, store: store), notice: "Nouveau fichier : \(made.name) (\(made.sizeLabel)).", chosen: made.id)
        default:
            let data = ["document": file.document, "fichier": file.id, "format": file.format.rawValue, "taille": String(file.kilobytes)]
            if let refusal = ProofRules.refusal(file) {
                try log(s, .allocations, "Envoyer un justificatif", .proofSent, .refused, data.merging(["raison": refusal]) { a, _ in a })
                return proofPage(s, error: "Envoi refusé. " + refusal, chosen: file.id)
            }
            try log(s, .allocations, "Envoyer un justificatif", .proofSent, .ok, data)
            return .redirect(to: s.base + "/caisse/justificatif?envoye=1")
        }
    }

    // MARK: Caisse's secure messages

    func caisseMessages(_ s: SandboxContext) -> HTTPResponse {
        guard s.state.signedIn else { return .redirect(to: s.base + "/caisse") }
        let messages: [[String: Any]] = s.mission.caisseMessages.compactMap(SandboxMessage.named).map { message in
            ["id": message.id, "subject": message.subject, "time": message.time, "unread": !s.state.opened.contains(message.id)]
        }
        return caissePage(s, page: "messages", ["messages": messages, "hasMessages": !messages.isEmpty])
    }

    func caisseMessage(_ s: SandboxContext, _ id: String, open: Bool) throws -> HTTPResponse {
        guard s.state.signedIn else { return .redirect(to: s.base + "/caisse") }
        guard s.mission.caisseMessages.contains(id), let message = SandboxMessage.named(id) else { throw SandboxRefusal.notFound }
        if open {
            try log(s, .allocations, "Mes messages", .messageRead, .ok, ["message": id])
            return .redirect(to: s.base + "/caisse/messages/\(id)")
        }
        return caissePage(s, page: "message", ["subject": message.subject, "time": message.time, "body": message.body,
                                               "asksProof": message.asks != nil])
    }

    // MARK: Mailbox and SMS

    /// The persona's inbox: the mission's messages, and the caisse's confirmation e-mail once an account is created.
    func mailbox(_ s: SandboxContext) -> HTTPResponse {
        func row(_ message: SandboxMessage) -> [String: Any] {
            ["id": message.id, "sender": message.sender, "subject": message.subject, "time": message.time,
             "unread": !s.state.opened.contains(message.id), "reported": s.state.reported.contains(message.id)]
        }
        let messages = s.mission.inbox.compactMap(SandboxMessage.named)
        var emails = messages.filter { $0.channel == .email }.map(row)
        if s.state.accountCreated && !s.mission.existingAccount {
            emails.insert(["id": "code", "sender": "Caisse d'allocations de démonstration", "subject": "Votre code de confirmation",
                           "time": "À l'instant", "unread": !s.state.accountConfirmed, "reported": false], at: 0)
        }
        let sms = messages.filter { $0.channel == .sms }.map(row)
        return .html(templates.render("bac-a-sable-messagerie", sandboxFrame(s, title: "Messagerie et SMS — bac à sable", [
            "list": true, "emails": emails, "hasEmails": !emails.isEmpty, "sms": sms, "hasSMS": !sms.isEmpty,
            "reportedNow": s.fields.isEmpty ? false : true,
        ])))
    }

    func mailMessage(_ s: SandboxContext, _ id: String) throws -> HTTPResponse {
        if id == "code" {
            guard s.state.accountCreated, !s.mission.existingAccount else { throw SandboxRefusal.notFound }
            return .html(templates.render("bac-a-sable-messagerie", sandboxFrame(s, title: "Votre code de confirmation — Messagerie", [
                "message": true, "channel": "Courriel", "sender": "Caisse d'allocations de démonstration",
                "address": "ne-pas-repondre@caisse-demo.example", "subject": "Votre code de confirmation",
                "body": ["Bonjour,", "Pour confirmer la création de votre compte, tapez ce code sur le site de la caisse :"],
                "code": s.attempt.mailCode, "genuine": true,
            ])))
        }
        guard s.mission.inbox.contains(id), let message = SandboxMessage.named(id) else { throw SandboxRefusal.notFound }
        return .html(templates.render("bac-a-sable-messagerie", sandboxFrame(s, title: "\(message.subject) — Messagerie", [
            "message": true, "id": message.id, "channel": message.channel == .sms ? "SMS" : "Courriel",
            "sender": message.sender, "address": message.address == message.sender ? "" : message.address,
            "subject": message.subject, "body": message.body,
            "link": message.link ?? "", "hasLink": message.link != nil, "time": message.time,
            "reported": s.state.reported.contains(message.id),
        ])))
    }

    /// `POST …/messagerie/{message}/{ouvrir|signaler|lien}`.
    func mailAction(_ s: SandboxContext, _ id: String, _ action: String) throws -> HTTPResponse {
        if id == "code", action == "ouvrir" {
            guard s.state.accountCreated, !s.mission.existingAccount else { throw SandboxRefusal.notFound }
            try log(s, .messagerie, "Boîte de réception", .mailOpened, .ok, ["message": "code"])
            return .redirect(to: s.base + "/messagerie/code")
        }
        guard s.mission.inbox.contains(id), let message = SandboxMessage.named(id) else { throw SandboxRefusal.notFound }
        let place = message.channel == .sms ? "SMS" : "Courriels"
        switch action {
        case "ouvrir":
            try log(s, .messagerie, place, .mailOpened, .ok, ["message": id])
            return .redirect(to: s.base + "/messagerie/\(id)")
        case "signaler":
            if !s.state.reported.contains(id) {
                try log(s, .messagerie, place, .reported, message.fraudulent ? .ok : .refused,
                        ["message": id, "frauduleux": message.fraudulent ? "oui" : "non"])
            }
            return .redirect(to: s.base + "/messagerie?signale=1")
        case "lien":
            guard message.link != nil else { throw SandboxRefusal.notFound }
            try log(s, .messagerie, place, .linkFollowed, message.fraudulent ? .risk : .ok,
                    ["message": id, "frauduleux": message.fraudulent ? "oui" : "non"])
            return .redirect(to: s.base + "/messagerie/\(id)/lien")
        default: throw SandboxRefusal.notFound
        }
    }

    /// What a followed link would have opened.
    func trapPage(_ s: SandboxContext, _ id: String) throws -> HTTPResponse {
        guard s.mission.inbox.contains(id), let message = SandboxMessage.named(id), message.link != nil else { throw SandboxRefusal.notFound }
        return .html(templates.render("bac-a-sable-messagerie", sandboxFrame(s, title: "Lien suivi — bac à sable", [
            "trap": true, "id": id, "link": message.link ?? "", "clues": message.clues, "fraudulent": message.fraudulent,
        ])))
    }

    // MARK: End and result

    /// `POST …/terminer`: checks the end state from the log, ends the attempt, records the activity's result.
    func finishMission(_ s: SandboxContext) throws -> HTTPResponse {
        let problems = s.mission.problems(s.events)
        let answer = "{\"bac-a-sable\":\(s.attempt.id),\"problemes\":\(problems.count)}"
        _ = try store.endSandboxAttempt(s.attempt, success: problems.isEmpty, activitySetID: s.set.id, answer: answer)
        return .redirect(to: s.base + "/bilan")
    }

    /// `GET …/bilan`: what went wrong, where, why, and the lesson section that explains it.
    func missionResult(_ s: SandboxContext) -> HTTPResponse {
        guard !s.attempt.isOpen else { return .redirect(to: s.base) }
        let problems = s.mission.problems(s.events)
        let failedGoals = problems.map(\.goal)
        let rows: [[String: Any]] = problems.enumerated().map { index, problem in
            var row: [String: Any] = ["number": index + 1, "step": problem.step, "what": problem.what, "why": problem.why,
                                      "clues": problem.clues, "hasClues": !problem.clues.isEmpty, "cluesTitle": problem.cluesTitle]
            if let link = lessonLink(problem.goal.lesson, module: s.module) { row["lesson"] = link }
            return row
        }
        let met = s.mission.goals.filter { !failedGoals.contains($0) }.map(\.summary)
        let competences = competenceNames(s.mission.competences)
        return .html(templates.render("bac-a-sable-bilan", sandboxFrame(s, title: "Bilan — \(s.mission.title)", [
            "success": problems.isEmpty, "problems": rows, "count": problems.count, "plural": problems.count > 1,
            "met": met, "hasMet": !met.isEmpty, "competences": competences, "activityID": s.attempt.activityID,
        ])))
    }

    /// `02-x.md#part` as a link to that part of the lesson page, with the lesson's title.
    func lessonLink(_ reference: String?, module: Module) -> [String: String]? {
        guard let reference else { return nil }
        let parts = reference.split(separator: "#", maxSplits: 1).map(String.init)
        guard let file = parts.first, let lesson = module.lessons.first(where: { $0.id + ".md" == file }) else { return nil }
        var link = ["href": "/modules/\(module.id)/lecons/\(lesson.id)" + (parts.count == 2 ? "#\(parts[1])" : ""), "title": lesson.title]
        if parts.count == 2, let section = MissionCheck.sectionTitle(parts[1], in: lesson.markdown) { link["section"] = section }
        return link
    }
}

extension WebApp.SandboxContext {
    /// The same context once a tool has made a file (so the page lists it without reading the log again).
    func updated(with madeFile: String, store: Store) -> WebApp.SandboxContext {
        var state = self.state
        state.madeFiles.append(madeFile)
        return WebApp.SandboxContext(learner: learner, attempt: attempt, module: module, set: set, mission: mission,
                                     events: events, state: state, fields: fields)
    }
}
