import Foundation
import PasserelleContent
import PasserelleCore

/// What a learner answered and what the right answer is, in words, for the result page.
enum AnswerExplanation {
    static func text(_ markdown: String) -> String { Markdown.plainText(markdown) }

    /// The learner's answer as stored (`ItemAnswer` JSON); « Vous êtes passé(e). » for a skip.
    static func yours(_ item: Item, storedAnswer: String) -> String {
        guard let answer = try? JSONDecoder().decode(ItemAnswer.self, from: Data(storedAnswer.utf8)) else {
            return "Vous êtes passé(e) à la question suivante."
        }
        func choice(_ id: String) -> String { item.choices.first { $0.id == id }.map { text($0.text) } ?? id }
        switch answer {
        case .choice(let id): return choice(id)
        case .choices(let ids): return ids.isEmpty ? "Aucune case cochée." : ids.map(choice).joined(separator: " ; ")
        case .order(let ids): return ids.map(choice).joined(separator: " → ")
        case .fields(let typed):
            return item.fields.map { field in
                let value = typed[field.id].map { $0.isEmpty ? "(vide)" : "« \($0) »" } ?? "(vide)"
                return item.fields.count > 1 ? "\(text(field.label)) : \(value)" : value
            }.joined(separator: " ; ")
        case .pairs(let pairs):
            return item.pairs.map { pair in
                let chosen = pairs[pair.id].flatMap { id in item.pairs.first { $0.id == id } }.map { text($0.right) } ?? "(rien)"
                return "\(text(pair.left)) → \(chosen)"
            }.joined(separator: " ; ")
        }
    }

    /// The right answer of an item, in words.
    static func right(_ item: Item) -> String {
        switch item.type {
        case .qcu, .qcm: return item.choices.filter(\.correct).map { text($0.text) }.joined(separator: " ; ")
        case .ordering: return item.choices.map { text($0.text) }.joined(separator: " → ")
        case .matching: return item.pairs.map { "\(text($0.left)) → \(text($0.right))" }.joined(separator: " ; ")
        case .qroc, .qrocmInd:
            return item.fields.map { field in
                let accepted = field.accepted.first.map { "« \($0) »" } ?? "—"
                return item.fields.count > 1 ? "\(text(field.label)) : \(accepted)" : accepted
            }.joined(separator: " ; ")
        case .qrocmDep: return item.accepted.map { "« \($0) »" }.joined(separator: ", ")
        }
    }
}
