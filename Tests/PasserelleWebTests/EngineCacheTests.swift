import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
@testable import PasserelleWeb

/// Engines are built once per settings and calibration, and reused by every request and every learner.
@Suite struct EngineCacheTests {
    struct Setup {
        let fixture: AssessmentFixture
        let catalog: ContentCatalog
        let store: Store

        init() throws {
            fixture = try AssessmentFixture()
            catalog = try ContentLoader.load(fixture.contentRoot)
            store = try Store(path: temporaryFolderPath() + "/engines.sqlite")
        }

        /// A learner of a new cohort with the « essai » assessment assigned to the cohort.
        func learnerWithAssignment(learners: Int = 1) throws -> (learners: [Learner], assignment: Int64) {
            let org = try store.createOrganisation(name: "O")
            let cohort = try store.createCohort(organisationID: org.id, name: "C")
            let created = try (0..<learners).map {
                try store.createLearner(cohortID: cohort.id, firstName: "A\($0)", lastName: "B", codeSelector: nil, codeHash: nil)
            }
            let chosen = AssessmentAssignment(settings: AssessmentSettings(frameworkID: "essai"), purpose: .initial)
            let assignment = try store.createAssignment(cohortID: cohort.id, kind: .assessment, contentID: "essai",
                                                        settings: String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self))
            return (created, assignment)
        }
    }

    @Test func equalSettingsShareOneEngineAndOtherSettingsGetTheirOwn() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        let service = AssessmentService(store: setup.store, catalog: setup.catalog)
        let base = AssessmentSettings(frameworkID: "essai")
        let first = try service.engine(base)
        #expect(try service.engine(base) === first)
        #expect(try service.engine(AssessmentSettings(frameworkID: "essai", algorithm: .smartRandom)) === first)
        let copy = service  // copies of a service share its engines
        #expect(try copy.engine(base) === first)
        #expect(service.engines.builds == 1)

        var variants: [AssessmentSettings] = []
        func variant(_ change: (inout AssessmentSettings) -> Void) {
            var settings = base
            change(&settings)
            variants.append(settings)
        }
        variant { $0.algorithm = .irt }
        variant { $0.profile = TargetProfile(tubes: ["A": 3]) }
        variant { $0.profile = TargetProfile(tubes: ["A": 4]) }
        variant { $0.maxLevel = 5 }
        variant { $0.maxLength = 20 }
        variant { $0.targetStandardError = 0.4 }
        variant { $0.accessibleOnly = true }
        var seen: [AssessmentEngine] = [first]
        for settings in variants {
            let engine = try service.engine(settings)
            #expect(!seen.contains { $0 === engine }, "\(settings)")
            #expect(engine.settings == settings)
            #expect(try service.engine(settings) === engine)
            seen.append(engine)
        }
        #expect(service.engines.builds == 1 + variants.count)
        #expect(try service.engine(base) === first)
        #expect(throws: AssessmentService.Failure.self) { try service.engine(AssessmentSettings(frameworkID: "inconnu")) }
    }

    @Test func aNewCalibrationGivesEnginesWithTheNewParameters() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        let service = AssessmentService(store: setup.store, catalog: setup.catalog)
        let settings = AssessmentSettings(frameworkID: "essai", algorithm: .irt)
        let before = try service.engine(settings)
        // Two-choice items: the chance of guessing, 1/2, is the lower asymptote whatever the source of a and b.
        var expected = IRT.defaultParameters(level: 3)
        expected.guessing = 0.5
        #expect(before.parameters(of: "qA3") == expected)
        func calibrate(_ difficulty: Double) throws {
            try setup.store.saveItemParameters([Store.StoredItemParameters(
                itemID: "qA3", difficulty: difficulty, discrimination: 1.3, answerCount: 50, model: "2pl", fit: nil)])
        }
        try calibrate(2.5)
        let calibrated = try service.engine(settings)
        #expect(calibrated !== before)
        #expect(calibrated.parameters(of: "qA3") == ItemParameters(difficulty: 2.5, discrimination: 1.3, guessing: 0.5))
        #expect(try service.engine(settings) === calibrated)
        try calibrate(-1)
        let again = try service.engine(settings)
        #expect(again !== calibrated)
        #expect(again.parameters(of: "qA3") == ItemParameters(difficulty: -1, discrimination: 1.3, guessing: 0.5))
        #expect(service.engines.builds == 3)
    }

    @Test func aWholeRunBuildsItsEngineOnce() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        let service = AssessmentService(store: setup.store, catalog: setup.catalog, newSeed: { 42 })
        let (learners, assignment) = try setup.learnerWithAssignment()
        let learner = try #require(learners.first)
        var record = try service.start(learner: learner, assignmentID: assignment)
        var answered = 0
        while record.state == .started, answered < 50 {
            let view = try service.view(record)
            let item = try #require(view.item)
            let choice = item.choices.first { $0.correct == (answered % 3 != 0) }?.id ?? "a"
            let answer: ItemAnswer = item.type == .qroc ? .fields(["r": "CAF"]) : .choice(choice)
            try service.answer(record, itemID: item.id, answer: answer, timeSpentMs: 1000)
            answered += 1
            record = try service.run(record.id, of: learner)
        }
        #expect(record.state == .completed)
        #expect(answered > 2)
        _ = try service.result(record)
        try service.share(record)
        #expect(service.engines.builds == 1)
    }

    @Test func aCohortExportBuildsOneEngineForAllItsLearners() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        let (learners, assignment) = try setup.learnerWithAssignment(learners: 6)
        let runner = AssessmentService(store: setup.store, catalog: setup.catalog)
        for learner in learners {
            let record = try runner.start(learner: learner, assignmentID: assignment)
            let item = try #require(try runner.view(record).item)
            try runner.answer(record, itemID: item.id, answer: item.type == .qroc ? .fields(["r": "CAF"]) : .choice("a"),
                              timeSpentMs: 1000)
        }
        let export = CohortExport(store: setup.store, catalog: setup.catalog)
        var lines: [String] = []
        try export.write(cohortID: learners[0].cohortID, format: .csv, pseudonymize: false) { lines.append($0) }
        #expect(lines.count == 1 + learners.count)
        #expect(export.assessments.engines.builds == 1)
        // Given the web app's service, the export reuses the engine that service already built.
        let shared = CohortExport(store: setup.store, catalog: setup.catalog, assessments: runner)
        try shared.write(cohortID: learners[0].cohortID, format: .csv, pseudonymize: false) { _ in }
        #expect(runner.engines.builds == 1)
    }
}

