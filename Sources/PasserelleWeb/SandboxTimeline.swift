import Foundation
import HTTPServer
import PasserelleCore
import PasserelleStore

/// The trainer's view of a learner's sandbox attempts: each attempt's steps in order, with what went
/// wrong (`GET /formateur/apprenants/{learner}/bac-a-sable`, staff of the learner's cohort only).
extension WebApp {
    func sandboxTimeline(_ request: HTTPRequest, learnerID: Int64) -> HTTPResponse {
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
                    return ["number": index + 1, "time": WebApp.clock(event.at), "service": event.service.title, "step": event.step,
                            "action": event.action.label, "details": details.joined(separator: " ; "),
                            "refused": event.outcome == .refused, "risk": event.outcome == .risk,
                            "outcome": WebApp.outcomeLabel(event)]
                }
                return ["id": attempt.id, "mission": mission.title, "module": module.title, "started": WebApp.frenchTime(attempt.startedAt),
                        "open": attempt.isOpen, "success": attempt.result == "success", "failure": attempt.result == "failure",
                        "steps": steps, "stepCount": steps.count, "problems": problems.map { ["step": $0.step, "what": $0.what] }, "hasProblems": !problems.isEmpty]
            }
            return .html(templates.render("formateur-bac-a-sable", [
                "title": "Bac à sable — \(learner.displayName)", "name": learner.displayName, "learnerID": learner.id,
                "attempts": attempts, "hasAttempts": !attempts.isEmpty,
            ]))
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
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
