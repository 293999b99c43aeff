import Foundation

// A mission: an activity that opens the sandbox with a goal and a persona, and checks the end state
// from the attempt's event log. The checks are pure functions of the events.

/// A document of the persona (a payslip, a notice of tax), invented and marked as such.
public struct PersonaDocument: Sendable, Equatable {
    public var id: String
    public var title: String
    public var fileName: String
    public var format: FileFormat
    public var kilobytes: Int
    /// What the document says, line by line (« Net à payer : 812,40 € »).
    public var lines: [String]

    public init(id: String, title: String, fileName: String, format: FileFormat, kilobytes: Int, lines: [String]) {
        self.id = id
        self.title = title
        self.fileName = fileName
        self.format = format
        self.kilobytes = kilobytes
        self.lines = lines
    }

    public var file: SandboxFile { SandboxFile(document: id, id: id, name: fileName, format: format, kilobytes: kilobytes) }
}

/// The invented person a mission is played for.
public struct Persona: Sendable, Equatable {
    public var name: String
    public var situation: String
    /// Identifier and password of an account the persona already has (both invented), if any.
    public var identifier: String?
    public var password: String?
    public var email: String
    public var documents: [PersonaDocument]
    /// The identity provider the persona has an account with (their `identifier` and `password` there),
    /// for missions through the state's sign-in portal.
    public var provider: IdentityProvider?
    /// The persona's job-seeker number (with `password`), for the monthly declaration.
    public var jobSeekerID: String?

    public init(name: String, situation: String, identifier: String? = nil, password: String? = nil,
                email: String = "", documents: [PersonaDocument] = [], provider: IdentityProvider? = nil, jobSeekerID: String? = nil) {
        self.provider = provider
        self.jobSeekerID = jobSeekerID
        self.name = name
        self.situation = situation
        self.identifier = identifier
        self.password = password
        self.email = email
        self.documents = documents
    }
}

/// The fields of the quarterly declaration, in the order of its steps.
public enum DeclarationField: String, Sendable, CaseIterable {
    case salary1 = "salaire-1", salary2 = "salaire-2", salary3 = "salaire-3"
    case unemployment = "chomage", pension = "pension", other = "autres"

    public static let months = ["septembre 2026", "octobre 2026", "novembre 2026"]

    public var step: Int { [.salary1, .salary2, .salary3].contains(self) ? 1 : 2 }

    public var label: String {
        switch self {
        case .salary1: return "Salaire net de \(DeclarationField.months[0])"
        case .salary2: return "Salaire net d'\(DeclarationField.months[1])"
        case .salary3: return "Salaire net de \(DeclarationField.months[2])"
        case .unemployment: return "Allocations chômage du trimestre"
        case .pension: return "Pensions et retraites du trimestre"
        case .other: return "Autres ressources du trimestre"
        }
    }
}

