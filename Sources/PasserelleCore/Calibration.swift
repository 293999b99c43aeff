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

    public init(itemID: String, parameters: ItemParameters, count: Int, model: CalibrationModel?, fit: Double?) {
        self.itemID = itemID
        self.parameters = parameters
        self.count = count
        self.model = model
        self.fit = fit
    }
}

public enum Calibration {
    /// Bounds kept on the estimates.
    public static let discriminationRange: ClosedRange<Double> = 0.2...4
    public static let difficultyRange: ClosedRange<Double> = -6...6
    /// With `model: nil`, 2PL is chosen when the calibrated items have at least this many answers on average.
    public static let twoPLMinimumAverageCount = 200

    /// Marginal maximum likelihood with EM (Bock-Aitkin) on a quadrature grid with a N(0,1) ability distribution.
    /// `model: nil` chooses 2PL when there are enough answers (>= 200 per calibrated item on average) and Rasch
    /// (a = 1 for all) otherwise.
    /// Items with fewer than `minimumCount` answers keep `defaults[itemID]` (count reported, model nil); their
    /// answers are left out of the estimation. An item without a default and without enough answers gets
    /// b = 0, a = 1. Items everyone got right (or wrong) keep a = 1 and get the difficulty that gives an expected
    /// success rate of (n - 1/2) / n (or 1/2n) in the population, rather than drifting to the bound.
    /// The result lists every item seen in `responses` or `defaults`, sorted by item id.
    public static func calibrate(
        _ responses: [CalibrationResponse],
        defaults: [String: ItemParameters],
        minimumCount: Int = 30,
        model: CalibrationModel? = nil,
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
            let average = Double(calibrated.reduce(0) { $0 + counts[$1, default: 0] }) / Double(calibrated.count)
            let chosen = model ?? (average >= Double(twoPLMinimumAverageCount) ? .twoPL : .rasch)
            var problem = EMProblem(responses: responses, items: calibrated)
            let estimated = problem.run(model: chosen, maxIterations: max(1, maxIterations))
            for (index, itemID) in calibrated.enumerated() {
                results[itemID]?.parameters = estimated.parameters[index]
                results[itemID]?.model = chosen
                results[itemID]?.fit = estimated.fit[index]
            }
        }
        return allItems.compactMap { results[$0] }
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

