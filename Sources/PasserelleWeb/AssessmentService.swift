import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// What a trainer chose when opening an assessment, stored with the assignment.
public struct AssessmentAssignment: Codable, Sendable, Equatable {
    public var settings: AssessmentSettings
    public var purpose: String

    public init(settings: AssessmentSettings, purpose: AssessmentRecord.Purpose) {
        self.settings = settings
        self.purpose = purpose.rawValue
    }

    public var purposeValue: AssessmentRecord.Purpose { AssessmentRecord.Purpose(rawValue: purpose) ?? .free }

    public var purposeLabel: String {
        switch purposeValue {
        case .initial: return "positionnement initial"
        case .final: return "positionnement final"
        case .free: return "positionnement libre"
        }
    }
}

/// An item as the browser sees it: never its solution.
public struct ItemView: Sendable, Equatable, Codable {
    public struct Option: Sendable, Equatable, Codable {
        public var id: String
        public var html: String
        public var text: String
    }

    public var id: String
    public var type: String
    public var promptHTML: String
    /// The prompt and options as plain text, for reading aloud.
    public var spokenText: String
    public var image: ItemImage?
    /// QCU, QCM: the choices; ordering: the steps, shuffled.
    public var options: [Option]
    /// QROC, QROCM: the fields to fill.
    public var fields: [Option]
    /// Matching: left elements in order, right elements shuffled (an option id is a pair id).
    public var left: [Option]
    public var right: [Option]
}

extension ItemView {
    init(_ item: Item, seed: String) {
        self.init(Rendered(item), item: item, seed: seed)
    }

    /// An item's Markdown rendered to HTML and plain text, options in their written order: what does not depend
    /// on the seed, so that it can be made once per item (`RenderedItems`).
    struct Rendered: Sendable {
        var view: ItemView
        var promptText: String

        init(_ item: Item) {
            func option(_ id: String, _ markdown: String) -> Option {
                Option(id: id, html: Markdown.html(markdown), text: Markdown.plainText(markdown))
            }
            promptText = Markdown.plainText(item.prompt)
            let options: [Option] = switch item.type {
            case .qcu, .qcm, .ordering: item.choices.map { option($0.id, $0.text) }
            default: []
            }
            let matching = item.type == .matching
            view = ItemView(id: item.id, type: item.type.rawValue, promptHTML: Markdown.html(item.prompt), spokenText: "",
                            image: item.image, options: options, fields: item.fields.map { option($0.id, $0.label) },
                            left: matching ? item.pairs.map { option($0.id, $0.left) } : [],
                            right: matching ? item.pairs.map { option($0.id, $0.right) } : [])
        }
    }

    /// The view of an item for one seed: ordering steps and matching right-hand elements shuffled by it.
    init(_ rendered: Rendered, item: Item, seed: String) {
        self = rendered.view
        var random = SeededRandom(text: "\(seed)/\(item.id)")
        func shuffled<T: Equatable>(_ values: [T]) -> [T] {
            guard values.count > 1 else { return values }
            var result = values
            for _ in 0..<5 where result == values { result.shuffle(using: &random) }
            return result
        }
        if item.type == .ordering { options = shuffled(options) }
        if item.type == .matching { right = shuffled(right) }
        spokenText = ([rendered.promptText] + options.map(\.text) + left.map(\.text)).joined(separator: ". ")
    }
}

/// Items rendered once each for the process (Markdown to HTML and plain text was a tenth of an answer's time).
/// Keyed by item id: one service serves one catalog, whose items do not change while it runs.
final class RenderedItems: @unchecked Sendable {  // `lock` guards `items`
    private let lock = NSLock()
    private var items: [String: ItemView.Rendered] = [:]

    func view(_ item: Item, seed: String) -> ItemView {
        lock.lock()
        let known = items[item.id]
        lock.unlock()
        let rendered = known ?? ItemView.Rendered(item)
        if known == nil {
            lock.lock()
            items[item.id] = rendered
            lock.unlock()
        }
        return ItemView(rendered, item: item, seed: seed)
    }
}

/// Where a learner is in a run.
public struct AssessmentView: Sendable {
    public var record: AssessmentRecord
    public var title: String
    public var item: Item?
    public var itemView: ItemView?
    /// Number of the question shown (answered + 1).
    public var questionNumber: Int
    public var answered: Int
    public var remainingAtMost: Int
}

