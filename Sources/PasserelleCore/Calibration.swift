import Foundation

/// A stored answer used to calibrate items.
public struct CalibrationResponse: Sendable {
    public var personID: String
    public var itemID: String
    public var correct: Bool

    public init(personID: String, itemID: String, correct: Bool) {
        self.personID = personID
        self.itemID = itemID
        self.correct = correct
    }
}

/// The item response model used to calibrate an item.
public enum CalibrationModel: String, Sendable, Codable {
    /// Two-parameter logistic: difficulty and discrimination per item.
    case twoPL = "2pl"
    /// One-parameter (Rasch): discrimination fixed at 1, difficulty per item.
    case rasch
}

/// Standard errors of an item's estimated parameters.
public struct ParameterErrors: Sendable, Equatable, Codable {
    public var difficulty: Double
    /// Nil under the Rasch model (the slope is fixed, not estimated).
    public var discrimination: Double?

    public init(difficulty: Double, discrimination: Double?) {
        self.difficulty = difficulty
        self.discrimination = discrimination
    }
}

/// Why a calibrated item should be looked at by its author.
public enum ReviewReason: String, Sendable, Codable, CaseIterable {
    /// Infit or outfit mean square above 1.3: answers less predictable than the model says (ambiguous item,
    /// guessing, a key error).
    case underfit
    /// Infit mean square below 0.7: answers more predictable than the model says (often an item that
    /// depends on another).
    case overfit
    /// Discrimination below 0.4: the item hardly separates the able from the others.
    case weakDiscrimination = "weak-discrimination"
    /// Difficulty standard error above 0.5: too few or too uninformative answers to trust the estimate.
    case imprecise
}

/// The result of calibrating one item.
public struct CalibratedItem: Sendable, Equatable {
    public var itemID: String
    public var parameters: ItemParameters
    /// The number of answers to the item.
    public var count: Int
    /// The model used, nil when the item kept its default parameters.
    public var model: CalibrationModel?
    /// Outfit mean square (mean squared standardised residual at the persons' EAP abilities); about 1 is good,
    /// well above 1 means unexpected answers. Nil when the item kept its default parameters.
    public var fit: Double?
    /// Infit mean square (squared residuals over their variances, summed): less sensitive than the outfit to a few
    /// unexpected answers of persons far from the item. Nil when the item kept its default parameters.
    public var infit: Double?
    /// Standard errors of the parameters (empirical cross-product information, with the prior on the slope).
    public var standardErrors: ParameterErrors?

    public init(itemID: String, parameters: ItemParameters, count: Int, model: CalibrationModel?, fit: Double?,
                infit: Double? = nil, standardErrors: ParameterErrors? = nil) {
        self.itemID = itemID
        self.parameters = parameters
        self.count = count
        self.model = model
        self.fit = fit
        self.infit = infit
        self.standardErrors = standardErrors
    }

    /// Why the item should be reviewed (empty when it fits, or when it kept its default parameters).
    public var reviewReasons: [ReviewReason] {
        guard model != nil else { return [] }
        var reasons: [ReviewReason] = []
        if (fit ?? 1) > 1.3 || (infit ?? 1) > 1.3 { reasons.append(.underfit) }
        if (infit ?? 1) < 0.7 { reasons.append(.overfit) }
        if parameters.discrimination < 0.4 { reasons.append(.weakDiscrimination) }
        if (standardErrors?.difficulty ?? 0) > 0.5 { reasons.append(.imprecise) }
        return reasons
    }
}

/// A linear change of ability scale, theta' = slope x theta + intercept: b' = slope x b + intercept, a' = a / slope.
public struct ScaleLink: Sendable, Equatable, Codable {
    public var slope: Double
    public var intercept: Double
    /// Items whose parameters on both scales defined the link.
    public var anchors: Int
    /// "mean-sigma" (slope and intercept from the anchors' difficulties) or "mean-mean" (intercept only).
    public var method: String

