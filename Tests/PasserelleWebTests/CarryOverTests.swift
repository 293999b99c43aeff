import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
@testable import PasserelleWeb

/// Issue 15: knowledge carried over between a learner's runs when the trainer chooses it (Pix reuses knowledge
/// elements and resets them after 7 days).
@Suite struct CarryOverTests {
    struct Setup {
        let fixture: AssessmentFixture
        let catalog: ContentCatalog
        let store: Store
        let service: AssessmentService
        let learner: Learner
        let cohortID: Int64

        init() throws {
            fixture = try AssessmentFixture()
            catalog = try ContentLoader.load(fixture.contentRoot)
            store = try Store(path: temporaryFolderPath() + "/carry.sqlite")
            service = AssessmentService(store: store, catalog: catalog)
            let org = try store.createOrganisation(name: "O")
            let cohort = try store.createCohort(organisationID: org.id, name: "C")
            cohortID = cohort.id
            learner = try store.createLearner(cohortID: cohort.id, firstName: "A", lastName: "B", codeSelector: nil, codeHash: nil)
        }

        func assign(_ settings: AssessmentSettings) throws -> Int64 {
            let chosen = AssessmentAssignment(settings: settings, purpose: .free)
            return try store.createAssignment(cohortID: cohortID, kind: .assessment, contentID: "essai",
                                              settings: String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self))
        }

