import Foundation

/// What a simulation measured for one algorithm.
public struct SimulationReport: Sendable, Codable, Equatable {
    public var framework: String
    public var algorithm: AssessmentAlgorithm
    public var learners: Int
    public var seed: UInt64
    public var maxLevel: Int
    public var meanQuestions: Double
    public var maxQuestions: Int
    /// Share of (learner, competence) levels estimated exactly, and within one level.
    public var exactLevelShare: Double
    public var withinOneLevelShare: Double
    /// Mean of (estimated level - true level): negative when the algorithm underestimates.
    public var meanLevelError: Double
    /// IRT only: root mean square error of the ability estimates (competences with at least one answer).
    public var abilityRMSE: Double?
    /// Mean time to choose an item, in microseconds.
    public var meanSelectionMicroseconds: Double
    /// Competences whose levels were compared (those with skills in scope).
    public var competences: Int
    /// The same accuracy figures competence by competence.
    public var perCompetence: [CompetenceAccuracy]
}

/// A simulation's accuracy on one competence.
public struct CompetenceAccuracy: Sendable, Codable, Equatable {
    public var competenceID: String
    public var title: String
    /// Mean number of questions asked on this competence per learner.
    public var meanQuestions: Double
    public var exactLevelShare: Double
    public var withinOneLevelShare: Double
    public var meanLevelError: Double
}

/// Simulated learners with known abilities take an assessment: each competence has a true ability
/// drawn from N(0, 1), and each answer is right with the 2PL probability of the item's parameters.
/// The true level is the level of that ability on the framework's cut scores.
public enum Simulation {
    public static func run(
        framework: Framework, items: [Item], settings: AssessmentSettings, learners: Int, seed: UInt64,
        calibrated: [String: ItemParameters] = [:], progress: ((Int) -> Void)? = nil
    ) -> SimulationReport {
        let engine = AssessmentEngine(framework: framework, items: items, settings: settings, calibrated: calibrated)
        let index = SkillIndex([framework])
        let inScope = Set(engine.scope.compactMap { index[$0]?.competenceID })
        let cuts = framework.cutScores ?? IRT.defaultCutScores
        var random = SeededRandom(seed: seed)
        var questions: [Int] = []
        var compared = 0, exact = 0, withinOne = 0, signedError = 0
        var squaredError = 0.0, estimated = 0
        var selectionTime = Duration.zero, selections = 0
        let clock = ContinuousClock()
        struct Tally { var compared = 0, exact = 0, withinOne = 0, signedError = 0, answered = 0 }
        var tallies: [String: Tally] = [:]

        for learner in 0..<learners {
            var abilities: [String: Double] = [:]
            for competence in framework.competences { abilities[competence.id] = random.nextGaussian() }
            var answers: [AnsweredItem] = []
            var elements: [KnowledgeElement] = []
            let runSeed = "simulation-\(seed)-\(learner)"
            while true {
                var next: Item?
                selectionTime += clock.measure {
                    next = engine.nextItem(answers: answers, elements: elements, seed: runSeed)
                }
                selections += 1
                guard let item = next, let place = index[item.skillID],
                      let parameters = engine.parameters(of: item.id) else { break }
                let correct = random.nextUnit() < IRT.probability(theta: abilities[place.competenceID]!, parameters)
                let added = engine.elements(forAnswerOn: item, correct: correct, existing: elements)
                answers.append(AnsweredItem(itemID: item.id, skillID: item.skillID, correct: correct))
                elements += added
            }
            questions.append(answers.count)
            let result = engine.result(answers: answers, elements: elements)
            for competence in result.competences where inScope.contains(competence.competenceID) {
                let theta = abilities[competence.competenceID]!
                let truth = IRT.level(theta: theta, cutScores: cuts, maxLevel: settings.maxLevel)
                // A competence never asked counts as placed at level 0.
                let level = competence.level ?? 0
                compared += 1
                if level == truth { exact += 1 }
                if abs(level - truth) <= 1 { withinOne += 1 }
                signedError += level - truth
                var tally = tallies[competence.competenceID, default: Tally()]
                tally.compared += 1
                if level == truth { tally.exact += 1 }
                if abs(level - truth) <= 1 { tally.withinOne += 1 }
                tally.signedError += level - truth
                tally.answered += competence.answered
                tallies[competence.competenceID] = tally
                if let estimate = competence.theta {
                    squaredError += (estimate - theta) * (estimate - theta)
                    estimated += 1
                }
            }
            progress?(learner + 1)
        }
        let selectionSeconds = Double(selectionTime.components.seconds) + Double(selectionTime.components.attoseconds) / 1e18
        return SimulationReport(
            framework: framework.id, algorithm: settings.algorithm, learners: learners, seed: seed,
            maxLevel: settings.maxLevel,
            meanQuestions: questions.isEmpty ? 0 : Double(questions.reduce(0, +)) / Double(questions.count),
            maxQuestions: questions.max() ?? 0,
            exactLevelShare: compared == 0 ? 0 : Double(exact) / Double(compared),
            withinOneLevelShare: compared == 0 ? 0 : Double(withinOne) / Double(compared),
            meanLevelError: compared == 0 ? 0 : Double(signedError) / Double(compared),
            abilityRMSE: estimated == 0 ? nil : (squaredError / Double(estimated)).squareRoot(),
            meanSelectionMicroseconds: selections == 0 ? 0 : selectionSeconds * 1e6 / Double(selections),
            competences: inScope.count,
            perCompetence: framework.competences.compactMap { competence in
                guard let tally = tallies[competence.id], tally.compared > 0 else { return nil }
                let count = Double(tally.compared)
                return CompetenceAccuracy(
                    competenceID: competence.id, title: competence.title, meanQuestions: Double(tally.answered) / count,
                    exactLevelShare: Double(tally.exact) / count, withinOneLevelShare: Double(tally.withinOne) / count,
                    meanLevelError: Double(tally.signedError) / count)
            })
    }
}