    public init(slope: Double, intercept: Double, anchors: Int, method: String) {
        self.slope = slope
        self.intercept = intercept
        self.anchors = anchors
        self.method = method
    }
}

/// A lognormal prior on the discrimination: log a ~ N(mean, sd^2).
public struct DiscriminationPrior: Sendable, Equatable {
    public var mean: Double
    public var standardDeviation: Double

    public init(mean: Double, standardDeviation: Double) {
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// log a ~ N(0, 0.5^2), BILOG-MG's default: a within 0.38...2.7 with 95 % prior probability.
    public static let standard = DiscriminationPrior(mean: 0, standardDeviation: 0.5)
}

public enum Calibration {
    /// Bounds kept on the estimates.
    public static let discriminationRange: ClosedRange<Double> = 0.2...4
    public static let difficultyRange: ClosedRange<Double> = -6...6
    /// With `model: nil`, an item gets a free slope (2PL) when it has at least this many answers, else Rasch.
    public static let twoPLMinimumCount = 200

    /// Marginal maximum likelihood with EM (Bock-Aitkin) on a quadrature grid with a N(0,1) ability distribution.
    ///
    /// A person is whatever `personID` names, with one ability: the engine estimates one ability per competence,
    /// so callers pass one person per (run, competence), not one per run.
    /// `guessing` fixes each item's lower asymptote (its chance of being guessed, from its type: `IRT.guessing(for:)`);
    /// it is not estimated, which would need far more answers.
    /// `model: nil` chooses per item: 2PL when the item has at least `twoPLMinimumCount` (200) answers, Rasch
    /// (a = 1) otherwise; a given model applies to every item. Under 2PL the slope has a lognormal prior
    /// (`discriminationPrior`, nil for plain maximum likelihood), so that small samples do not send it to its bounds.
    /// Items with fewer than `minimumCount` answers keep `defaults[itemID]` (count reported, model nil); their
    /// answers are left out of the estimation. An item without a default and without enough answers gets
    /// b = 0, a = 1. Items everyone got right (or wrong) keep a = 1 and get the difficulty that gives an expected
    /// success rate of (n - 1/2) / n (or 1/2n) in the population, rather than drifting to the bound.
    /// The result lists every item seen in `responses` or `defaults`, sorted by item id, on the N(0, 1) scale of
    /// this population: `link` puts it on a reference scale.
    public static func calibrate(
        _ responses: [CalibrationResponse],
        defaults: [String: ItemParameters],
        minimumCount: Int = 30,
        model: CalibrationModel? = nil,
        guessing: [String: Double] = [:],
        discriminationPrior: DiscriminationPrior? = .standard,
        maxIterations: Int = 200
    ) -> [CalibratedItem] {
        var counts: [String: Int] = [:]
        for response in responses {
            counts[response.itemID, default: 0] += 1
        }
        let allItems = Set(counts.keys).union(defaults.keys).sorted()
        let calibrated = allItems.filter { counts[$0, default: 0] >= max(1, minimumCount) }

        var results: [String: CalibratedItem] = [:]
        for itemID in allItems {
            results[itemID] = CalibratedItem(
                itemID: itemID,
                parameters: defaults[itemID] ?? ItemParameters(difficulty: 0, discrimination: 1),
                count: counts[itemID, default: 0], model: nil, fit: nil)
        }
        if !calibrated.isEmpty {
            let models = calibrated.map { model ?? (counts[$0, default: 0] >= twoPLMinimumCount ? .twoPL : .rasch) }
            var problem = EMProblem(responses: responses, items: calibrated,
                                    guessing: calibrated.map { min(max(guessing[$0] ?? 0, 0), 0.5) })
            let prior = discriminationPrior.flatMap { $0.standardDeviation > 0 ? $0 : nil }
            let estimated = problem.run(models: models, prior: prior, maxIterations: max(1, maxIterations))
            for (index, itemID) in calibrated.enumerated() {
                results[itemID]?.parameters = estimated.parameters[index]
                results[itemID]?.model = models[index]
                results[itemID]?.fit = estimated.outfit[index]
                results[itemID]?.infit = estimated.infit[index]
                results[itemID]?.standardErrors = estimated.errors[index]
            }
        }
        return allItems.compactMap { results[$0] }
    }