    init(responses: [CalibrationResponse], items: [String], points: Int = 61, range: Double = 6) {
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

    /// Runs EM and returns the parameters and the outfit of each item.
    mutating func run(model: CalibrationModel, maxIterations: Int) -> (parameters: [ItemParameters], fit: [Double]) {
        let q = nodes.count
        // Slope-intercept form during estimation: P = logistic(a * theta + c), c = -a b.
        var slope = [Double](repeating: 1, count: itemCount)
        var intercept = [Double](repeating: 0, count: itemCount)
        for item in 0..<itemCount {
            // Start from the proportion correct: with a = 1 and theta ~ N(0,1), P ~ logistic(-b / 1.18).
            let p = min(max(itemProportion[item], 0.01), 0.99)
            let b = clampDifficulty(-log(p / (1 - p)) * (1 + Double.pi / 8).squareRoot())
            intercept[item] = -b
        }
        var expectedRight = [Double](repeating: 0, count: itemCount * q)
        var expectedTotal = [Double](repeating: 0, count: itemCount * q)
        var posterior = [Double](repeating: 0, count: q)

        for _ in 0..<maxIterations {
            eStep(slope: slope, intercept: intercept, right: &expectedRight, total: &expectedTotal, posterior: &posterior)
            var largestChange = 0.0
            for item in 0..<itemCount {
                let degenerate = itemProportion[item] <= 0 || itemProportion[item] >= 1
                let (a, c) = mStep(
                    item: item, model: degenerate ? .rasch : model, slope: degenerate ? 1 : slope[item],
                    intercept: intercept[item], right: expectedRight, total: expectedTotal, degenerate: degenerate)
                largestChange = max(largestChange, abs(a - slope[item]), abs(-c / a + intercept[item] / slope[item]))
                slope[item] = a
                intercept[item] = c
            }
            if largestChange < 1e-5 {
                break
            }
        }
        let parameters = (0..<itemCount).map {
            ItemParameters(difficulty: -intercept[$0] / slope[$0], discrimination: slope[$0])
        }
        return (parameters, outfit(parameters))
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
                logRight[item * q + node] = IRT.logLogistic(z)
                logWrong[item * q + node] = IRT.logLogistic(-z)
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

    /// Maximises the expected complete-data log-likelihood of one item by Newton steps with step halving.
    /// For an item everyone got right (wrong), the expected right counts are shrunk to a proportion
    /// (n - 1/2) / n (1/2n) so that the estimate stays finite.
    func mStep(
        item: Int, model: CalibrationModel, slope: Double, intercept: Double, right: [Double], total: [Double],
        degenerate: Bool
    ) -> (Double, Double) {
        let q = nodes.count
        let offset = item * q
        var r = Array(right[offset..<(offset + q)])
        let n = Array(total[offset..<(offset + q)])
        if degenerate {
            let count = Double(max(1, answerCounts[item]))
            let share = itemProportion[item] >= 1 ? (count - 0.5) / count : 0.5 / count
            for node in 0..<q {
                r[node] = n[node] * share
            }
        }
        func objective(_ a: Double, _ c: Double) -> Double {
            var value = 0.0
            for node in 0..<q {
                let z = a * nodes[node] + c
                value += r[node] * IRT.logLogistic(z) + (n[node] - r[node]) * IRT.logLogistic(-z)
            }
            return value
        }
        var a = model == .rasch ? 1 : slope
        var c = intercept
        var current = objective(a, c)
        for _ in 0..<25 {
            var gA = 0.0, gC = 0.0, hAA = 0.0, hAC = 0.0, hCC = 0.0
            for node in 0..<q {
                let theta = nodes[node]
                let p = IRT.logistic(a * theta + c)
                let residual = r[node] - n[node] * p
                let w = n[node] * p * (1 - p)
                gA += residual * theta
                gC += residual
                hAA += w * theta * theta
                hAC += w * theta
                hCC += w
            }
            var stepA = 0.0
            var stepC = 0.0
            if model == .rasch {
                guard hCC > 1e-12 else { break }
                stepC = gC / hCC
            } else {
                let determinant = hAA * hCC - hAC * hAC
                guard determinant > 1e-12 else { break }
                stepA = (hCC * gA - hAC * gC) / determinant
                stepC = (hAA * gC - hAC * gA) / determinant
            }
            var factor = 1.0
            var improved = false
            for _ in 0..<20 {
                let (candidateA, candidateC) = clamped(a + factor * stepA, c + factor * stepC, model: model)
                let value = objective(candidateA, candidateC)
                if value >= current - 1e-12 {
                    let change = max(abs(candidateA - a), abs(candidateC - c))
                    a = candidateA
                    c = candidateC
                    current = value
                    improved = change > 1e-10
                    break
                }
                factor /= 2
            }
            if !improved || max(abs(stepA), abs(stepC)) < 1e-9 {
                break
            }
        }
        return (a, c)
    }

    func clamped(_ a: Double, _ c: Double, model: CalibrationModel) -> (Double, Double) {
        let slope = model == .rasch ? 1 : min(max(a, Calibration.discriminationRange.lowerBound), Calibration.discriminationRange.upperBound)
        let difficulty = clampDifficulty(-c / slope)
        return (slope, -slope * difficulty)
    }

    func clampDifficulty(_ b: Double) -> Double {
        b.isNaN ? 0 : min(max(b, Calibration.difficultyRange.lowerBound), Calibration.difficultyRange.upperBound)
    }

    /// Outfit mean square per item at the persons' EAP abilities under the final parameters.
    func outfit(_ parameters: [ItemParameters]) -> [Double] {
        let estimator = EAPEstimator()
        var sum = [Double](repeating: 0, count: itemCount)
        var count = [Int](repeating: 0, count: itemCount)
        for person in 0..<(personStart.count - 1) {
            let answers = personStart[person]..<personStart[person + 1]
            let theta = estimator.estimate(answers.map { (parameters[answerItem[$0]], answerCorrect[$0]) }).theta
            for answer in answers {
                let item = answerItem[answer]
                let p = min(max(IRT.probability(theta: theta, parameters[item]), 1e-6), 1 - 1e-6)
                let residual = (answerCorrect[answer] ? 1 : 0) - p
                sum[item] += residual * residual / (p * (1 - p))
                count[item] += 1
            }
        }
        return (0..<itemCount).map { count[$0] > 0 ? sum[$0] / Double(count[$0]) : 1 }
    }
}
