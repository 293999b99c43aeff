import Foundation
import PasserelleCore
import Yams

/// Reads a `type: mission` activity (docs/CONTENT-FORMAT.md, « Missions »).
extension ModuleLoader {
    static func loadMission(_ map: Node.Mapping, _ node: Node, _ reader: YAMLReader, _ what: String) -> Activity.Kind? {
        reader.rejectUnknownKeys(map, allowed: ["id", "type", "title", "level", "goal", "service", "persona", "inbox",
                                                "caisse_messages", "goals", "competences"], in: what)
        let title = reader.string(map, "title", in: what, at: node)
        let goal = reader.string(map, "goal", in: what, at: node)
        let levelText = reader.string(map, "level", in: what, at: node)
        let level = levelText.flatMap(Mission.Level.init(rawValue:))
        if levelText != nil && level == nil {
            reader.report(at: map["level"], "\(what) : « level » vaut facile, moyen ou difficile")
        }
        let serviceText = reader.string(map, "service", in: what, at: node)
        let service = serviceText.flatMap(SandboxService.init(rawValue:))
        if serviceText != nil && (service == nil || service == .bacASable || service == .portail) {
            reader.report(at: map["service"], "\(what) : « service » vaut allocations, emploi, messagerie ou rendez-vous")
        }
        let inbox = strings(reader, map, "inbox", what, node, required: false)
        let caisse = strings(reader, map, "caisse_messages", what, node, required: false)
        for id in inbox + caisse where SandboxMessage.named(id) == nil {
            reader.report(at: map["inbox"] ?? map["caisse_messages"], "\(what) : message inconnu « \(id) » (messages : "
                          + SandboxMessage.catalogue.map(\.id).joined(separator: ", ") + ")")
        }
        let competences = strings(reader, map, "competences", what, node, required: true)
        if !competences.contains(where: { $0.hasPrefix("mediation:") }) || !competences.contains(where: { $0.hasPrefix("numerique:") }) {
            reader.report(at: map["competences"] ?? node, "\(what) : une mission nomme des compétences des deux référentiels (mediation: et numerique:)")
        }
        let persona = map["persona"].flatMap { loadPersona($0, reader, what) }
        if map["persona"] == nil { reader.report(at: node, "\(what) : le champ « persona » manque") }
        var goals: [MissionGoal] = []
        for goalNode in reader.sequence(map, "goals", in: what, at: node) {
            guard let goalMap = reader.mapping(goalNode, "\(what), but") else { continue }
            if let loaded = loadGoal(goalMap, goalNode, reader, "\(what), but", persona: persona) { goals.append(loaded) }
        }
        if map["goals"] != nil && goals.isEmpty { reader.report(at: map["goals"], "\(what) : aucun but à vérifier") }
        guard let title, let goal, let level, let service, let persona else { return nil }
        return .mission(Mission(title: title, level: level, goal: goal, persona: persona, start: service, inbox: inbox,
                                caisseMessages: caisse, goals: goals, competences: competences))
    }