/// Items rendered once per process (issue 12): a view from the cache is the view made from the item, for every
/// item of the real banks and several seeds, the first time and the times after.
@Suite struct RenderedItemsTests {
    @Test func cachedViewsAreTheViewsOfTheItemsForEverySeed() throws {
        let catalog = TrackerBatchTests.catalog
        let cache = RenderedItems()
        let items = catalog.frameworks.flatMap { catalog.items(of: $0) }
        #expect(items.count > 500)
        var shuffledSomewhere = false
        for seed in ["passerelle-1", "passerelle-77", "passerelle-2026"] {
            for item in items {
                let fresh = ItemView(item, seed: seed)
                #expect(fresh == Self.reference(item, seed: seed), "\(item.id) \(seed)")
                #expect(cache.view(item, seed: seed) == fresh, "\(item.id) \(seed)")
                if item.type == .ordering { shuffledSomewhere = shuffledSomewhere || fresh.options.map(\.id) != item.choices.map(\.id) }
            }
        }
        #expect(shuffledSomewhere, "ordering steps are shuffled by the seed, not kept from the first view")
        // Two seeds give two orders somewhere: the cache does not keep one seed's shuffle for the others.
        let ordering = try #require(items.first { $0.type == .ordering && $0.choices.count >= 4 })
        let orders = Set((1...20).map { cache.view(ordering, seed: "passerelle-\($0)").options.map(\.id) })
        #expect(orders.count > 1)
    }

    /// The view as it was made before the cache (commit fa09376), field by field: the cache must not change a
    /// learner's question, its order or what is read aloud.
    static func reference(_ item: Item, seed: String) -> ItemView {
        var random = SeededRandom(text: "\(seed)/\(item.id)")
        func option(_ id: String, _ markdown: String) -> ItemView.Option {
            ItemView.Option(id: id, html: Markdown.html(markdown), text: Markdown.plainText(markdown))
        }
        func shuffled<T: Equatable>(_ values: [T]) -> [T] {
            guard values.count > 1 else { return values }
            var result = values
            for _ in 0..<5 where result == values { result.shuffle(using: &random) }
            return result
        }
        var view = ItemView(item, seed: seed)
        view.promptHTML = Markdown.html(item.prompt)
        view.image = item.image
        switch item.type {
        case .qcu, .qcm: view.options = item.choices.map { option($0.id, $0.text) }
        case .ordering: view.options = shuffled(item.choices.map { option($0.id, $0.text) })
        default: view.options = []
        }
        view.fields = item.fields.map { option($0.id, $0.label) }
        view.left = item.type == .matching ? item.pairs.map { option($0.id, $0.left) } : []
        view.right = item.type == .matching ? shuffled(item.pairs.map { option($0.id, $0.right) }) : []
        view.spokenText = ([Markdown.plainText(item.prompt)] + view.options.map(\.text) + view.left.map(\.text)).joined(separator: ". ")
        return view
    }
}
