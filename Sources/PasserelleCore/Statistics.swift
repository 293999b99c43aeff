import Foundation

/// Descriptive and inferential statistics for progress reports: means with Student-t confidence
/// intervals, paired effect sizes, and questionnaire summaries.
public enum Statistics {
    public struct Summary: Sendable, Equatable, Codable {
        public var n: Int
        public var mean: Double
        /// Sample standard deviation (n - 1); 0 when n < 2.
        public var standardDeviation: Double
        /// 95 % confidence interval of the mean (Student t); nil when n < 2.
        public var lower: Double?
        public var upper: Double?
    }

    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return 0 }
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }

    public static func summary(_ values: [Double], confidence: Double = 0.95) -> Summary {
        let m = mean(values), sd = standardDeviation(values)
        guard values.count >= 2 else { return Summary(n: values.count, mean: m, standardDeviation: sd, lower: nil, upper: nil) }
        let t = studentQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(values.count - 1))
        let margin = t * sd / Double(values.count).squareRoot()
        return Summary(n: values.count, mean: m, standardDeviation: sd, lower: m - margin, upper: m + margin)
    }

    /// Cohen's d_z for paired measures: mean of the differences over their standard deviation
    /// (nil when there are fewer than 2 pairs or the differences do not vary).
    public static func cohenDz(_ differences: [Double]) -> Double? {
        let sd = standardDeviation(differences)
        guard differences.count >= 2, sd > 0 else { return nil }
        return mean(differences) / sd
    }

    /// The p-quantile of Student's t distribution, by bisection on its distribution function.
    public static func studentQuantile(_ p: Double, degreesOfFreedom df: Double) -> Double {
        var low = -1000.0, high = 1000.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if studentCDF(middle, degreesOfFreedom: df) < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// Student's t distribution function, through the regularised incomplete beta function.
    public static func studentCDF(_ t: Double, degreesOfFreedom df: Double) -> Double {
        let x = df / (df + t * t)
        let tail = 0.5 * incompleteBeta(x, a: df / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// Regularised incomplete beta I_x(a, b) (continued fraction, Lentz's method).
    static func incompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logGammas + logPowers)
        if x > (a + 1) / (a + b + 2) { return 1 - incompleteBeta(1 - x, a: b, b: a) }
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < 1e-300 { d = 1e-300 }
        d = 1 / d
        var result = d
        for m in 1...300 {
            let m = Double(m)
            var numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + numerator * d; if abs(d) < 1e-300 { d = 1e-300 }
            c = 1 + numerator / c; if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d
            result *= d * c
            numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + numerator * d; if abs(d) < 1e-300 { d = 1e-300 }
            c = 1 + numerator / c; if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d
            let delta = d * c
            result *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return front * result / a
    }
}

/// Gains between two assessments of the same framework (e.g. initial and final positioning).
public struct CompetenceGain: Sendable, Equatable, Codable {
    public var competenceID: String
    /// Learners with both measures on this competence.
    public var pairs: Int
    /// Learners with only one of the two measures (counted, not dropped silently).
    public var singleMeasure: Int
    public var pixGain: Statistics.Summary
    public var levelGain: Statistics.Summary
    public var cohenDz: Double?
    /// Share of the pairs who gained at least one level.
    public var shareGainedALevel: Double
}

public enum Gains {
    /// One learner's measure: level and pix per competence (nil when the learner has no such measure).
    public typealias Measure = [String: (pix: Int, level: Int)]

    /// Per competence, the gains of the learners who have both measures.
    public static func cohort(before: [Int64: Measure], after: [Int64: Measure], competences: [String]) -> [CompetenceGain] {
        let learners = Set(before.keys).union(after.keys)
        return competences.map { competence in
            var pixDiffs: [Double] = [], levelDiffs: [Double] = [], single = 0, gainedLevel = 0
            for learner in learners {
                let first = before[learner]?[competence], second = after[learner]?[competence]
                guard let first, let second else {
                    if first != nil || second != nil { single += 1 }
                    continue
                }
                pixDiffs.append(Double(second.pix - first.pix))
                levelDiffs.append(Double(second.level - first.level))
                if second.level - first.level >= 1 { gainedLevel += 1 }
            }
            return CompetenceGain(
                competenceID: competence, pairs: pixDiffs.count, singleMeasure: single,
                pixGain: Statistics.summary(pixDiffs), levelGain: Statistics.summary(levelDiffs),
                cohenDz: Statistics.cohenDz(pixDiffs),
                shareGainedALevel: pixDiffs.isEmpty ? 0 : Double(gainedLevel) / Double(pixDiffs.count))
        }
    }
}

/// A questionnaire statement's answers on a numeric scale (seed 004's method).
public struct StatementSummary: Sendable, Equatable, Codable {
    public var n: Int
    public var mean: Double
    public var standardDeviation: Double
    /// Share of answers above the scale's midpoint.
    public var shareAgreeing: Double

    public init(values: [Double], scaleMin: Double, scaleMax: Double) {
        n = values.count
        mean = Statistics.mean(values)
        standardDeviation = Statistics.standardDeviation(values)
        let midpoint = (scaleMin + scaleMax) / 2
        shareAgreeing = values.isEmpty ? 0 : Double(values.filter { $0 > midpoint }.count) / Double(values.count)
    }
}

/// Privacy in statistics (issue 14): a breakdown never shows a group of fewer than `minimum` people. A
/// mean of two answers is two people's answers; the trainer knows who is in each structure. Such a cell
/// says `notice` instead of its figures, and a chart draws no bar for it.
public enum SmallGroups {
    public static let minimum = 5
    public static let notice = "moins de 5 réponses"

    /// Whether a group of `count` people may be shown.
    public static func isShown(_ count: Int) -> Bool { count >= minimum }
}