        /// Answers `count` questions of a run (right when `right`), returns the items asked and the record.
        @discardableResult
        func answer(_ record: AssessmentRecord, count: Int, right: Bool = true) throws -> (items: [String], record: AssessmentRecord) {
            var items: [String] = []
            var current = record
            for _ in 0..<count {
                guard current.state == .started, let item = current.currentItemID else { break }
                items.append(item)
                let answer: ItemAnswer = catalog.item(id: item)?.type == .qroc ? .fields(["r": right ? "CAF" : "non"])
                    : .choice(right ? "a" : "b")
                current = try service.answer(current, itemID: item, answer: answer, timeSpentMs: 1000).next.record
            }
            return (items, current)
        }
    }

    @Test func recentAnswersCountAndAreNotAskedAgainWhenTheTrainerChoosesIt() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        for algorithm in AssessmentAlgorithm.allCases {
            // A first run: three questions answered right.
            let first = try setup.service.start(learner: setup.learner,
                                                assignmentID: try setup.assign(AssessmentSettings(frameworkID: "essai", algorithm: algorithm)))
            let (asked, _) = try setup.answer(first, count: 3)
            #expect(asked.count == 3)

            // Without the option, a new run starts afresh.
            let fresh = try setup.service.start(learner: setup.learner,
                                                assignmentID: try setup.assign(AssessmentSettings(frameworkID: "essai", algorithm: algorithm)))
            #expect(try setup.service.view(fresh).answered == 0)
            #expect(try setup.service.result(fresh).0.competences.allSatisfy { $0.answered == 0 && $0.level == nil })

            // With it, the first run's answers count in the result and their items are not asked again.
            let carried = try setup.service.start(
                learner: setup.learner,
                assignmentID: try setup.assign(AssessmentSettings(frameworkID: "essai", algorithm: algorithm, carryOverDays: 7)))
            let view = try setup.service.view(carried)
            #expect(view.answered == 0 && view.questionNumber == 1, "the question count is the run's own")
            let result = try setup.service.result(carried).0
            #expect(result.competences.first?.answered ?? 0 >= 3, "\(algorithm): \(result.competences)")
            #expect(result.competences.first?.level != nil)
            let (again, _) = try setup.answer(carried, count: 20)
            #expect(Set(again).isDisjoint(with: asked), "\(algorithm): \(again) against \(asked)")
            // The carried part does not change once the run has started (read again from a new service: same view).
            let other = AssessmentService(store: setup.store, catalog: setup.catalog)
            let reread = try #require(try setup.store.assessment(id: carried.id))
            #expect(try other.result(reread).0 == (try setup.service.result(reread).0))
        }
    }

    @Test func answersOlderThanTheDelayOrFromAnotherFrameworkAreNotCarried() throws {
        let setup = try Setup()
        defer { setup.fixture.remove() }
        let run = try setup.service.start(learner: setup.learner,
                                          assignmentID: try setup.assign(AssessmentSettings(frameworkID: "essai")))
        try setup.answer(run, count: 2)
        let recent = try setup.store.earlierAnswers(learnerID: setup.learner.id, frameworkID: "essai", excluding: nil,
                                                    before: nil, days: 7)
        #expect(recent.count == 2)
        // Eight days later, nothing is carried any more.
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(8 * 86_400))
        #expect(try setup.store.earlierAnswers(learnerID: setup.learner.id, frameworkID: "essai", excluding: nil,
                                               before: later, days: 7).isEmpty)
        // Six days later, still.
        let sixDays = ISO8601DateFormatter().string(from: Date().addingTimeInterval(6 * 86_400))
        #expect(try setup.store.earlierAnswers(learnerID: setup.learner.id, frameworkID: "essai", excluding: nil,
                                               before: sixDays, days: 7).count == 2)
        // Only before the run's start, and never the run's own answers.
        #expect(try setup.store.earlierAnswers(learnerID: setup.learner.id, frameworkID: "essai", excluding: run.id,
                                               before: nil, days: 7).isEmpty)
        #expect(try setup.store.earlierAnswers(learnerID: setup.learner.id, frameworkID: "autre", excluding: nil,
                                               before: nil, days: 7).isEmpty)
        #expect(try setup.store.earlierAnswers(learnerID: setup.learner.id + 1, frameworkID: "essai", excluding: nil,
                                               before: nil, days: 7).isEmpty)
    }

    @Test func theEngineKeepsTheLatestAnswerPerItemInScope() {
        let framework = Framework(id: "f", title: "F", description: "", domains: [
            Domain(id: "1", title: "D", competences: [
                Competence(id: "C1", title: "C1", tubes: [Tube(id: "A", title: "A", skills: (1...3).map {
                    Skill(id: "@A\($0)", level: $0, title: "A\($0)")
                })]),
            ]),
        ])
        let items = framework.skills.map { skill in
            Item(id: "item\(skill.id)", skillID: skill.id, type: .qcu, prompt: "?",
                 choices: [Choice(id: "a", text: "Oui", correct: true), Choice(id: "b", text: "Non")], feedback: "f")
        }
        let engine = AssessmentEngine(framework: framework, items: items, settings: AssessmentSettings(frameworkID: "f"))
        let earlier = [AnsweredItem(itemID: "item@A2", skillID: "@A2", correct: false),
                       AnsweredItem(itemID: "unknown", skillID: "@Z1", correct: true),
                       AnsweredItem(itemID: "item@A2", skillID: "@A2", correct: true)]
        let carried = engine.carriedOver(earlier)
        #expect(carried.answers == [AnsweredItem(itemID: "item@A2", skillID: "@A2", correct: true)])
        // Smart random's inference: a right answer on @A2 validates @A1.
        #expect(carried.elements.map(\.skillID) == ["@A2", "@A1"])
        #expect(engine.nextItem(answers: carried.answers, elements: carried.elements, seed: "s")?.id == "item@A3")
    }

    @Test func theFormOffersTheOptionAndStoresItOnTheAssessment() throws {
        let settings = AssessmentSettings(frameworkID: "essai", carryOverDays: 7)
        let decoded = try JSONDecoder().decode(AssessmentSettings.self, from: JSONEncoder().encode(settings))
        #expect(decoded.carryOverDays == 7)
        let old = #"{"algorithm":"irt","frameworkID":"numerique","maxLength":40,"maxLevel":6,"targetStandardError":0.3}"#
        #expect(try JSONDecoder().decode(AssessmentSettings.self, from: Data(old.utf8)).carryOverDays == nil)
    }
}
