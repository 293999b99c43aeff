import Foundation

/// The parameters of an item: the two-parameter logistic (2PL) model, with a lower asymptote for guessing.
public struct ItemParameters: Sendable, Equatable, Codable {
    /// Location `b` on the ability scale: the ability with a 50 % chance of success (without guessing).
    public var difficulty: Double
    /// Slope `a`: how sharply the item separates abilities around its difficulty.
    public var discrimination: Double
    /// Lower asymptote `c`: the chance of answering right by guessing (fixed by the item's type, not estimated:
    /// see `IRT.guessing(for:)`); 0 for free answers.
    public var guessing: Double

    public init(difficulty: Double, discrimination: Double, guessing: Double = 0) {
        self.difficulty = difficulty
        self.discrimination = discrimination
        self.guessing = min(max(guessing.isFinite ? guessing : 0, 0), 0.5)
    }

    enum CodingKeys: String, CodingKey { case difficulty, discrimination, guessing }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(difficulty: try container.decode(Double.self, forKey: .difficulty),
                  discrimination: try container.decode(Double.self, forKey: .discrimination),
                  guessing: try container.decodeIfPresent(Double.self, forKey: .guessing) ?? 0)
    }
}

/// The item response model: P(correct | theta) = c + (1 - c) / (1 + exp(-a (theta - b))), with c = 0 the 2PL.
public enum IRT {
    /// The probability of a correct answer at ability `theta`.
    public static func probability(theta: Double, _ p: ItemParameters) -> Double {
        let logistic = logistic(p.discrimination * (theta - p.difficulty))
        return p.guessing == 0 ? logistic : p.guessing + (1 - p.guessing) * logistic
    }

    /// The Fisher information of the item at ability `theta`: a^2 P (1 - P) without guessing,
    /// a^2 (P - c)^2 (1 - P) / ((1 - c)^2 P) with it.
    public static func information(theta: Double, _ p: ItemParameters) -> Double {
        let a2 = p.discrimination * p.discrimination
        let logistic = logistic(p.discrimination * (theta - p.difficulty))
        guard p.guessing > 0 else { return a2 * logistic * (1 - logistic) }
        let c = p.guessing
        let probability = c + (1 - c) * logistic
        guard probability > 0 else { return 0 }
        return a2 * (probability - c) * (probability - c) * (1 - probability) / ((1 - c) * (1 - c) * probability)
    }

    /// log P(answer) for a right or wrong answer at ability `theta`, stable in the tails.
    @inline(__always)
    static func logProbability(theta: Double, _ p: ItemParameters, correct: Bool) -> Double {
        let z = p.discrimination * (theta - p.difficulty)
        guard p.guessing > 0 else { return logLogistic(correct ? z : -z) }
        // P = c + (1 - c) s(z); 1 - P = (1 - c) s(-z).
        return correct ? log(p.guessing + (1 - p.guessing) * logistic(z)) : log(1 - p.guessing) + logLogistic(-z)
    }

    /// The chance of guessing an item right, used as its lower asymptote: 1/k for a single choice among k, 1/(2^k - 1)
    /// for a multiple choice (any non-empty set), 0 for the other types (free answers, orderings and matchings,
    /// whose chance is negligible).
    public static func guessing(for item: Item) -> Double {
        switch item.type {
        case .qcu: return 1 / Double(max(2, item.choices.count))
        case .qcm: return 1 / (pow(2, Double(min(max(2, item.choices.count), 20))) - 1)
        case .qroc, .qrocmInd, .qrocmDep, .ordering, .matching: return 0
        }
    }

    /// Default parameters for an uncalibrated item of a skill level 1...8: b = (level - 3.5) * 0.9, a = 1.
    public static func defaultParameters(level: Int) -> ItemParameters {
        ItemParameters(difficulty: (Double(level) - 3.5) * 0.9, discrimination: 1)
    }

    /// Default cut scores for levels 1...8: the default difficulty of each level.
    public static let defaultCutScores: [Double] = (1...8).map { defaultParameters(level: $0).difficulty }

