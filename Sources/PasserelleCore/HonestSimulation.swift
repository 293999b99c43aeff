import Foundation

/// A population of simulated learners: abilities per competence drawn around `mean` with SD `spread`,
/// correlated 0.6 between competences.
public enum SimulatedPopulation: String, Sendable, Codable, CaseIterable {
    case general, low, high

    public var mean: Double {
        switch self {
        case .general: return 0
        case .low: return -1
        case .high: return 1
        }
    }

    public var spread: Double { self == .general ? 1 : 0.8 }
}

/// How learners answer in the honest simulation: a model independent of the engine's.
///
/// Each item has its own true parameters, drawn once from the seed: the difficulty of its skill level moved by
/// up to half a level (±0.45), a slope drawn around 1 (lognormal, SD 0.3 on the log, within 0.4...2.5), and, for
/// 5 % of the items, a weak item whose slope is 0.1 to 0.3 (it hardly tells the able from the others). A learner
/// answers right with probability c + (1 - c - 0.03) x logistic(a (theta + tube effect - b)): c is the chance
/// of guessing (1/k for a single choice among k, 1/(2^k - 1) for a multiple choice, 1/k! for an ordering or a
/// matching, 0 for free text), 0.03 the chance of a slip, and the tube effect a learner's own offset on each tube
/// (SD 0.3: a learner knows some tubes of a competence better than others). Abilities are correlated 0.6 between
/// competences. The true level is the level of the competence's ability on the cut scores.
public struct HardAnswerModel: Sendable {
    public struct TrueItem: Sendable, Equatable {
        public var parameters: ItemParameters
        public var guessing: Double
        public var weak: Bool
        public var tubeID: String
        public var competenceID: String
    }

    public static let slip = 0.03
    public static let weakShare = 0.05
    public static let correlation = 0.6
    public static let tubeSpread = 0.3
    public static let jitter = 0.45

    public let items: [String: TrueItem]
    public let competenceIDs: [String]
    public let tubeIDs: [String]

    public init(framework: Framework, items: [Item], seed: UInt64) {
        let index = SkillIndex([framework])
        var random = SeededRandom(text: "hard-model-\(seed)")
        var result: [String: TrueItem] = [:]
        for item in items.sorted(by: { $0.id < $1.id }) {
            guard let place = index[item.skillID] else { continue }
            let level = IRT.defaultParameters(level: place.skill.level).difficulty
            let b = level + Self.jitter * (2 * random.nextUnit() - 1)
            let weak = random.nextUnit() < Self.weakShare
            let a = weak ? 0.1 + 0.2 * random.nextUnit() : min(max(exp(0.3 * random.nextGaussian()), 0.4), 2.5)
            result[item.id] = TrueItem(parameters: ItemParameters(difficulty: b, discrimination: a),
                                       guessing: Self.guessing(item), weak: weak, tubeID: place.tube.id,
                                       competenceID: place.competenceID)
        }
        self.items = result
        competenceIDs = framework.competences.map(\.id)
        tubeIDs = framework.tubes.map(\.id)
    }

    /// The chance of answering right by guessing.
    public static func guessing(_ item: Item) -> Double {
        func factorial(_ n: Int) -> Double { (1...max(1, min(n, 20))).reduce(1.0) { $0 * Double($1) } }
        switch item.type {
        case .qcu: return 1 / Double(max(2, item.choices.count))
        case .qcm:
            let k = min(max(2, item.choices.count), 20)
            return 1 / (pow(2, Double(k)) - 1)
        case .ordering: return 1 / factorial(max(2, item.choices.count))
        case .matching: return 1 / factorial(max(2, item.pairs.count))
        case .qroc, .qrocmInd, .qrocmDep: return 0
        }
    }

    /// One simulated learner: an ability per competence and an offset per tube.
    public struct Learner: Sendable {
        public var abilities: [String: Double]
        public var tubeOffsets: [String: Double]
    }

    public func learner(_ population: SimulatedPopulation, using random: inout SeededRandom) -> Learner {
        let common = random.nextGaussian()
        var abilities: [String: Double] = [:]
        for competence in competenceIDs {
            let own = random.nextGaussian()
            let z = Self.correlation.squareRoot() * common + (1 - Self.correlation).squareRoot() * own
            abilities[competence] = population.mean + population.spread * z
        }
        var offsets: [String: Double] = [:]
        for tube in tubeIDs { offsets[tube] = Self.tubeSpread * random.nextGaussian() }
        return Learner(abilities: abilities, tubeOffsets: offsets)
    }

