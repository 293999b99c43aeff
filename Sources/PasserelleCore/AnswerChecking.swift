import Foundation

/// What a learner answered, in the shape of the item's type.
public enum ItemAnswer: Sendable, Equatable {
    /// QCU: the chosen choice id.
    case choice(String)
    /// QCM: every chosen choice id.
    case choices([String])
    /// QROC, QROCM: text typed per field id.
    case fields([String: String])
    /// Ordering: choice ids in the order given.
    case order([String])
    /// Matching: for each pair id (its left side), the pair id whose right side was chosen.
    case pairs([String: String])
}

extension ItemAnswer: Codable {
    private enum Key: String, CodingKey { case choice, choices, fields, order, pairs }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription:
                "une réponse a exactement une clé : choice, choices, fields, order ou pairs"))
        }
        switch key {
        case .choice: self = .choice(try container.decode(String.self, forKey: key))
        case .choices: self = .choices(try container.decode([String].self, forKey: key))
        case .fields: self = .fields(try container.decode([String: String].self, forKey: key))
        case .order: self = .order(try container.decode([String].self, forKey: key))
        case .pairs: self = .pairs(try container.decode([String: String].self, forKey: key))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .choice(let value): try container.encode(value, forKey: .choice)
        case .choices(let value): try container.encode(value, forKey: .choices)
        case .fields(let value): try container.encode(value, forKey: .fields)
        case .order(let value): try container.encode(value, forKey: .order)
        case .pairs(let value): try container.encode(value, forKey: .pairs)
        }
    }
}

/// The outcome of checking an answer.
public struct AnswerCheck: Sendable, Equatable {
    public var correct: Bool
    /// Per field, choice or pair id: whether that part was right (for feedback).
    public var parts: [String: Bool]

    public init(correct: Bool, parts: [String: Bool] = [:]) {
        self.correct = correct
        self.parts = parts
    }
}

public enum AnswerCheckError: Error, Equatable, LocalizedError {
    /// The answer does not have the shape of the item's type, or names unknown ids.
    case wrongShape(String)

    public var errorDescription: String? {
        switch self {
        case .wrongShape(let detail): return "réponse mal formée : \(detail)"
        }
    }
}

/// Checks answers against items, with Pix's normalisation for free text.
public enum AnswerChecker {
    public static func check(_ answer: ItemAnswer, against item: Item) throws -> AnswerCheck {
        switch (item.type, answer) {
        case (.qcu, .choice(let id)):
            guard let chosen = item.choices.first(where: { $0.id == id }) else {
                throw AnswerCheckError.wrongShape("choix inconnu « \(id) »")
            }
            return AnswerCheck(correct: chosen.correct, parts: [id: chosen.correct])

        case (.qcm, .choices(let ids)):
            let known = Set(item.choices.map(\.id))
            guard Set(ids).isSubset(of: known) else { throw AnswerCheckError.wrongShape("choix inconnu") }
            let right = Set(item.choices.filter(\.correct).map(\.id))
            let chosen = Set(ids)
            var parts: [String: Bool] = [:]
            for choice in item.choices { parts[choice.id] = chosen.contains(choice.id) == choice.correct }
            return AnswerCheck(correct: chosen == right, parts: parts)

        case (.qroc, .fields(let typed)), (.qrocmInd, .fields(let typed)):
            var parts: [String: Bool] = [:]
            for field in item.fields {
                parts[field.id] = matches(typed[field.id] ?? "", accepted: field.accepted, item.normalisation)
            }
            guard Set(typed.keys).isSubset(of: Set(item.fields.map(\.id))) else {
                throw AnswerCheckError.wrongShape("champ inconnu")
            }
            return AnswerCheck(correct: !parts.isEmpty && parts.values.allSatisfy { $0 }, parts: parts)

        case (.qrocmDep, .fields(let typed)):
            guard Set(typed.keys).isSubset(of: Set(item.fields.map(\.id))) else {
                throw AnswerCheckError.wrongShape("champ inconnu")
            }
            let answers = item.fields.map { (id: $0.id, text: typed[$0.id] ?? "") }
            let assignment = distinctMatch(answers.map(\.text), pool: item.accepted, item.normalisation)
            var parts: [String: Bool] = [:]
            for (index, field) in answers.enumerated() { parts[field.id] = assignment[index] }
            return AnswerCheck(correct: assignment.allSatisfy { $0 }, parts: parts)

        case (.ordering, .order(let ids)):
            let expected = item.choices.map(\.id)
            guard ids.count == expected.count, Set(ids) == Set(expected) else {
                throw AnswerCheckError.wrongShape("il faut placer chaque étape une fois")
            }
            var parts: [String: Bool] = [:]
            for (index, id) in ids.enumerated() { parts[id] = expected[index] == id }
            return AnswerCheck(correct: ids == expected, parts: parts)

        case (.matching, .pairs(let chosen)):
            let known = Set(item.pairs.map(\.id))
            guard Set(chosen.keys).isSubset(of: known), Set(chosen.values).isSubset(of: known) else {
                throw AnswerCheckError.wrongShape("élément inconnu")
            }
            var parts: [String: Bool] = [:]
            for pair in item.pairs { parts[pair.id] = chosen[pair.id] == pair.id }
            return AnswerCheck(correct: parts.values.allSatisfy { $0 }, parts: parts)

        default:
            throw AnswerCheckError.wrongShape("cette forme de réponse ne convient pas à une question \(item.type.rawValue)")
        }
    }

    /// True when `typed` matches one of the accepted answers after normalisation.
    public static func matches(_ typed: String, accepted: [String], _ normalisation: Normalisation) -> Bool {
        let answer = normalise(typed, normalisation)
        guard !answer.isEmpty else { return false }
        for candidate in accepted {
            let expected = normalise(candidate, normalisation)
            if answer == expected { return true }
            if normalisation.t3, !expected.isEmpty,
               Double(levenshtein(answer, expected)) / Double(expected.count) <= 0.25 {
                return true
            }
        }
        return false
    }

    /// Applies NFC and non-breaking spaces, then t1 and t2 when switched on.
    public static func normalise(_ text: String, _ normalisation: Normalisation) -> String {
        var value = text.precomposedStringWithCanonicalMapping
            .replacingOccurrences(of: "\u{00A0}", with: " ")
            .replacingOccurrences(of: "\u{202F}", with: " ")
        if normalisation.t1 {
            value = value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                .folding(options: .diacriticInsensitive, locale: Locale(identifier: "fr_FR"))
            value.removeAll { $0.isWhitespace }
        } else {
            value = value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if normalisation.t2 {
            value = String(value.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
        }
        return value
    }

    /// Edit distance between two strings, in characters.
    public static func levenshtein(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// QROCM-dep: the largest matching of answers to distinct accepted answers; per answer, whether it got one.
    static func distinctMatch(_ answers: [String], pool: [String], _ normalisation: Normalisation) -> [Bool] {
        let fits = answers.map { answer in pool.indices.filter { matches(answer, accepted: [pool[$0]], normalisation) } }
        var owner = [Int?](repeating: nil, count: pool.count)
        func augment(_ answer: Int, _ seen: inout Set<Int>) -> Bool {
            for slot in fits[answer] where !seen.contains(slot) {
                seen.insert(slot)
                if owner[slot] == nil || augment(owner[slot]!, &seen) {
                    owner[slot] = answer
                    return true
                }
            }
            return false
        }
        for answer in answers.indices {
            var seen = Set<Int>()
            _ = augment(answer, &seen)
        }
        var matched = [Bool](repeating: false, count: answers.count)
        for case let answer? in owner { matched[answer] = true }
        return matched
    }
}
