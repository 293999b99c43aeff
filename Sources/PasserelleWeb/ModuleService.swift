import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// A learner's modules: which ones they see, what they did, and what an answer gives.
/// Progress and mastery are always computed from the stored attempts.
public struct ModuleService: Sendable {
    let store: Store
    let catalog: ContentCatalog

    public init(store: Store, catalog: ContentCatalog) {
        self.store = store
        self.catalog = catalog
    }

    public enum Failure: Error, Equatable {
        case notFound
        case locked(String)
        case invalid(String)
    }

    /// The outcome of a submission, to show as immediate feedback.
    public struct Outcome: Sendable {
        /// nil for activities that are submitted rather than graded, or a scenario still going on.
        public var correct: Bool?
        public var feedbackHTML: String
        public var parts: [String: Bool]
        public var scenarioOver: Bool
    }

    /// Modules assigned to the learner (to their cohort, their group or to them), in the order assigned.
    public func modules(for learner: Learner) throws -> [(module: Module, dueDate: String?)] {
        var seen = Set<String>()
        return try store.assignments(for: learner, kind: .module).compactMap { assignment in
            guard seen.insert(assignment.contentID).inserted else { return nil }  // assigned twice: shown once
            return catalog.module(id: assignment.contentID).map { ($0, assignment.dueDate) }
        }
    }

    public func module(_ id: String, for learner: Learner) throws -> Module {
        guard let module = try modules(for: learner).first(where: { $0.module.id == id })?.module else {
            throw Failure.notFound
        }
        return module
    }

    public func record(_ learner: Learner, _ module: Module) throws -> ModuleRecord {
        let (read, _) = try store.lessonProgress(learnerID: learner.id, moduleID: module.id)
        return ModuleService.record(lessonsRead: read, attempts: try store.attempts(learnerID: learner.id, moduleID: module.id)
            .map { (setID: $0.activitySetID, activityID: $0.activityID, result: $0.result) })
    }

    /// A module record from lessons read and attempts (oldest first).
    static func record(lessonsRead: Set<String>, attempts: [(setID: String, activityID: String, result: String)]) -> ModuleRecord {
        var record = ModuleRecord(lessonsRead: lessonsRead)
        for attempt in attempts {
            if attempt.result == "submitted" {
                record.submitted.insert(attempt.activityID)
            } else {
                record.attempts[attempt.setID, default: []].append((attempt.activityID, attempt.result == "correct"))
            }
        }
        return record
    }

    /// `record`: the module's own record, when the caller has read it already (its prerequisites' are read here).
    public func progress(_ learner: Learner, _ module: Module, record known: ModuleRecord? = nil) throws -> ModuleProgress {
        let unlocked = try store.unlockedModules(learnerID: learner.id).contains(module.id)
        return try progress(module, unlocked: unlocked) { other in
            if other.id == module.id, let known { return known }
            return try record(learner, other)
        }
    }

    /// Progress in a module given how to get a module's record (from the database, or from a cohort's work
    /// loaded at once): the prerequisites' states, then the module's own.
    func progress(_ module: Module, unlocked: Bool, record: (Module) throws -> ModuleRecord) rethrows -> ModuleProgress {
        var prerequisitesComplete = true
        for id in module.prerequisites {
            guard let prerequisite = catalog.module(id: id) else { continue }
            let progress = Mastery.progress(of: prerequisite, record: try record(prerequisite), prerequisitesComplete: true)
            if progress.state != .complete { prerequisitesComplete = false }
        }
        return Mastery.progress(of: module, record: try record(module),
                                prerequisitesComplete: prerequisitesComplete, unlocked: unlocked)
    }

    /// A cohort's module work loaded at once, to give each learner's modules and progress as `modules(for:)`
    /// and `progress` do, without queries per learner (the trainer's tracker).
    struct CohortView {
        let service: ModuleService
        let assignments: [AssignmentRecord]
        let work: Store.CohortModuleWork

        init(_ service: ModuleService, cohortID: Int64) throws {
            self.service = service
            assignments = try service.store.assignments(forLearnersOf: cohortID, kind: .module)
            work = try service.store.moduleWork(cohortID: cohortID)
        }

