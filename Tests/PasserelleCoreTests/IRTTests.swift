import Foundation
import Testing
@testable import PasserelleCore

@Suite struct IRTModelTests {
    @Test func probabilityAndInformationByHand() {
        // P = 1 / (1 + exp(-a (theta - b))), I = a^2 P (1 - P); values computed independently.
        let cases: [(theta: Double, b: Double, a: Double, p: Double, info: Double)] = [
            (0, 0, 1, 0.5, 0.25),
            (1, 0, 2, 0.8807970779778823, 0.41997434161402647),
            (-1, 0.5, 1.5, 0.09534946489910949, 0.1940803749957667),
            (3, -1, 0.5, 0.8807970779778823, 0.026248396350876654),
        ]
        for c in cases {
            let parameters = ItemParameters(difficulty: c.b, discrimination: c.a)
            #expect(abs(IRT.probability(theta: c.theta, parameters) - c.p) < 1e-12, "P at \(c)")
            #expect(abs(IRT.information(theta: c.theta, parameters) - c.info) < 1e-12, "I at \(c)")
        }
        // Tails neither overflow nor produce NaN.
        let steep = ItemParameters(difficulty: 0, discrimination: 4)
        #expect(IRT.probability(theta: -300, steep) >= 0)
        #expect(IRT.probability(theta: -300, steep) < 1e-300)
        #expect(IRT.probability(theta: 300, steep) == 1)
        #expect(IRT.information(theta: 300, steep) == 0)
    }

