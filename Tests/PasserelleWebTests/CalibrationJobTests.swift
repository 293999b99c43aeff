import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
@testable import PasserelleWeb

@Suite struct CalibrationJobTests {
    /// 400 simulated runs answer the fixture's 11 items; calibration saves parameters that the IRT mode then uses.
    @Test func calibrationSavesParametersTheIRTModeReads() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        let catalog = try ContentLoader.load(fixture.contentRoot)
        let store = try Store(path: temporaryFolderPath() + "/c.sqlite")
        #expect(throws: ItemCalibration.Failure.self) { try ItemCalibration.run(store: store, catalog: catalog) }

        let org = try store.createOrganisation(name: "O")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "A", lastName: "B", codeSelector: nil, codeHash: nil)
        let items = catalog.items.sorted { $0.id < $1.id }
        let index = SkillIndex(catalog.frameworks)
        // True difficulty: the skill level's default, shifted by +1 for item qA3 (harder than its level says).
        func truth(_ item: Item) -> ItemParameters {
            var p = IRT.defaultParameters(level: index[item.skillID]!.skill.level)
            if item.id == "qA3" { p.difficulty += 1 }
            return p
        }
        var random = SeededRandom(seed: 5)
        for _ in 0..<400 {
            let theta = random.nextGaussian()
            let run = try store.createAssessment(learnerID: learner.id, assignmentID: nil, frameworkID: "essai",
                                                 algorithm: "irt", settings: "{}", purpose: .free, seed: 1,
                                                 firstItemID: items[0].id)
            for (position, item) in items.enumerated() {
                let correct = random.nextUnit() < IRT.probability(theta: theta, truth(item))
                try store.recordAnswer(assessmentID: run.id, itemID: item.id, skillID: item.skillID, answer: "{}",
                                       correct: correct, timeSpentMs: 0, elements: [],
                                       nextItemID: position + 1 < items.count ? items[position + 1].id : nil)
            }
        }
        let outcome = try ItemCalibration.run(store: store, catalog: catalog, minimumCount: 30, model: .rasch)
        #expect(outcome.answers == 400 * items.count)
        #expect(outcome.items.count == items.count)
        let saved = try store.calibratedParameters()
        #expect(saved.count == items.count)
        let hard = try #require(saved["qA3"]), normal = try #require(saved["qB3"])
        #expect(hard.difficulty - normal.difficulty > 0.6, "the harder item is found harder: \(hard) vs \(normal)")

        // The IRT mode now reads these parameters.
        let service = AssessmentService(store: store, catalog: catalog)
        let engine = try service.engine(AssessmentSettings(frameworkID: "essai", algorithm: .irt))
        var withGuessing = hard
        withGuessing.guessing = 0.5  // two choices
        #expect(engine.parameters(of: "qA3") == withGuessing)
    }
}