/// One thing a mission checks, and the lesson section that explains it (`02-x.md#anchor`).
public struct MissionGoal: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An account created and confirmed with the code received by e-mail.
        case accountCreated
        /// The declaration sent with these amounts (cents by field); `gross` holds the gross salaries, to
        /// say so when one was declared instead of the net.
        case declarationSent(amounts: [DeclarationField: Int], gross: [DeclarationField: Int])
        /// This document sent as a proof (in an accepted format and size: the site refuses the others).
        case proofSent(document: String)
        /// This message of the caisse's secure messaging read.
        case messageRead(String)
        /// These fraudulent messages reported.
        case reported([String])
        /// No link of a fraudulent message followed.
        case noFraudulentLinkFollowed
        /// No genuine message reported as fraudulent.
        case genuineKept
        /// Signed out of the site at the end.
        case signedOut
        /// The password not saved in the browser.
        case passwordNotSaved
        /// No number that looks like a real social security number or IBAN typed.
        case noRealNumber
        /// An appointment booked for this reason, in one of these slots (the persona's constraints).
        case appointmentBooked(reason: String, slots: [String])
        /// The job seeker's monthly declaration sent with these answers.
        case jobDeclarationSent(JobDeclaration)
    }

    public var kind: Kind
    public var lesson: String?

    public init(_ kind: Kind, lesson: String? = nil) {
        self.kind = kind
        self.lesson = lesson
    }

    /// The names used in activity files.
    public static let names = ["account-created", "declaration-sent", "proof-sent", "message-read", "reported",
                               "no-fraudulent-link-followed", "genuine-kept", "signed-out", "password-not-saved",
                               "no-real-number", "appointment-booked", "job-declaration-sent"]

    /// What the goal asks, in plain French (shown before and after the mission).
    public var summary: String {
        switch kind {
        case .accountCreated: return "Créer le compte et le confirmer avec le code reçu par courriel."
        case .declarationSent: return "Envoyer la déclaration avec les bons montants."
        case .proofSent: return "Envoyer le justificatif demandé, dans un format et un poids acceptés."
        case .messageRead: return "Lire le message de la caisse."
        case .reported: return "Signaler les messages frauduleux."
        case .noFraudulentLinkFollowed: return "Ne suivre aucun lien d'un message frauduleux."
        case .genuineKept: return "Garder les vrais messages (ne pas les signaler)."
        case .signedOut: return "Se déconnecter à la fin."
        case .passwordNotSaved: return "Ne pas enregistrer le mot de passe dans le navigateur."
        case .noRealNumber: return "Ne jamais taper de vrai numéro (sécurité sociale, compte bancaire)."
        case .appointmentBooked: return "Prendre le bon rendez-vous, à un moment où la personne est libre."
        case .jobDeclarationSent: return "Envoyer l'actualisation du mois avec les bonnes réponses."
        }
    }
}

/// What went wrong, where, why, and which lesson section explains it.
public struct MissionProblem: Sendable, Equatable {
    public var goal: MissionGoal
    /// Where it happened (« Étape 1 de la déclaration », « SMS « Amende à payer » »).
    public var step: String
    public var what: String
    public var why: String
    /// What gives a message away (or shows it is genuine), as a list under `cluesTitle`.
    public var clues: [String]
    public var cluesTitle: String

    public init(goal: MissionGoal, step: String, what: String, why: String, clues: [String] = [], cluesTitle: String = "") {
        self.goal = goal
        self.step = step
        self.what = what
        self.why = why
        self.clues = clues
        self.cluesTitle = cluesTitle
    }
}

public struct Mission: Sendable, Equatable {
    public enum Level: String, Sendable, CaseIterable {
        case easy = "facile", medium = "moyen", hard = "difficile"
    }

    public var title: String
    public var level: Level
    /// What to do, in Markdown.
    public var goal: String
    public var persona: Persona
    /// Where the sandbox opens.
    public var start: SandboxService
    /// Messages in the persona's mailbox and SMS (ids of `SandboxMessage.catalogue`).
    public var inbox: [String]
    /// Messages waiting in the persona's account at the caisse.
    public var caisseMessages: [String]
    public var goals: [MissionGoal]
    /// "framework:competence" ids, in both frameworks.
    public var competences: [String]

    public init(title: String, level: Level, goal: String, persona: Persona, start: SandboxService,
                inbox: [String] = [], caisseMessages: [String] = [], goals: [MissionGoal], competences: [String]) {
        self.title = title
        self.level = level
        self.goal = goal
        self.persona = persona
        self.start = start
        self.inbox = inbox
        self.caisseMessages = caisseMessages
        self.goals = goals
        self.competences = competences
    }

    /// The persona already has an account at the caisse (not an identity provider's).
    public var existingAccount: Bool { persona.identifier != nil && persona.provider == nil }