    /// Puts calibrated items on a reference scale (the previous calibration, or the item files' difficulties that
    /// the cut scores were set on), so that cut scores keep their meaning whoever took the tests.
    ///
    /// Anchors: the calibrated items (model not nil) with a reference value. Mean-sigma: slope = SD of the anchors'
    /// reference difficulties / SD of their new ones, intercept = mean(reference) - slope x mean(new); mean-mean
    /// (slope 1) when every anchor is Rasch or the new difficulties do not vary. The slope is kept within
    /// 0.5...2. Fewer than `minimumAnchors` anchors: nothing changes (link nil). Items that kept their defaults
    /// are left as they are.
    public static func link(
        _ items: [CalibratedItem], to reference: [String: ItemParameters], minimumAnchors: Int = 5
    ) -> (items: [CalibratedItem], link: ScaleLink?) {
        let anchors = items.filter { $0.model != nil }.compactMap { item in
            reference[item.itemID].map { (new: item.parameters.difficulty, old: $0.difficulty, rasch: item.model == .rasch) }
        }
        guard anchors.count >= max(2, minimumAnchors) else { return (items, nil) }
        func meanAndSD(_ values: [Double]) -> (Double, Double) {
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            return (mean, variance.squareRoot())
        }
        let (newMean, newSD) = meanAndSD(anchors.map(\.new))
        let (oldMean, oldSD) = meanAndSD(anchors.map(\.old))
        let meanSigma = !anchors.allSatisfy(\.rasch) && newSD > 1e-6 && oldSD > 1e-6
        let slope = meanSigma ? min(max(oldSD / newSD, 0.5), 2) : 1
        let intercept = oldMean - slope * newMean
        let linked = items.map { item -> CalibratedItem in
            guard item.model != nil else { return item }
            var result = item
            let b = min(max(slope * item.parameters.difficulty + intercept, difficultyRange.lowerBound), difficultyRange.upperBound)
            let a = min(max(item.parameters.discrimination / slope, discriminationRange.lowerBound), discriminationRange.upperBound)
            result.parameters = ItemParameters(difficulty: b, discrimination: a, guessing: item.parameters.guessing)
            result.standardErrors = item.standardErrors.map {
                ParameterErrors(difficulty: $0.difficulty * slope, discrimination: $0.discrimination.map { $0 / slope })
            }
            return result
        }
        return (linked, ScaleLink(slope: slope, intercept: intercept, anchors: anchors.count,
                                  method: meanSigma ? "mean-sigma" : "mean-mean"))
    }
}

/// The data and the working arrays of one Bock-Aitkin EM run.
private struct EMProblem {
    /// Quadrature points and normalised N(0,1) weights.
    let nodes: [Double]
    let logWeights: [Double]
    let itemCount: Int
    /// Answers grouped by person: item index and correctness, person after person.
    let personStart: [Int]
    let answerItem: [Int]
    let answerCorrect: [Bool]
    /// Number of answers and proportion correct per item.
    let answerCounts: [Int]
    let itemProportion: [Double]

    /// Fixed lower asymptote (guessing) per item.
    let guessing: [Double]

