import Foundation

// The practice sandbox (« site à blanc »): fictional teleservices where a learner rehearses a procedure.
// Everything the learner does there is one event in a log; what the sandbox shows (signed in or not,
// the declaration in progress, the files made with the tools) and what a mission checks are both worked
// out from that log by the pure functions of this file and of Mission.swift.

/// The fictional services of the sandbox.
public enum SandboxService: String, Sendable, Codable, CaseIterable {
    /// « Caisse d'allocations de démonstration »: account, sign-in, declaration, proofs, messages.
    case allocations
    /// The simulated mailbox and SMS inbox of the persona.
    case messagerie
    /// The state's sign-in portal (« Connexion État de démonstration »): choose an identity provider, consent.
    case portail
    /// The job seeker's space: the monthly declaration (« actualisation »).
    case emploi
    /// An appointment-booking service reached through the portal.
    case rendezVous = "rendez-vous"
    /// The sandbox itself (mission opened, ended, sensitive value typed).
    case bacASable = "bac-a-sable"

    public var title: String {
        switch self {
        case .allocations: return "Caisse d'allocations de démonstration"
        case .messagerie: return "Messagerie et SMS"
        case .portail: return "Connexion État de démonstration"
        case .emploi: return "Espace emploi de démonstration"
        case .rendezVous: return "Rendez-vous en préfecture de démonstration"
        case .bacASable: return "Bac à sable"
        }
    }
}

/// What a step did. `refused` is the site refusing something (wrong code, file too heavy); `risk` is the
/// learner doing something unsafe (a fraudulent link followed, a password saved in the browser).
public enum SandboxOutcome: String, Sendable, Codable, CaseIterable {
    case ok
    case refused
    case risk
}

/// The actions the sandbox records. Their raw values are stored.
public enum SandboxAction: String, Sendable, Codable, CaseIterable {
    case missionOpened = "mission-ouverte"
    case missionEnded = "mission-terminee"
    case sensitiveValue = "saisie-sensible"
    // Allocations
    case signUp = "inscription"
    case codeEntered = "code-saisi"
    case signIn = "connexion"
    case passwordSaved = "mot-de-passe-enregistre"
    case passwordNotSaved = "mot-de-passe-non-enregistre"
    case signOut = "deconnexion"
    case declarationStep = "declaration-etape"
    case declarationSent = "declaration-envoyee"
    case messageRead = "message-lu"
    case fileConverted = "fichier-converti"
    case fileCompressed = "fichier-compresse"
    case proofSent = "justificatif-envoye"
    // Mailbox and SMS
    case mailOpened = "courriel-ouvert"
    case linkFollowed = "lien-suivi"
    case reported = "signale"
    // Sign-in portal and appointments
    case providerChosen = "fournisseur-choisi"
    case portalSignIn = "portail-connexion"
    case consent = "consentement"
    case appointmentBooked = "rendez-vous-pris"

    /// In plain French, for the trainer's timeline.
    public var label: String {
        switch self {
        case .missionOpened: return "Mission ouverte"
        case .missionEnded: return "Mission terminée"
        case .sensitiveValue: return "Numéro qui ressemble à un vrai numéro saisi"
        case .signUp: return "Création du compte"
        case .codeEntered: return "Code de confirmation saisi"
        case .signIn: return "Connexion"
        case .passwordSaved: return "Mot de passe enregistré dans le navigateur"
        case .passwordNotSaved: return "Mot de passe non enregistré dans le navigateur"
        case .signOut: return "Déconnexion"
        case .declarationStep: return "Étape de la déclaration"
        case .declarationSent: return "Déclaration envoyée"
        case .messageRead: return "Message de la caisse lu"
        case .fileConverted: return "Fichier converti en PDF"
        case .fileCompressed: return "Fichier compressé"
        case .proofSent: return "Envoi d'un justificatif"
        case .mailOpened: return "Message ouvert"
        case .linkFollowed: return "Lien d'un message suivi"
        case .reported: return "Message signalé comme frauduleux"
        case .providerChosen: return "Fournisseur d'identité choisi"
        case .portalSignIn: return "Connexion chez le fournisseur d'identité"
        case .consent: return "Partage des données accepté ou refusé"
        case .appointmentBooked: return "Rendez-vous pris"
        }
    }
}

