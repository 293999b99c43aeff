import Foundation

/// Who a module is written for.
public enum Audience: String, Sendable, Codable, CaseIterable {
    case meMSN = "me-msn"
    case travailSocial = "travail-social"

    public var label: String {
        switch self {
        case .meMSN: return "ME-MSN"
        case .travailSocial: return "travail social"
        }
    }
}

/// One lesson: a Markdown page with its front matter.
/// A heading of a lesson, with the anchor it gets in the page (`#id`).
public struct LessonSection: Sendable, Equatable {
    public var id: String
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }

    /// The anchor of a heading: lower case, accents dropped, anything but letters and digits as one « - ».
    public static func anchor(_ title: String) -> String {
        let folded = title.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR")).lowercased()
        var anchor = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                anchor.unicodeScalars.append(scalar)
            } else if !anchor.isEmpty, !anchor.hasSuffix("-") {
                anchor += "-"
            }
        }
        while anchor.hasSuffix("-") { anchor.removeLast() }
        return anchor.isEmpty ? "section" : anchor
    }
}

public struct Lesson: Sendable, Equatable, Identifiable {
    /// The file name without `.md`.
    public var id: String
    public var title: String
    /// Estimated minutes.
    public var duration: Int
    public var objectives: [String]
    public var markdown: String
    /// The page's HTML, rendered once when the content is loaded (seed references left out, links
    /// between lessons pointing to lesson pages).
    public var html: String
    /// What read-aloud speaks: the text without markup and without source references.
    public var spokenText: String
    /// The seed files the lesson cites, in order of first citation (shown to learners in plain words).
    public var citedSources: [String]
    /// The lesson's sections (its `##` and `###` headings): the anchor each gets in the page, and its title.
    public var sections: [LessonSection] = []

    public init(id: String, title: String, duration: Int, objectives: [String], markdown: String,
                html: String = "", spokenText: String = "", citedSources: [String] = []) {
        self.id = id
        self.title = title
        self.duration = duration
        self.objectives = objectives
        self.markdown = markdown
        self.html = html
        self.spokenText = spokenText
        self.citedSources = citedSources
    }
}

/// Kolibri's mastery rules, applied to the graded attempts of an activity set in time order.
public enum MasteryRule: Sendable, Equatable, Codable {
    /// The latest attempt of every graded activity is right.
    case allCorrect
    /// The last k attempts are right.
    case kInARow(Int)
    /// At least m of the last n attempts are right.
    case mOfN(m: Int, n: Int)

    public var label: String {
        switch self {
        case .allCorrect: return "toutes les réponses justes"
        case .kInARow(let k): return "\(k) réponses justes d'affilée"
        case .mOfN(let m, let n): return "\(m) réponses justes sur les \(n) dernières"
        }
    }

    /// Whether the attempts (activity id, right or wrong, oldest first) satisfy the rule.
    public func isMastered(_ attempts: [(activityID: String, correct: Bool)], gradedActivities: [String]) -> Bool {
        progress(attempts, gradedActivities: gradedActivities) >= 1
    }

    /// Progress towards mastery, from 0 to 1.
    public func progress(_ attempts: [(activityID: String, correct: Bool)], gradedActivities: [String]) -> Double {
        guard !gradedActivities.isEmpty else { return 1 }
        switch self {
        case .allCorrect:
            var latest: [String: Bool] = [:]
            for attempt in attempts { latest[attempt.activityID] = attempt.correct }
            let right = gradedActivities.filter { latest[$0] == true }.count
            return Double(right) / Double(gradedActivities.count)
        case .kInARow(let k):
            guard k > 0 else { return 1 }
            let streak = attempts.reversed().prefix { $0.correct }.count
            return min(Double(streak) / Double(k), 1)
        case .mOfN(let m, let n):
            guard m > 0 else { return 1 }
            let right = attempts.suffix(n).filter(\.correct).count
            return min(Double(right) / Double(m), 1)
        }
    }
}

// MARK: Activities

public struct ScenarioChoice: Sendable, Equatable {
    public enum Outcome: String, Sendable, Codable { case good, neutral, poor }