/// Runs assessments for learners: start or resume, show the current item, take an answer, give the result.
/// Engines are built once per settings and calibration and shared by the copies of a service: keep one
/// service for the whole process (as `WebApp` does) rather than one per request.
public struct AssessmentService: Sendable {
    let store: Store
    let catalog: ContentCatalog
    let newSeed: @Sendable () -> Int64
    let engines = EngineCache()
    let lengths = TypicalLengths()
    let renderedItems = RenderedItems()
    let exposures = ExposureRates()
    let carried = CarriedAnswers()

    public enum Failure: Error, Equatable {
        case notFound
        case conflict(String)
        case invalidAnswer(String)
        case unavailable(String)
    }

    public init(store: Store, catalog: ContentCatalog,
                newSeed: @escaping @Sendable () -> Int64 = { Int64.random(in: 1...Int64(Int32.max)) }) {
        self.store = store
        self.catalog = catalog
        self.newSeed = newSeed
    }

    static func seedText(_ seed: Int64) -> String { "passerelle-\(seed)" }

    /// About how many questions a run with these settings asks: IRT runs stop at `maxLength`; for smart random,
    /// the mean of a few simulated learners (`Simulation`), computed once per settings in the background so that
    /// no request waits for it. Nil until it is known.
    public func typicalLength(_ settings: AssessmentSettings) -> Int? {
        if settings.algorithm == .irt { return settings.maxLength }
        guard let framework = catalog.framework(id: settings.frameworkID) else { return nil }
        let catalog = self.catalog
        return lengths.value(for: settings) {
            let report = Simulation.run(framework: framework, items: catalog.items(of: framework), settings: settings,
                                        learners: 6, seed: 2026)
            return max(1, Int((report.meanQuestions / 5).rounded()) * 5)
        }
    }

    func settings(_ record: AssessmentRecord) throws -> AssessmentSettings {
        guard let settings = try? JSONDecoder().decode(AssessmentSettings.self, from: Data(record.settings.utf8)) else {
            throw Failure.unavailable("les réglages de cette évaluation sont illisibles")
        }
        return settings
    }

    /// The engine for these settings: built the first time, then reused until a calibration changes the item
    /// parameters.
    func engine(_ settings: AssessmentSettings) throws -> AssessmentEngine {
        guard let framework = catalog.framework(id: settings.frameworkID) else {
            throw Failure.unavailable("le référentiel « \(settings.frameworkID) » n'est plus disponible")
        }
        func build() -> AssessmentEngine {
            AssessmentEngine(framework: framework, items: catalog.items(of: framework), settings: settings,
                             calibrated: (try? store.calibratedParameters()) ?? [:])
        }
        // When the calibration cannot be read, build without keeping (as every request did before the cache).
        guard let calibration = try? store.calibrationFingerprint() else { return build() }
        return engines.engine(settings: settings, calibration: calibration, build: build)
    }

    public func title(frameworkID: String) -> String {
        catalog.framework(id: frameworkID)?.title ?? frameworkID
    }

    /// A learner's run of an assignment: the one in progress or done, or a new one.
    public func start(learner: Learner, assignmentID: Int64) throws -> AssessmentRecord {
        guard let assignment = try store.assignment(id: assignmentID, for: learner), assignment.kind == .assessment else {
            throw Failure.notFound
        }
        if let existing = try store.assessments(learnerID: learner.id).first(where: {
            $0.assignmentID == assignmentID && $0.state != .abandoned
        }) {
            return existing
        }
        guard let chosen = try? JSONDecoder().decode(AssessmentAssignment.self, from: Data(assignment.settings.utf8)) else {
            throw Failure.unavailable("les réglages de cette évaluation sont illisibles")
        }
        var settings = chosen.settings
        settings.accessibleOnly = learner.accessibleItems
        let engine = try engine(settings)
        let seed = newSeed()
        let settingsJSON = String(decoding: try JSONEncoder.sorted.encode(settings), as: UTF8.self)
        // Knowledge carried over: the run starts from the learner's recent answers in this framework (read again,
        // up to the run's start, whenever its history is needed).
        let earlier = try settings.carryOverDays.map {
            engine.carriedOver(try store.earlierAnswers(learnerID: learner.id, frameworkID: settings.frameworkID,
                                                        excluding: nil, before: nil, days: $0))
        }
        let first = engine.nextItem(answers: earlier?.answers ?? [], elements: earlier?.elements ?? [],
                                    seed: AssessmentService.seedText(seed), exposure: exposure(settings))
        let record = try store.createAssessment(
            learnerID: learner.id, assignmentID: assignmentID, frameworkID: chosen.settings.frameworkID,
            algorithm: chosen.settings.algorithm.rawValue, settings: settingsJSON, purpose: chosen.purposeValue,
            seed: seed, firstItemID: first?.id)
        try store.audit(AuditEntry(action: "assessment-start", actorLearnerID: learner.id, targetType: "assessment",
                                   targetID: String(record.id)))
        return record
    }

