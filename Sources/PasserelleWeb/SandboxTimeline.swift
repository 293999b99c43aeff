import Foundation
import HTTPServer
import PasserelleCore
import PasserelleStore

/// The trainer's view of a learner's sandbox attempts: each attempt's steps in order, with what went
/// wrong (`GET /formateur/apprenants/{learner}/bac-a-sable`, staff of the learner's cohort only).
extension WebApp {
    func sandboxTimeline(_ request: HTTPRequest, learnerID: Int64) -> HTTPResponse {
        // The step replayed, from the address (`?essai=12&etape=3`): bounded, anything else shows no replay.
        let replay = (attempt: request.queryValue("essai").flatMap { $0.count <= 18 ? Int64($0) : nil },
                      step: request.queryValue("etape").flatMap { $0.count <= 6 ? Int($0) : nil } ?? 1)
        do {
            guard let learner = try store.learner(id: learnerID) else {
                return errorResponse(request, status: 404, message: WebApp.notYours)
            }
            let attempts: [[String: Any]] = try store.sandboxAttempts(learnerID: learner.id).compactMap { attempt in
                guard let module = catalog.module(id: attempt.moduleID), let (_, activity) = module.activity(attempt.activityID),
                      case .mission(let mission) = activity.kind else { return nil }
                let events = try store.sandboxEvents(attemptID: attempt.id)
                let problems = attempt.isOpen ? [] : mission.problems(events)
                let steps: [[String: Any]] = events.enumerated().map { index, event in
                    let details = event.data.sorted { $0.key < $1.key }
                        .filter { $0.key != "etape" }
                        .map { key, value in WebApp.timelineDetail(key, value) }
                    var step: [String: Any] = ["number": index + 1, "time": WebApp.clock(event.at), "service": event.service.title, "step": event.step,
                                               "action": event.action.label,
                                               "refused": event.outcome == .refused, "risk": event.outcome == .risk,
                                               "outcome": WebApp.outcomeLabel(event)]
                    if !details.isEmpty { step["details"] = details.joined(separator: " ; ") }  // an empty string would still open {{#details}}
                    return step
                }
                var entry: [String: Any] = [
                    "id": attempt.id, "mission": mission.title, "module": module.title, "started": WebApp.frenchTime(attempt.startedAt),
                    "open": attempt.isOpen, "success": attempt.result == "success", "failure": attempt.result == "failure",
                    "steps": steps, "stepCount": steps.count, "problems": problems.map { ["step": $0.step, "what": $0.what] }, "hasProblems": !problems.isEmpty,
                    "replayHref": "?essai=\(attempt.id)&etape=1#rejouer-\(attempt.id)", "hasSteps": !steps.isEmpty,
                ]
                if replay.attempt == attempt.id, !events.isEmpty {
                    entry["replay"] = WebApp.replayStep(events, steps, mission: mission, attemptID: attempt.id, asked: replay.step)
                }
                return entry
            }
            return .html(templates.render("formateur-bac-a-sable", [
                "title": "Bac à sable — \(learner.displayName)", "name": learner.displayName, "learnerID": learner.id,
                "cohortID": learner.cohortID,
                "attempts": attempts, "hasAttempts": !attempts.isEmpty,
            ]))
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
    }

    /// `GET /formateur/cohortes/{cohort}/bac-a-sable`: which missions are hard for whom. For each mission of
    /// the cohort's modules: who succeeded, who tried without succeeding yet (with the number of tries), who
    /// has not tried.
    func cohortSandboxPage(_ cohort: Cohort) throws -> HTTPResponse {
        let learners = try store.learners(cohortID: cohort.id)
        let names = Dictionary(learners.map { ($0.id, $0.displayName) }, uniquingKeysWith: { a, _ in a })
        let attempts = try store.endedSandboxAttempts(cohortID: cohort.id)
        let view = try ModuleService.CohortView(modulesService, cohortID: cohort.id)
        var missions: [(module: Module, id: String, mission: Mission)] = []
        var seen = Set<String>()
        for learner in learners {
            for entry in view.modules(for: learner) where seen.insert(entry.module.id).inserted {
                for set in entry.module.activitySets {
                    for activity in set.activities {
                        if case .mission(let mission) = activity.kind { missions.append((entry.module, activity.id, mission)) }
                    }
                }
            }
        }
        let rows: [[String: Any]] = missions.map { entry in
            let mine = attempts.filter { $0.moduleID == entry.module.id && $0.activityID == entry.id }
            let byLearner = Dictionary(grouping: mine.filter { $0.learnerID != nil }, by: { $0.learnerID ?? 0 })
            let succeeded = byLearner.filter { $0.value.contains { $0.result == "success" } }
            let struggling = byLearner.filter { !$0.value.contains { $0.result == "success" } }
                .sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : (names[$0.key] ?? "") < (names[$1.key] ?? "") }
            return [
                "title": entry.mission.title, "level": entry.mission.level.rawValue, "module": entry.module.title,
                "succeeded": succeeded.count, "tried": byLearner.count, "total": learners.count,
                "struggling": struggling.map { ["name": names[$0.key] ?? "?", "tries": $0.value.count, "plural": $0.value.count > 1,
                                                "link": "/formateur/apprenants/\($0.key)/bac-a-sable"] },
                "hasStruggling": !struggling.isEmpty,
                "firstTry": byLearner.values.filter { $0.first?.result == "success" }.count,
            ]
        }
        return .html(templates.render("formateur-bac-a-sable-cohorte", [
            "title": "Bac à sable — \(cohort.name)", "cohort": cohort.name, "cohortID": cohort.id,
            "missions": rows, "hasMissions": !rows.isEmpty,
        ]))
    }