    public var id: String
    public var text: String
    public var feedback: String
    public var consequence: String
    /// The next step, or nil when this choice ends the case.
    public var next: String?
    public var outcome: Outcome?

    public init(id: String, text: String, feedback: String, consequence: String = "", next: String?,
                outcome: Outcome? = nil) {
        self.id = id
        self.text = text
        self.feedback = feedback
        self.consequence = consequence
        self.next = next
        self.outcome = outcome
    }
}

public struct ScenarioStep: Sendable, Equatable {
    public var id: String
    public var text: String
    public var choices: [ScenarioChoice]

    public init(id: String, text: String, choices: [ScenarioChoice]) {
        self.id = id
        self.text = text
        self.choices = choices
    }
}

/// A case told in steps; each step is a choice among postures or actions.
public struct Scenario: Sendable, Equatable {
    public var title: String
    public var prompt: String
    public var start: String
    public var steps: [ScenarioStep]

    public init(title: String, prompt: String, start: String, steps: [ScenarioStep]) {
        self.title = title
        self.prompt = prompt
        self.start = start
        self.steps = steps
    }

    public func step(_ id: String) -> ScenarioStep? { steps.first { $0.id == id } }

    public struct Walk: Sendable, Equatable {
        /// The choices made, in order, with the step each was made at.
        public var path: [(step: ScenarioStep, choice: ScenarioChoice)]
        /// The step to play next, nil when the case is over.
        public var current: ScenarioStep?
        public var outcome: ScenarioChoice.Outcome?

        public var isOver: Bool { current == nil }

        public static func == (a: Walk, b: Walk) -> Bool {
            a.path.map(\.choice.id) == b.path.map(\.choice.id) && a.current == b.current && a.outcome == b.outcome
        }
    }

    public enum WalkError: Error, Equatable {
        case unknownChoice(step: String, choice: String)
        case afterTheEnd
    }

    /// Plays the choices from the start; fails on a choice that the current step does not offer.
    public func walk(_ choiceIDs: [String]) throws -> Walk {
        var current = step(start)
        var path: [(step: ScenarioStep, choice: ScenarioChoice)] = []
        var outcome: ScenarioChoice.Outcome?
        for id in choiceIDs {
            guard let here = current else { throw WalkError.afterTheEnd }
            guard let choice = here.choices.first(where: { $0.id == id }) else {
                throw WalkError.unknownChoice(step: here.id, choice: id)
            }
            path.append((here, choice))
            if let next = choice.next {
                current = step(next)
            } else {
                current = nil
                outcome = choice.outcome
            }
        }
        return Walk(path: path, current: current, outcome: outcome)
    }

    /// Every step reachable from the start.
    public func reachableSteps() -> Set<String> {
        var seen: Set<String> = []
        var queue = [start]
        while let id = queue.popLast() {
            guard !seen.contains(id), let here = step(id) else { continue }
            seen.insert(id)
            queue += here.choices.compactMap(\.next)
        }
        return seen
    }
}

public struct LikertScale: Sendable, Equatable {
    public var min: Int
    public var max: Int
    public var minLabel: String
    public var maxLabel: String

    public init(min: Int, max: Int, minLabel: String, maxLabel: String) {
        self.min = min
        self.max = max
        self.minLabel = minLabel
        self.maxLabel = maxLabel
    }
}

public struct Statement: Sendable, Equatable {
    public var id: String
    public var text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}

public struct GridPart: Sendable, Equatable {
    public var title: String
    public var questions: [Statement]

    public init(title: String, questions: [Statement]) {
        self.title = title
        self.questions = questions
    }
}

public struct Activity: Sendable, Equatable, Identifiable {
    public enum Kind: Sendable, Equatable {
        case item(Item)
        case scenario(Scenario)
        case selfAssessment(prompt: String, scale: LikertScale, statements: [Statement])
        case observationGrid(prompt: String, parts: [GridPart])
        case reflection(prompt: String, guidance: String)
        /// A mission in the practice sandbox (Mission.swift), checked from its event log.
        case mission(Mission)
    }

    public var id: String
    public var kind: Kind

    public init(id: String, kind: Kind) {
        self.id = id
        self.kind = kind
    }