    /// The services the mission uses, in the order of the sandbox's menu: the others are left out of it.
    public var services: [SandboxService] {
        var used: Set<SandboxService> = [start]
        if !inbox.isEmpty { used.insert(.messagerie) }
        for goal in goals {
            switch goal.kind {
            case .accountCreated: used.formUnion([.allocations, .messagerie])
            case .declarationSent, .proofSent, .messageRead, .passwordNotSaved: used.insert(.allocations)
            case .reported, .noFraudulentLinkFollowed, .genuineKept: used.insert(.messagerie)
            case .appointmentBooked: used.insert(.rendezVous)
            case .jobDeclarationSent: used.insert(.emploi)
            case .signedOut, .noRealNumber: break
            }
        }
        return [.allocations, .emploi, .rendezVous, .messagerie].filter(used.contains)
    }

    /// The problems of an attempt, from its events (oldest first); empty when the mission is succeeded.
    public func problems(_ events: [SandboxEvent]) -> [MissionProblem] {
        goals.flatMap { MissionCheck.problems($0, events: events, mission: self) }
    }

    /// The files the persona has at this point: the documents, then the files made with the tools.
    public func files(_ state: SandboxState) -> [SandboxFile] {
        var files = persona.documents.map(\.file)
        for id in state.madeFiles {
            guard !files.contains(where: { $0.id == id }) else { continue }
            if let made = MissionCheck.file(id, from: persona.documents) { files.append(made) }
        }
        return files
    }
}

/// The end-state checks, one per kind of goal.
public enum MissionCheck {
    /// The anchor a lesson heading gets in its page: lower case, accents dropped, anything but letters and
    /// digits as one « - » (the rule of the lesson pages' heading anchors).
    public static func anchor(_ title: String) -> String { LessonSection.anchor(title) }

