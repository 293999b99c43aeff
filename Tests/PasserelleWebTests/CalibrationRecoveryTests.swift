import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
@testable import PasserelleWeb

/// A content root with four competences (1.1 to 1.4), each with two tubes of five levels and one free-answer
/// question (no guessing) per skill: 40 items, 10 per competence.
struct FourCompetenceFixture {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("calib4-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("Assessments/frameworks"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("Assessments/items"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("Curriculum"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(at: root.appendingPathComponent("Web"), withDestinationURL: repositoryRoot.appendingPathComponent("Web"))
        var framework = """
            id: quatre
            title: Quatre compétences
            domains:
              - id: "1"
                title: Domaine
                competences:

            """
        var items = "items:\n"
        for competence in 1...4 {
            framework += "          - id: \"1.\(competence)\"\n            title: Compétence \(competence)\n            tubes:\n"
            for tube in ["a", "b"] {
                let tubeID = "t\(competence)\(tube)"
                framework += "              - id: \(tubeID)\n                title: Tube \(tubeID)\n                skills:\n"
                for level in 1...5 {
                    framework += "                  - { id: \"@\(tubeID)\(level)\", level: \(level), title: \"\(tubeID) \(level)\" }\n"
                    items += """
                          - id: q\(tubeID)\(level)
                            skill: "@\(tubeID)\(level)"
                            type: qroc
                            status: validated
                            prompt: "Question \(tubeID)\(level)"
                            fields: [{ id: r, label: Réponse, accepted: [juste] }]
                            feedback: La réponse juste est « juste ».

                        """
                }
            }
        }
        try framework.write(to: root.appendingPathComponent("Assessments/frameworks/quatre.yaml"), atomically: true, encoding: .utf8)
        try items.write(to: root.appendingPathComponent("Assessments/items/quatre.yaml"), atomically: true, encoding: .utf8)
    }

    var contentRoot: ContentRoot { try! ContentRoot(validating: root.path) }
    func remove() { try? FileManager.default.removeItem(at: root) }
}

@Suite struct CalibrationRecoveryTests {
    /// 500 runs answer the 40 items of four independent competences (one ability per competence, as the engine
    /// estimates). Treating a whole run as one person recovered the generated parameters of this data with RMSE
    /// 0.86 (a) and 2.51 (b); the person is now (run, competence). The floor of this design (items up to 2.5
    /// from the population's centre, slopes down to 0.7), a logistic regression on the true abilities, is 0.16 (a)
    /// and 0.18 (b); the calibration, linked to the item files' scale, gets 0.24 and 0.22.
    @Test func recoversParametersWithFourIndependentCompetences() throws {
        let fixture = try FourCompetenceFixture()
        defer { fixture.remove() }
        let catalog = try ContentLoader.load(fixture.contentRoot)
        let store = try Store(path: temporaryFolderPath() + "/c4.sqlite")
        let org = try store.createOrganisation(name: "O")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "A", lastName: "B", codeSelector: nil, codeHash: nil)
        let items = catalog.items.sorted { $0.id < $1.id }
        #expect(items.count == 40)
        let index = SkillIndex(catalog.frameworks)
        var truth: [String: ItemParameters] = [:]
        for (position, item) in items.enumerated() {
            let level = index[item.skillID]!.skill.level
            let jitter = 0.6 * Double((position * 7) % 11) / 10 - 0.3
            let a = 0.7 + 1.1 * Double((position * 17) % 40) / 39
            truth[item.id] = ItemParameters(difficulty: IRT.defaultParameters(level: level).difficulty + jitter, discrimination: a)
        }
        var random = SeededRandom(seed: 11)
        try store.batch {
            for _ in 0..<500 {
                var abilities: [String: Double] = [:]
                for competence in ["1.1", "1.2", "1.3", "1.4"] { abilities[competence] = random.nextGaussian() }
                let run = try store.createAssessment(learnerID: learner.id, assignmentID: nil, frameworkID: "quatre",
                                                     algorithm: "irt", settings: "{}", purpose: .free, seed: 1,
                                                     firstItemID: items[0].id)
                for (position, item) in items.enumerated() {
                    let theta = abilities[index[item.skillID]!.competenceID]!
                    let correct = random.nextUnit() < IRT.probability(theta: theta, truth[item.id]!)
                    try store.recordAnswer(assessmentID: run.id, itemID: item.id, skillID: item.skillID, answer: "{}",
                                           correct: correct, timeSpentMs: 0, elements: [],
                                           nextItemID: position + 1 < items.count ? items[position + 1].id : nil)
                }
            }
        }
        let outcome = try ItemCalibration.run(store: store, catalog: catalog)
        let saved = try store.calibratedParameters()
        #expect(saved.count == 40)
        func rmse(_ value: (ItemParameters) -> Double) -> Double {
            let errors = truth.compactMap { id, p in saved[id].map { value($0) - value(p) } }
            return (errors.map { $0 * $0 }.reduce(0, +) / Double(max(1, errors.count))).squareRoot()
        }
        let rmseA = rmse(\.discrimination), rmseB = rmse(\.difficulty)
        print("Calibration, 500 runs x 4 independent competences x 10 items: RMSE a = \(rmseA), RMSE b = \(rmseB), answers = \(outcome.answers)")
        #expect(rmseA <= 0.3)
        #expect(rmseB <= 0.3)
        // The first calibration is linked to the item files' scale, on which the cut scores were set.
        #expect(outcome.linkedTo == "defaults" && outcome.link?.anchors == 40)
        // What `calibrate --json` prints: standard errors, infit and outfit for every item, and the list to review.
        let report = ItemCalibration.report(outcome)
        #expect(report.items.count == 40)
        #expect(report.items.allSatisfy { $0.difficultySE != nil && $0.discriminationSE != nil && $0.infit != nil && $0.fit != nil })
        #expect(report.toReview == report.items.filter { !$0.review.isEmpty }.map(\.item))
        print("Items to review: \(report.items.filter { !$0.review.isEmpty }.map { ($0.item, $0.review) })")

        // A second calibration on the same answers links to the first one: the parameters stay where they were.
        let again = try ItemCalibration.run(store: store, catalog: catalog)
        #expect(again.linkedTo == "previous")
        let second = try store.calibratedParameters()
        let drift = saved.keys.map { abs((second[$0]?.difficulty ?? 99) - (saved[$0]?.difficulty ?? 0)) }.max() ?? 99
        #expect(drift < 0.05, "largest change of b between two calibrations of the same answers: \(drift)")
    }
}