    /// With a lower asymptote c: P = c + (1 - c) s(a (theta - b)), I = a^2 (P - c)^2 (1 - P) / ((1 - c)^2 P).
    @Test func guessingByHand() {
        let parameters = ItemParameters(difficulty: 0.5, discrimination: 1.5, guessing: 0.25)
        let s = 1 / (1 + exp(-1.5 * (1 - 0.5)))
        let p = 0.25 + 0.75 * s
        #expect(abs(IRT.probability(theta: 1, parameters) - p) < 1e-12)
        #expect(abs(IRT.information(theta: 1, parameters) - 2.25 * (p - 0.25) * (p - 0.25) * (1 - p) / (0.5625 * p)) < 1e-12)
        #expect(abs(IRT.probability(theta: -50, parameters) - 0.25) < 1e-12, "the weakest still guess")
        // Old stored parameters (no guessing field) decode with c = 0.
        let old = try? JSONDecoder().decode(ItemParameters.self, from: Data(#"{"difficulty":1,"discrimination":2}"#.utf8))
        #expect(old == ItemParameters(difficulty: 1, discrimination: 2))
        // The type decides: a single choice among 4, a multiple choice among 3 (7 non-empty sets), free text.
        let qcu = Item(id: "u", skillID: "s", type: .qcu, prompt: "?",
                       choices: ["a", "b", "c", "d"].map { Choice(id: $0, text: $0, correct: $0 == "a") }, feedback: "f")
        var qcm = qcu
        qcm.type = .qcm
        qcm.choices.removeLast()
        let qroc = Item(id: "r", skillID: "s", type: .qroc, prompt: "?", feedback: "f")
        #expect(IRT.guessing(for: qcu) == 0.25)
        #expect(abs(IRT.guessing(for: qcm) - 1.0 / 7) < 1e-12)
        #expect(IRT.guessing(for: qroc) == 0)
    }

    /// Answers simulated with guessing 1/4: calibrated without it, easy items look easier still and the slopes
    /// flatten; with the guessing fixed, b and a come back.
    @Test func calibrationWithFixedGuessingRecoversTheItems() {
        var truth: [String: ItemParameters] = [:]
        for index in 0..<30 {
            truth[String(format: "g-%02d", index)] = ItemParameters(
                difficulty: -1.5 + 3 * Double(index) / 29, discrimination: 1 + 0.8 * Double((index * 7) % 30) / 29, guessing: 0.25)
        }
        let responses = CalibrationTests.simulate(persons: 1500, items: truth, seed: 5)
        let guessing = truth.mapValues(\.guessing)
        let without = Calibration.calibrate(responses, defaults: [:], model: .twoPL)
        let with = Calibration.calibrate(responses, defaults: [:], model: .twoPL, guessing: guessing)
        let rmse = { (r: [CalibratedItem], f: (ItemParameters) -> Double) in CalibrationTests.rmse(r, truth, f) }
        print("Guessing 1/4, 1500 persons x 30 items: RMSE b \(rmse(without) { $0.difficulty }) without, \(rmse(with) { $0.difficulty }) with; RMSE a \(rmse(without) { $0.discrimination }) without, \(rmse(with) { $0.discrimination }) with")
        #expect(rmse(with) { $0.difficulty } < 0.2)
        #expect(rmse(with) { $0.discrimination } < 0.25)
        #expect(rmse(without) { $0.difficulty } > 2 * rmse(with) { $0.difficulty })
        #expect(with.allSatisfy { $0.parameters.guessing == 0.25 })
    }

    @Test func defaultParametersAndCutScores() {
        let expected = [-2.25, -1.35, -0.45, 0.45, 1.35, 2.25, 3.15, 4.05]
        for level in 1...8 {
            let parameters = IRT.defaultParameters(level: level)
            #expect(abs(parameters.difficulty - expected[level - 1]) < 1e-12, "level \(level)")
            #expect(parameters.discrimination == 1)
        }
        #expect(IRT.defaultCutScores.count == 8)
        for (cut, value) in zip(IRT.defaultCutScores, expected) {
            #expect(abs(cut - value) < 1e-12)
        }
    }

    @Test func levelFromTheta() {
        let cuts = IRT.defaultCutScores
        #expect(IRT.level(theta: -3, cutScores: cuts, maxLevel: 8) == 0, "below the first cut")
        #expect(IRT.level(theta: cuts[0], cutScores: cuts, maxLevel: 8) == 1, "exactly on the first cut")
        #expect(IRT.level(theta: cuts[3], cutScores: cuts, maxLevel: 8) == 4, "exactly on the fourth cut")
        #expect(IRT.level(theta: cuts[3].nextDown, cutScores: cuts, maxLevel: 8) == 3, "just below the fourth cut")
        #expect(IRT.level(theta: 0, cutScores: cuts, maxLevel: 8) == 3)
        #expect(IRT.level(theta: 10, cutScores: cuts, maxLevel: 8) == 8)
        #expect(IRT.level(theta: 10, cutScores: cuts, maxLevel: 6) == 6, "capped at maxLevel")
        #expect(IRT.level(theta: 2, cutScores: cuts, maxLevel: 5) == 5, "capped at maxLevel")
        #expect(IRT.level(theta: 2, cutScores: [], maxLevel: 8) == 0)
    }

    @Test func itemParametersAreCodable() throws {
        let parameters = ItemParameters(difficulty: -0.75, discrimination: 1.25)
        let data = try JSONEncoder().encode(parameters)
        #expect(try JSONDecoder().decode(ItemParameters.self, from: data) == parameters)
    }
}

@Suite struct EAPTests {
    @Test func threeItemPosteriorComputedByHand() {
        // Items b = -1, 0, 1 with a = 1, 1.5, 0.8; answers right, right, wrong.
        let bs = [-1.0, 0.0, 1.0]
        let as_ = [1.0, 1.5, 0.8]
        let right = [true, true, false]
        // Posterior on -6, -5.9, ..., 6 (121 points) with the N(0,1) prior, from the definitions.
        var weightSum = 0.0
        var firstMoment = 0.0
        var secondMoment = 0.0
        for k in 0...120 {
            let theta = -6.0 + 0.1 * Double(k)
            var weight = exp(-theta * theta / 2)
            for j in 0..<3 {
                let p = 1.0 / (1.0 + exp(-as_[j] * (theta - bs[j])))
                weight *= right[j] ? p : 1 - p
            }
            weightSum += weight
            firstMoment += weight * theta
            secondMoment += weight * theta * theta
        }
        let mean = firstMoment / weightSum
        let sd = (secondMoment / weightSum - mean * mean).squareRoot()

        let estimate = EAPEstimator().estimate([
            (ItemParameters(difficulty: -1, discrimination: 1), true),
            (ItemParameters(difficulty: 0, discrimination: 1.5), true),
            (ItemParameters(difficulty: 1, discrimination: 0.8), false),
        ])
        #expect(abs(estimate.theta - mean) < 1e-6, "theta \(estimate.theta) vs \(mean)")
        #expect(abs(estimate.standardError - sd) < 1e-6, "SE \(estimate.standardError) vs \(sd)")
        // Sanity: two rights and one wrong pull theta up from the prior mean and shrink the SD.
        #expect(mean > 0.2 && mean < 1.2)
        #expect(sd < 0.95)
    }

    @Test func noResponsesGivesThePrior() {
        let estimate = EAPEstimator().estimate([])
        #expect(abs(estimate.theta) < 1e-9)
        #expect(abs(estimate.standardError - 1) < 1e-3)
    }

    /// `calibrate` allows |b| up to 6 and a up to 4: at the edge the default grid must still hold the posterior,
    /// or the estimate sticks to the grid's end and the standard error collapses. Reference: the same posterior
    /// on a wide, fine grid (-15...15, step 0.005) computed here.
    @Test func gridCoversTheEdgesThatCalibrationAllows() {
        func reference(_ responses: [(parameters: ItemParameters, correct: Bool)]) -> (mean: Double, sd: Double) {
            var w = 0.0, m1 = 0.0, m2 = 0.0
            for k in 0...6000 {
                let theta = -15 + 0.005 * Double(k)
                var logWeight = -theta * theta / 2
                for r in responses {
                    let p = 1 / (1 + exp(-r.parameters.discrimination * (theta - r.parameters.difficulty)))
                    logWeight += log(r.correct ? p : 1 - p)
                }
                let weight = exp(logWeight + 40)
                w += weight
                m1 += weight * theta
                m2 += weight * theta * theta
            }
            let mean = m1 / w
            return (mean, (m2 / w - mean * mean).squareRoot())
        }
        for (b, correct) in [(6.0, true), (-6.0, false), (5.5, true)] {
            let responses = Array(repeating: (parameters: ItemParameters(difficulty: b, discrimination: 4), correct: correct), count: 3)
            let estimate = EAPEstimator().estimate(responses)
            let truth = reference(responses)
            print("3 answers \(correct ? "right" : "wrong") at b = \(b), a = 4: theta = \(estimate.theta) (reference \(truth.mean)), SE = \(estimate.standardError) (reference \(truth.sd))")
            #expect(abs(estimate.theta - truth.mean) < 0.02)
            #expect(abs(estimate.standardError - truth.sd) < 0.1 * truth.sd)
        }
    }

    @Test func longAllCorrectTestDoesNotUnderflow() {
        let responses = (0..<400).map { _ in (parameters: ItemParameters(difficulty: 0, discrimination: 4), correct: true) }
        let estimate = EAPEstimator().estimate(responses)
        #expect(estimate.theta.isFinite && estimate.standardError.isFinite)
        #expect(estimate.theta > 1.5)
    }
}

@Suite struct CorrelatedEAPTests {
    /// Two competences with correlation 0.6: the hierarchical computation equals the posterior means and SDs of
    /// a brute-force bivariate normal prior on a 2-D grid; with no correlation it is the independent EAP.
    @Test func matchesABruteForceBivariatePosterior() {
        let rho = 0.6
        let first: [(parameters: ItemParameters, correct: Bool)] = [
            (ItemParameters(difficulty: -1, discrimination: 1.2), true),
            (ItemParameters(difficulty: 0.5, discrimination: 0.9, guessing: 0.25), true),
            (ItemParameters(difficulty: 1.5, discrimination: 1.5), false),
        ]
        let second: [(parameters: ItemParameters, correct: Bool)] = [(ItemParameters(difficulty: 0.2, discrimination: 1), false)]
        let estimates = CorrelatedEAP(correlation: rho).estimates([first, second, []])
        // Brute force over (theta1, theta2) with the bivariate normal density, then theta3 given theta1, theta2
        // (its conditional mean and variance under the equicorrelated prior).
        var w = 0.0, m1 = 0.0, s1 = 0.0, m2 = 0.0, s2 = 0.0, m3 = 0.0, s3 = 0.0
        let step = 0.02
        for i in 0...600 {
            let x = -6 + step * Double(i)
            var lx = 0.0
            for r in first { lx += log(r.correct ? IRT.probability(theta: x, r.parameters) : 1 - IRT.probability(theta: x, r.parameters)) }
            for j in 0...600 {
                let y = -6 + step * Double(j)
                var ly = 0.0
                for r in second { ly += log(r.correct ? IRT.probability(theta: y, r.parameters) : 1 - IRT.probability(theta: y, r.parameters)) }
                let prior = -0.5 * (x * x - 2 * rho * x * y + y * y) / (1 - rho * rho)
                let weight = exp(prior + lx + ly)
                // theta3 | theta1, theta2 under the 3-variate equicorrelated prior.
                let mean3 = rho / (1 + rho) * (x + y)
                let variance3 = 1 - 2 * rho * rho / (1 + rho)
                w += weight
                m1 += weight * x; s1 += weight * x * x
                m2 += weight * y; s2 += weight * y * y
                m3 += weight * mean3; s3 += weight * (variance3 + mean3 * mean3)
            }
        }
        let reference = [(m1 / w, (s1 / w - (m1 / w) * (m1 / w)).squareRoot()), (m2 / w, (s2 / w - (m2 / w) * (m2 / w)).squareRoot()),
                         (m3 / w, (s3 / w - (m3 / w) * (m3 / w)).squareRoot())]
        for (estimate, truth) in zip(estimates, reference) {
            print("correlated EAP \(estimate.theta) ± \(estimate.standardError), brute force \(truth.0) ± \(truth.1)")
            #expect(abs(estimate.theta - truth.0) < 0.01)
            #expect(abs(estimate.standardError - truth.1) < 0.01)
        }
        // The third competence has no answer but moves with the others: above 0 as they are on balance.
        #expect(abs(estimates[2].theta) > 0.02)
        // No correlation: the independent EAP.
        let independent = CorrelatedEAP(correlation: 0).estimates([first, second])
        #expect(independent[0] == EAPEstimator().estimate(first) && independent[1] == EAPEstimator().estimate(second))
    }

    @Test func aLevelIsDecidedWhenTheIntervalHoldsNoCut() {
        let decision = LevelDecision(cutScores: IRT.defaultCutScores, maxLevel: 6, z: 1, minimumAnswers: 2)
        // Cuts at -2.25, -1.35, -0.45, 0.45, 1.35, 2.25 (3.15 and 4.05 are above level 6).
        #expect(decision.isDecided(AbilityEstimate(theta: 0, standardError: 0.3), answers: 2))
        #expect(!decision.isDecided(AbilityEstimate(theta: 0, standardError: 0.3), answers: 1), "two answers at least")
        #expect(!decision.isDecided(AbilityEstimate(theta: 0.3, standardError: 0.3), answers: 5), "0.45 inside")
        #expect(decision.isDecided(AbilityEstimate(theta: 3.5, standardError: 0.9), answers: 3), "above the last reachable cut")
        #expect(decision.isDecided(AbilityEstimate(theta: -3.5, standardError: 1), answers: 3), "below the first cut")
    }

    /// With tubes known, each tube of a competence is asked once before any is asked again, and a competence
    /// whose level is decided leaves its place to the others.
    @Test func tubesRotateAndDecidedCompetencesStop() {
        var candidates: [IRTCandidate] = []
        for tube in ["t1", "t2", "t3"] {
            for index in 0..<6 {
                candidates.append(IRTCandidate(itemID: "\(tube)-\(index)", competenceID: "c",
                                               parameters: ItemParameters(difficulty: Double(index) - 2.5, discrimination: tube == "t1" ? 2 : 1),
                                               tubeID: tube))
            }
        }
        let engine = IRTEngine(candidates: candidates, targetStandardError: 0, maxLength: 6, topK: 1)
        let responses = IRTEngineTests.simulate(engine, theta: 0, seed: 1)
        let tubes = responses.map { String($0.itemID.prefix(2)) }
        #expect(Set(tubes.prefix(3)) == ["t1", "t2", "t3"], "\(tubes)")
        #expect(Set(tubes.suffix(3)) == ["t1", "t2", "t3"], "\(tubes)")

        let decided = IRTEngine(candidates: IRTEngineTests.pool(competences: ["a", "b"], perCompetence: 30), targetStandardError: 0,
                                maxLength: 60, decision: LevelDecision(cutScores: [0], maxLevel: 1, z: 1, minimumAnswers: 2))
        let run = IRTEngineTests.simulate(decided, theta: 2.5, seed: 4)
        #expect(run.count < 60, "both levels decided before the maximum length")
        let estimates = decided.estimates(run)
        #expect(estimates["a"]!.theta - estimates["a"]!.standardError > 0 && estimates["b"]!.theta - estimates["b"]!.standardError > 0)
    }
}

@Suite struct IRTEngineTests {
    /// A pool of `perCompetence` items for each competence with varied parameters.
    static func pool(competences: [String], perCompetence: Int) -> [IRTCandidate] {
        var generator = SeededRandom(seed: 99)
        var candidates: [IRTCandidate] = []
        for competence in competences {
            for index in 0..<perCompetence {
                let b = -2.5 + 5 * generator.nextUnit()
                let a = 0.6 + 1.4 * generator.nextUnit()
                candidates.append(IRTCandidate(
                    itemID: "\(competence)-\(index)", competenceID: competence,
                    parameters: ItemParameters(difficulty: b, discrimination: a)))
            }
        }
        return candidates
    }

    /// Runs a whole assessment, answering as a simulated person of ability `theta`.
    static func simulate(
        _ engine: IRTEngine, theta: Double, seed: UInt64, answerSeed: UInt64 = 1
    ) -> [IRTResponse] {
        var generator = SeededRandom(seed: seed)
        var answers = SeededRandom(seed: answerSeed)
        var responses: [IRTResponse] = []
        while let item = engine.nextItem(after: responses, using: &generator) {
            let correct = answers.nextUnit() < IRT.probability(theta: theta, item.parameters)
            responses.append(IRTResponse(itemID: item.itemID, correct: correct))
            if responses.count > 1000 { break }
        }
        return responses
    }

    @Test func topKOnePicksTheMostInformativeItem() {
        let candidates = [
            IRTCandidate(itemID: "easy", competenceID: "c", parameters: ItemParameters(difficulty: -2, discrimination: 2)),
            IRTCandidate(itemID: "flat", competenceID: "c", parameters: ItemParameters(difficulty: 0, discrimination: 0.8)),
            IRTCandidate(itemID: "sharp", competenceID: "c", parameters: ItemParameters(difficulty: 0.2, discrimination: 1.8)),
            IRTCandidate(itemID: "hard", competenceID: "c", parameters: ItemParameters(difficulty: 2.5, discrimination: 2.5)),
        ]
        let engine = IRTEngine(candidates: candidates, targetStandardError: 0.01, maxLength: 10, topK: 1)
        var generator = SeededRandom(seed: 1)
        // At theta = 0: I(sharp) = 3.24 P(1-P) with P = 1/(1+e^0.36) ~ 0.411, i.e. ~0.784, the largest.
        #expect(engine.nextItem(after: [], using: &generator)?.itemID == "sharp")

        // After some answers, the choice is the argmax of a^2 P (1 - P) at the new estimate, computed here.
        var responses: [IRTResponse] = []
        for _ in 0..<3 {
            let item = engine.nextItem(after: responses, using: &generator)!
            let theta = engine.estimates(responses)["c"]!.theta
            let answered = Set(responses.map(\.itemID))
            var best = ""
            var bestInformation = -1.0
            for candidate in candidates where !answered.contains(candidate.itemID) {
                let a = candidate.parameters.discrimination
                let p = 1 / (1 + exp(-a * (theta - candidate.parameters.difficulty)))
                if a * a * p * (1 - p) > bestInformation {
                    bestInformation = a * a * p * (1 - p)
                    best = candidate.itemID
                }
            }
            #expect(item.itemID == best, "at theta \(theta)")
            responses.append(IRTResponse(itemID: item.itemID, correct: true))
        }
    }

    /// Competence "x" has items far more informative at theta = 0 than those of "y": without content balancing
    /// they would take every question. Each competence gets its share, and "y" is not left at the prior.
    @Test func everyCompetenceGetsItsShareOfQuestions() {
        var candidates: [IRTCandidate] = []
        for index in 0..<30 {
            candidates.append(IRTCandidate(itemID: "x\(index)", competenceID: "x",
                                           parameters: ItemParameters(difficulty: 0, discrimination: 2)))
            candidates.append(IRTCandidate(itemID: "y\(index)", competenceID: "y",
                                           parameters: ItemParameters(difficulty: 2.5, discrimination: 0.8)))
        }
        let engine = IRTEngine(candidates: candidates, targetStandardError: 0.01, maxLength: 10, topK: 1)
        let responses = IRTEngineTests.simulate(engine, theta: 0, seed: 3)
        #expect(responses.count == 10)
        #expect(responses.filter { $0.itemID.hasPrefix("x") }.count == 5)
        #expect(responses.filter { $0.itemID.hasPrefix("y") }.count == 5)
        // A competence that reaches its target standard error leaves its place to the others.
        let precise = IRTEngine(candidates: candidates, targetStandardError: 0.7, maxLength: 40, topK: 1)
        let finished = IRTEngineTests.simulate(precise, theta: 0, seed: 3)
        let estimates = precise.estimates(finished)
        #expect(finished.filter { $0.itemID.hasPrefix("x") }.count < finished.filter { $0.itemID.hasPrefix("y") }.count)
        #expect(estimates["x"]!.standardError <= 0.7 && estimates["y"]!.standardError <= 0.7)
    }

    @Test func exposureControlDrawsAmongTheTopK() {
        let candidates = Self.pool(competences: ["c"], perCompetence: 30)
        let engine = IRTEngine(candidates: candidates, topK: 5)
        let ranked = candidates.sorted {
            IRT.information(theta: 0, $0.parameters) > IRT.information(theta: 0, $1.parameters)
        }
        let topFive = Set(ranked.prefix(5).map(\.itemID))
        var seen = Set<String>()
        for seed in 0..<200 as Range<UInt64> {
            var generator = SeededRandom(seed: seed)
            let item = engine.nextItem(after: [], using: &generator)!
            #expect(topFive.contains(item.itemID))
            seen.insert(item.itemID)
        }
        #expect(seen == topFive, "all five are drawn over 200 seeds")
    }

    @Test func stopsAtMaxLength() {
        let engine = IRTEngine(candidates: Self.pool(competences: ["c"], perCompetence: 30), targetStandardError: 0.01, maxLength: 7)
        let responses = Self.simulate(engine, theta: 0.3, seed: 5)
        #expect(responses.count == 7)
        var generator = SeededRandom(seed: 5)
        #expect(engine.nextItem(after: Array(responses.prefix(6)), using: &generator) != nil)
        #expect(engine.nextItem(after: responses, using: &generator) == nil)
    }

    @Test func stopsWhenStandardErrorReachesTarget() {
        let engine = IRTEngine(candidates: Self.pool(competences: ["c"], perCompetence: 80), targetStandardError: 0.5, maxLength: 80)
        let responses = Self.simulate(engine, theta: -0.4, seed: 3)
        let estimate = engine.estimates(responses)["c"]!
        #expect(estimate.standardError <= 0.5)
        #expect(responses.count < 80, "stopped on precision, not on length or pool")
        // One answer fewer and the SE was still above the target (otherwise it would have stopped earlier).
        #expect(engine.estimates(Array(responses.dropLast()))["c"]!.standardError > 0.5)

        // A target above the prior SD: nothing to ask.
        let satisfied = IRTEngine(candidates: Self.pool(competences: ["c"], perCompetence: 5), targetStandardError: 1.01)
        var generator = SeededRandom(seed: 0)
        #expect(satisfied.nextItem(after: [], using: &generator) == nil)
    }

    @Test func competenceThatReachedTargetIsNoLongerAsked() {
        let candidates = Self.pool(competences: ["a", "b"], perCompetence: 40)
        let engine = IRTEngine(candidates: candidates, targetStandardError: 0.6, maxLength: 200)
        let responses = Self.simulate(engine, theta: 0.5, seed: 11)
        let estimates = engine.estimates(responses)
        #expect(estimates["a"]!.standardError <= 0.6)
        #expect(estimates["b"]!.standardError <= 0.6)
        // Once a competence reached the target, no further item of it is asked.
        let competence = Dictionary(uniqueKeysWithValues: candidates.map { ($0.itemID, $0.competenceID) })
        for index in responses.indices {
            let before = engine.estimates(Array(responses.prefix(index)))
            let asked = competence[responses[index].itemID]!
            #expect(before[asked]!.standardError > 0.6)
        }
    }

    @Test func neverRepeatsAnItemAndStopsWhenThePoolIsExhausted() {
        let candidates = Self.pool(competences: ["a", "b"], perCompetence: 12)
        let engine = IRTEngine(candidates: candidates, targetStandardError: 0, maxLength: 100)
        let responses = Self.simulate(engine, theta: 1, seed: 8)
        #expect(responses.count == 24, "every item once, then stop")
        #expect(Set(responses.map(\.itemID)).count == responses.count)
    }

    @Test func sameSeedGivesTheSameSequence() {
        let engine = IRTEngine(candidates: Self.pool(competences: ["a", "b", "c"], perCompetence: 20), maxLength: 25)
        let first = Self.simulate(engine, theta: 0.2, seed: 42)
        let second = Self.simulate(engine, theta: 0.2, seed: 42)
        #expect(first == second)
        #expect(first.count == 25)
        // Stateless: replaying each prefix with a generator seeded per step gives the same item every time.
        for length in 0..<first.count {
            var g1 = SeededRandom(text: "assessment-7#\(length)")
            var g2 = SeededRandom(text: "assessment-7#\(length)")
            let prefix = Array(first.prefix(length))
            #expect(engine.nextItem(after: prefix, using: &g1) == engine.nextItem(after: prefix, using: &g2))
        }
        // Different seeds explore different items (exposure control).
        let others = (43..<48 as Range<UInt64>).map { Self.simulate(engine, theta: 0.2, seed: $0).map(\.itemID) }
        #expect(others.contains { $0 != first.map(\.itemID) })
    }

    @Test func restrictedToTheCandidatesGiven() {
        let candidates = Self.pool(competences: ["a"], perCompetence: 6)
        let engine = IRTEngine(candidates: candidates, targetStandardError: 0, maxLength: 50)
        let allowed = Set(candidates.map(\.itemID))
        // Answers to items outside the pool (another competence, say) are ignored.
        let foreign = [IRTResponse(itemID: "z-1", correct: true), IRTResponse(itemID: "z-2", correct: false)]
        #expect(engine.estimates(foreign) == engine.estimates([]))
        #expect(engine.estimates(foreign).keys.sorted() == ["a"])
        var generator = SeededRandom(seed: 4)
        var responses = foreign
        while let item = engine.nextItem(after: responses, using: &generator) {
            #expect(allowed.contains(item.itemID))
            responses.append(IRTResponse(itemID: item.itemID, correct: false))
        }
        #expect(responses.count == foreign.count + candidates.count)
    }

    @Test func estimatesPerCompetenceWithPriorForUnanswered() {
        let candidates = Self.pool(competences: ["a", "b"], perCompetence: 5)
        let engine = IRTEngine(candidates: candidates)
        let responses = [IRTResponse(itemID: "a-0", correct: true), IRTResponse(itemID: "a-1", correct: true)]
        let estimates = engine.estimates(responses)
        #expect(estimates.count == 2)
        #expect(abs(estimates["b"]!.theta) < 1e-9)
        #expect(abs(estimates["b"]!.standardError - 1) < 1e-3)
        let expected = EAPEstimator().estimate([(candidates[0].parameters, true), (candidates[1].parameters, true)])
        #expect(estimates["a"] == expected)
        #expect(estimates["a"]!.theta > 0)
    }
}

/// Issue 15: the cap on the ability change per answer (Pix's 0.5) and exposure control beyond the draw among the 5 best.
@Suite struct CapAndExposureTests {
    /// Two items at 0.5 and 1.5 and a very discriminating hard item answered right first.
    static let candidates = [
        IRTCandidate(itemID: "hard", competenceID: "c", parameters: ItemParameters(difficulty: 1, discrimination: 4)),
        IRTCandidate(itemID: "mid", competenceID: "c", parameters: ItemParameters(difficulty: 0.5, discrimination: 1.5)),
        IRTCandidate(itemID: "high", competenceID: "c", parameters: ItemParameters(difficulty: 1.5, discrimination: 1.5)),
        IRTCandidate(itemID: "other", competenceID: "d", parameters: ItemParameters(difficulty: 0, discrimination: 1)),
    ]

    @Test func theAbilityUsedToChooseMovesByAtMostTheCapPerAnswer() {
        let right = [IRTResponse(itemID: "hard", correct: true)]
        let free = IRTEngine(candidates: Self.candidates, targetStandardError: 0, maxLength: 10, topK: 1)
        let capped = IRTEngine(candidates: Self.candidates, targetStandardError: 0, maxLength: 10, topK: 1, capacityCap: 0.5)
        let raw = free.estimates(right)["c"]!.theta
        #expect(raw > 1.2, "one right answer on a sharp item at 1 moves the estimate past 1.2: \(raw)")
        #expect(abs(free.selectionTheta(for: "c", after: right) - raw) < 1e-12)
        #expect(abs(capped.selectionTheta(for: "c", after: right) - 0.5) < 1e-9, "0 before the answer, then +0.5 at most")
        // The reported estimate is never capped.
        #expect(capped.estimates(right)["c"]!.theta == raw)
        // Competence c is asked next (d has fewer answers first: answer d, then c comes back).
        let both = right + [IRTResponse(itemID: "other", correct: true)]
        var generator = SeededRandom(seed: 1)
        #expect(free.nextItem(after: both, using: &generator)?.itemID == "high")
        #expect(capped.nextItem(after: both, using: &generator)?.itemID == "mid")
        // Several answers: each step moves by at most the cap, so k answers move it by at most k x cap.
        let three = [IRTResponse(itemID: "hard", correct: true), IRTResponse(itemID: "mid", correct: true),
                     IRTResponse(itemID: "high", correct: true)]
        #expect(capped.selectionTheta(for: "c", after: three) <= 1.5 + 1e-9)
        #expect(free.selectionTheta(for: "c", after: three) > capped.selectionTheta(for: "c", after: three))
        // Without answers on the competence, nothing to cap.
        #expect(abs(capped.selectionTheta(for: "d", after: right) - free.selectionTheta(for: "d", after: right)) < 1e-12)
    }

    @Test func theCappedWalkMatchesTheFullEstimatesUnderTheCorrelatedPrior() {
        // With a cap larger than any change, the walk ends at the current estimate, and its past values are the
        // estimates the engine gave at those moments.
        let pool = IRTEngineTests.pool(competences: ["a", "b", "c"], perCompetence: 10)
        let wide = IRTEngine(candidates: pool, correlation: 0.5, capacityCap: 100)
        let plain = IRTEngine(candidates: pool, correlation: 0.5)
        let responses = [IRTResponse(itemID: "a-1", correct: true), IRTResponse(itemID: "b-2", correct: false),
                         IRTResponse(itemID: "a-3", correct: true), IRTResponse(itemID: "c-4", correct: true)]
        for competence in ["a", "b", "c"] {
            #expect(abs(wide.selectionTheta(for: competence, after: responses) - plain.estimates(responses)[competence]!.theta) < 1e-9)
        }
        let correlated = CorrelatedEAP(correlation: 0.5)
        let answers = responses.map { response -> (competence: Int, parameters: ItemParameters, correct: Bool) in
            let candidate = pool.first { $0.itemID == response.itemID }!
            return (["a", "b", "c"].firstIndex(of: candidate.competenceID)!, candidate.parameters, response.correct)
        }
        let path = correlated.trajectory(of: 0, answers: answers, competences: 3, at: [0, 1, 2, 4])
        for (step, prefix) in [0, 1, 2, 4].enumerated() {
            let full = plain.estimates(Array(responses.prefix(prefix)))["a"]!.theta
            #expect(abs(path[step] - full) < 1e-6, "prefix \(prefix): \(path[step]) against \(full)")
        }
    }

    @Test func itemsShownTooOftenAreLeftOutWhileOthersRemain() {
        let pool = [
            IRTCandidate(itemID: "best", competenceID: "c", parameters: ItemParameters(difficulty: 0, discrimination: 2)),
            IRTCandidate(itemID: "next", competenceID: "c", parameters: ItemParameters(difficulty: 0.3, discrimination: 1.5)),
            IRTCandidate(itemID: "far", competenceID: "c", parameters: ItemParameters(difficulty: 3, discrimination: 1)),
        ]
        let engine = IRTEngine(candidates: pool, targetStandardError: 0, maxLength: 3, topK: 1)
        var generator = SeededRandom(seed: 2)
        #expect(engine.nextItem(after: [], using: &generator)?.itemID == "best")
        let limited = ExposureControl(rates: ["best": 0.4, "next": 0.1], maxRate: 0.25)
        #expect(engine.nextItem(after: [], exposure: limited, using: &generator)?.itemID == "next")
        let everything = ExposureControl(rates: ["best": 0.9, "next": 0.9, "far": 0.9], maxRate: 0.25)
        #expect(engine.nextItem(after: [], exposure: everything, using: &generator)?.itemID == "best",
                "every item over the limit: the draw is as without control")
    }

    /// Learners one after the other, the engine seeing the rates of those before (as the simulator and the web
    /// application do): the most shown item drops from about the draw's 1 in 5 towards the limit.
    @Test func theLimitBoundsTheShareOfLearnersWhoSeeAnItem() {
        let pool = IRTEngineTests.pool(competences: ["c"], perCompetence: 60)
        let engine = IRTEngine(candidates: pool, targetStandardError: 0, maxLength: 4)
        func maxRate(limit: Double?) -> Double {
            var shown: [String: Int] = [:]
            var people = SeededRandom(seed: 5)
            let learners = 300
            for learner in 0..<learners {
                let theta = people.nextGaussian()
                let control = limit.flatMap { limit in
                    learner >= ExposureControl.minimumRuns
                        ? ExposureControl(rates: shown.mapValues { Double($0) / Double(learner) }, maxRate: limit) : nil
                }
                var generator = SeededRandom(seed: UInt64(learner + 1))
                var responses: [IRTResponse] = []
                while let item = engine.nextItem(after: responses, exposure: control, using: &generator) {
                    responses.append(IRTResponse(itemID: item.itemID, correct: people.nextUnit() < IRT.probability(theta: theta, item.parameters)))
                }
                for response in responses { shown[response.itemID, default: 0] += 1 }
            }
            return Double(shown.values.max() ?? 0) / Double(learners)
        }
        let free = maxRate(limit: nil), limited = maxRate(limit: 0.1)
        #expect(free > 0.15, "\(free)")
        #expect(limited < free && limited <= 0.13, "\(limited) against \(free)")
    }

    /// Issue 15, point 5: a competence whose interval reaches past the cut next to an extreme level is asked again
    /// sooner than the others.
    @Test func competencesThatMayBeAtAnExtremeLevelAreAskedAgainSooner() {
        var pool: [IRTCandidate] = []
        for index in 0..<6 {
            pool.append(IRTCandidate(itemID: "a\(index)", competenceID: "a", parameters: ItemParameters(difficulty: 2, discrimination: 1)))
            pool.append(IRTCandidate(itemID: "b\(index)", competenceID: "b", parameters: ItemParameters(difficulty: 0, discrimination: 3)))
        }
        let responses = [IRTResponse(itemID: "a0", correct: true), IRTResponse(itemID: "b0", correct: true),
                         IRTResponse(itemID: "a1", correct: true), IRTResponse(itemID: "b1", correct: false),
                         IRTResponse(itemID: "a2", correct: true)]
        let cuts = IRT.defaultCutScores
        let edges = AssessmentEngine.edges(cuts: cuts, maxLevel: 6)
        #expect(edges == cuts[1]...cuts[4])
        let plain = IRTEngine(candidates: pool, targetStandardError: 0, maxLength: 20, topK: 1)
        let focused = IRTEngine(candidates: pool, targetStandardError: 0, maxLength: 20, topK: 1, edges: edges)
        let a = plain.estimates(responses)["a"]!
        #expect(a.theta + a.standardError > cuts[4], "a may be at level 6: \(a)")
        var generator = SeededRandom(seed: 1)
        #expect(plain.nextItem(after: responses, using: &generator)?.competenceID == "b", "fewer answers first")
        #expect(focused.nextItem(after: responses, using: &generator)?.competenceID == "a", "near the top: asked again")
        #expect(AssessmentEngine.edges(cuts: cuts, maxLevel: 2) == nil)
    }
}