    /// The title of the `##` heading of a lesson's Markdown whose anchor is `anchor`.
    public static func sectionTitle(_ anchor: String, in markdown: String) -> String? {
        markdown.split(separator: "\n").lazy.filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)).trimmingCharacters(in: .whitespaces) }
            .first { MissionCheck.anchor($0) == anchor }
    }

    /// The file with this id (`doc`, `doc~pdf`, `doc~pdf~leger`…) made from the persona's documents.
    public static func file(_ id: String, from documents: [PersonaDocument]) -> SandboxFile? {
        let parts = id.split(separator: "~").map(String.init)
        guard let first = parts.first, parts.count <= 4, var file = documents.first(where: { $0.id == first })?.file else { return nil }
        for tool in parts.dropFirst() {
            switch tool {
            case "pdf": guard let next = file.convertedToPDF() else { return nil }; file = next
            case "leger": guard let next = file.compressed() else { return nil }; file = next
            default: return nil
            }
        }
        return file
    }

    static func problems(_ goal: MissionGoal, events: [SandboxEvent], mission: Mission) -> [MissionProblem] {
        func problem(_ step: String, _ what: String, _ why: String) -> [MissionProblem] {
            [MissionProblem(goal: goal, step: step, what: what, why: why)]
        }
        let caisse = events.filter { $0.service == .allocations }
        switch goal.kind {
        case .accountCreated:
            guard caisse.contains(where: { $0.action == .signUp && $0.outcome == .ok }) else {
                let refused = caisse.last { $0.action == .signUp && $0.outcome == .refused }
                return problem("Création du compte",
                               refused == nil ? "Le compte n'est pas créé." : "Le site a refusé le formulaire : le compte n'est pas créé.",
                               refused?.data["raison"].map { "Le site a répondu : \($0)" }
                                   ?? "Sans compte, la personne ne peut faire aucune démarche sur le site.")
            }
            guard caisse.contains(where: { $0.action == .codeEntered && $0.outcome == .ok }) else {
                return problem("Confirmation du compte", "Vous n'avez pas tapé le code de confirmation.",
                               "Le site envoie un code dans la boîte de courriel de la personne. Il faut ouvrir ce courriel, lire le code, puis le taper sur le site. Sans cela, le compte ne sert à rien.")
            }
            return []

        case .declarationSent(let amounts, let gross):
            guard let sent = caisse.last(where: { $0.action == .declarationSent && $0.outcome == .ok }) else {
                let reached = caisse.filter { $0.action == .declarationStep && $0.outcome == .ok }.compactMap { Int($0.data["etape"] ?? "") }.max()
                let step = reached.map { "Étape \(min($0 + 1, 3)) de la déclaration" } ?? "Déclaration trimestrielle"
                return problem(step, "Vous n'avez pas envoyé la déclaration.",
                               "Il faut aller jusqu'à la dernière étape : cocher « Je certifie », puis cliquer sur « Envoyer ». Sinon, la caisse ne reçoit rien et les droits peuvent être suspendus.")
            }
            var found: [MissionProblem] = []
            for field in DeclarationField.allCases {
                guard let expected = amounts[field] else { continue }
                let declared = Int(sent.data[field.rawValue] ?? "")
                guard declared != expected else { continue }
                let step = field.step == 1 ? "Étape 1 de la déclaration : les salaires" : "Étape 2 de la déclaration : les autres ressources"
                let typed = declared.map(SandboxInput.euros) ?? "rien"
                var why = "Le bon montant était \(SandboxInput.euros(expected)), d'après les documents de la personne."
                if let declared, let brut = gross[field], declared == brut {
                    why = "C'est le salaire brut. La caisse demande le salaire net, écrit « Net à payer » sur le bulletin : \(SandboxInput.euros(expected))."
                } else if expected == 0, let declared, declared > 0 {
                    why = "Ce mois-là, la personne n'a rien touché : il fallait déclarer 0 €. Un montant en trop réduit les droits."
                } else if declared == 0 || declared == nil {
                    why = "Un montant oublié donne des droits trop élevés, que la caisse réclamera plus tard (un « indu »). " + why
                }
                found += problem(step, "\(field.label) : vous avez déclaré \(typed).", why)
            }
            return found

        case .proofSent(let document):
            guard !caisse.contains(where: { $0.action == .proofSent && $0.outcome == .ok && $0.data["document"] == document }) else { return [] }
            let title = mission.persona.documents.first { $0.id == document }?.title ?? "le justificatif"
            if let refused = caisse.last(where: { $0.action == .proofSent && $0.outcome == .refused && $0.data["document"] == document }) {
                return problem("Envoi du justificatif", "Le site a refusé « \(title) », et vous ne l'avez pas renvoyé dans un format accepté.",
                               (refused.data["raison"] ?? "") + " Les boutons « Convertir en PDF » et « Compresser » préparent le fichier avant l'envoi.")
            }
            if let other = caisse.last(where: { $0.action == .proofSent && $0.outcome == .ok }),
               let wrong = mission.persona.documents.first(where: { $0.id == other.data["document"] }) {
                return problem("Envoi du justificatif", "Vous avez envoyé « \(wrong.title) », pas « \(title) ».",
                               "Le message de la caisse dit quelle pièce manque. Le relire avant de choisir le fichier évite un dossier bloqué.")
            }
            return problem("Envoi du justificatif", "Vous n'avez pas envoyé « \(title) ».",
                           "Tant que la caisse n'a pas reçu la pièce demandée, le dossier reste en attente.")

        case .messageRead(let message):
            guard !events.contains(where: { $0.action == .messageRead && $0.data["message"] == message }) else { return [] }
            let subject = SandboxMessage.named(message)?.subject ?? "le message"
            return problem("Messagerie de la caisse", "Vous n'avez pas ouvert le message « \(subject) ».",
                           "La caisse écrit dans l'espace personnel. C'est là qu'elle dit ce qui manque au dossier.")

        case .reported(let ids):
            return ids.compactMap { id -> MissionProblem? in
                guard !events.contains(where: { $0.action == .reported && $0.data["message"] == id }),
                      let message = SandboxMessage.named(id) else { return nil }
                return MissionProblem(goal: goal, step: message.place, what: "Vous n'avez pas signalé ce message frauduleux.",
                                      why: "Le signaler protège aussi les autres personnes qui l'ont reçu.",
                                      clues: message.clues, cluesTitle: "Les indices")
            }

        case .noFraudulentLinkFollowed:
            var seen = Set<String>()
            return events.filter { $0.action == .linkFollowed }.compactMap { event -> MissionProblem? in
                guard let id = event.data["message"], seen.insert(id).inserted,
                      let message = SandboxMessage.named(id), message.fraudulent else { return nil }
                return MissionProblem(goal: goal, step: message.place, what: "Vous avez ouvert le lien « \(message.link ?? "") ».",
                                      why: "Ce lien mène à un faux site. Il copie une administration pour voler un mot de passe ou un numéro de carte.",
                                      clues: message.clues, cluesTitle: "Les indices")
            }

        case .genuineKept:
            var seen = Set<String>()
            return events.filter { $0.action == .reported }.compactMap { event -> MissionProblem? in
                guard let id = event.data["message"], seen.insert(id).inserted,
                      let message = SandboxMessage.named(id), !message.fraudulent else { return nil }
                return MissionProblem(goal: goal, step: message.place, what: "Vous avez signalé ce vrai message comme frauduleux.",
                                      why: "Il ne demande ni mot de passe ni argent. En le signalant, la personne perd une information utile.",
                                      clues: message.clues, cluesTitle: "Ce qui montre qu'il est vrai")
            }

        case .jobDeclarationSent(let expected):
            let job = events.filter { $0.service == .emploi }
            guard let sent = job.last(where: { $0.action == .declarationSent && $0.outcome == .ok }) else {
                return problem("Actualisation du mois", "Vous n'avez pas envoyé l'actualisation.",
                               "Sans actualisation chaque mois, la personne est désinscrite et ses allocations s'arrêtent. Il faut aller jusqu'à « Je confirme ma déclaration ».")
            }
            var found: [MissionProblem] = []
            let worked = sent.data["travaille"] == "oui"
            let stepOne = "Étape 1 de l'actualisation : le travail du mois"
            if worked != expected.worked {
                found += problem(stepOne, expected.worked ? "Vous avez répondu que la personne n'a pas travaillé." : "Vous avez répondu que la personne a travaillé.",
                                 expected.worked ? "Son bulletin de salaire montre qu'elle a travaillé ce mois-ci. Une activité oubliée donne des allocations en trop, qu'il faudra rembourser."
                                     : "Elle n'a pas travaillé ce mois-ci : il n'y avait rien à déclarer de ce côté.")
            } else if expected.worked {
                if Int(sent.data["heures"] ?? "") != expected.hours {
                    found += problem(stepOne, "Vous avez déclaré \(sent.data["heures"] ?? "?") heures.",
                                     "Le bulletin indique \(expected.hours) heures. On recopie le nombre d'heures du bulletin.")
                }
                let gross = Int(sent.data["brut"] ?? "")
                if gross != expected.grossCents {
                    let typed = gross.map(SandboxInput.euros) ?? "rien"
                    let why = gross != nil && gross == expected.netCents
                        ? "C'est le salaire net. Ici, l'espace emploi demande le salaire brut : \(SandboxInput.euros(expected.grossCents)). Chaque organisme demande son montant : on lit bien la question."
                        : "Le bulletin indique \(SandboxInput.euros(expected.grossCents)) brut."
                    found += problem(stepOne, "Vous avez déclaré un salaire de \(typed).", why)
                }
            }
            if (sent.data["recherche"] == "oui") != expected.stillLooking {
                found += problem("Étape 2 de l'actualisation : la situation",
                                 expected.stillLooking ? "Vous avez répondu que la personne ne cherche plus d'emploi." : "Vous avez répondu que la personne cherche toujours un emploi.",
                                 expected.stillLooking ? "Répondre « non » à « Êtes-vous toujours à la recherche d'un emploi ? » la désinscrit : ses allocations s'arrêtent."
                                     : "Elle a trouvé un emploi durable : il faut le dire.")
            }
            return found

        case .signedOut:
            let state = SandboxState(events: events, existingAccount: mission.existingAccount)
            if state.jobSignedIn {
                return problem("Fin de la mission", "Le compte est resté connecté à l'espace emploi.",
                               "Sur un ordinateur partagé, la personne suivante pourrait ouvrir ce compte. On clique sur « Se déconnecter » avant de partir.")
            }
            if state.portalSignedIn || state.appointmentSignedIn {
                return problem("Fin de la mission", state.appointmentSignedIn ? "Le compte est resté connecté au site de rendez-vous."
                                   : "Le compte est resté connecté au portail Connexion État.",
                               "En quittant un site ouvert avec Connexion État, il faut aussi se déconnecter du portail : sinon, la personne suivante peut ouvrir d'autres sites à son nom sans mot de passe.")
            }
            guard state.signedIn else { return [] }
            return problem("Fin de la mission", "Le compte est resté connecté à la fin.",
                           "Sur un ordinateur partagé (accueil, médiathèque), la personne suivante pourrait ouvrir ce compte. On clique sur « Se déconnecter » avant de partir.")

        case .appointmentBooked(let reason, let slots):
            guard let booked = events.last(where: { $0.action == .appointmentBooked && $0.outcome == .ok }),
                  let chosenReason = booked.data["motif"], let chosenSlot = booked.data["creneau"] else {
                let portal = events.filter { $0.service == .portail }
                if let wrong = portal.last(where: { $0.action == .portalSignIn && $0.outcome == .refused }),
                   !portal.contains(where: { $0.action == .portalSignIn && $0.outcome == .ok }) {
                    return problem("Connexion État", "Vous n'avez pas pu vous connecter chez « \(wrong.data["fournisseur"] ?? "") ».",
                                   "La personne a un compte chez un seul de ces fournisseurs : sa fiche dit lequel. On choisit celui-là, avec ses identifiants.")
                }
                if events.contains(where: { $0.action == .consent && $0.outcome == .refused }) {
                    return problem("Partage des données", "Vous avez refusé le partage des données : le site de rendez-vous ne vous a pas connecté.",
                                   "La page liste les données transmises au site (nom, prénom, date de naissance, courriel). On la lit avec la personne, puis on clique sur « Continuer » si elle est d'accord.")
                }
                return problem("Rendez-vous", "Vous n'avez pas pris de rendez-vous.", "Sans rendez-vous confirmé, la personne ne sera pas reçue.")
            }
            var found: [MissionProblem] = []
            if chosenReason != reason {
                found += problem("Choix du motif", "Vous avez pris rendez-vous pour « \(Appointments.reason(chosenReason) ?? chosenReason) ».",
                                 "La personne vient pour « \(Appointments.reason(reason) ?? reason) ». Avec un autre motif, le guichet ne pourra pas traiter sa demande.")
            }
            if !slots.contains(chosenSlot) {
                found += problem("Choix du créneau", "Vous avez choisi « \(Appointments.slot(chosenSlot) ?? chosenSlot) ».",
                                 "À ce moment-là, la personne ne peut pas venir : sa fiche le dit. On lit la fiche, ou on lui demande, avant de choisir.")
            }
            return found

        case .passwordNotSaved:
            guard events.contains(where: { $0.action == .passwordSaved }) else { return [] }
            return problem("Après la connexion", "Vous avez enregistré le mot de passe dans le navigateur.",
                           "Sur un poste partagé, le navigateur le proposera à la personne suivante, qui pourra ouvrir le dossier d'une autre. On répond « Jamais ».")

        case .noRealNumber:
            guard let typed = events.first(where: { $0.action == .sensitiveValue }) else { return [] }
            return problem(typed.data["page"] ?? "Saisie", "Vous avez tapé un nombre qui ressemble à un vrai \(typed.data["type"] ?? "numéro").",
                           "Dans un site d'entraînement, on n'utilise que les données inventées de la fiche. Un vrai numéro n'a rien à faire ici.")
        }
    }
}