    /// Graded activities are right or wrong; the others are submitted (and reviewed by the trainer).
    public var isGraded: Bool {
        switch kind {
        case .item, .scenario, .mission: return true
        default: return false
        }
    }

    public var typeName: String {
        switch kind {
        case .item(let item): return item.type.rawValue
        case .scenario: return "scenario"
        case .selfAssessment: return "self-assessment"
        case .observationGrid: return "observation-grid"
        case .reflection: return "reflection"
        case .mission: return "mission"
        }
    }
}

public struct ActivitySet: Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    /// The lesson it follows.
    public var after: String?
    public var activities: [Activity] {
        didSet { (gradedActivityIDs, ungradedActivityIDs) = ActivitySet.split(activities) }
    }
    public var mastery: MasteryRule
    /// The graded activities' ids and the others', in order: kept with the activities (the tracker asks for
    /// them for every learner, module and set; filtering the activities each time was a quarter of its time).
    public private(set) var gradedActivityIDs: [String]
    public private(set) var ungradedActivityIDs: [String]

    public init(id: String, title: String, after: String?, activities: [Activity], mastery: MasteryRule) {
        self.id = id
        self.title = title
        self.after = after
        self.activities = activities
        self.mastery = mastery
        (gradedActivityIDs, ungradedActivityIDs) = ActivitySet.split(activities)
    }

    static func split(_ activities: [Activity]) -> (graded: [String], ungraded: [String]) {
        (activities.filter(\.isGraded).map(\.id), activities.filter { !$0.isGraded }.map(\.id))
    }
}

public struct Module: Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var audience: [Audience]
    public var summary: String
    public var objectives: [String]
    public var duration: Int
    public var prerequisites: [String]
    /// "framework:competence" ids.
    public var competences: [String]
    public var lessons: [Lesson]
    public var activitySets: [ActivitySet]
    public var sources: [String]

    public init(id: String, title: String, audience: [Audience], summary: String, objectives: [String],
                duration: Int, prerequisites: [String], competences: [String], lessons: [Lesson],
                activitySets: [ActivitySet], sources: [String]) {
        self.id = id
        self.title = title
        self.audience = audience
        self.summary = summary
        self.objectives = objectives
        self.duration = duration
        self.prerequisites = prerequisites
        self.competences = competences
        self.lessons = lessons
        self.activitySets = activitySets
        self.sources = sources
    }

    public func activitySet(_ id: String) -> ActivitySet? { activitySets.first { $0.id == id } }

    public func activity(_ id: String) -> (set: ActivitySet, activity: Activity)? {
        for set in activitySets {
            if let activity = set.activities.first(where: { $0.id == id }) { return (set, activity) }
        }
        return nil
    }
}

// MARK: Progress, computed from attempts (never stored twice)

/// What a learner did in a module: lessons read, attempts, submissions.
public struct ModuleRecord: Sendable, Equatable {
    public var lessonsRead: Set<String>
    /// Graded attempts per activity set, oldest first.
    public var attempts: [String: [(activityID: String, correct: Bool)]]
    /// Ungraded activities submitted.
    public var submitted: Set<String>

    public init(lessonsRead: Set<String> = [], attempts: [String: [(activityID: String, correct: Bool)]] = [:],
                submitted: Set<String> = []) {
        self.lessonsRead = lessonsRead
        self.attempts = attempts
        self.submitted = submitted
    }

    public static func == (a: ModuleRecord, b: ModuleRecord) -> Bool {
        a.lessonsRead == b.lessonsRead && a.submitted == b.submitted
            && a.attempts.mapValues { $0.map { "\($0.activityID)=\($0.correct)" } }
                == b.attempts.mapValues { $0.map { "\($0.activityID)=\($0.correct)" } }
    }
}

public enum ModuleState: String, Sendable, Codable {
    case locked, notStarted = "not-started", inProgress = "in-progress", complete
}

public struct ModuleProgress: Sendable, Equatable {
    public var state: ModuleState
    /// Share of lessons read and activity sets mastered, 0...1.
    public var fraction: Double
    public var masteredSets: Set<String>
    /// Per activity set, progress towards mastery (0...1).
    public var setProgress: [String: Double]
    /// Activity sets with 4 or more failed tries and not mastered ("needs help", `Mastery.needsHelp`).
    public var strugglingSets: Set<String>
}

