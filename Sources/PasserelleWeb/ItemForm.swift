import Foundation
import HTTPServer
import PasserelleCore

/// The HTML form of an item (template `item-champs`) and the answer read back from it; shared by the
/// assessment and the module activities.
enum ItemForm {
    /// Template values for `item-champs`. `prefix` keeps element ids unique when a page shows several items.
    /// `given`: what the learner had entered, when an answer was refused, so that the form shows it again.
    static func context(_ view: ItemView, prefix: String = "", describedBy: String, given: [HTTPField] = []) -> [String: Any] {
        var context: [String: Any] = ["prefix": prefix, "describedBy": describedBy]
        func values(_ name: String) -> [String] { given.filter { $0.name == name }.map(\.value) }
        let chosen = Set(values("choix"))
        switch view.type {
        case "qcu": context["qcu"] = ["options": view.options.map { ["id": $0.id, "text": $0.text, "checked": chosen.contains($0.id)] }]
        case "qcm": context["qcm"] = ["options": view.options.map { ["id": $0.id, "text": $0.text, "checked": chosen.contains($0.id)] }]
        case "qroc", "qrocm-ind", "qrocm-dep":
            context["text"] = ["fields": view.fields.map { ["id": $0.id, "label": $0.text, "value": values("champ_\($0.id)").first ?? ""] }]
        case "ordering":
            context["ordering"] = ["steps": view.options.map { option in
                let picked = values("position_\(option.id)").first
                let positions = (1...max(view.options.count, 1)).map { ["value": $0, "selected": picked == String($0)] as [String: Any] }
                return ["id": option.id, "text": option.text, "positions": positions] as [String: Any]
            }, "count": view.options.count]
        case "matching":
            context["matching"] = ["rows": view.left.map { left in
                let picked = values("paire_\(left.id)").first
                let rights = view.right.map { ["id": $0.id, "text": $0.text, "selected": picked == $0.id] as [String: Any] }
                return ["id": left.id, "text": left.text, "rights": rights] as [String: Any]
            }]
        default: break
        }
        return context
    }

    /// The fields of an item form worth sending back after a refusal (bounded: at most 100, each short).
    static func keptFields(_ fields: [HTTPField]) -> [HTTPField] {
        Array(fields.filter { field in
            ["choix", "champ_", "position_", "paire_"].contains { field.name.hasPrefix($0) }
                && field.name.count <= 200 && field.value.count <= 500
        }.prefix(100))
    }

    /// `?refus=<id>&…kept fields…` for a redirect after a refusal (post/redirect/get).
    static func refusalQuery(_ id: String, _ fields: [HTTPField]) -> String {
        var components = URLComponents()
        components.queryItems = [URLQueryItem(name: "refus", value: id)] + keptFields(fields).map { URLQueryItem(name: $0.name, value: $0.value) }
        // URLComponents leaves « + » as it is; a form decoder reads it as a space.
        return "?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    }

    /// Reads the answer to `item` from a submitted form, or a French message saying what is missing.
    static func answer(for item: Item, from fields: [HTTPField]) -> Result<ItemAnswer, FormProblem> {
        func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
        switch item.type {
        case .qcu:
            guard let choice = value("choix") else { return .failure(FormProblem("Choisissez une réponse avant de valider.")) }
            return .success(.choice(choice))
        case .qcm:
            return .success(.choices(fields.filter { $0.name == "choix" }.map(\.value)))
        case .qroc, .qrocmInd, .qrocmDep:
            return .success(.fields(Dictionary(item.fields.map { ($0.id, value("champ_\($0.id)") ?? "") },
                                               uniquingKeysWith: { a, _ in a })))
        case .ordering:
            let positions = item.choices.map { ($0.id, Int(value("position_\($0.id)") ?? "") ?? 0) }
            guard Set(positions.map(\.1)) == Set(1...item.choices.count) else {
                return .failure(FormProblem("Donnez à chaque étape un numéro différent, de 1 à \(item.choices.count)."))
            }
            return .success(.order(positions.sorted { $0.1 < $1.1 }.map(\.0)))
        case .matching:
            var pairs: [String: String] = [:]
            for pair in item.pairs {
                guard let chosen = value("paire_\(pair.id)"), !chosen.isEmpty else {
                    return .failure(FormProblem("Associez chaque élément avant de valider."))
                }
                pairs[pair.id] = chosen
            }
            return .success(.pairs(pairs))
        }
    }
}

struct FormProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