/// One step recorded in the sandbox. `data` holds short facts (a month's amount, a file's format and
/// size, a message id); never a password.
public struct SandboxEvent: Sendable, Equatable, Codable {
    public var at: String
    public var service: SandboxService
    public var step: String
    public var action: SandboxAction
    public var outcome: SandboxOutcome
    public var data: [String: String]

    public init(at: String = "", service: SandboxService, step: String, action: SandboxAction,
                outcome: SandboxOutcome = .ok, data: [String: String] = [:]) {
        self.at = at
        self.service = service
        self.step = step
        self.action = action
        self.outcome = outcome
        self.data = data
    }
}

// MARK: Documents and files

/// File formats a persona's documents come in.
public enum FileFormat: String, Sendable, Codable, CaseIterable {
    case pdf, jpeg, png, heic, docx

    public var label: String {
        switch self {
        case .pdf: return "PDF"
        case .jpeg: return "JPEG (photo)"
        case .png: return "PNG (image)"
        case .heic: return "HEIC (photo de téléphone)"
        case .docx: return "DOCX (traitement de texte)"
        }
    }

    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }
}

/// A file the persona has on their phone or computer: one of the mission's documents, or one made
/// from it with the sandbox's tools (converted to PDF, compressed).
public struct SandboxFile: Sendable, Equatable {
    /// The id of the persona's document it comes from (« avis-imposition »).
    public var document: String
    /// Its id in the file picker: the document id, then `~pdf` / `~leger` for each tool applied.
    public var id: String
    public var name: String
    public var format: FileFormat
    public var kilobytes: Int

    public init(document: String, id: String, name: String, format: FileFormat, kilobytes: Int) {
        self.document = document
        self.id = id
        self.name = name
        self.format = format
        self.kilobytes = kilobytes
    }

    /// « 4,8 Mo » or « 350 Ko ».
    public var sizeLabel: String { SandboxFile.sizeLabel(kilobytes) }

    public static func sizeLabel(_ kilobytes: Int) -> String {
        if kilobytes < 1000 { return "\(kilobytes) Ko" }
        let tenths = kilobytes / 100  // 4 812 Ko → 48 → « 4,8 Mo »
        return "\(tenths / 10),\(tenths % 10) Mo"
    }

    /// The same file converted to PDF: a photo becomes a PDF of about the same weight.
    public func convertedToPDF() -> SandboxFile? {
        guard format != .pdf else { return nil }
        let base = name.split(separator: ".").dropLast().joined(separator: ".")
        return SandboxFile(document: document, id: id + "~pdf", name: (base.isEmpty ? name : base) + ".pdf", format: .pdf,
                           kilobytes: max(kilobytes.multipliedReportingOverflow(by: 9).partialValue / 10, 1))
    }

    /// The same file made lighter: an image or PDF about six times lighter (never under 150 Ko).
    /// A HEIC photo or a DOCX cannot be compressed by the tool: nil.
    public func compressed() -> SandboxFile? {
        guard [.pdf, .jpeg, .png].contains(format), kilobytes > 300 else { return nil }
        let base = name.split(separator: ".").dropLast().joined(separator: ".")
        return SandboxFile(document: document, id: id + "~leger", name: (base.isEmpty ? name : base) + "-leger." + format.fileExtension,
                           format: format == .png ? .jpeg : format, kilobytes: max(kilobytes / 6, 150))
    }
}

/// What the family-benefits site accepts as a proof.
public enum ProofRules {
    public static let formats: [FileFormat] = [.pdf, .jpeg, .png]
    public static let maximumKilobytes = 2000

    /// Why the site refuses a file, or nil when it takes it.
    public static func refusal(_ file: SandboxFile) -> String? {
        if !formats.contains(file.format) {
            return "Le format \(file.format.label) n'est pas accepté. Formats acceptés : PDF, JPEG, PNG."
        }
        if file.kilobytes > maximumKilobytes {
            return "Le fichier pèse \(file.sizeLabel) : c'est trop lourd. Taille maximale : 2 Mo."
        }
        return nil
    }
}

// MARK: Typed values

/// Checks of what a learner types in the sandbox.
public enum SandboxInput {
    /// The password policy of the family-benefits site: 8 characters or more, a capital, a small letter, a digit.
    public static func passwordProblems(_ password: String) -> [String] {
        var problems: [String] = []
        if password.count < 8 { problems.append("au moins 8 caractères") }
        if !password.contains(where: { $0.isUppercase }) { problems.append("au moins une majuscule") }
        if !password.contains(where: { $0.isLowercase }) { problems.append("au moins une minuscule") }
        if !password.contains(where: { $0.isNumber }) { problems.append("au moins un chiffre") }
        return problems
    }