    /// One step of an attempt replayed: what was done, where, how it went, and where things stood after it
    /// (worked out from the log up to that step, as the sandbox's pages are), with links to the steps
    /// before and after. `asked` is clamped to the attempt's steps.
    static func replayStep(_ events: [SandboxEvent], _ steps: [[String: Any]], mission: Mission, attemptID: Int64, asked: Int) -> [String: Any] {
        let total = events.count
        let number = min(max(asked, 1), total)
        let state = SandboxState(events: Array(events.prefix(number)), existingAccount: mission.existingAccount)
        var replay: [String: Any] = steps[number - 1]
        replay["number"] = number
        replay["total"] = total
        replay["facts"] = replayFacts(state, mission)
        if number > 1 { replay["previous"] = "?essai=\(attemptID)&etape=\(number - 1)#rejouer-\(attemptID)" }
        if number < total { replay["next"] = "?essai=\(attemptID)&etape=\(number + 1)#rejouer-\(attemptID)" }
        return replay
    }

    /// Where things stood after a step, for the services of the mission, in plain words.
    static func replayFacts(_ state: SandboxState, _ mission: Mission) -> [String] {
        func yes(_ value: Bool) -> String { value ? "oui" : "non" }
        var facts: [String] = []
        for service in mission.services {
            switch service {
            case .allocations:
                if !mission.existingAccount {
                    facts.append("Compte créé à la caisse : \(yes(state.accountCreated))" + (state.accountCreated ? ", confirmé : \(yes(state.accountConfirmed))" : ""))
                }
                facts.append("Connecté au site de la caisse : \(yes(state.signedIn))")
                facts.append("Déclaration trimestrielle envoyée : \(yes(state.declarationSent))")
                facts.append("Justificatifs acceptés : \(state.proofsAccepted.count)")
            case .emploi:
                facts.append("Connecté à l'espace emploi : \(yes(state.jobSignedIn))")
                facts.append("Actualisation envoyée : \(yes(state.jobSent))")
            case .rendezVous, .portail:
                facts.append("Identifié par Connexion État : \(yes(state.portalSignedIn))")
                facts.append("Rendez-vous pris : " + (state.booked.map { Appointments.slot($0.slot) ?? $0.slot } ?? "non"))
            case .messagerie, .bacASable:
                facts.append("Messages ouverts : \(state.opened.count), signalés : \(state.reported.count), liens suivis : \(state.linksFollowed.count)")
            }
        }
        var seen = Set<String>()
        return facts.filter { seen.insert($0).inserted }
    }

    /// How a step went, in plain words.
    static func outcomeLabel(_ event: SandboxEvent) -> String {
        if event.action == .missionEnded { return event.outcome == .ok ? "mission réussie" : "mission pas réussie" }
        switch event.outcome {
        case .ok: return "fait"
        case .refused: return "refusé par le site"
        case .risk: return "geste risqué"
        }
    }

    /// A detail of an event in plain words (amounts in euros, sizes in Ko/Mo).
    static func timelineDetail(_ key: String, _ value: String) -> String {
        if let field = DeclarationField(rawValue: key) {
            return "\(field.label) : " + (Int(value).map(SandboxInput.euros) ?? "—")
        }
        switch key {
        case "taille": return "poids : " + (Int(value).map(SandboxFile.sizeLabel) ?? value)
        case "message": return "message : " + (SandboxMessage.named(value)?.subject ?? value)
        case "motDePasse": return "mot de passe : \(value)"
        default: return "\(key) : \(value)"
        }
    }

    /// A stored time (`2026-12-07T09:14:03.120Z`, UTC) in Paris time: `10:14:03`.
    static func clock(_ at: String) -> String {
        guard let date = instant(at) else { return at }
        return parisFormatter("HH:mm:ss").string(from: date)
    }

    /// A stored time in Paris time: `07/12/2026 à 10:14`.
    static func frenchTime(_ at: String) -> String {
        guard let date = instant(at) else { return at }
        return parisFormatter("dd/MM/yyyy 'à' HH:mm").string(from: date)
    }

    static func instant(_ at: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: at) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: at)
    }

    static func parisFormatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = format
        return formatter
    }
}
