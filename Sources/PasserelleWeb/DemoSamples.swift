import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// Sample results for a new demo cohort, so that every trainer screen shows a chart or a table on first start:
/// seven learners who took and shared an initial and a final positioning, with gains from almost none to two
/// levels, and one who has only taken the initial one (real engine runs through `AssessmentService`: the
/// levels, knowledge elements and answers agree). Seven is above the small-group rule's 5 (`SmallGroups`), so
/// the gains and the levels are charted. Work in the first module for seven learners (two who finished it, one
/// who keeps failing the same set), and a questionnaire answered before (eight learners) and after (seven) the
/// training. Deterministic: the same demo every time.
struct DemoSamples {
    let store: Store
    let catalog: ContentCatalog
    let cohort: Cohort
    let trainer: StaffUser

    /// The demo positionings' competences: the first three of the framework (a short test, about 20 questions).
    static func profile(_ catalog: ContentCatalog) -> TargetProfile? {
        guard let framework = catalog.framework(id: DemoSeeder.demoFramework) else { return nil }
        var tubes: [String: Int] = [:]
        for competence in framework.competences.prefix(3) {
            for tube in competence.tubes { tubes[tube.id] = 6 }
        }
        return tubes.isEmpty ? nil : TargetProfile(tubes: tubes)
    }

    func add() throws {
        let learners = try store.learners(cohortID: cohort.id)
        guard learners.count >= 12 else { return }
        // One transaction (one fsync) for the fifteen runs' three hundred answers and the rest, rather than one
        // each: a new demo starts about two seconds sooner.
        try store.batch {
            try positionings(learners)
            try modules(learners)
            try questionnaire(learners)
        }
    }

    /// Who takes the demo's positionings: the learner's index, their ability at the initial one, and what they
    /// gained by the final one (nil: initial only). Abilities are on the scale of the levels (a learner of
    /// ability 3 answers level-3 skills right half the time): a varied group, from a beginner to someone at ease.
    static let positioned: [(learner: Int, ability: Double, gain: Double?)] = [
        (0, 2.6, 1.6), (1, 3.4, 0.8), (2, 1.8, 2.2), (3, 3.0, 1.2), (5, 2.2, 0.3), (6, 2.4, 1.9), (8, 3.8, 0.9),
        (10, 2.0, nil),
    ]

    /// An initial positioning for the learners of `positioned`, and a final one, with more ability, for those
    /// who have a gain.
    private func positionings(_ learners: [Learner]) throws {
        guard let initial = try store.assignments(cohortID: cohort.id, kind: .assessment).first,
              let framework = catalog.framework(id: initial.contentID) else { return }
        let final = try store.createAssignment(cohortID: cohort.id, kind: .assessment, contentID: initial.contentID,
                                               settings: try finalSettings(initial), createdBy: trainer.id)
        var levels: [String: Int] = [:]
        for skill in framework.competences.flatMap(\.tubes).flatMap(\.skills) { levels[skill.id] = skill.level }
        let service = AssessmentService(store: store, catalog: catalog, newSeed: { 20_261_207 })
        for (index, ability, gain) in DemoSamples.positioned where learners.indices.contains(index) {
            var random = SeededRandom(text: "demo/positionnement/\(index)")
            try take(service, learners[index], initial.id, ability: ability, levels: levels, random: &random)
            if let gain { try take(service, learners[index], final, ability: ability + gain, levels: levels, random: &random) }
        }
    }

    private func finalSettings(_ initial: AssignmentRecord) throws -> String {
        guard var chosen = try? JSONDecoder().decode(AssessmentAssignment.self, from: Data(initial.settings.utf8)) else {
            throw StoreError.invalid("réglages du positionnement de démonstration illisibles")
        }
        chosen.purpose = AssessmentRecord.Purpose.final.rawValue
        return String(decoding: try JSONEncoder.sorted.encode(chosen), as: UTF8.self)
    }

    /// One run answered to the end (a learner of this ability answers a skill of level L right with probability
    /// 1 / (1 + e^(L − ability))), then shared.
    private func take(_ service: AssessmentService, _ learner: Learner, _ assignmentID: Int64, ability: Double,
                      levels: [String: Int], random: inout SeededRandom) throws {
        var view = try service.view(try service.start(learner: learner, assignmentID: assignmentID))
        var asked = 0
        while let item = view.item, asked < 300 {
            let level = Double(levels[item.skillID] ?? 3)
            let correct = random.nextUnit() < 1 / (1 + exp(level - ability))
            view = try service.answer(view.record, itemID: item.id, answer: DemoSamples.answer(item, correct: correct),
                                      timeSpentMs: 15_000 + Int(random.nextUnit() * 45_000)).next
            asked += 1
        }
        if view.record.state == .completed { try service.share(view.record) }
    }