    /// The probability that `learner` answers `itemID` right (0 for an item the model does not know).
    public func probability(_ itemID: String, _ learner: Learner) -> Double {
        guard let item = items[itemID] else { return 0 }
        let theta = (learner.abilities[item.competenceID] ?? 0) + (learner.tubeOffsets[item.tubeID] ?? 0)
        let p = IRT.probability(theta: theta, item.parameters)
        return item.guessing + (1 - item.guessing - Self.slip) * p
    }
}

/// What the honest simulation measured for one framework, algorithm and population.
public struct HonestSimulationReport: Sendable, Codable, Equatable {
    public struct Questions: Sendable, Codable, Equatable {
        public var mean: Double
        public var p95: Int
        public var max: Int
    }

    public struct Accuracy: Sendable, Codable, Equatable {
        /// Learner-competences compared.
        public var count: Int
        public var exactShare: Double
        public var withinOneShare: Double
        /// Mean of (estimated level - true level).
        public var meanError: Double
        /// Competences left without a level (no answer): counted as level 0 in the shares above.
        public var notEvaluatedShare: Double
    }

    public struct CompetenceRow: Sendable, Codable, Equatable {
        public var competenceID: String
        public var meanQuestions: Double
        public var accuracy: Accuracy
    }

    public struct LevelRow: Sendable, Codable, Equatable {
        public var trueLevel: Int
        public var accuracy: Accuracy
    }

    /// The best constant answer: every learner placed at `level` on every competence.
    public struct Baseline: Sendable, Codable, Equatable {
        public var level: Int
        public var exactShare: Double
        public var withinOneShare: Double
        public var learnersAllWithinOne: Double
    }

    /// How well the simulated calibration recovered the true parameters of the items it calibrated.
    public struct CalibrationCheck: Sendable, Codable, Equatable {
        public var learners: Int
        public var itemsPerCompetence: Int
        public var calibratedItems: Int
        public var twoPLItems: Int
        public var difficultyRMSE: Double
        public var discriminationRMSE: Double
    }

    /// How often items were shown: the share of the simulated learners who saw each item in scope (items never
    /// shown count as 0), its maximum and 95th percentile.
    public struct Exposure: Sendable, Codable, Equatable {
        public var itemsInScope: Int
        public var itemsShown: Int
        public var maxRate: Double
        public var p95Rate: Double
    }

    public var framework: String
    public var algorithm: AssessmentAlgorithm
    public var population: SimulatedPopulation
    public var learners: Int
    public var seed: UInt64
    public var maxLevel: Int
    public var questions: Questions
    public var overall: Accuracy
    /// Share of learners whose every competence is placed within one level.
    public var learnersAllWithinOne: Double
    public var perCompetence: [CompetenceRow]
    public var perTrueLevel: [LevelRow]
    public var baseline: Baseline
    public var calibration: CalibrationCheck?
    public var exposure: Exposure?
}

