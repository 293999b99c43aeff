import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// `passerelle calibrate`: estimates item parameters from every stored answer and saves them where the
/// IRT mode reads them.
///
/// A person is one (run, competence): the engine estimates one ability per competence, and a run that spans
/// several competences is not one ability. The new parameters are then linked to the previous scale (the last
/// calibration's parameters of the items calibrated again, or, the first time, the item files' difficulties the
/// cut scores were set on), so that cut scores keep their meaning whoever took the tests.
public enum ItemCalibration {
    public struct Outcome: Sendable {
        public var items: [CalibratedItem]
        public var answers: Int
        /// The link applied to the new parameters, nil when there were too few anchors or linking was off.
        public var link: ScaleLink?
        /// What the scale was linked to: "previous" (the last calibration) or "defaults" (the item files).
        public var linkedTo: String?
    }

    /// What `passerelle calibrate --json` prints: every item with its parameters, standard errors and fit, the
    /// link applied, and the items to review with their reasons.
    public struct Report: Encodable, Sendable {
        public struct Row: Encodable, Sendable {
            public var item: String
            public var count: Int
            public var model: String?
            public var difficulty: Double
            public var discrimination: Double
            public var difficultySE: Double?
            public var discriminationSE: Double?
            /// Outfit mean square (named `fit` before infit was added).
            public var fit: Double?
            public var infit: Double?
            public var review: [String]
        }
        public var answers: Int
        public var items: [Row]
        /// Items with at least one review reason, in item order.
        public var toReview: [String]
        public var link: ScaleLink?
        public var linkedTo: String?
    }

    public static func report(_ outcome: Outcome) -> Report {
        // Infinite standard errors (a singular information) are written as null.
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        let rows = outcome.items.map { item in
            Report.Row(item: item.itemID, count: item.count, model: item.model?.rawValue,
                       difficulty: item.parameters.difficulty, discrimination: item.parameters.discrimination,
                       difficultySE: finite(item.standardErrors?.difficulty),
                       discriminationSE: finite(item.standardErrors?.discrimination ?? nil),
                       fit: item.fit, infit: item.infit, review: item.reviewReasons.map(\.rawValue))
        }
        return Report(answers: outcome.answers, items: rows, toReview: rows.filter { !$0.review.isEmpty }.map(\.item),
                      link: outcome.link, linkedTo: outcome.linkedTo)
    }

    public enum Failure: Error, LocalizedError {
        case noAnswers(String)
        public var errorDescription: String? {
            switch self {
            case .noAnswers(let path): return "aucune réponse enregistrée dans « \(path) » : rien à calibrer"
            }
        }
    }

    /// Anchors needed to link to the previous calibration rather than to the item files.
    public static let minimumAnchors = 5

    public static func run(store: Store, catalog: ContentCatalog, minimumCount: Int = 30,
                           model: CalibrationModel? = nil, link: Bool = true) throws -> Outcome {
        let index = SkillIndex(catalog.frameworks)
        var defaults: [String: ItemParameters] = [:]
        var competenceOf: [String: String] = [:]
        var guessing: [String: Double] = [:]
        for item in catalog.items {
            guard let place = index[item.skillID] else { continue }
            let fallback = IRT.defaultParameters(level: place.skill.level)
            defaults[item.id] = ItemParameters(difficulty: item.difficulty ?? fallback.difficulty,
                                               discrimination: item.discrimination ?? fallback.discrimination)
            competenceOf[item.id] = place.competenceID
            guessing[item.id] = IRT.guessing(for: item)
        }
        let responses = try store.allAnswers().compactMap { answer -> CalibrationResponse? in
            guard let competence = competenceOf[answer.itemID] else { return nil }
            return CalibrationResponse(personID: "\(answer.assessmentID)/\(competence)", itemID: answer.itemID,
                                       correct: answer.correct)
        }
        guard !responses.isEmpty else { throw Failure.noAnswers(store.path) }
        let answered = Set(responses.map(\.itemID))
        var results = Calibration.calibrate(responses, defaults: defaults.filter { answered.contains($0.key) },
                                            minimumCount: minimumCount, model: model, guessing: guessing)
        var applied: ScaleLink?
        var linkedTo: String?
        if link {
            let previous = try store.calibratedParameters()
            let anchors = results.filter { $0.model != nil && previous[$0.itemID] != nil }.count
            let (reference, name) = anchors >= minimumAnchors ? (previous, "previous") : (defaults, "defaults")
            let linked = Calibration.link(results, to: reference, minimumAnchors: minimumAnchors)
            results = linked.items
            applied = linked.link
            linkedTo = linked.link == nil ? nil : name
        }
        try store.saveItemParameters(results.map {
            Store.StoredItemParameters(itemID: $0.itemID, difficulty: $0.parameters.difficulty,
                                       discrimination: $0.parameters.discrimination, answerCount: $0.count,
                                       model: $0.model?.rawValue, fit: $0.fit)
        })
        return Outcome(items: results, answers: responses.count, link: applied, linkedTo: linkedTo)
    }
}