    /// What a typed value looks like when it may be a real personal number: a French social security
    /// number (13 or 15 digits, the first 1 or 2) or a French IBAN (FR76…). nil otherwise.
    public static func sensitiveKind(_ value: String) -> String? {
        let compact = value.filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
        if compact.count >= 13, compact.count <= 15, compact.allSatisfy({ $0.isASCII && $0.isNumber }),
           compact.count != 14, let first = compact.first, first == "1" || first == "2" {
            return "numéro de sécurité sociale"
        }
        if compact.uppercased().hasPrefix("FR76"), compact.count >= 14 { return "IBAN" }
        return nil
    }

    /// An amount in euros as typed in France (« 812,40 », « 812.40 », « 1 020 », « 0 »), in cents; nil when
    /// it is not an amount or is above 1,000,000 €.
    public static func cents(_ text: String) -> Int? {
        let compact = text.filter { !$0.isWhitespace && $0 != "€" && $0 != "\u{202F}" && $0 != "\u{00A0}" }
        guard !compact.isEmpty, compact.count <= 12 else { return nil }
        let parts = compact.replacingOccurrences(of: ",", with: ".").split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let euros = Int(parts[0].isEmpty ? "0" : parts[0]), euros >= 0, euros <= 1_000_000,
              parts[0].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var cents = 0
        if parts.count == 2 {
            let decimals = parts[1]
            guard (1...2).contains(decimals.count), decimals.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(decimals) else { return nil }
            cents = decimals.count == 1 ? value * 10 : value
        }
        return euros * 100 + cents
    }

    /// « 812,40 € ».
    public static func euros(_ cents: Int) -> String {
        let euros = cents / 100
        let rest = cents % 100
        var digits = String(euros)
        var grouped = ""
        while digits.count > 3 {
            grouped = "\u{202F}" + digits.suffix(3) + grouped
            digits = String(digits.dropLast(3))
        }
        return digits + grouped + (rest == 0 ? "" : "," + (rest < 10 ? "0" : "") + String(rest)) + " €"
    }
}

// MARK: The state, worked out from the log

/// What the sandbox shows now, worked out from the attempt's events (oldest first).
public struct SandboxState: Sendable, Equatable {
    public static func == (a: SandboxState, b: SandboxState) -> Bool {
        a.accountCreated == b.accountCreated && a.accountConfirmed == b.accountConfirmed && a.signedIn == b.signedIn
            && a.declarationStep == b.declarationStep && a.declaration == b.declaration && a.declarationSent == b.declarationSent
            && a.madeFiles == b.madeFiles && a.proofsAccepted == b.proofsAccepted && a.reported == b.reported && a.opened == b.opened
            && a.linksFollowed == b.linksFollowed && a.passwordQuestionAnswered == b.passwordQuestionAnswered && a.ended == b.ended
            && a.portalSignedIn == b.portalSignedIn && a.appointmentSignedIn == b.appointmentSignedIn
            && a.booked?.reason == b.booked?.reason && a.booked?.slot == b.booked?.slot
            && a.jobSignedIn == b.jobSignedIn && a.jobStep == b.jobStep && a.jobAnswers == b.jobAnswers && a.jobSent == b.jobSent
    }

    public var accountCreated = false
    public var accountConfirmed = false
    public var signedIn = false
    /// The declaration step the learner may fill next (1…3), or 4 once sent.
    public var declarationStep = 1
    /// Amounts entered in the declaration so far, by field (cents, as text).
    public var declaration: [String: String] = [:]
    public var declarationSent = false
    /// Files made with the tools, in order.
    public var madeFiles: [String] = []
    public var proofsAccepted: [String] = []
    public var reported: Set<String> = []
    public var opened: Set<String> = []
    public var linksFollowed: Set<String> = []
    public var passwordQuestionAnswered = false
    public var ended = false
    /// Signed in at an identity provider through the portal (not yet on the appointment service).
    public var portalSignedIn = false
    /// Signed in on the appointment service (the data sharing accepted).
    public var appointmentSignedIn = false
    /// The appointment booked: reason and slot ids.
    public var booked: (reason: String, slot: String)?
    /// The job seeker's space: signed in, the step of the monthly declaration, its answers, sent.
    public var jobSignedIn = false
    public var jobStep = 1
    public var jobAnswers: [String: String] = [:]
    public var jobSent = false