/// The honest simulation: learners answer by `HardAnswerModel`, and the IRT mode runs on parameters estimated by
/// a simulated calibration (a pretest where each of `calibrationLearners` general-population learners answers
/// `pretestItemsPerCompetence` items drawn at random in every competence, calibrated as `passerelle calibrate`
/// does: person = (learner, competence), 2PL or Rasch per item, linked to the item files' scale), never on the true
/// parameters. Pure and deterministic given the seed.
public enum HonestSimulation {
    /// The parameters a calibration of a random pretest would give, and how far they are from the truth.
    public static func calibrate(
        framework: Framework, items: [Item], model: HardAnswerModel, learners: Int, itemsPerCompetence: Int,
        seed: UInt64
    ) -> (parameters: [String: ItemParameters], check: HonestSimulationReport.CalibrationCheck) {
        let index = SkillIndex([framework])
        var defaults: [String: ItemParameters] = [:]
        var byCompetence: [String: [String]] = [:]
        for item in items.sorted(by: { $0.id < $1.id }) {
            guard let place = index[item.skillID], model.items[item.id] != nil else { continue }
            let fallback = IRT.defaultParameters(level: place.skill.level)
            defaults[item.id] = ItemParameters(difficulty: item.difficulty ?? fallback.difficulty,
                                               discrimination: item.discrimination ?? fallback.discrimination)
            byCompetence[place.competenceID, default: []].append(item.id)
        }
        var random = SeededRandom(text: "pretest-\(seed)")
        var responses: [CalibrationResponse] = []
        for learner in 0..<max(0, learners) {
            let person = model.learner(.general, using: &random)
            for competence in model.competenceIDs {
                var pool = byCompetence[competence] ?? []
                for _ in 0..<min(max(0, itemsPerCompetence), pool.count) {
                    let pick = Int(random.next(upperBound: UInt64(pool.count)))
                    let itemID = pool.remove(at: pick)
                    let correct = random.nextUnit() < model.probability(itemID, person)
                    responses.append(CalibrationResponse(personID: "\(learner)/\(competence)", itemID: itemID, correct: correct))
                }
            }
        }
        var guessing: [String: Double] = [:]
        for item in items { guessing[item.id] = IRT.guessing(for: item) }
        let calibrated = Calibration.calibrate(responses, defaults: defaults, guessing: guessing)
        let linked = Calibration.link(calibrated, to: defaults).items.filter { $0.model != nil }
        var parameters: [String: ItemParameters] = [:]
        var squaredB = 0.0, squaredA = 0.0
        for item in linked {
            parameters[item.itemID] = item.parameters
            if let truth = model.items[item.itemID]?.parameters {
                squaredB += pow(item.parameters.difficulty - truth.difficulty, 2)
                squaredA += pow(item.parameters.discrimination - truth.discrimination, 2)
            }
        }
        let n = Double(max(1, linked.count))
        return (parameters, HonestSimulationReport.CalibrationCheck(
            learners: learners, itemsPerCompetence: itemsPerCompetence, calibratedItems: linked.count,
            twoPLItems: linked.filter { $0.model == .twoPL }.count,
            difficultyRMSE: (squaredB / n).squareRoot(), discriminationRMSE: (squaredA / n).squareRoot()))
    }