    init(responses: [CalibrationResponse], items: [String], guessing: [Double], points: Int = 61, range: Double = 6) {
        self.guessing = guessing
        nodes = (0..<points).map { -range + 2 * range * Double($0) / Double(points - 1) }
        let raw = nodes.map { exp(-0.5 * $0 * $0) }
        let total = raw.reduce(0, +)
        logWeights = raw.map { log($0 / total) }
        itemCount = items.count

        var itemIndex: [String: Int] = [:]
        for (index, itemID) in items.enumerated() {
            itemIndex[itemID] = index
        }
        var byPerson: [String: [(Int, Bool)]] = [:]
        var personOrder: [String] = []
        var n = [Int](repeating: 0, count: items.count)
        var right = [Int](repeating: 0, count: items.count)
        for response in responses {
            guard let index = itemIndex[response.itemID] else { continue }
            if byPerson[response.personID] == nil {
                personOrder.append(response.personID)
            }
            byPerson[response.personID, default: []].append((index, response.correct))
            n[index] += 1
            if response.correct {
                right[index] += 1
            }
        }
        var start = [0]
        var item: [Int] = []
        var correct: [Bool] = []
        for person in personOrder {
            for (index, isCorrect) in byPerson[person] ?? [] {
                item.append(index)
                correct.append(isCorrect)
            }
            start.append(item.count)
        }
        personStart = start
        answerItem = item
        answerCorrect = correct
        answerCounts = n
        itemProportion = (0..<items.count).map { Double(right[$0]) / Double(max(1, n[$0])) }
    }

    /// Runs EM and returns the parameters, fit and standard errors of each item.
    mutating func run(models: [CalibrationModel], prior: DiscriminationPrior?, maxIterations: Int)
        -> (parameters: [ItemParameters], outfit: [Double], infit: [Double], errors: [ParameterErrors]) {
        let q = nodes.count
        // Slope-intercept form during estimation: P = logistic(a * theta + c), c = -a b.
        var slope = [Double](repeating: 1, count: itemCount)
        var intercept = [Double](repeating: 0, count: itemCount)
        for item in 0..<itemCount {
            // Start from the proportion correct: with a = 1 and theta ~ N(0,1), P ~ logistic(-b / 1.18).
            let c = guessing[item]
            let p = min(max((itemProportion[item] - c) / (1 - c), 0.01), 0.99)
            let b = clampDifficulty(-log(p / (1 - p)) * (1 + Double.pi / 8).squareRoot())
            intercept[item] = -b
        }
        var expectedRight = [Double](repeating: 0, count: itemCount * q)
        var expectedTotal = [Double](repeating: 0, count: itemCount * q)
        var posterior = [Double](repeating: 0, count: q)
        var effective = models

        for _ in 0..<maxIterations {
            eStep(slope: slope, intercept: intercept, right: &expectedRight, total: &expectedTotal, posterior: &posterior)
            var largestChange = 0.0
            for item in 0..<itemCount {
                let degenerate = itemProportion[item] <= 0 || itemProportion[item] >= 1
                effective[item] = degenerate ? .rasch : models[item]
                let (a, c) = mStep(
                    item: item, model: effective[item], slope: degenerate ? 1 : slope[item],
                    intercept: intercept[item], prior: prior, right: expectedRight, total: expectedTotal,
                    degenerate: degenerate)
                largestChange = max(largestChange, abs(a - slope[item]), abs(-c / a + intercept[item] / slope[item]))
                slope[item] = a
                intercept[item] = c
            }
            if largestChange < 1e-5 {
                break
            }
        }
        let parameters = (0..<itemCount).map {
            ItemParameters(difficulty: -intercept[$0] / slope[$0], discrimination: slope[$0], guessing: guessing[$0])
        }
        let (outfit, infit) = fitStatistics(parameters)
        let errors = standardErrors(slope: slope, intercept: intercept, models: effective, prior: prior)
        return (parameters, outfit, infit, errors)
    }