        func modules(for learner: Learner) -> [(module: Module, dueDate: String?)] {
            var seen = Set<String>()
            return assignments.filter { $0.concerns(learner) }.compactMap { assignment in
                guard seen.insert(assignment.contentID).inserted else { return nil }
                return service.catalog.module(id: assignment.contentID).map { ($0, assignment.dueDate) }
            }
        }

        func progress(_ learner: Learner, _ module: Module) -> ModuleProgress {
            service.progress(module, unlocked: work.unlocked[learner.id]?.contains(module.id) ?? false) { module in
                ModuleService.record(lessonsRead: work.lessonsRead[learner.id]?[module.id] ?? [],
                                     attempts: (work.attempts[learner.id]?[module.id] ?? [])
                                        .map { (setID: $0.activitySetID, activityID: $0.activityID, result: $0.result) })
            }
        }
    }

    /// `record`: the module's record, when the caller has read it already.
    func requireOpen(_ learner: Learner, _ module: Module, record known: ModuleRecord? = nil) throws {
        if try progress(learner, module, record: known).state == .locked {
            let names = module.prerequisites.compactMap { catalog.module(id: $0)?.title }.joined(separator: ", ")
            throw Failure.locked("Ce module s'ouvrira quand vous aurez terminé : \(names). Votre formateur peut aussi l'ouvrir.")
        }
    }

    public func visitLesson(_ learner: Learner, _ module: Module, _ lessonID: String, completed: Bool) throws {
        try requireOpen(learner, module)
        guard module.lessons.contains(where: { $0.id == lessonID }) else { throw Failure.notFound }
        try store.recordLessonVisit(learnerID: learner.id, moduleID: module.id, lessonID: lessonID, completed: completed)
    }

    /// The scenario path being played (kept as a draft until the case ends).
    public func scenarioPath(_ learner: Learner, _ module: Module, _ activityID: String) throws -> [String] {
        guard let draft = try store.draft(learnerID: learner.id, moduleID: module.id, activityID: activityID),
              let object = try? JSONSerialization.jsonObject(with: Data(draft.utf8)) as? [String: Any] else { return [] }
        return object["path"] as? [String] ?? []
    }