    public init() {}

    /// The state after these events; `existingAccount` when the mission's persona already has one.
    public init(events: [SandboxEvent], existingAccount: Bool) {
        accountCreated = existingAccount
        accountConfirmed = existingAccount
        for event in events { apply(event) }
    }

    public mutating func apply(_ event: SandboxEvent) {
        if event.service == .emploi {
            switch (event.action, event.outcome) {
            case (.signIn, .ok): jobSignedIn = true
            case (.signOut, _): jobSignedIn = false
            case (.declarationStep, .ok):
                for (key, value) in event.data where key != "etape" { jobAnswers[key] = value }
                if let step = Int(event.data["etape"] ?? ""), step <= jobStep { jobStep = min(step + 1, 3) }
            case (.declarationSent, .ok): jobSent = true; jobStep = 4
            default: break
            }
            return
        }
        switch (event.action, event.outcome) {
        case (.signUp, .ok): accountCreated = true
        case (.codeEntered, .ok): accountConfirmed = true; signedIn = true; passwordQuestionAnswered = false
        case (.signIn, .ok): signedIn = true; passwordQuestionAnswered = false
        case (.passwordSaved, _), (.passwordNotSaved, _): passwordQuestionAnswered = true
        case (.signOut, _):
            switch event.service {
            case .rendezVous:
                appointmentSignedIn = false
                if event.data["portail"] == "oui" { portalSignedIn = false }
            case .portail: portalSignedIn = false; appointmentSignedIn = false
            default: signedIn = false
            }
        case (.portalSignIn, .ok): portalSignedIn = true
        case (.consent, .ok): if portalSignedIn { appointmentSignedIn = true }
        case (.appointmentBooked, .ok):
            if let reason = event.data["motif"], let slot = event.data["creneau"] { booked = (reason, slot) }
        case (.declarationStep, .ok):
            for (key, value) in event.data where key != "etape" { declaration[key] = value }
            if let step = Int(event.data["etape"] ?? ""), step <= declarationStep { declarationStep = min(step + 1, 3) }
        case (.declarationSent, .ok): declarationSent = true; declarationStep = 4
        case (.fileConverted, .ok), (.fileCompressed, .ok): if let id = event.data["fichier"] { madeFiles.append(id) }
        case (.proofSent, .ok): if let id = event.data["document"] { proofsAccepted.append(id) }
        case (.reported, _): if let id = event.data["message"] { reported.insert(id) }
        case (.mailOpened, _), (.messageRead, _): if let id = event.data["message"] { opened.insert(id) }
        case (.linkFollowed, _): if let id = event.data["message"] { linksFollowed.insert(id) }
        case (.missionEnded, _): ended = true
        default: break
        }
    }
}

// MARK: The state's sign-in portal and the appointment service

/// The identity providers the portal offers (all invented).
public enum IdentityProvider: String, Sendable, CaseIterable {
    case impots, sante, courrier

    public var title: String {
        switch self {
        case .impots: return "Identité Impôts de démonstration"
        case .sante: return "Identité Assurance santé de démonstration"
        case .courrier: return "Identité Courrier de démonstration"
        }
    }
}

/// What the appointment service offers: reasons and slots.
public enum Appointments {
    public static let reasons: [(id: String, label: String)] = [
        ("titre-sejour", "Renouveler un titre de séjour"),
        // Reasons a real préfecture receives by appointment (identity cards go through the mairie, foreign
        // driving licences through an online procedure): nothing here teaches a wrong counter.
        ("remise-titre", "Retirer un titre de séjour prêt"),
        ("question-dossier", "Poser une question sur un dossier en cours"),
    ]
    public static let slots: [(id: String, label: String)] = [
        ("mar-0930", "Mardi 15 décembre, 9 h 30"),
        ("mar-1100", "Mardi 15 décembre, 11 h"),
        ("jeu-1430", "Jeudi 17 décembre, 14 h 30"),
        ("ven-0845", "Vendredi 18 décembre, 8 h 45"),
        ("ven-1600", "Vendredi 18 décembre, 16 h"),
    ]

    public static func reason(_ id: String) -> String? { reasons.first { $0.id == id }?.label }
    public static func slot(_ id: String) -> String? { slots.first { $0.id == id }?.label }
}