    /// Standard errors from the empirical cross-product of each person's score for the item's parameters
    /// (the expected score under the person's posterior: Louis's identity), plus the prior's information on the
    /// slope; the difficulty's by the delta method (b = -c / a). Unlike the information of the M-step, this
    /// counts the uncertainty about each person's ability.
    func standardErrors(slope: [Double], intercept: [Double], models: [CalibrationModel],
                        prior: DiscriminationPrior?) -> [ParameterErrors] {
        let q = nodes.count
        var iAA = [Double](repeating: 0, count: itemCount)
        var iAC = [Double](repeating: 0, count: itemCount)
        var iCC = [Double](repeating: 0, count: itemCount)
        var probability = [Double](repeating: 0, count: itemCount * q)
        for item in 0..<itemCount {
            for node in 0..<q {
                probability[item * q + node] = guessing[item] + (1 - guessing[item]) * IRT.logistic(slope[item] * nodes[node] + intercept[item])
            }
        }
        var post = [Double](repeating: 0, count: q)
        for person in 0..<(personStart.count - 1) {
            let answers = personStart[person]..<personStart[person + 1]
            for node in 0..<q { post[node] = logWeights[node] }
            for answer in answers {
                let offset = answerItem[answer] * q
                for node in 0..<q {
                    let p = probability[offset + node]
                    post[node] += log(max(answerCorrect[answer] ? p : 1 - p, 1e-300))
                }
            }
            let top = post.max() ?? 0
            var sum = 0.0
            for node in 0..<q {
                post[node] = exp(post[node] - top)
                sum += post[node]
            }
            for answer in answers {
                let item = answerItem[answer]
                let offset = item * q
                let x = answerCorrect[answer] ? 1.0 : 0.0
                var scoreA = 0.0, scoreC = 0.0
                for node in 0..<q {
                    // d log P / dz = (x - P) D / (P (1 - P)), D = dP/dz = (1 - c) s (1 - s) = (P - c)(1 - P) / (1 - c).
                    let p = min(max(probability[offset + node], 1e-12), 1 - 1e-12)
                    let c = guessing[item]
                    let derivative = (p - c) * (1 - p) / (1 - c)
                    let residual = post[node] / sum * (x - p) * derivative / (p * (1 - p))
                    scoreA += residual * nodes[node]
                    scoreC += residual
                }
                iAA[item] += scoreA * scoreA
                iAC[item] += scoreA * scoreC
                iCC[item] += scoreC * scoreC
            }
        }
        return (0..<itemCount).map { item in
            let a = slope[item], c = intercept[item]
            guard models[item] == .twoPL else {
                // b = -c with a = 1.
                return ParameterErrors(difficulty: 1 / max(iCC[item], 1e-12).squareRoot(), discrimination: nil)
            }
            // The prior on log a adds 1 / (sd^2 a^2) to the information on a.
            let priorInformation = prior.map { 1 / ($0.standardDeviation * $0.standardDeviation * a * a) } ?? 0
            let hAA = iAA[item] + priorInformation, hAC = iAC[item], hCC = iCC[item]
            let determinant = hAA * hCC - hAC * hAC
            guard determinant > 1e-12 else {
                return ParameterErrors(difficulty: .infinity, discrimination: .infinity)
            }
            let varA = hCC / determinant, varC = hAA / determinant, covAC = -hAC / determinant
            // Gradient of b = -c / a: (c / a^2, -1 / a).
            let gA = c / (a * a), gC = -1 / a
            let varB = gA * gA * varA + gC * gC * varC + 2 * gA * gC * covAC
            return ParameterErrors(difficulty: max(varB, 0).squareRoot(), discrimination: max(varA, 0).squareRoot())
        }
    }