    /// Level reached with ability theta: the number of cut scores <= theta, capped at maxLevel (0 if below the first).
    public static func level(theta: Double, cutScores: [Double], maxLevel: Int) -> Int {
        let reached = cutScores.reduce(0) { $1 <= theta ? $0 + 1 : $0 }
        return max(0, min(reached, maxLevel))
    }

    /// A logistic function that neither overflows nor loses precision in the tails.
    @inline(__always)
    static func logistic(_ x: Double) -> Double {
        if x >= 0 {
            return 1 / (1 + exp(-x))
        }
        let e = exp(x)
        return e / (1 + e)
    }

    /// log(logistic(x)), stable for large |x|.
    @inline(__always)
    static func logLogistic(_ x: Double) -> Double {
        x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x))
    }
}

/// An ability estimate on the IRT scale with its standard error.
public struct AbilityEstimate: Sendable, Equatable {
    public var theta: Double
    public var standardError: Double

    public init(theta: Double, standardError: Double) {
        self.theta = theta
        self.standardError = standardError
    }
}

/// Expected a posteriori on a fixed grid (default -9...9 in 181 points, as Pix's -9...9) with a N(0,1) prior;
/// SE = posterior SD. The grid reaches well beyond the difficulties that calibration allows (|b| <= 6 with a up
/// to 4), so the posterior of a learner who answers such items is not cut off at the grid's end.
public struct EAPEstimator: Sendable {
    /// The quadrature points.
    public let grid: [Double]
    /// log of the (unnormalised) N(0,1) prior density at each grid point.
    let logPrior: [Double]

    public init(gridMin: Double = -9, gridMax: Double = 9, points: Int = 181) {
        precondition(points >= 2 && gridMax > gridMin, "EAPEstimator needs at least two points on a non-empty range")
        let step = (gridMax - gridMin) / Double(points - 1)
        grid = (0..<points).map { gridMin + Double($0) * step }
        logPrior = grid.map { -0.5 * $0 * $0 }
    }

    public func estimate(_ responses: [(parameters: ItemParameters, correct: Bool)]) -> AbilityEstimate {
        // Log posterior (up to a constant) at every grid point; logs avoid underflow on long tests.
        var logPosterior = logPrior
        for response in responses {
            if response.parameters.guessing > 0 {
                for index in grid.indices {
                    logPosterior[index] += IRT.logProbability(theta: grid[index], response.parameters, correct: response.correct)
                }
                continue
            }
            let a = response.parameters.discrimination
            let b = response.parameters.difficulty
            for index in grid.indices {
                let z = a * (grid[index] - b)
                logPosterior[index] += IRT.logLogistic(response.correct ? z : -z)
            }
        }
        let top = logPosterior.max() ?? 0
        var total = 0.0
        var sum = 0.0
        var weights = [Double](repeating: 0, count: grid.count)
        for index in grid.indices {
            let weight = exp(logPosterior[index] - top)
            weights[index] = weight
            total += weight
            sum += weight * grid[index]
        }
        let mean = sum / total
        var variance = 0.0
        for index in grid.indices {
            let deviation = grid[index] - mean
            variance += weights[index] * deviation * deviation
        }
        return AbilityEstimate(theta: mean, standardError: (variance / total).squareRoot())
    }
}

extension EAPEstimator {
    /// The log-likelihood of the answers at every grid point.
    func logLikelihood(_ responses: [(parameters: ItemParameters, correct: Bool)]) -> [Double] {
        var result = [Double](repeating: 0, count: grid.count)
        for response in responses {
            for index in grid.indices {
                result[index] += IRT.logProbability(theta: grid[index], response.parameters, correct: response.correct)
            }
        }
        return result
    }
}