    public static func run(
        framework: Framework, items: [Item], settings: AssessmentSettings, population: SimulatedPopulation,
        learners: Int, seed: UInt64, model: HardAnswerModel, calibrated: [String: ItemParameters],
        calibration: HonestSimulationReport.CalibrationCheck?, progress: ((Int) -> Void)? = nil
    ) -> HonestSimulationReport {
        let engine = AssessmentEngine(framework: framework, items: items, settings: settings, calibrated: calibrated)
        let index = SkillIndex([framework])
        let inScope = Set(engine.scope.compactMap { index[$0]?.competenceID })
        let competences = framework.competences.map(\.id).filter { inScope.contains($0) }
        let cuts = framework.cutScores ?? IRT.defaultCutScores
        let maxLevel = settings.maxLevel
        // Learners and answers come from two generators, so that every algorithm meets the same learners.
        var learnerDraws = SeededRandom(text: "honest-learners-\(seed)-\(population.rawValue)")
        var random = SeededRandom(text: "honest-answers-\(seed)-\(population.rawValue)")

        struct Tally {
            var count = 0, exact = 0, withinOne = 0, error = 0, notEvaluated = 0, questions = 0
            mutating func add(estimate: Int?, truth: Int, questions: Int) {
                let level = estimate ?? 0
                count += 1
                if level == truth { exact += 1 }
                if abs(level - truth) <= 1 { withinOne += 1 }
                error += level - truth
                if estimate == nil { notEvaluated += 1 }
                self.questions += questions
            }
            var accuracy: HonestSimulationReport.Accuracy {
                let n = Double(max(1, count))
                return .init(count: count, exactShare: Double(exact) / n, withinOneShare: Double(withinOne) / n,
                             meanError: Double(error) / n, notEvaluatedShare: Double(notEvaluated) / n)
            }
        }
        var overall = Tally()
        var perCompetence: [String: Tally] = [:]
        var perLevel: [Int: Tally] = [:]
        var questionCounts: [Int] = []
        var allWithinOne = 0
        var truths: [[Int]] = []
        // Exposure: learners simulated one after the other, as real ones come; the engine sees the rates of those
        // before (once there are enough of them, as in the web application).
        var shown: [String: Int] = [:]
        var rates: [String: Double] = [:]

        for learner in 0..<max(0, learners) {
            let person = model.learner(population, using: &learnerDraws)
            var answers: [AnsweredItem] = []
            var elements: [KnowledgeElement] = []
            let runSeed = "honest-\(seed)-\(population.rawValue)-\(learner)"
            while let item = engine.nextItem(answers: answers, elements: elements, seed: runSeed, exposure: rates) {
                let correct = random.nextUnit() < model.probability(item.id, person)
                elements += engine.elements(forAnswerOn: item, correct: correct, existing: elements)
                answers.append(AnsweredItem(itemID: item.id, skillID: item.skillID, correct: correct))
            }
            questionCounts.append(answers.count)
            for itemID in Set(answers.map(\.itemID)) { shown[itemID, default: 0] += 1 }
            if learner + 1 >= ExposureControl.minimumRuns {
                rates = shown.mapValues { Double($0) / Double(learner + 1) }
            }
            let result = engine.result(answers: answers, elements: elements)
            var learnerWithinOne = true
            var learnerTruths: [Int] = []
            for competence in result.competences where inScope.contains(competence.competenceID) {
                let truth = IRT.level(theta: person.abilities[competence.competenceID] ?? 0, cutScores: cuts, maxLevel: maxLevel)
                learnerTruths.append(truth)
                overall.add(estimate: competence.level, truth: truth, questions: competence.answered)
                perCompetence[competence.competenceID, default: Tally()].add(estimate: competence.level, truth: truth,
                                                                               questions: competence.answered)
                perLevel[truth, default: Tally()].add(estimate: competence.level, truth: truth, questions: competence.answered)
                if abs((competence.level ?? 0) - truth) > 1 { learnerWithinOne = false }
            }
            truths.append(learnerTruths)
            if learnerWithinOne { allWithinOne += 1 }
            progress?(learner + 1)
        }

        // The best constant level, by share within one level.
        var baseline = HonestSimulationReport.Baseline(level: 0, exactShare: 0, withinOneShare: -1, learnersAllWithinOne: 0)
        for level in 0...max(0, maxLevel) {
            var exact = 0, within = 0, count = 0, learnersWithin = 0
            for learnerTruths in truths {
                var all = true
                for truth in learnerTruths {
                    count += 1
                    if truth == level { exact += 1 }
                    if abs(truth - level) <= 1 { within += 1 } else { all = false }
                }
                if all { learnersWithin += 1 }
            }
            let n = Double(max(1, count))
            let share = Double(within) / n
            if share > baseline.withinOneShare {
                baseline = .init(level: level, exactShare: Double(exact) / n, withinOneShare: share,
                                 learnersAllWithinOne: Double(learnersWithin) / Double(max(1, truths.count)))
            }
        }
        let scopeItems = engine.items.values.filter { engine.scope.contains($0.skillID) }.map(\.id)
        let exposureRates = scopeItems.map { Double(shown[$0] ?? 0) / Double(max(1, learners)) }.sorted()
        let exposure = HonestSimulationReport.Exposure(
            itemsInScope: scopeItems.count, itemsShown: scopeItems.filter { shown[$0] != nil }.count,
            maxRate: exposureRates.last ?? 0,
            p95Rate: exposureRates.isEmpty ? 0
                : exposureRates[min(exposureRates.count - 1, Int((0.95 * Double(exposureRates.count)).rounded(.up)) - 1)])
        let sorted = questionCounts.sorted()
        let p95 = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((0.95 * Double(sorted.count)).rounded(.up)) - 1)]
        return HonestSimulationReport(
            framework: framework.id, algorithm: settings.algorithm, population: population, learners: learners,
            seed: seed, maxLevel: maxLevel,
            questions: .init(mean: sorted.isEmpty ? 0 : Double(sorted.reduce(0, +)) / Double(sorted.count),
                             p95: p95, max: sorted.last ?? 0),
            overall: overall.accuracy,
            learnersAllWithinOne: Double(allWithinOne) / Double(max(1, learners)),
            perCompetence: competences.compactMap { id in
                perCompetence[id].map {
                    .init(competenceID: id, meanQuestions: Double($0.questions) / Double(max(1, $0.count)), accuracy: $0.accuracy)
                }
            },
            perTrueLevel: perLevel.keys.sorted().compactMap { level in perLevel[level].map { .init(trueLevel: level, accuracy: $0.accuracy) } },
            baseline: baseline, calibration: calibration, exposure: exposure)
    }
}