    /// A learner's own run, or `notFound` (other people's runs do not exist for them).
    public func run(_ id: Int64, of learner: Learner) throws -> AssessmentRecord {
        guard let record = try store.assessment(id: id), record.learnerID == learner.id else { throw Failure.notFound }
        return record
    }

    /// A run's history as the engine sees it: the answers carried over from the learner's earlier runs (when its
    /// settings ask for it), then its own; `carried` is how many come first from earlier runs.
    struct History {
        var answers: [AnsweredItem]
        var elements: [KnowledgeElement]
        var carried: Int
        var own: [AnsweredItem] { Array(answers.dropFirst(carried)) }
    }

    func history(_ record: AssessmentRecord, _ engine: AssessmentEngine) throws -> History {
        let history = try store.history(assessmentID: record.id, currentItemID: record.currentItemID)
        guard let days = engine.settings.carryOverDays else {
            return History(answers: history.answers, elements: history.elements, carried: 0)
        }
        // Answers before the run's start only, so the carried part never changes: kept in memory once read.
        let earlier = try carried.value(record.id) {
            engine.carriedOver(try store.earlierAnswers(learnerID: record.learnerID, frameworkID: record.frameworkID,
                                                        excluding: record.id, before: record.startedAt, days: days))
        }
        return History(answers: earlier.answers + history.answers, elements: earlier.elements + history.elements,
                       carried: earlier.answers.count)
    }

    /// The share of the framework's IRT runs that showed each item, when the settings limit exposure (refreshed in
    /// the background every few minutes, never per request; empty below `ExposureControl.minimumRuns` runs).
    func exposure(_ settings: AssessmentSettings) -> [String: Double] {
        guard settings.algorithm == .irt, settings.maxExposure != nil else { return [:] }
        let store = self.store
        let frameworkID = settings.frameworkID
        return exposures.value(frameworkID) {
            guard let counts = try? store.itemExposure(frameworkID: frameworkID, algorithm: AssessmentAlgorithm.irt.rawValue),
                  counts.runs >= ExposureControl.minimumRuns else { return [:] }
            return counts.shown.mapValues { Double($0) / Double(counts.runs) }
        }
    }

    public func view(_ record: AssessmentRecord) throws -> AssessmentView {
        let engine = try engine(try settings(record))
        return view(record, engine, try history(record, engine))
    }

    /// The view of a run from a history already in hand (after an answer: no second read).
    private func view(_ record: AssessmentRecord, _ engine: AssessmentEngine, _ history: History) -> AssessmentView {
        let item = record.currentItemID.flatMap(engine.item)
        let answers = history.answers, elements = history.elements
        let own = answers.count - history.carried
        return AssessmentView(
            record: record, title: title(frameworkID: record.frameworkID), item: item,
            itemView: item.map { renderedItems.view($0, seed: AssessmentService.seedText(record.seed)) },
            questionNumber: own + 1, answered: own,
            remainingAtMost: record.state == .started ? max(1, engine.remainingAtMost(answers: answers, elements: elements)) : 0)
    }

    /// Records the answer to the current item and moves on. Nothing changes when the item is not the
    /// current one (`conflict`) or the answer is malformed (`invalidAnswer`).
    @discardableResult
    public func answer(_ record: AssessmentRecord, itemID: String, answer: ItemAnswer, timeSpentMs: Int) throws
        -> (check: AnswerCheck, next: AssessmentView) {
        guard record.state == .started else {
            throw Failure.conflict("Cette évaluation est terminée : la réponse n'a pas été enregistrée.")
        }
        guard record.currentItemID == itemID else {
            throw Failure.conflict("Cette question n'est plus celle en cours (réponse en double ou trop tardive) : "
                                   + "elle n'a pas été enregistrée. Reprenez à la question affichée.")
        }
        let engine = try engine(try settings(record))
        guard let item = engine.item(itemID) else { throw Failure.unavailable("cette question n'existe plus") }
        let check: AnswerCheck
        do {
            check = try AnswerChecker.check(answer, against: item)
        } catch let error as AnswerCheckError {
            throw Failure.invalidAnswer(error.localizedDescription)
        }
        let json = String(decoding: try JSONEncoder.sorted.encode(answer), as: UTF8.self)
        let next = try save(record, item, engine, correct: check.correct, answer: json, skipped: false, timeSpentMs: timeSpentMs)
        return (check, next)
    }