/// Expected a posteriori per competence under correlated abilities: every pair of competences correlates
/// `correlation` (rho), as in theta_k = g + e_k with a general ability g ~ N(0, rho) and e_k ~ N(0, 1 - rho), so each
/// competence keeps a N(0, 1) prior on its own but the answers on the others move it. With rho = 0 it is the
/// independent EAP. Exact on the grids (theta: the EAP grid; g: 61 points over ±5 SD of g), at a cost of
/// competences x 181 x 61 per estimate.
public struct CorrelatedEAP: Sendable {
    public let correlation: Double
    let estimator = EAPEstimator()
    let generalGrid: [Double]
    let logGeneralPrior: [Double]
    /// kernel[g * thetaCount + t] = N(theta_t; g, 1 - rho) (unnormalised; the constant cancels).
    let kernel: [Double]

    public init(correlation: Double) {
        let rho = min(max(correlation.isFinite ? correlation : 0, 0), 0.95)
        self.correlation = rho
        let sd = max(rho, 1e-6).squareRoot()
        let points = 61
        generalGrid = (0..<points).map { -5 * sd + 10 * sd * Double($0) / Double(points - 1) }
        logGeneralPrior = generalGrid.map { -0.5 * $0 * $0 / max(rho, 1e-6) }
        let residual = 1 - rho
        var kernel: [Double] = []
        kernel.reserveCapacity(points * estimator.grid.count)
        for g in generalGrid {
            for theta in estimator.grid {
                kernel.append(exp(-0.5 * (theta - g) * (theta - g) / residual))
            }
        }
        self.kernel = kernel
    }

    /// One estimate per competence, in the order given.
    public func estimates(_ answersByCompetence: [[(parameters: ItemParameters, correct: Bool)]]) -> [AbilityEstimate] {
        guard correlation > 0 else { return answersByCompetence.map { estimator.estimate($0) } }
        let grid = estimator.grid
        let t = grid.count, gCount = generalGrid.count
        // Likelihood of each competence's answers on the theta grid, scaled to a maximum of 1.
        let likelihoods: [[Double]] = answersByCompetence.map { answers in
            let log = estimator.logLikelihood(answers)
            let top = log.max() ?? 0
            return log.map { exp($0 - top) }
        }
        // log m_j(g) = log sum_t N(theta_t; g, 1 - rho) L_j(theta_t): what competence j's answers say about g.
        var logMarginal = [[Double]](repeating: [Double](repeating: 0, count: gCount), count: likelihoods.count)
        var total = logGeneralPrior
        for (j, likelihood) in likelihoods.enumerated() {
            for g in 0..<gCount {
                var sum = 0.0
                let offset = g * t
                for index in 0..<t { sum += kernel[offset + index] * likelihood[index] }
                logMarginal[j][g] = log(max(sum, 1e-300))
                total[g] += logMarginal[j][g]
            }
        }
        return likelihoods.enumerated().map { j, likelihood in
            // The general ability given the other competences' answers, then theta_j given it and its own answers.
            let others = (0..<gCount).map { total[$0] - logMarginal[j][$0] }
            let top = others.max() ?? 0
            let weightsG = others.map { exp($0 - top) }
            var weight = 0.0, first = 0.0, second = 0.0
            for index in 0..<t {
                var prior = 0.0
                for g in 0..<gCount { prior += weightsG[g] * kernel[g * t + index] }
                let w = prior * likelihood[index]
                weight += w
                first += w * grid[index]
                second += w * grid[index] * grid[index]
            }
            guard weight > 0 else { return estimator.estimate([]) }
            let mean = first / weight
            return AbilityEstimate(theta: mean, standardError: max(second / weight - mean * mean, 0).squareRoot())
        }
    }
}

