import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// A mission on its activity page: the goal, the persona, the competences, and the learner's attempts.
extension WebApp {
    func missionEntry(_ learner: Learner, _ module: Module, activityID: String, _ mission: Mission) throws -> [String: Any] {
        let attempts = try store.sandboxAttempts(learnerID: learner.id, activityID: activityID)
            .filter { $0.moduleID == module.id }
        let open = attempts.first { $0.isOpen }
        let ended: [[String: Any]] = attempts.filter { !$0.isOpen }.prefix(5).map { attempt in
            ["href": "/bac-a-sable/\(attempt.id)/bilan", "date": WebApp.frenchTime(attempt.startedAt),
             "success": attempt.result == "success"]
        }
        var entry: [String: Any] = [
            "title": mission.title, "level": mission.level.rawValue, "goalHTML": Markdown.html(mission.goal),
            "persona": mission.persona.name, "competences": competenceNames(mission.competences),
            "action": "/modules/\(module.id)/missions/\(activityID)", "ended": ended, "hasEnded": !ended.isEmpty,
            "again": !attempts.isEmpty,
        ]
        if let open { entry["resume"] = "/bac-a-sable/\(open.id)" }
        return entry
    }

    /// « M1 — Accompagner les démarches administratives en ligne » for `mediation:M1`.
    func competenceNames(_ ids: [String]) -> [String] {
        ids.compactMap { id -> String? in
            let parts = id.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            return catalog.framework(id: parts[0])?.competence(id: parts[1]).map { "\(parts[1]) — \($0.title)" }
        }
    }
}