public enum Mastery {
    /// Failed tries on one activity set after which a learner who has not mastered it needs help (Kolibri's rule).
    public static let failedTriesBeforeHelp = 4

    /// Kolibri's « needs help »: `failedTriesBeforeHelp` or more failed tries on this very set (a wrong answer to
    /// an item, a scenario that ended badly) and the set not mastered. Never for a set not started, never
    /// because of tries on other sets, and no longer once the set is mastered.
    public static func needsHelp(_ set: ActivitySet, record: ModuleRecord) -> Bool {
        let failed = (record.attempts[set.id] ?? []).lazy.filter { !$0.correct }.count
        return failed >= failedTriesBeforeHelp && !isMastered(set, record: record)
    }

    public static func isMastered(_ set: ActivitySet, record: ModuleRecord) -> Bool {
        let attempts = record.attempts[set.id] ?? []
        let ungraded = set.ungradedActivityIDs
        return set.mastery.isMastered(attempts, gradedActivities: set.gradedActivityIDs)
            && ungraded.allSatisfy(record.submitted.contains)
    }

    /// Progress of a module; `locked` when a prerequisite is not complete and the trainer did not unlock it.
    public static func progress(of module: Module, record: ModuleRecord, prerequisitesComplete: Bool,
                                unlocked: Bool = false) -> ModuleProgress {
        var mastered: Set<String> = []
        var setProgress: [String: Double] = [:]
        var struggling: Set<String> = []
        for set in module.activitySets {
            let attempts = record.attempts[set.id] ?? []
            let ungraded = set.ungradedActivityIDs
            let graded = set.mastery.progress(attempts, gradedActivities: set.gradedActivityIDs)
            let submitted = ungraded.isEmpty ? 1 : Double(ungraded.filter(record.submitted.contains).count) / Double(ungraded.count)
            setProgress[set.id] = set.gradedActivityIDs.isEmpty ? submitted : (ungraded.isEmpty ? graded : (graded + submitted) / 2)
            if isMastered(set, record: record) {
                mastered.insert(set.id)
            } else if needsHelp(set, record: record) {
                struggling.insert(set.id)
            }
        }
        let read = module.lessons.filter { record.lessonsRead.contains($0.id) }.count
        let parts = module.lessons.count + module.activitySets.count
        let fraction = parts == 0 ? 1 : Double(read + mastered.count) / Double(parts)
        let state: ModuleState
        if !prerequisitesComplete && !unlocked {
            state = .locked
        } else if read == module.lessons.count && mastered.count == module.activitySets.count {
            state = .complete
        } else if read == 0 && record.attempts.values.allSatisfy(\.isEmpty) && record.submitted.isEmpty {
            state = .notStarted
        } else {
            state = .inProgress
        }
        return ModuleProgress(state: state, fraction: fraction, masteredSets: mastered, setProgress: setProgress,
                              strugglingSets: struggling)
    }

    /// Module ids in an order where every prerequisite comes first; nil when there is a cycle
    /// (the cycle is returned instead).
    public static func prerequisiteCycle(_ modules: [Module]) -> [String]? {
        let byID = Dictionary(modules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        func visit(_ id: String) -> [String]? {
            if state[id] == 2 { return nil }
            if state[id] == 1 {
                let start = stack.firstIndex(of: id) ?? 0
                return Array(stack[start...]) + [id]
            }
            state[id] = 1
            stack.append(id)
            for next in byID[id]?.prerequisites ?? [] {
                if let cycle = visit(next) { return cycle }
            }
            stack.removeLast()
            state[id] = 2
            return nil
        }
        for module in modules {
            if let cycle = visit(module.id) { return cycle }
        }
        return nil
    }
}

/// An ordered path of modules for one audience (the ME-MSN programme, the social workers' programme),
/// which a trainer can assign at once.
public struct Programme: Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var audience: Audience
    public var modules: [String]

    public init(id: String, title: String, audience: Audience, modules: [String]) {
        self.id = id
        self.title = title
        self.audience = audience
        self.modules = modules
    }
}