extension CorrelatedEAP {
    /// The estimate (posterior mean) of competence `target` after each prefix of `answers` whose length is listed in
    /// `prefixes` (ascending): what the engine estimated for it at those moments. Each competence's likelihood and its
    /// message about the general ability are updated only when it gets an answer, and only when needed, so a
    /// trajectory costs about one estimate per answered competence rather than one full estimate per prefix.
    /// Competences with no answer send no message (their likelihood is flat, so their term does not depend on g).
    func trajectory(of target: Int, answers: [(competence: Int, parameters: ItemParameters, correct: Bool)],
                    competences: Int, at prefixes: [Int]) -> [Double] {
        let grid = estimator.grid
        let t = grid.count, gCount = generalGrid.count
        var logLikelihood = [[Double]?](repeating: nil, count: competences)
        var logMarginal = [[Double]?](repeating: nil, count: competences)
        var stale = [Bool](repeating: false, count: competences)
        var applied = 0
        var result: [Double] = []
        result.reserveCapacity(prefixes.count)
        for prefix in prefixes {
            while applied < min(prefix, answers.count) {
                let answer = answers[applied]
                applied += 1
                guard answer.competence >= 0 && answer.competence < competences else { continue }
                var log = logLikelihood[answer.competence] ?? [Double](repeating: 0, count: t)
                for index in 0..<t {
                    log[index] += IRT.logProbability(theta: grid[index], answer.parameters, correct: answer.correct)
                }
                logLikelihood[answer.competence] = log
                stale[answer.competence] = true
            }
            func likelihood(_ j: Int) -> [Double]? {
                guard let log = logLikelihood[j] else { return nil }
                let top = log.max() ?? 0
                return log.map { exp($0 - top) }
            }
            let own = target >= 0 && target < competences ? likelihood(target) : nil
            guard correlation > 0 else {
                // Independent competences: the N(0, 1) prior and the target's own answers.
                var weight = 0.0, first = 0.0
                for index in 0..<t {
                    let w = exp(estimator.logPrior[index]) * (own?[index] ?? 1)
                    weight += w
                    first += w * grid[index]
                }
                result.append(weight > 0 ? first / weight : 0)
                continue
            }
            var total = logGeneralPrior
            for j in 0..<competences where j != target && logLikelihood[j] != nil {
                if stale[j] || logMarginal[j] == nil, let other = likelihood(j) {
                    var marginal = [Double](repeating: 0, count: gCount)
                    for g in 0..<gCount {
                        var sum = 0.0
                        let offset = g * t
                        for index in 0..<t { sum += kernel[offset + index] * other[index] }
                        marginal[g] = log(max(sum, 1e-300))
                    }
                    logMarginal[j] = marginal
                    stale[j] = false
                }
                if let marginal = logMarginal[j] {
                    for g in 0..<gCount { total[g] += marginal[g] }
                }
            }
            let top = total.max() ?? 0
            let weightsG = total.map { exp($0 - top) }
            var weight = 0.0, first = 0.0
            for index in 0..<t {
                var prior = 0.0
                for g in 0..<gCount { prior += weightsG[g] * kernel[g * t + index] }
                let w = prior * (own?[index] ?? 1)
                weight += w
                first += w * grid[index]
            }
            result.append(weight > 0 ? first / weight : 0)
        }
        return result
    }
}

/// Exposure control beyond the draw among the most informative items (the restricted method of Revuelta and
/// Ponsoda): an item already shown in `maxRate` or more of the runs is left out of the draw while other items of
/// the same competence and tube round remain. `rates` gives, per item id, the share of runs that showed it.
public struct ExposureControl: Sendable, Equatable {
    public var rates: [String: Double]
    public var maxRate: Double

    public init(rates: [String: Double], maxRate: Double) {
        self.rates = rates
        self.maxRate = maxRate
    }

    /// Runs needed before rates are used: below that, a rate says little (one run shows its items to 100 %).
    public static let minimumRuns = 30

    /// True when the item may still be drawn.
    public func allows(_ itemID: String) -> Bool { (rates[itemID] ?? 0) < maxRate }
}

/// An item that the adaptive engine may give.
public struct IRTCandidate: Sendable, Equatable {
    public var itemID: String
    public var competenceID: String
    public var parameters: ItemParameters
    /// The item's tube, when known: each tube of a competence is asked once before any is asked again.
    public var tubeID: String?

    public init(itemID: String, competenceID: String, parameters: ItemParameters, tubeID: String? = nil) {
        self.itemID = itemID
        self.competenceID = competenceID
        self.parameters = parameters
        self.tubeID = tubeID
    }
}