    /// A right or a wrong answer to an item, of its type.
    static func answer(_ item: Item, correct: Bool) -> ItemAnswer {
        switch item.type {
        case .qcu:
            return .choice((item.choices.first { $0.correct == correct } ?? item.choices.first)?.id ?? "a")
        case .qcm:
            return .choices(correct ? item.choices.filter(\.correct).map(\.id) : item.choices.filter { !$0.correct }.prefix(1).map(\.id))
        case .qroc, .qrocmInd, .qrocmDep:
            var fields: [String: String] = [:]
            for field in item.fields { fields[field.id] = correct ? (field.accepted.first ?? "") : "je ne sais pas" }
            return .fields(fields)
        case .ordering:
            let ids = item.choices.map(\.id)
            return .order(correct ? ids : ids.reversed())
        case .matching:
            let ids = item.pairs.map(\.id)
            var pairs: [String: String] = [:]
            for (position, id) in ids.enumerated() { pairs[id] = correct || ids.count < 2 ? id : ids[(position + 1) % ids.count] }
            return .pairs(pairs)
        }
    }

    /// Work in the first module of the programme for six learners, from almost done to just begun, and a
    /// learner who failed the first set four times.
    private func modules(_ learners: [Learner]) throws {
        guard let first = try store.assignments(cohortID: cohort.id, kind: .module).first,
              let module = catalog.module(id: first.contentID) else { return }
        let encoder = JSONEncoder.sorted
        func json(_ answer: ItemAnswer) -> String { String(decoding: (try? encoder.encode(answer)) ?? Data("{}".utf8), as: UTF8.self) }
        for (index, reach) in [(1, 1.0), (2, 0.8), (4, 0.6), (5, 0.45), (7, 0.3), (8, 0.15)] {
            var random = SeededRandom(text: "demo/module/\(index)")
            let learner = learners[index]
            for lesson in module.lessons.prefix(Int((Double(module.lessons.count) * reach).rounded(.up))) {
                try store.recordLessonVisit(learnerID: learner.id, moduleID: module.id, lessonID: lesson.id, completed: true)
            }
            for set in module.activitySets.prefix(Int((Double(module.activitySets.count) * reach).rounded(.up))) {
                for activity in set.activities {
                    guard case .item(let item) = activity.kind else { continue }
                    let correct = random.nextUnit() < 0.8
                    try store.recordAttempt(learnerID: learner.id, moduleID: module.id, activitySetID: set.id, activityID: activity.id,
                                            answer: json(DemoSamples.answer(item, correct: correct)),
                                            result: correct ? "correct" : "incorrect", timeSpentMs: 20_000 + Int(random.nextUnit() * 60_000))
                }
            }
        }
        // Two learners went through to the end: the week's completion chart has a step, and a text to review.
        for index in [1, 2] where learners.indices.contains(index) {
            try finish(learners[index], module, json: json)
        }
        // Four wrong tries on the same set: someone the trainer should help.
        if let set = module.activitySets.first,
           let (activity, item) = set.activities.lazy.compactMap({ activity -> (Activity, Item)? in
               if case .item(let item) = activity.kind { return (activity, item) } else { return nil }
           }).first {
            let learner = learners[9]
            for lesson in module.lessons.prefix(1) {
                try store.recordLessonVisit(learnerID: learner.id, moduleID: module.id, lessonID: lesson.id, completed: true)
            }
            for _ in 0..<4 {
                try store.recordAttempt(learnerID: learner.id, moduleID: module.id, activitySetID: set.id, activityID: activity.id,
                                        answer: json(DemoSamples.answer(item, correct: false)), result: "incorrect", timeSpentMs: 40_000)
            }
        }
    }

