import Foundation
import PasserelleCore
import Yams

/// Reads a questionnaire (`Assessments/questionnaires/*.yaml`).
enum QuestionnaireLoader {
    static func load(text: String, file: String) -> (Questionnaire?, [Diagnostic]) {
        let reader = YAMLReader(file: file)
        guard let root = reader.parse(text), let map = reader.mapping(root, "questionnaire") else { return (nil, reader.diagnostics) }
        reader.rejectUnknownKeys(map, allowed: ["id", "title", "description", "source", "scale", "statements"], in: "questionnaire")
        let id = reader.string(map, "id", in: "questionnaire", at: root)
        let title = reader.string(map, "title", in: "questionnaire", at: root)
        var scale: LikertScale?
        if let scaleNode = map["scale"], let scaleMap = reader.mapping(scaleNode, "questionnaire, scale") {
            let low = reader.int(scaleMap, "min", in: "questionnaire, scale", at: scaleNode)
            let high = reader.int(scaleMap, "max", in: "questionnaire, scale", at: scaleNode)
            let lowLabel = reader.string(scaleMap, "min_label", in: "questionnaire, scale", at: scaleNode)
            let highLabel = reader.string(scaleMap, "max_label", in: "questionnaire, scale", at: scaleNode)
            if let low, let high, low.0 >= high.0 { reader.report(at: scaleNode, "questionnaire : il faut min < max") }
            if let low, let high, let lowLabel, let highLabel {
                scale = LikertScale(min: low.0, max: high.0, minLabel: lowLabel, maxLabel: highLabel)
            }
        } else if map["scale"] == nil {
            reader.report(at: root, "questionnaire : le champ « scale » manque")
        }
        var statements: [Questionnaire.Statement] = []
        for node in reader.sequence(map, "statements", in: "questionnaire", at: root) {
            guard let entry = reader.mapping(node, "affirmation") else { continue }
            reader.rejectUnknownKeys(entry, allowed: ["id", "type", "text", "source"], in: "affirmation")
            let statementID = reader.string(entry, "id", in: "affirmation", at: node)
            let text = reader.string(entry, "text", in: "affirmation \(statementID ?? "?")", at: node)
            let typeText = reader.optionalString(entry, "type", in: "affirmation")
            let kind = typeText.isEmpty ? Questionnaire.Statement.Kind.scale : Questionnaire.Statement.Kind(rawValue: typeText)
            if kind == nil { reader.report(at: entry["type"], "affirmation : type inconnu « \(typeText) » (yes-no, ou rien pour l'échelle)") }
            if let statementID, statements.contains(where: { $0.id == statementID }) {
                reader.report(at: entry["id"], "affirmation : l'identifiant « \(statementID) » est déjà utilisé")
            }
            if let statementID, let text, let kind {
                statements.append(Questionnaire.Statement(id: statementID, kind: kind, text: text,
                                                          source: reader.optionalString(entry, "source", in: "affirmation")))
            }
        }
        guard reader.diagnostics.isEmpty, let id, let title, let scale else { return (nil, reader.diagnostics) }
        return (Questionnaire(id: id, title: title, description: reader.optionalString(map, "description", in: "questionnaire"),
                              scale: scale, statements: statements, source: reader.optionalString(map, "source", in: "questionnaire")), [])
    }
}