/// When a competence's level counts as decided, so that the engine stops asking about it: the interval
/// theta ± z x SE holds no cut score (below `maxLevel`) and the competence has at least `minimumAnswers` answers.
public struct LevelDecision: Sendable, Equatable {
    public var cutScores: [Double]
    public var maxLevel: Int
    public var z: Double
    public var minimumAnswers: Int

    public init(cutScores: [Double], maxLevel: Int, z: Double = 1.0, minimumAnswers: Int = 2) {
        self.cutScores = cutScores
        self.maxLevel = maxLevel
        self.z = max(0, z)
        self.minimumAnswers = max(1, minimumAnswers)
    }

    /// True when the level is decided for this estimate after `answers` answers.
    public func isDecided(_ estimate: AbilityEstimate, answers: Int) -> Bool {
        guard answers >= minimumAnswers else { return false }
        let low = estimate.theta - z * estimate.standardError
        let high = estimate.theta + z * estimate.standardError
        // Cut scores above the maximum level do not separate reachable levels.
        return !cutScores.prefix(max(0, maxLevel)).contains { low < $0 && $0 <= high }
    }
}

/// An answer given during an adaptive assessment.
public struct IRTResponse: Sendable, Equatable {
    public var itemID: String
    public var correct: Bool

    public init(itemID: String, correct: Bool) {
        self.itemID = itemID
        self.correct = correct
    }
}

/// Adaptive selection: ability per competence by EAP; the next item maximises Fisher information at the current
/// estimate among unanswered items of the competences whose SE is still above `targetStandardError`; exposure
/// control: draw uniformly among the `topK` (default 5) most informative; stop (nil) when every targeted competence
/// has SE <= target or has no item left, or when `maxLength` answers were given.
///
/// The engine is stateless: everything derives from the responses. Responses to items that are not candidates are
/// ignored (they count neither for the estimates nor for `maxLength`); a candidate listed twice counts once (the
/// first listing wins). Given the same responses and a generator in the same state, `nextItem` returns the same
/// item, so an assessment can be resumed by seeding the generator from, say, the assessment id and the number of
/// answers (`SeededRandom(text: "\(id)#\(responses.count)")`).
public struct IRTEngine: Sendable {
    public let candidates: [IRTCandidate]
    public let targetStandardError: Double
    public let maxLength: Int
    public let topK: Int
    /// When set, a competence whose level is decided is asked no more.
    public let decision: LevelDecision?
    /// Competence ids in order of first appearance among the candidates.
    public let competenceIDs: [String]
    private let candidateIndex: [String: Int]
    /// Positions in `candidates` of each competence's candidates, in candidate order.
    private let candidatesByCompetence: [String: [Int]]
    /// The correlation between competences assumed by the shorter positioning: an assumption, set below the
    /// honest simulator's 0.6 so as not to favour it; to be estimated from real calibration data.
    public static let shorterCorrelation = 0.5
    private let estimator = EAPEstimator()
    /// Abilities of different competences correlate this much in the prior (0: independent competences).
    private let correlated: CorrelatedEAP
    /// When set, the ability used to choose a competence's next item moves by at most this much from the one used
    /// for its previous item (Pix caps the change at 0.5 per answer); the estimates reported are never capped.
    public let capacityCap: Double?
    /// Position of each competence in `competenceIDs`.
    private let competencePosition: [String: Int]
    /// When set, a competence whose interval theta ± SE reaches below `low` or above `high` (the cut scores next to
    /// the extreme levels) counts one answer less in the content balancing, so it is asked again sooner: learners
    /// at the extremes get more questions where their estimate is most pulled towards the middle.
    public let edges: ClosedRange<Double>?