    /// Takes one answer to an activity. `payload` is the JSON object the page or the API sent:
    /// an item answer (`{"choice": "a"}`…), a scenario choice (`{"step": "id", "choice": "a"}`), Likert
    /// values (`{"values": {"s1": 5}}`), grid answers (`{"answers": {"q1": "…"}}`) or a text (`{"text": "…"}`).
    public func submit(_ learner: Learner, _ module: Module, activityID: String, payload: [String: Any],
                       timeSpentMs: Int = 0) throws -> Outcome {
        try requireOpen(learner, module)
        guard let (set, activity) = module.activity(activityID) else { throw Failure.notFound }
        func json(_ object: Any) -> String {
            String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
        }
        func attempt(_ result: String, _ answer: Any) throws {
            try store.recordAttempt(learnerID: learner.id, moduleID: module.id, activitySetID: set.id, activityID: activity.id,
                                    answer: json(answer), result: result, timeSpentMs: timeSpentMs)
        }
        switch activity.kind {
        case .item(let item):
            guard let data = try? JSONSerialization.data(withJSONObject: payload),
                  let answer = try? JSONDecoder().decode(ItemAnswer.self, from: data) else {
                throw Failure.invalid("réponse mal formée")
            }
            let check: AnswerCheck
            do { check = try AnswerChecker.check(answer, against: item) } catch let error as AnswerCheckError {
                throw Failure.invalid(error.localizedDescription)
            }
            try attempt(check.correct ? "correct" : "incorrect", payload)
            var feedback = item.feedback
            if case .choice(let id) = answer, let chosen = item.choices.first(where: { $0.id == id }), !chosen.feedback.isEmpty {
                feedback = chosen.feedback + "\n\n" + item.feedback
            }
            return Outcome(correct: check.correct, feedbackHTML: Markdown.html(feedback), parts: check.parts, scenarioOver: true)

        case .scenario(let scenario):
            guard let choice = payload["choice"] as? String, let stepID = payload["step"] as? String else {
                throw Failure.invalid("indiquez l'étape et le choix")
            }
            let path = try scenarioPath(learner, module, activity.id)
            let before = try (try? scenario.walk(path)) ?? scenario.walk([])
            guard before.current?.id == stepID else {
                throw Failure.invalid("cette étape n'est plus celle en cours ; la page a été rechargée")
            }
            let walk: Scenario.Walk
            do { walk = try scenario.walk(before.path.map(\.choice.id) + [choice]) } catch {
                throw Failure.invalid("ce choix n'existe pas à cette étape")
            }
            let last = walk.path.last!.choice
            let feedback = Markdown.html(last.feedback + (last.consequence.isEmpty ? "" : "\n\n" + last.consequence))
            if walk.isOver {
                try attempt(walk.outcome == .good ? "correct" : "incorrect", ["path": walk.path.map(\.choice.id)])
                return Outcome(correct: walk.outcome == .good, feedbackHTML: feedback, parts: [:], scenarioOver: true)
            }
            try store.saveDraft(learnerID: learner.id, moduleID: module.id, activityID: activity.id,
                                content: json(["path": walk.path.map(\.choice.id)]))
            return Outcome(correct: nil, feedbackHTML: feedback, parts: [:], scenarioOver: false)

        case .selfAssessment(_, let scale, let statements):
            let values = payload["values"] as? [String: Any] ?? [:]
            var answers: [String: Int] = [:]
            for statement in statements {
                guard let value = RequestBounds.integer(values[statement.id]),
                      (scale.min...scale.max).contains(value) else {
                    throw Failure.invalid("répondez à chaque affirmation par un nombre de \(scale.min) à \(scale.max)")
                }
                answers[statement.id] = value
            }
            try attempt("submitted", ["values": answers])
            return Outcome(correct: nil, feedbackHTML: Markdown.html("Merci : vos réponses sont enregistrées."), parts: [:], scenarioOver: true)

        case .observationGrid(_, let parts):
            let given = payload["answers"] as? [String: Any] ?? [:]
            var answers: [String: String] = [:]
            for question in parts.flatMap(\.questions) {
                answers[question.id] = (given[question.id] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard answers.values.contains(where: { !$0.isEmpty }) else {
                throw Failure.invalid("la grille est vide : notez au moins une observation")
            }
            try attempt("submitted", ["answers": answers])
            return Outcome(correct: nil, feedbackHTML: Markdown.html("Votre grille est envoyée à votre formateur, qui la relira."),
                           parts: [:], scenarioOver: true)

        case .mission:
            throw Failure.invalid("une mission se joue dans le bac à sable : ouvrez-la depuis sa page d'activités")

        case .reflection:
            let text = (payload["text"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw Failure.invalid("votre texte est vide") }
            try attempt("submitted", ["text": text])
            return Outcome(correct: nil, feedbackHTML: Markdown.html("Votre texte est envoyé à votre formateur, qui le relira."),
                           parts: [:], scenarioOver: true)
        }
    }

    /// Keeps what the learner is writing in a free-text activity.
    public func saveDraft(_ learner: Learner, _ module: Module, activityID: String, content: [String: Any]) throws {
        guard let (_, activity) = module.activity(activityID), !activity.isGraded else { throw Failure.notFound }
        let data = try JSONSerialization.data(withJSONObject: content, options: [.sortedKeys])
        guard data.count <= 200_000 else { throw Failure.invalid("brouillon trop long") }
        try store.saveDraft(learnerID: learner.id, moduleID: module.id, activityID: activityID,
                            content: String(decoding: data, as: UTF8.self))
    }

    public func draft(_ learner: Learner, _ module: Module, activityID: String) -> [String: Any] {
        guard let text = try? store.draft(learnerID: learner.id, moduleID: module.id, activityID: activityID),
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return [:] }
        return object
    }
}