    /// « Je passe »: the learner skips the current question. As in Pix, it counts as not mastered (the
    /// skill and the harder ones of its tube are invalidated) and is stored as skipped.
    @discardableResult
    public func skip(_ record: AssessmentRecord, itemID: String, timeSpentMs: Int) throws -> AssessmentView {
        guard record.state == .started else {
            throw Failure.conflict("Cette évaluation est terminée : rien n'a été enregistré.")
        }
        guard record.currentItemID == itemID else {
            throw Failure.conflict("Cette question n'est plus celle en cours : rien n'a été enregistré. Reprenez à la question affichée.")
        }
        let engine = try engine(try settings(record))
        guard let item = engine.item(itemID) else { throw Failure.unavailable("cette question n'existe plus") }
        return try save(record, item, engine, correct: false, answer: "{}", skipped: true, timeSpentMs: timeSpentMs)
    }

    /// Records an answer (or a skip) with its knowledge elements and the next item, in one transaction,
    /// and returns the run's new view, built from the history just computed (not read again).
    private func save(_ record: AssessmentRecord, _ item: Item, _ engine: AssessmentEngine, correct: Bool, answer json: String,
                      skipped: Bool, timeSpentMs: Int) throws -> AssessmentView {
        let past = try history(record, engine)
        let (answers, elements) = (past.answers, past.elements)
        let added = engine.elements(forAnswerOn: item, correct: correct, existing: elements)
        let allAnswers = answers + [AnsweredItem(itemID: item.id, skillID: item.skillID, correct: correct)]
        let next = engine.nextItem(answers: allAnswers, elements: elements + added, seed: AssessmentService.seedText(record.seed),
                                   exposure: exposure(engine.settings))
        do {
            try store.recordAnswer(assessmentID: record.id, itemID: item.id, skillID: item.skillID, answer: json,
                                   correct: correct, timeSpentMs: timeSpentMs, elements: added, nextItemID: next?.id,
                                   skipped: skipped)
        } catch AssessmentConflict.notCurrentItem {
            throw Failure.conflict("Cette question a déjà reçu une réponse : la nouvelle réponse n'a pas été enregistrée.")
        } catch AssessmentConflict.finished {
            throw Failure.conflict("Cette évaluation est terminée : la réponse n'a pas été enregistrée.")
        }
        var updated = record
        updated.currentItemID = next?.id
        if next == nil { updated.state = .completed }
        return view(updated, engine, History(answers: allAnswers, elements: elements + added, carried: past.carried))
    }

    public struct Missed: Sendable {
        public var item: Item
        public var promptHTML: String
        public var feedbackHTML: String
    }

    public func result(_ record: AssessmentRecord) throws -> (AssessmentResult, [Missed]) {
        let engine = try engine(try settings(record))
        let past = try history(record, engine)
        let (answers, elements) = (past.answers, past.elements)
        // The questions missed in this run (those carried over were seen in an earlier one).
        let missed = past.own.filter { !$0.correct }.compactMap { answer -> Missed? in
            guard let item = engine.item(answer.itemID) ?? catalog.item(id: answer.itemID) else { return nil }
            return Missed(item: item, promptHTML: Markdown.html(item.prompt), feedbackHTML: Markdown.html(item.feedback))
        }
        return (engine.result(answers: answers, elements: elements), missed)
    }

    /// Shares a finished run with the trainer: a snapshot of the result at this moment.
    public func share(_ record: AssessmentRecord) throws {
        guard record.state == .completed else {
            throw Failure.conflict("Terminez l'évaluation avant de partager vos résultats.")
        }
        let (result, _) = try result(record)
        try store.shareAssessment(id: record.id, result: String(decoding: try JSONEncoder.sorted.encode(result), as: UTF8.self))
        try store.audit(AuditEntry(action: "assessment-share", actorLearnerID: record.learnerID,
                                   targetType: "assessment", targetID: String(record.id)))
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

/// Typical lengths of runs, per settings, computed once in the background.
final class TypicalLengths: @unchecked Sendable {
    private let lock = NSLock()
    private var known: [AssessmentSettings: Int] = [:]
    private var computing: Set<AssessmentSettings> = []

    /// The value if known; otherwise starts computing it (once) and returns nil.
    func value(for settings: AssessmentSettings, compute: @escaping @Sendable () -> Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if let value = known[settings] { return value }
        if computing.insert(settings).inserted {
            DispatchQueue.global(qos: .utility).async { [self] in
                let value = compute()
                lock.lock()
                known[settings] = value
                computing.remove(settings)
                lock.unlock()
            }
        }
        return nil
    }
}