    /// Every lesson read and every activity set mastered: graded activities answered right as many times as the
    /// set's rule asks, self-assessments and texts sent. A module with a mission (played in the sandbox) is left
    /// as it is.
    private func finish(_ learner: Learner, _ module: Module, json: (ItemAnswer) -> String) throws {
        guard !module.activitySets.flatMap(\.activities).contains(where: { if case .mission = $0.kind { true } else { false } }) else { return }
        func record(_ set: ActivitySet, _ activity: Activity, _ result: String, _ answer: [String: Any]) throws {
            let data = (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])) ?? Data("{}".utf8)
            try store.recordAttempt(learnerID: learner.id, moduleID: module.id, activitySetID: set.id, activityID: activity.id,
                                    answer: String(decoding: data, as: UTF8.self), result: result, timeSpentMs: 45_000)
        }
        for lesson in module.lessons {
            try store.recordLessonVisit(learnerID: learner.id, moduleID: module.id, lessonID: lesson.id, completed: true)
        }
        for set in module.activitySets {
            for activity in set.activities where !activity.isGraded {
                switch activity.kind {
                case .selfAssessment(_, let scale, let statements):
                    try record(set, activity, "submitted", ["values": Dictionary(statements.map { ($0.id, (scale.min + scale.max + 1) / 2) },
                                                                                 uniquingKeysWith: { a, _ in a })])
                case .observationGrid(_, let parts):
                    try record(set, activity, "submitted", ["answers": Dictionary(
                        parts.flatMap(\.questions).map { ($0.id, "La personne a trouvé seule le bon menu, après une hésitation.") },
                        uniquingKeysWith: { a, _ in a })])
                case .reflection:
                    try record(set, activity, "submitted", ["text": "Je retiens qu'il faut prendre le temps d'expliquer chaque étape "
                        + "à la personne accompagnée et la laisser faire elle-même autant que possible."])
                default:
                    continue
                }
            }
            let graded = set.activities.filter(\.isGraded)
            guard !graded.isEmpty else { continue }
            var needed = graded.count
            switch set.mastery {
            case .allCorrect: break
            case .kInARow(let k): needed = max(needed, k)
            case .mOfN(let m, _): needed = max(needed, m)
            }
            for index in 0..<needed {
                let activity = graded[index % graded.count]
                switch activity.kind {
                case .item(let item):
                    try store.recordAttempt(learnerID: learner.id, moduleID: module.id, activitySetID: set.id, activityID: activity.id,
                                            answer: json(DemoSamples.answer(item, correct: true)), result: "correct", timeSpentMs: 30_000)
                case .scenario(let scenario):
                    guard let path = DemoSamples.goodPath(scenario) else { return }
                    try record(set, activity, "correct", ["path": path])
                default:
                    return
                }
            }
        }
    }

    /// The choices that end a scenario well, found by trying them in order; nil when no ending is good.
    static func goodPath(_ scenario: Scenario) -> [String]? {
        func search(_ path: [String]) -> [String]? {
            guard path.count < 20, let walk = try? scenario.walk(path) else { return nil }
            guard let here = walk.current else { return walk.outcome == .good ? path : nil }
            for choice in here.choices {
                if let found = search(path + [choice.id]) { return found }
            }
            return nil
        }
        return search([])
    }

    /// The first questionnaire, before (eight learners) and after (seven) the training, with answers a little
    /// higher after.
    private func questionnaire(_ learners: [Learner]) throws {
        guard let questionnaire = catalog.questionnaires.first else { return }
        for (administration, shift, who) in [("avant", 0.0, Array(0..<8)), ("apres", 1.5, [0, 1, 2, 3, 4, 6, 7])] {
            let assignment = try store.createAssignment(cohortID: cohort.id, kind: .questionnaire, contentID: questionnaire.id,
                                                        settings: #"{"administration":"\#(administration)"}"#, createdBy: trainer.id)
            for index in who {
                var random = SeededRandom(text: "demo/questionnaire/\(administration)/\(index)")
                var values: [String: Double] = [:]
                for statement in questionnaire.statements {
                    switch statement.kind {
                    case .scale:
                        let low = Double(questionnaire.scale.min), high = Double(questionnaire.scale.max)
                        let value = (low + (high - low) * 0.35 + shift + (random.nextUnit() * 3 - 1.5)).rounded()
                        values[statement.id] = min(high, max(low, value))
                    case .yesNo:
                        values[statement.id] = random.nextUnit() < 0.45 + shift / 5 ? 1 : 0
                    }
                }
                try store.saveQuestionnaireAnswers(learnerID: learners[index].id, assignmentID: assignment,
                                                   questionnaireID: questionnaire.id, administration: administration, values: values)
            }
        }
    }
}