    public init(candidates: [IRTCandidate], targetStandardError: Double = 0.3, maxLength: Int = 40, topK: Int = 5,
                decision: LevelDecision? = nil, correlation: Double = 0, capacityCap: Double? = nil,
                edges: ClosedRange<Double>? = nil) {
        self.decision = decision
        self.edges = edges
        self.capacityCap = capacityCap.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        self.correlated = CorrelatedEAP(correlation: correlation)
        var unique: [IRTCandidate] = []
        var index: [String: Int] = [:]
        var competences: [String] = []
        var seenCompetences = Set<String>()
        for candidate in candidates where index[candidate.itemID] == nil {
            index[candidate.itemID] = unique.count
            unique.append(candidate)
            if seenCompetences.insert(candidate.competenceID).inserted {
                competences.append(candidate.competenceID)
            }
        }
        self.candidates = unique
        self.candidateIndex = index
        var byCompetence: [String: [Int]] = [:]
        for (position, candidate) in unique.enumerated() { byCompetence[candidate.competenceID, default: []].append(position) }
        self.candidatesByCompetence = byCompetence
        self.competenceIDs = competences
        self.competencePosition = Dictionary(uniqueKeysWithValues: competences.enumerated().map { ($0.element, $0.offset) })
        self.targetStandardError = targetStandardError
        self.maxLength = maxLength
        self.topK = max(1, topK)
    }

    /// The responses that concern candidates, in order.
    private func knownResponses(_ responses: [IRTResponse]) -> [(candidate: IRTCandidate, correct: Bool)] {
        responses.compactMap { response in
            candidateIndex[response.itemID].map { (candidates[$0], response.correct) }
        }
    }

    /// Ability estimate per competence id (competences with no answer: the prior, about (0, 1)).
    public func estimates(_ responses: [IRTResponse]) -> [String: AbilityEstimate] {
        var byCompetence: [String: [(parameters: ItemParameters, correct: Bool)]] = [:]
        for (candidate, correct) in knownResponses(responses) {
            byCompetence[candidate.competenceID, default: []].append((candidate.parameters, correct))
        }
        var result: [String: AbilityEstimate] = [:]
        guard correlated.correlation > 0 else {
            for competence in competenceIDs {
                result[competence] = estimator.estimate(byCompetence[competence] ?? [])
            }
            return result
        }
        let estimates = correlated.estimates(competenceIDs.map { byCompetence[$0] ?? [] })
        for (competence, estimate) in zip(competenceIDs, estimates) { result[competence] = estimate }
        return result
    }

    /// The ability used to choose the next item of `competence`: its current estimate, or with `capacityCap` the
    /// capped walk s_1 = r_1, s_(i+1) = s_i + clamp(r_(i+1) - s_i, ±cap), where r_i is the estimate when the
    /// competence's i-th item was chosen and the last r is the current estimate.
    public func selectionTheta(for competence: String, after responses: [IRTResponse]) -> Double {
        let current = estimates(responses)[competence]?.theta ?? 0
        return selectionTheta(for: competence, known: knownResponses(responses), current: current)
    }

    private func selectionTheta(for competence: String, known: [(candidate: IRTCandidate, correct: Bool)],
                                current: Double) -> Double {
        guard let cap = capacityCap, let target = competencePosition[competence] else { return current }
        var prefixes: [Int] = []
        var answers: [(competence: Int, parameters: ItemParameters, correct: Bool)] = []
        answers.reserveCapacity(known.count)
        for (position, response) in known.enumerated() {
            if response.candidate.competenceID == competence { prefixes.append(position) }
            answers.append((competencePosition[response.candidate.competenceID] ?? -1, response.candidate.parameters,
                            response.correct))
        }
        guard !prefixes.isEmpty else { return current }
        // Only the answers before the competence's last one are needed for the past estimates.
        let needed = Array(answers.prefix((prefixes.last ?? 0)))
        let past = correlated.trajectory(of: target, answers: needed, competences: competenceIDs.count, at: prefixes)
        var theta = past.first ?? current
        for raw in past.dropFirst() + [current] {
            theta += min(max(raw - theta, -cap), cap)
        }
        return theta
    }

    /// The next item to give, or nil when the assessment is over.
    public func nextItem<G: RandomNumberGenerator>(after responses: [IRTResponse], using generator: inout G) -> IRTCandidate? {
        nextItem(after: responses, exposure: nil, using: &generator)
    }

