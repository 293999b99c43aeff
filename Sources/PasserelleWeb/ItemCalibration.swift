import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// `passerelle calibrate`: estimates item parameters from every stored answer and saves them where the
/// IRT mode reads them. Each run of an assessment counts as one person.
public enum ItemCalibration {
    public struct Outcome: Sendable {
        public var items: [CalibratedItem]
        public var answers: Int
    }

    public enum Failure: Error, LocalizedError {
        case noAnswers(String)
        public var errorDescription: String? {
            switch self {
            case .noAnswers(let path): return "aucune réponse enregistrée dans « \(path) » : rien à calibrer"
            }
        }
    }

    public static func run(store: Store, catalog: ContentCatalog, minimumCount: Int = 30,
                           model: CalibrationModel? = nil) throws -> Outcome {
        let index = SkillIndex(catalog.frameworks)
        var defaults: [String: ItemParameters] = [:]
        for item in catalog.items {
            guard let level = index[item.skillID]?.skill.level else { continue }
            let fallback = IRT.defaultParameters(level: level)
            defaults[item.id] = ItemParameters(difficulty: item.difficulty ?? fallback.difficulty,
                                               discrimination: item.discrimination ?? fallback.discrimination)
        }
        let responses = try store.allAnswers().filter { defaults[$0.itemID] != nil }.map {
            CalibrationResponse(personID: String($0.assessmentID), itemID: $0.itemID, correct: $0.correct)
        }
        guard !responses.isEmpty else { throw Failure.noAnswers(store.path) }
        let answered = Set(responses.map(\.itemID))
        let results = Calibration.calibrate(responses, defaults: defaults.filter { answered.contains($0.key) },
                                            minimumCount: minimumCount, model: model)
        try store.saveItemParameters(results.map {
            Store.StoredItemParameters(itemID: $0.itemID, difficulty: $0.parameters.difficulty,
                                       discrimination: $0.parameters.discrimination, answerCount: $0.count,
                                       model: $0.model?.rawValue, fit: $0.fit)
        })
        return Outcome(items: results, answers: responses.count)
    }
}
