import Foundation
import Testing
@testable import PasserelleContent
@testable import PasserelleCore

/// The missions of `Curriculum/sites-a-blanc`: each one's end-state check, on a log that succeeds and on
/// a log with the mistake the mission is built to catch.
@Suite struct MissionContentTests {
    static let catalog: ContentCatalog? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? ContentRoot(validating: repository.path)).flatMap { try? ContentLoader.load($0) }
    }()

    func missions() throws -> [String: Mission] {
        let module = try #require(MissionContentTests.catalog?.module(id: "sites-a-blanc"))
        var found: [String: Mission] = [:]
        for set in module.activitySets {
            for activity in set.activities { if case .mission(let mission) = activity.kind { found[activity.id] = mission } }
        }
        return found
    }

    func event(_ action: SandboxAction, _ outcome: SandboxOutcome = .ok, _ data: [String: String] = [:],
               service: SandboxService = .allocations) -> SandboxEvent {
        SandboxEvent(service: service, step: "étape", action: action, outcome: outcome, data: data)
    }

    /// A log that does everything the mission asks, in a plausible order.
    func winningLog(_ mission: Mission) -> [SandboxEvent] {
        var log: [SandboxEvent] = []
        for goal in mission.goals {
            if case .reported(let ids) = goal.kind {
                log += ids.map { event(.reported, .ok, ["message": $0], service: .messagerie) }
            }
        }
        if mission.goals.contains(where: { $0.kind == .accountCreated }) {
            log += [event(.signUp), event(.codeEntered)]
        } else if mission.existingAccount {
            log.append(event(.signIn))
        }
        log.append(event(.passwordNotSaved))
        for goal in mission.goals {
            switch goal.kind {
            case .messageRead(let id): log.append(event(.messageRead, .ok, ["message": id]))
            case .proofSent(let document): log.append(event(.proofSent, .ok, ["document": document]))
            case .appointmentBooked(let reason, let slots):
                log += [SandboxEvent(service: .portail, step: "Connexion État", action: .portalSignIn),
                        SandboxEvent(service: .portail, step: "Partage", action: .consent),
                        SandboxEvent(service: .rendezVous, step: "Choix", action: .appointmentBooked, data: ["motif": reason, "creneau": slots[0]])]
            case .jobDeclarationSent(let job):
                log += [SandboxEvent(service: .emploi, step: "Connexion", action: .signIn),
                        SandboxEvent(service: .emploi, step: "Étape 3", action: .declarationSent,
                                     data: ["travaille": job.worked ? "oui" : "non", "heures": String(job.hours), "brut": String(job.grossCents),
                                            "arret": "non", "formation": "non", "recherche": job.stillLooking ? "oui" : "non"]),
                        SandboxEvent(service: .emploi, step: "Mon espace", action: .signOut)]
            case .declarationSent(let amounts, _):
                log.append(event(.declarationSent, .ok, Dictionary(uniqueKeysWithValues: amounts.map { ($0.key.rawValue, String($0.value)) })))
            default: break
            }
        }
        log.append(event(.signOut))
        if mission.persona.provider != nil {
            log.append(SandboxEvent(service: .rendezVous, step: "Déconnexion", action: .signOut, data: ["portail": "oui"]))
        }
        return log
    }

    @Test func eightMissionsFromEasyToHardInBothFrameworks() throws {
        let missions = try missions()
        #expect(missions.count >= 10)
        #expect(Set(missions.values.map(\.level)) == Set(Mission.Level.allCases))
        let catalog = try #require(MissionContentTests.catalog)
        for (id, mission) in missions {
            #expect(mission.competences.contains { $0.hasPrefix("mediation:") } && mission.competences.contains { $0.hasPrefix("numerique:") }, "\(id)")
            for competence in mission.competences {
                let parts = competence.split(separator: ":").map(String.init)
                #expect(catalog.framework(id: parts[0])?.competence(id: parts[1]) != nil, "\(id): \(competence)")
            }
            #expect(mission.goals.allSatisfy { $0.lesson != nil }, "\(id): every goal names its lesson section")
        }
    }

    @Test(arguments: ["mission-sms-douteux", "mission-courriels-douteux", "mission-creer-compte", "mission-piece-manquante",
                      "mission-justificatif-trop-lourd", "mission-declaration", "mission-sms-puis-declaration", "mission-nouvelle-allocataire",
                      "mission-rendez-vous", "mission-actualisation"])
    func eachMissionSucceedsWhenDoneAndSaysWhatWentWrongOtherwise(_ id: String) throws {
        let mission = try #require(try missions()[id])
        #expect(mission.problems(winningLog(mission)).isEmpty, "\(id): \(mission.problems(winningLog(mission)).map(\.what))")
        #expect(!mission.problems([]).isEmpty, "\(id): doing nothing is not a success")
        // The mistake each mission is built to catch.
        var log = winningLog(mission)
        let expected: String
        switch id {
        case "mission-sms-douteux", "mission-courriels-douteux":
            let fraud = mission.inbox.compactMap(SandboxMessage.named).first { $0.fraudulent }
            log.insert(event(.linkFollowed, .risk, ["message": fraud?.id ?? ""], service: .messagerie), at: 0)
            expected = "ouvert le lien"
        case "mission-creer-compte":
            log.removeAll { $0.action == .codeEntered }
            expected = "pas tapé le code"
        case "mission-piece-manquante":
            log = log.map { $0.action == .proofSent ? event(.proofSent, .ok, ["document": "attestation-loyer"]) : $0 }
            expected = "Attestation de loyer"
        case "mission-justificatif-trop-lourd":
            log = log.map { $0.action == .proofSent ? event(.proofSent, .refused, ["document": "avis-imposition", "raison": "Format refusé."]) : $0 }
            expected = "Le site a refusé"
        case "mission-declaration":
            log = log.map { event -> SandboxEvent in
                guard event.action == .declarationSent else { return event }
                var data = event.data
                data["salaire-1"] = "105000"
                return SandboxEvent(service: event.service, step: event.step, action: event.action, outcome: event.outcome, data: data)
            }
            expected = "812,40 €"
        case "mission-sms-puis-declaration":
            log.removeAll { $0.action == .signOut }
            expected = "resté connecté"
        case "mission-actualisation":
            log = log.map { event -> SandboxEvent in
                guard event.action == .declarationSent else { return event }
                var data = event.data
                data["brut"] = "60750"
                return SandboxEvent(service: event.service, step: event.step, action: event.action, outcome: event.outcome, data: data)
            }
            expected = "C'est le salaire net"
        case "mission-rendez-vous":
            log = log.map { $0.action == .appointmentBooked
                ? SandboxEvent(service: .rendezVous, step: "Choix", action: .appointmentBooked, data: ["motif": "titre-sejour", "creneau": "mar-0930"]) : $0 }
            expected = "ne peut pas venir"
        default:
            log.insert(event(.passwordSaved, .risk), at: 3)
            expected = "dans le navigateur"
        }
        let problems = mission.problems(log)
        #expect(problems.count == 1, "\(id): \(problems.map(\.what))")
        #expect(problems.contains { ($0.what + " " + $0.why).contains(expected) }, "\(id): \(problems.map { $0.what + " " + $0.why })")
        #expect(problems.allSatisfy { !$0.step.isEmpty && !$0.why.isEmpty && $0.goal.lesson != nil })
    }

    @Test func everyProofAskedCanBeMadeAcceptableWithTheTools() throws {
        for (id, mission) in try missions() {
            for goal in mission.goals {
                guard case .proofSent(let document) = goal.kind else { continue }
                let candidates = [document, document + "~pdf", document + "~leger", document + "~pdf~leger", document + "~leger~pdf"]
                let acceptable = candidates.compactMap { MissionCheck.file($0, from: mission.persona.documents) }
                    .filter { ProofRules.refusal($0) == nil }
                #expect(!acceptable.isEmpty, "\(id): no way to send \(document)")
            }
        }
    }

    @Test func goalsLinkToSectionsThatExist() throws {
        let module = try #require(MissionContentTests.catalog?.module(id: "sites-a-blanc"))
        for (id, mission) in try missions() {
            for goal in mission.goals {
                let parts = (goal.lesson ?? "").split(separator: "#").map(String.init)
                let lesson = try #require(module.lessons.first { $0.id + ".md" == parts.first }, "\(id): \(goal.lesson ?? "")")
                // The anchor a heading gets: lower case, accents dropped, other characters as « - ».
                let anchors = lesson.markdown.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { MissionCheck.anchor(String($0.dropFirst(3))) }
                #expect(parts.count == 2 && anchors.contains(parts[1]), "\(id): no section « \(parts.last ?? "") » in \(lesson.id)")
            }
        }
    }
}