    /// The next item, leaving out of the draw the items that `exposure` says were shown too often.
    public func nextItem<G: RandomNumberGenerator>(after responses: [IRTResponse], exposure: ExposureControl?,
                                                   using generator: inout G) -> IRTCandidate? {
        let known = knownResponses(responses)
        if known.count >= maxLength {
            return nil
        }
        let answered = Set(known.map(\.candidate.itemID))
        let current = estimates(responses)
        // Content balancing: every competence is measured. The next competence is the one with the fewest
        // answers among those not yet precise enough and with items left (ties: larger standard error, then
        // framework order); without it, the most informative items of a few competences take every question.
        var asked: [String: Int] = [:]
        for (candidate, _) in known { asked[candidate.competenceID, default: 0] += 1 }
        // Open: a competence with an unanswered candidate (more candidates than distinct answered ones).
        var answeredPerCompetence: [String: Int] = [:]
        for itemID in answered {
            if let position = candidateIndex[itemID] { answeredPerCompetence[candidates[position].competenceID, default: 0] += 1 }
        }
        var open = Set<String>()
        for (competence, positions) in candidatesByCompetence where positions.count > answeredPerCompetence[competence] ?? 0 {
            open.insert(competence)
        }
        let chosen = competenceIDs.enumerated().filter { _, competence in
            guard open.contains(competence), let estimate = current[competence],
                  estimate.standardError > targetStandardError else { return false }
            return !(decision?.isDecided(estimate, answers: asked[competence] ?? 0) ?? false)
        }.min { a, b in
            func count(_ competence: String) -> Int {
                let answers = asked[competence] ?? 0
                guard let edges, answers > 0, let estimate = current[competence] else { return answers }
                let near = estimate.theta - estimate.standardError < edges.lowerBound
                    || estimate.theta + estimate.standardError > edges.upperBound
                return near ? answers - 1 : answers
            }
            let (countA, countB) = (count(a.element), count(b.element))
            if countA != countB { return countA < countB }
            let (errorA, errorB) = (current[a.element]?.standardError ?? 0, current[b.element]?.standardError ?? 0)
            if errorA != errorB { return errorA > errorB }
            return a.offset < b.offset
        }?.element
        guard let chosen, let estimate = current[chosen] else { return nil }
        // One question per tube before repeats: only the tubes of this competence asked the fewest times (among
        // those with an item left) are eligible, so tubes are asked in rounds. Items without a tube always are.
        var tubeCounts: [String: Int] = [:]
        for (candidate, _) in known where candidate.competenceID == chosen {
            if let tube = candidate.tubeID { tubeCounts[tube, default: 0] += 1 }
        }
        let unanswered = (candidatesByCompetence[chosen] ?? []).filter { !answered.contains(candidates[$0].itemID) }
        let fewest = unanswered.compactMap { candidates[$0].tubeID.map { tubeCounts[$0] ?? 0 } }.min()
        let eligible = unanswered.filter { order in
            guard let tube = candidates[order].tubeID, let fewest else { return true }
            return (tubeCounts[tube] ?? 0) == fewest
        }
        let theta = selectionTheta(for: chosen, known: known, current: estimate.theta)
        var ranked: [(information: Double, order: Int)] = []
        for order in eligible where exposure?.allows(candidates[order].itemID) ?? true {
            ranked.append((IRT.information(theta: theta, candidates[order].parameters), order))
        }
        // Every eligible item shown too often: the draw is among all of them, as without exposure control.
        if ranked.isEmpty {
            for order in eligible {
                ranked.append((IRT.information(theta: theta, candidates[order].parameters), order))
            }
        }
        if ranked.isEmpty {
            return nil
        }
        // Most informative first; ties by candidate order, so the ranking is deterministic.
        ranked.sort { $0.information != $1.information ? $0.information > $1.information : $0.order < $1.order }
        let pool = min(topK, ranked.count)
        let pick = pool == 1 ? 0 : Int(generator.next(upperBound: UInt64(pool)))
        return candidates[ranked[pick].order]
    }
}
