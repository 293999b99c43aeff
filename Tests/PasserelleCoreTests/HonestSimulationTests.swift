import Foundation
import Testing
@testable import PasserelleCore

@Suite struct HonestSimulationTests {
    let framework = sampleFramework()

    /// Four-choice QCU, a QCM of three, a free answer.
    func items() -> [Item] {
        sampleItems(framework).enumerated().map { offset, item in
            var item = item
            switch offset % 3 {
            case 0:
                item.choices = ["a", "b", "c", "d"].map { Choice(id: $0, text: $0, correct: $0 == "a") }
            case 1:
                item.type = .qcm
                item.choices = ["a", "b", "c"].map { Choice(id: $0, text: $0, correct: $0 != "c") }
            default:
                item.type = .qroc
                item.choices = []
                item.fields = [AnswerField(id: "r", label: "R", accepted: ["x"])]
            }
            return item
        }
    }

    @Test func answersGuessAndSlip() {
        let bank = items()
        let model = HardAnswerModel(framework: framework, items: bank, seed: 1)
        #expect(model.items.count == bank.count)
        let qcu = bank.first { $0.type == .qcu }!, qcm = bank.first { $0.type == .qcm }!, qroc = bank.first { $0.type == .qroc }!
        #expect(HardAnswerModel.guessing(qcu) == 0.25)
        #expect(abs(HardAnswerModel.guessing(qcm) - 1.0 / 7) < 1e-12)
        #expect(HardAnswerModel.guessing(qroc) == 0)
        var low = HardAnswerModel.Learner(abilities: [:], tubeOffsets: [:])
        var high = low
        for competence in model.competenceIDs {
            low.abilities[competence] = -30
            high.abilities[competence] = 30
        }
        // The weakest learner still guesses; the ablest still slips (unless the item is a weak one).
        for item in bank where !(model.items[item.id]?.weak ?? true) {
            #expect(abs(model.probability(item.id, low) - HardAnswerModel.guessing(item)) < 1e-6)
            #expect(abs(model.probability(item.id, high) - (1 - HardAnswerModel.slip)) < 1e-6)
        }
        #expect(bank.contains { $0.id == qroc.id })
        // True difficulties stay within half a level of their skill's level.
        let index = SkillIndex([framework])
        for item in bank {
            let level = IRT.defaultParameters(level: index[item.skillID]!.skill.level).difficulty
            #expect(abs(model.items[item.id]!.parameters.difficulty - level) <= HardAnswerModel.jitter + 1e-12)
        }
    }

    @Test func correlatedAbilitiesAroundThePopulationMean() {
        let model = HardAnswerModel(framework: framework, items: items(), seed: 2)
        var random = SeededRandom(seed: 3)
        var first: [Double] = [], second: [Double] = []
        for _ in 0..<4000 {
            let learner = model.learner(.low, using: &random)
            first.append(learner.abilities["C1"]!)
            second.append(learner.abilities["C2"]!)
        }
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        let (m1, m2) = (mean(first), mean(second))
        let cov = zip(first, second).map { ($0 - m1) * ($1 - m2) }.reduce(0, +) / Double(first.count)
        let sd1 = (first.map { ($0 - m1) * ($0 - m1) }.reduce(0, +) / Double(first.count)).squareRoot()
        let sd2 = (second.map { ($0 - m2) * ($0 - m2) }.reduce(0, +) / Double(second.count)).squareRoot()
        #expect(abs(m1 - SimulatedPopulation.low.mean) < 0.05)
        #expect(abs(sd1 - SimulatedPopulation.low.spread) < 0.05)
        #expect(abs(cov / (sd1 * sd2) - HardAnswerModel.correlation) < 0.05)
    }

    /// A small run: deterministic given the seed, with every figure in range and consistent with the others.
    @Test func aSmallRunIsDeterministicAndConsistent() {
        let bank = items()
        let model = HardAnswerModel(framework: framework, items: bank, seed: 4)
        let (parameters, check) = HonestSimulation.calibrate(framework: framework, items: bank, model: model,
                                                             learners: 300, itemsPerCompetence: 4, seed: 4)
        #expect(check.calibratedItems == parameters.count && check.calibratedItems > 0)
        #expect(check.difficultyRMSE.isFinite && check.discriminationRMSE.isFinite)
        for algorithm in AssessmentAlgorithm.allCases {
            func run() -> HonestSimulationReport {
                HonestSimulation.run(framework: framework, items: bank,
                                     settings: AssessmentSettings(frameworkID: "f", algorithm: algorithm, maxLength: 10),
                                     population: .general, learners: 30, seed: 4, model: model, calibrated: parameters,
                                     calibration: check)
            }
            let report = run()
            #expect(report == run())
            #expect(report.learners == 30 && report.overall.count == 60)
            #expect(report.questions.max >= report.questions.p95 && Double(report.questions.p95) >= report.questions.mean.rounded(.down))
            #expect(report.perTrueLevel.map(\.accuracy.count).reduce(0, +) == 60)
            #expect(report.perCompetence.map(\.competenceID) == ["C1", "C2"])
            #expect((0...1).contains(report.overall.exactShare) && report.overall.exactShare <= report.overall.withinOneShare)
            #expect(report.baseline.withinOneShare >= 0 && report.baseline.level <= report.maxLevel)
            if algorithm == .irt { #expect(report.questions.max <= 10) }
        }
    }

    @Test func theReportGivesItemExposure() {
        let bank = items()
        let model = HardAnswerModel(framework: framework, items: bank, seed: 4)
        func run(_ maxExposure: Double?) -> HonestSimulationReport.Exposure? {
            HonestSimulation.run(framework: framework, items: bank,
                                 settings: AssessmentSettings(frameworkID: "f", algorithm: .irt, maxLength: 6,
                                                              maxExposure: maxExposure),
                                 population: .general, learners: 90, seed: 4, model: model, calibrated: [:],
                                 calibration: nil).exposure
        }
        guard let free = run(nil), let limited = run(0.3) else {
            Issue.record("no exposure in the report")
            return
        }
        #expect(free.itemsInScope == bank.count && free.itemsShown <= free.itemsInScope)
        #expect(free.maxRate >= free.p95Rate && free.maxRate <= 1 && free.p95Rate >= 0)
        #expect(limited.maxRate <= free.maxRate, "\(limited.maxRate) against \(free.maxRate)")
    }
}
