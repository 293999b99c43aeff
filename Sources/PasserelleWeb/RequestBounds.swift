import Foundation
import PasserelleCore

/// Bounds on every value a request can carry. Values from a request are hostile: they are decoded
/// into typed values, checked against these bounds, and never given to an API that traps.
enum RequestBounds {
    /// Time spent on one answer is clamped to 0…2 h, so that sums over a learner's work stay small.
    static let maximumTimeSpentMs = 7_200_000
    /// Longest identifier (item, activity, choice, field) accepted in a body.
    static let maximumIDLength = 200
    /// Longest text typed in one answer field.
    static let maximumTextLength = 5_000
    /// Most entries in one answer (choices, fields, pairs).
    static let maximumEntries = 100

    /// Milliseconds from a JSON value of any type: a finite number clamped to 0…2 h, else 0. Never
    /// traps, whatever the value (`NSNumber.intValue` can trap on 1e300 on Linux).
    static func milliseconds(_ value: Any?) -> Int {
        guard let number = value as? NSNumber else { return 0 }
        return clampedMilliseconds(number.doubleValue)
    }

    /// A whole number from a JSON value (number or numeric text) within ±1,000,000, else nil.
    static func integer(_ value: Any?) -> Int? {
        if let text = value as? String { return Int(text.prefix(12)).flatMap { abs($0) <= 1_000_000 ? $0 : nil } }
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.isFinite, abs(double) <= 1_000_000, double == double.rounded() else { return nil }
        return Int(double)
    }

    static func clampedMilliseconds(_ value: Double) -> Int {
        guard value.isFinite, value > 0 else { return 0 }
        return value >= Double(maximumTimeSpentMs) ? maximumTimeSpentMs : Int(value)
    }

    /// Whether an answer stays within the bounds (ids, texts and number of entries).
    static func accepts(_ answer: ItemAnswer) -> Bool {
        func id(_ text: String) -> Bool { !text.isEmpty && text.count <= maximumIDLength }
        switch answer {
        case .choice(let choice): return id(choice)
        case .choices(let list), .order(let list): return list.count <= maximumEntries && list.allSatisfy(id)
        case .fields(let fields):
            return fields.count <= maximumEntries && fields.allSatisfy { id($0.key) && $0.value.count <= maximumTextLength }
        case .pairs(let pairs): return pairs.count <= maximumEntries && pairs.allSatisfy { id($0.key) && id($0.value) }
        }
    }
}

/// Time spent, as sent by a client: any JSON number, clamped to 0…2 h; anything else is refused.
struct TimeSpent: Decodable {
    let milliseconds: Int

    init(from decoder: Decoder) throws {
        milliseconds = RequestBounds.clampedMilliseconds(try decoder.singleValueContainer().decode(Double.self))
    }
}

/// `POST /api/assessments/{run}/answers`: `{"item": "…", "answer": {"choice": "a"}, "timeSpentMs": 1200}`.
/// `{"item": "…", "skip": true}` skips the question (« Je passe »).
struct AssessmentAnswerBody: Decodable {
    let item: String
    let answer: ItemAnswer?
    let skip: Bool?
    let timeSpentMs: TimeSpent?

    /// Decodes and checks a body; nil when it is not such an object, leaves the bounds, or has neither an
    /// answer nor `"skip": true` (or both).
    static func decode(_ body: [UInt8]) -> AssessmentAnswerBody? {
        guard let decoded = try? JSONDecoder().decode(AssessmentAnswerBody.self, from: Data(body)),
              !decoded.item.isEmpty, decoded.item.count <= RequestBounds.maximumIDLength else { return nil }
        switch (decoded.answer, decoded.skip == true) {
        case (let answer?, false): return RequestBounds.accepts(answer) ? decoded : nil
        case (nil, true): return decoded
        default: return nil
        }
    }
}

/// `POST /api/assessments`: `{"assignment": 12}`.
struct StartAssessmentBody: Decodable {
    let assignment: Int64
}