/// A message of the sandbox: an e-mail or an SMS of the persona, or a message of the caisse's secure
/// messaging. Fraudulent ones copy real senders without naming any real brand.
public struct SandboxMessage: Sendable, Equatable {
    public enum Channel: String, Sendable { case email = "courriel", sms, caisse }

    public var id: String
    public var channel: Channel
    public var sender: String
    public var address: String
    public var subject: String
    public var body: [String]
    /// The address a link shows, if the message holds one.
    public var link: String?
    public var fraudulent: Bool
    /// What gives the message away (or shows it is genuine), in plain French.
    public var clues: [String]
    /// The document a caisse message asks for.
    public var asks: String?
    public var time: String

    /// Where the learner saw it, for the feedback.
    public var place: String {
        switch channel {
        case .email: return "Courriel « \(subject) »"
        case .sms: return "SMS « \(subject) »"
        case .caisse: return "Message de la caisse « \(subject) »"
        }
    }

    public static func named(_ id: String) -> SandboxMessage? { catalogue.first { $0.id == id } }

    public static let catalogue: [SandboxMessage] = [
        SandboxMessage(
            id: "faux-remboursement", channel: .email, sender: "Caisse Allocations", address: "remboursement@caisse-alloc-service.top",
            subject: "Vous avez droit à un remboursement de 248,50 €",
            body: ["Bonjour,", "Après un nouveau calcul, vous avez droit à un remboursement de 248,50 €.",
                   "Pour le recevoir, confirmez vos coordonnées bancaires avant 48 heures, sinon le remboursement sera annulé.",
                   "Cliquez ici pour recevoir votre argent :"],
            link: "http://caisse-alloc-service.top/remboursement", fraudulent: true,
            clues: ["l'adresse de l'expéditeur ne finit pas par celle de la caisse", "une caisse ne demande jamais vos coordonnées bancaires par un lien",
                    "le délai de 48 heures veut vous presser"],
            asks: nil, time: "Hier, 21 h 14"),
        SandboxMessage(
            id: "fausse-amende", channel: .sms, sender: "+33 7 56 12 98 40", address: "+33 7 56 12 98 40",
            subject: "Amende impayée",
            body: ["AVIS : votre amende de stationnement de 35 € est impayée. Sans paiement sous 24 h elle passera à 135 €. Payez ici :"],
            link: "https://amende-paiement-rapide.info", fraudulent: true,
            clues: ["un SMS d'un numéro de portable ordinaire", "la menace d'une majoration en 24 heures",
                    "l'adresse du lien n'est pas celle d'une administration"],
            asks: nil, time: "Aujourd'hui, 8 h 02"),
        SandboxMessage(
            id: "faux-colis", channel: .sms, sender: "+33 6 44 71 20 03", address: "+33 6 44 71 20 03",
            subject: "Votre colis est en attente",
            body: ["Votre colis n'a pas pu être livré : frais de réexpédition de 1,99 €. Reprogrammez la livraison :"],
            link: "https://livraison-suivi-colis.net/reprogrammer", fraudulent: true,
            clues: ["la personne n'attend aucun colis", "on demande de petits frais pour obtenir un numéro de carte bancaire",
                    "l'adresse du lien est inconnue"],
            asks: nil, time: "Aujourd'hui, 10 h 37"),
        SandboxMessage(
            id: "fausse-carte-sante", channel: .email, sender: "Assurance Santé", address: "service@renouvellement-carte-sante.com",
            subject: "Votre carte d'assurance maladie expire : renouvelez-la",
            body: ["Bonjour,", "Votre carte d'assurance maladie arrive à expiration. Pour continuer à être remboursé, commandez la nouvelle carte (frais d'envoi : 4,90 €).",
                   "Commander ma nouvelle carte :"],
            link: "https://renouvellement-carte-sante.com/commande", fraudulent: true,
            clues: ["la carte d'assurance maladie ne se renouvelle pas en payant des frais", "l'adresse de l'expéditeur n'est pas celle de l'assurance maladie",
                    "la peur de ne plus être remboursé pousse à cliquer vite"],
            asks: nil, time: "Lundi, 9 h 50"),
        SandboxMessage(
            id: "vrai-rendez-vous", channel: .sms, sender: "Maison de services", address: "Maison de services",
            subject: "Rappel de rendez-vous",
            body: ["Bonjour, nous vous rappelons votre rendez-vous jeudi à 14 h à la maison de services, avec vos papiers. Pour annuler, appelez l'accueil."],
            link: nil, fraudulent: false,
            clues: ["il ne contient aucun lien", "il ne demande ni argent ni mot de passe", "il rappelle un rendez-vous que la personne a pris"],
            asks: nil, time: "Hier, 17 h 30"),
        SandboxMessage(
            id: "vrai-avis-caisse", channel: .email, sender: "Caisse d'allocations de démonstration", address: "ne-pas-repondre@caisse-demo.example",
            subject: "Un nouveau message vous attend dans votre espace",
            body: ["Bonjour,", "Un nouveau message est disponible dans votre espace personnel.",
                   "Pour le lire, connectez-vous comme d'habitude au site de la caisse. Ce courriel ne contient aucun lien : nous ne vous demanderons jamais votre mot de passe par courriel."],
            link: nil, fraudulent: false,
            clues: ["il ne contient aucun lien", "il dit d'aller soi-même sur le site habituel", "il ne demande aucune information"],
            asks: nil, time: "Aujourd'hui, 7 h 45"),
        SandboxMessage(
            id: "piece-manquante", channel: .caisse, sender: "Caisse d'allocations de démonstration", address: "",
            subject: "Pièce manquante dans votre dossier",
            body: ["Madame, Monsieur,", "Pour étudier vos droits, il nous manque votre avis d'impôt sur les revenus de 2025.",
                   "Merci de l'envoyer dans la rubrique « Envoyer un justificatif » de votre espace. Formats acceptés : PDF, JPEG, PNG, 2 Mo au plus."],
            link: nil, fraudulent: false, clues: ["message de votre espace personnel"], asks: "avis-imposition", time: "Mardi, 11 h 03"),
        SandboxMessage(
            id: "suspension-sms", channel: .sms, sender: "+33 7 80 33 41 19", address: "+33 7 80 33 41 19",
            subject: "Vos droits sont suspendus",
            body: ["CAISSE ALLOC : vos droits sont suspendus, déclaration non reçue. Mettez à jour votre dossier ici :"],
            link: "https://caisse-alloc-maj.fr-dossier.com", fraudulent: true,
            clues: ["un SMS d'un numéro de portable ordinaire", "l'adresse du lien imite celle de la caisse sans l'être",
                    "la peur de perdre ses droits pousse à cliquer ; on va plutôt soi-même sur le site habituel"],
            asks: nil, time: "Aujourd'hui, 6 h 58"),
    ]
}

/// The answers a job seeker's monthly declaration should carry.
public struct JobDeclaration: Sendable, Equatable {
    public var worked: Bool
    public var hours: Int
    public var grossCents: Int
    /// The net pay, to say so when it was declared instead of the gross.
    public var netCents: Int?
    public var stillLooking: Bool

    public init(worked: Bool, hours: Int = 0, grossCents: Int = 0, netCents: Int? = nil, stillLooking: Bool = true) {
        self.worked = worked
        self.hours = hours
        self.grossCents = grossCents
        self.netCents = netCents
        self.stillLooking = stillLooking
    }

    /// The month declared.
    public static let month = "novembre 2026"
}