    static func loadPersona(_ node: Node, _ reader: YAMLReader, _ what: String) -> Persona? {
        let where_ = "\(what), persona"
        guard let map = reader.mapping(node, where_) else { return nil }
        reader.rejectUnknownKeys(map, allowed: ["name", "situation", "identifier", "password", "email", "documents", "provider", "job_seeker_id"], in: where_)
        let name = reader.string(map, "name", in: where_, at: node)
        let situation = reader.string(map, "situation", in: where_, at: node)
        let identifier = reader.optionalString(map, "identifier", in: where_)
        let password = reader.optionalString(map, "password", in: where_)
        if identifier.isEmpty != password.isEmpty && map["job_seeker_id"] == nil {
            reader.report(at: node, "\(where_) : « identifier » et « password » vont ensemble (un compte déjà créé)")
        }
        if !password.isEmpty && !SandboxInput.passwordProblems(password).isEmpty {
            reader.report(at: map["password"], "\(where_) : le mot de passe inventé doit suivre la règle du site (8 caractères, majuscule, minuscule, chiffre)")
        }
        var documents: [PersonaDocument] = []
        for documentNode in reader.sequence(map, "documents", in: where_, at: node, required: false) {
            let documentWhat = "\(where_), document"
            guard let document = reader.mapping(documentNode, documentWhat) else { continue }
            reader.rejectUnknownKeys(document, allowed: ["id", "title", "file", "format", "size_ko", "lines"], in: documentWhat)
            let id = reader.string(document, "id", in: documentWhat, at: documentNode)
            let title = reader.string(document, "title", in: documentWhat, at: documentNode)
            let file = reader.string(document, "file", in: documentWhat, at: documentNode)
            let formatText = reader.string(document, "format", in: documentWhat, at: documentNode)
            let format = formatText.flatMap(FileFormat.init(rawValue:))
            if formatText != nil && format == nil {
                reader.report(at: document["format"], "\(documentWhat) : format inconnu (pdf, jpeg, png, heic, docx)")
            }
            let size = reader.int(document, "size_ko", in: documentWhat, at: documentNode)
            if let size, !(1...50_000).contains(size.0) { reader.report(at: size.1, "\(documentWhat) : « size_ko » va de 1 à 50000") }
            if let id, id.contains("~") || id.contains("/") { reader.report(at: document["id"], "\(documentWhat) : « ~ » et « / » sont interdits dans un identifiant") }
            let lines = strings(reader, document, "lines", documentWhat, documentNode, required: false)
            if let id, let title, let file, let format, let size {
                documents.append(PersonaDocument(id: id, title: title, fileName: file, format: format, kilobytes: size.0, lines: lines))
            }
        }
        if Set(documents.map(\.id)).count != documents.count { reader.report(at: map["documents"], "\(where_) : un document apparaît deux fois") }
        let providerText = reader.optionalString(map, "provider", in: where_)
        let provider = IdentityProvider(rawValue: providerText)
        if !providerText.isEmpty && provider == nil {
            reader.report(at: map["provider"], "\(where_) : fournisseur d'identité inconnu (" + IdentityProvider.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        let jobSeekerID = reader.optionalString(map, "job_seeker_id", in: where_)
        if !jobSeekerID.isEmpty && password.isEmpty { reader.report(at: map["job_seeker_id"], "\(where_) : « job_seeker_id » va avec « password »") }
        if provider != nil && identifier.isEmpty { reader.report(at: map["provider"], "\(where_) : « provider » va avec « identifier » et « password »") }
        guard let name, let situation else { return nil }
        return Persona(name: name, situation: situation, identifier: identifier.isEmpty ? nil : identifier,
                       password: password.isEmpty ? nil : password, email: reader.optionalString(map, "email", in: where_),
                       documents: documents, provider: provider, jobSeekerID: jobSeekerID.isEmpty ? nil : jobSeekerID)
    }

    static func loadGoal(_ map: Node.Mapping, _ node: Node, _ reader: YAMLReader, _ what: String, persona: Persona?) -> MissionGoal? {
        reader.rejectUnknownKeys(map, allowed: ["check", "lesson", "amounts", "gross", "document", "message", "messages", "reason", "slots", "worked", "hours",
                                               "gross_pay", "net_pay", "still_looking"], in: what)
        guard let check = reader.string(map, "check", in: what, at: node) else { return nil }
        let lesson = reader.optionalString(map, "lesson", in: what)
        if lesson.isEmpty { reader.report(at: node, "\(what) \(check) : « lesson » (la section de leçon qui explique) manque") }
        func amounts(_ key: String) -> [DeclarationField: Int] {
            guard let node = map[key] else { return [:] }
            guard let entries = reader.mapping(node, "\(what), \(key)") else { return [:] }
            var result: [DeclarationField: Int] = [:]
            for (keyNode, valueNode) in entries {
                guard let name = keyNode.string, let field = DeclarationField(rawValue: name) else {
                    reader.report(at: keyNode, "\(what) : champ de déclaration inconnu (" + DeclarationField.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                    continue
                }
                guard let text = valueNode.scalar?.string, let cents = SandboxInput.cents(text) else {
                    reader.report(at: valueNode, "\(what) : montant illisible (écrire par exemple \"812,40\")")
                    continue
                }
                result[field] = cents
            }
            return result
        }
        let kind: MissionGoal.Kind?
        switch check {
        case "account-created": kind = .accountCreated
        case "declaration-sent":
            let expected = amounts("amounts")
            if expected.isEmpty { reader.report(at: node, "\(what) : « amounts » manque") }
            kind = .declarationSent(amounts: expected, gross: amounts("gross"))
        case "proof-sent":
            let document = reader.string(map, "document", in: what, at: node)
            if let document, let persona, !persona.documents.contains(where: { $0.id == document }) {
                reader.report(at: map["document"], "\(what) : « \(document) » n'est pas un document de la persona")
            }
            kind = document.map { .proofSent(document: $0) }
        case "message-read": kind = reader.string(map, "message", in: what, at: node).map { .messageRead($0) }
        case "reported":
            let ids = strings(reader, map, "messages", what, node, required: true)
            for id in ids where SandboxMessage.named(id)?.fraudulent != true {
                reader.report(at: map["messages"], "\(what) : « \(id) » n'est pas un message frauduleux connu")
            }
            kind = .reported(ids)
        case "no-fraudulent-link-followed": kind = .noFraudulentLinkFollowed
        case "genuine-kept": kind = .genuineKept
        case "signed-out": kind = .signedOut
        case "password-not-saved": kind = .passwordNotSaved
        case "no-real-number": kind = .noRealNumber
        case "job-declaration-sent":
            func flag(_ key: String, default value: Bool) -> Bool {
                guard let node = map[key] else { return value }
                guard let bool = node.bool else { reader.report(at: node, "\(what) : « \(key) » vaut true ou false"); return value }
                return bool
            }
            func money(_ key: String) -> Int? {
                guard let node = map[key] else { return nil }
                guard let text = node.scalar?.string, let cents = SandboxInput.cents(text) else {
                    reader.report(at: node, "\(what) : montant illisible (écrire par exemple \"812,40\")")
                    return nil
                }
                return cents
            }
            let worked = flag("worked", default: false)
            let hours = map["hours"].flatMap { $0.int } ?? 0
            let gross = money("gross_pay") ?? 0
            if worked && (hours <= 0 || gross <= 0) { reader.report(at: node, "\(what) : « hours » et « gross_pay » vont avec « worked: true »") }
            kind = .jobDeclarationSent(JobDeclaration(worked: worked, hours: hours, grossCents: gross, netCents: money("net_pay"),
                                                      stillLooking: flag("still_looking", default: true)))
        case "appointment-booked":
            let reason = reader.string(map, "reason", in: what, at: node)
            if let reason, Appointments.reason(reason) == nil {
                reader.report(at: map["reason"], "\(what) : motif inconnu (" + Appointments.reasons.map(\.id).joined(separator: ", ") + ")")
            }
            let slots = strings(reader, map, "slots", what, node, required: true)
            for slot in slots where Appointments.slot(slot) == nil {
                reader.report(at: map["slots"], "\(what) : créneau inconnu « \(slot) » (" + Appointments.slots.map(\.id).joined(separator: ", ") + ")")
            }
            kind = reason.map { .appointmentBooked(reason: $0, slots: slots) }
        default:
            reader.report(at: map["check"], "\(what) : vérification inconnue « \(check) » (" + MissionGoal.names.joined(separator: ", ") + ")")
            kind = nil
        }
        return kind.map { MissionGoal($0, lesson: lesson.isEmpty ? nil : lesson) }
    }

    /// Missions' lesson links that name no lesson of the module, and competences the module does not list.
    static func missionProblems(_ activities: [Activity], lessons: [Lesson], competences: Set<String>, file: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for activity in activities {
            guard case .mission(let mission) = activity.kind else { continue }
            for goal in mission.goals {
                guard let lesson = goal.lesson else { continue }
                let name = lesson.split(separator: "#", maxSplits: 1).first.map(String.init) ?? lesson
                if !lessons.contains(where: { $0.id + ".md" == name }) {
                    problems.append(Diagnostic(file: file, line: 0, message: "activité \(activity.id) : « \(lesson) » ne nomme pas une leçon du module"))
                }
            }
            for competence in mission.competences where !competences.contains(competence) {
                problems.append(Diagnostic(file: file, line: 0,
                                           message: "activité \(activity.id) : la compétence \(competence) n'est pas dans les « competences » du module"))
            }
        }
        return problems
    }
}