    /// Expected numbers of answers and of right answers per item and quadrature node.
    func eStep(
        slope: [Double], intercept: [Double], right: inout [Double], total: inout [Double], posterior: inout [Double]
    ) {
        let q = nodes.count
        var logRight = [Double](repeating: 0, count: itemCount * q)
        var logWrong = [Double](repeating: 0, count: itemCount * q)
        for item in 0..<itemCount {
            for node in 0..<q {
                let z = slope[item] * nodes[node] + intercept[item]
                let c = guessing[item]
                logRight[item * q + node] = c == 0 ? IRT.logLogistic(z) : log(c + (1 - c) * IRT.logistic(z))
                logWrong[item * q + node] = c == 0 ? IRT.logLogistic(-z) : log(1 - c) + IRT.logLogistic(-z)
            }
        }
        for index in right.indices {
            right[index] = 0
            total[index] = 0
        }
        logRight.withUnsafeBufferPointer { logRight in
            logWrong.withUnsafeBufferPointer { logWrong in
                right.withUnsafeMutableBufferPointer { right in
                    total.withUnsafeMutableBufferPointer { total in
                        posterior.withUnsafeMutableBufferPointer { post in
                            logWeights.withUnsafeBufferPointer { logWeights in
                                for person in 0..<(personStart.count - 1) {
                                    let answers = personStart[person]..<personStart[person + 1]
                                    for node in 0..<q {
                                        post[node] = logWeights[node]
                                    }
                                    for answer in answers {
                                        let row = (answerCorrect[answer] ? logRight : logWrong)
                                        let offset = answerItem[answer] * q
                                        for node in 0..<q {
                                            post[node] += row[offset + node]
                                        }
                                    }
                                    var top = -Double.infinity
                                    for node in 0..<q {
                                        top = max(top, post[node])
                                    }
                                    var sum = 0.0
                                    for node in 0..<q {
                                        post[node] = exp(post[node] - top)
                                        sum += post[node]
                                    }
                                    for node in 0..<q {
                                        post[node] /= sum
                                    }
                                    for answer in answers {
                                        let offset = answerItem[answer] * q
                                        if answerCorrect[answer] {
                                            for node in 0..<q {
                                                right[offset + node] += post[node]
                                                total[offset + node] += post[node]
                                            }
                                        } else {
                                            for node in 0..<q {
                                                total[offset + node] += post[node]
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Maximises the expected complete-data log-likelihood of one item (plus, under 2PL, the log prior of its slope)
    /// by Fisher scoring in (log a, c) with step halving.
    /// For an item everyone got right (wrong), the expected right counts are shrunk to a proportion
    /// (n - 1/2) / n (1/2n) so that the estimate stays finite.
    func mStep(
        item: Int, model: CalibrationModel, slope: Double, intercept: Double, prior: DiscriminationPrior?,
        right: [Double], total: [Double], degenerate: Bool
    ) -> (Double, Double) {
        let q = nodes.count
        let offset = item * q
        let c0 = guessing[item]
        var r = Array(right[offset..<(offset + q)])
        let n = Array(total[offset..<(offset + q)])
        if degenerate {
            let count = Double(max(1, answerCounts[item]))
            let share = itemProportion[item] >= 1 ? (count - 0.5) / count : 0.5 / count
            for node in 0..<q {
                r[node] = n[node] * share
            }
        }
        let priorVariance = prior.map { $0.standardDeviation * $0.standardDeviation }
        func logPrior(_ alpha: Double) -> Double {
            guard model == .twoPL, let prior, let priorVariance else { return 0 }
            return -(alpha - prior.mean) * (alpha - prior.mean) / (2 * priorVariance)
        }
        func objective(_ alpha: Double, _ c: Double) -> Double {
            let a = exp(alpha)
            var value = logPrior(alpha)
            for node in 0..<q {
                let z = a * nodes[node] + c
                if c0 == 0 {
                    value += r[node] * IRT.logLogistic(z) + (n[node] - r[node]) * IRT.logLogistic(-z)
                } else {
                    value += r[node] * log(c0 + (1 - c0) * IRT.logistic(z)) + (n[node] - r[node]) * (log(1 - c0) + IRT.logLogistic(-z))
                }
            }
            return value
        }
        var alpha = model == .rasch ? 0 : log(slope)
        var c = intercept
        var current = objective(alpha, c)
        for _ in 0..<25 {
            let a = exp(alpha)
            var gA = 0.0, gC = 0.0, hAA = 0.0, hAC = 0.0, hCC = 0.0
            for node in 0..<q {
                let theta = nodes[node]
                // With guessing c0: P = c0 + (1 - c0) s, D = dP/dz; the score in z is (r - nP) D / (P(1 - P)) and
                // its expected information n D^2 / (P(1 - P)) (without guessing: r - n s and n s (1 - s)).
                let sigma = IRT.logistic(a * theta + c)
                let p = min(max(c0 + (1 - c0) * sigma, 1e-12), 1 - 1e-12)
                let derivative = (1 - c0) * sigma * (1 - sigma)
                let residual = (r[node] - n[node] * p) * derivative / (p * (1 - p))
                let w = n[node] * derivative * derivative / (p * (1 - p))
                gA += residual * theta
                gC += residual
                hAA += w * theta * theta
                hAC += w * theta
                hCC += w
            }
            var stepAlpha = 0.0
            var stepC = 0.0
            if model == .rasch {
                guard hCC > 1e-12 else { break }
                stepC = gC / hCC
            } else {
                // In log a: gradient a gA, expected information a^2 hAA and a hAC; the prior adds its own terms.
                var gAlpha = a * gA
                var hAlphaAlpha = a * a * hAA
                let hAlphaC = a * hAC
                if let prior, let priorVariance {
                    gAlpha -= (alpha - prior.mean) / priorVariance
                    hAlphaAlpha += 1 / priorVariance
                }
                let determinant = hAlphaAlpha * hCC - hAlphaC * hAlphaC
                guard determinant > 1e-12 else { break }
                stepAlpha = (hCC * gAlpha - hAlphaC * gC) / determinant
                stepC = (hAlphaAlpha * gC - hAlphaC * gAlpha) / determinant
            }
            var factor = 1.0
            var improved = false
            for _ in 0..<20 {
                let (candidateAlpha, candidateC) = clamped(alpha + factor * stepAlpha, c + factor * stepC, model: model)
                let value = objective(candidateAlpha, candidateC)
                if value >= current - 1e-12 {
                    let change = max(abs(candidateAlpha - alpha), abs(candidateC - c))
                    alpha = candidateAlpha
                    c = candidateC
                    current = value
                    improved = change > 1e-10
                    break
                }
                factor /= 2
            }
            if !improved || max(abs(stepAlpha), abs(stepC)) < 1e-9 {
                break
            }
        }
        return (exp(alpha), c)
    }

    /// Keeps log a and b within their bounds (a = 1 under Rasch).
    func clamped(_ alpha: Double, _ c: Double, model: CalibrationModel) -> (Double, Double) {
        let range = Calibration.discriminationRange
        let slope = model == .rasch ? 1 : min(max(alpha.isNaN ? 0 : exp(alpha), range.lowerBound), range.upperBound)
        let difficulty = clampDifficulty(-c / slope)
        return (log(slope), -slope * difficulty)
    }

    func clampDifficulty(_ b: Double) -> Double {
        b.isNaN ? 0 : min(max(b, Calibration.difficultyRange.lowerBound), Calibration.difficultyRange.upperBound)
    }

    /// Outfit and infit mean squares per item at the persons' EAP abilities under the final parameters.
    func fitStatistics(_ parameters: [ItemParameters]) -> (outfit: [Double], infit: [Double]) {
        let estimator = EAPEstimator()
        var outfitSum = [Double](repeating: 0, count: itemCount)
        var squaredResiduals = [Double](repeating: 0, count: itemCount)
        var variances = [Double](repeating: 0, count: itemCount)
        var count = [Int](repeating: 0, count: itemCount)
        for person in 0..<(personStart.count - 1) {
            let answers = personStart[person]..<personStart[person + 1]
            let theta = estimator.estimate(answers.map { (parameters[answerItem[$0]], answerCorrect[$0]) }).theta
            for answer in answers {
                let item = answerItem[answer]
                let p = min(max(IRT.probability(theta: theta, parameters[item]), 1e-6), 1 - 1e-6)
                let residual = (answerCorrect[answer] ? 1 : 0) - p
                outfitSum[item] += residual * residual / (p * (1 - p))
                squaredResiduals[item] += residual * residual
                variances[item] += p * (1 - p)
                count[item] += 1
            }
        }
        let outfit = (0..<itemCount).map { count[$0] > 0 ? outfitSum[$0] / Double(count[$0]) : 1 }
        let infit = (0..<itemCount).map { variances[$0] > 0 ? squaredResiduals[$0] / variances[$0] : 1 }
        return (outfit, infit)
    }
}
