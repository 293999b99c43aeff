import Foundation
import HTTPServer
import PasserelleCore

/// The HTML form of an item (template `item-champs`) and the answer read back from it; shared by the
/// assessment and the module activities.
enum ItemForm {
    /// Template values for `item-champs`. `prefix` keeps element ids unique when a page shows several items.
    static func context(_ view: ItemView, prefix: String = "", describedBy: String) -> [String: Any] {
        var context: [String: Any] = ["prefix": prefix, "describedBy": describedBy]
        switch view.type {
        case "qcu": context["qcu"] = ["options": view.options.map { ["id": $0.id, "text": $0.text] }]
        case "qcm": context["qcm"] = ["options": view.options.map { ["id": $0.id, "text": $0.text] }]
        case "qroc", "qrocm-ind", "qrocm-dep":
            context["text"] = ["fields": view.fields.map { ["id": $0.id, "label": $0.text] }]
        case "ordering":
            let positions = (1...max(view.options.count, 1)).map { ["value": $0] }
            context["ordering"] = ["steps": view.options.map { ["id": $0.id, "text": $0.text, "positions": positions] },
                                   "count": view.options.count]
        case "matching":
            let rights = view.right.map { ["id": $0.id, "text": $0.text] }
            context["matching"] = ["rows": view.left.map { ["id": $0.id, "text": $0.text, "rights": rights] }]
        default: break
        }
        return context
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
