import Foundation
import PasserelleCore
import Yams

/// Reads an item file (`Assessments/items/**/*.yaml`): `items:` followed by a list of items, in the
/// format of docs/CONTENT-FORMAT.md. Cross-file rules (unknown skill, duplicate id) are checked by
/// `ContentLoader`, which knows every file.
enum ItemLoader {
    struct Located {
        var item: Item
        var line: Int
    }

    static let itemKeys: Set<String> = [
        "id", "skill", "type", "status", "prompt", "image", "choices", "fields", "accepted", "pairs", "feedback",
        "source", "normalisation", "difficulty", "discrimination", "accessible", "accessibility_note",
    ]

    static func load(text: String, file: String) -> ([Located], [Diagnostic]) {
        let reader = YAMLReader(file: file)
        guard let root = reader.parse(text), let top = reader.mapping(root, "fichier de questions") else {
            return ([], reader.diagnostics)
        }
        reader.rejectUnknownKeys(top, allowed: ["items"], in: "fichier de questions")
        var items: [Located] = []
        for node in reader.sequence(top, "items", in: "fichier de questions", at: root) {
            if let item = loadItem(node, reader) {
                items.append(Located(item: item, line: node.mark?.line ?? 0))
            }
        }
        return (items, reader.diagnostics)
    }

    /// Reads one item. In a module (`inModule`), an activity has no skill and no status.
    static func loadItem(_ node: Node, _ reader: YAMLReader, inModule: Bool = false) -> Item? {
        guard let map = reader.mapping(node, "question") else { return nil }
        let before = reader.diagnostics.count
        reader.rejectUnknownKeys(map, allowed: inModule ? itemKeys.subtracting(["skill", "status", "difficulty", "discrimination"]) : itemKeys,
                                 in: inModule ? "activité" : "question")
        let id = reader.string(map, "id", in: inModule ? "activité" : "question", at: node)
        let what = "\(inModule ? "activité" : "question") \(id ?? "?")"
        let skill = inModule ? "" : reader.string(map, "skill", in: what, at: node)
        let typeText = reader.string(map, "type", in: what, at: node)
        let type = typeText.flatMap(ItemType.init(rawValue:))
        if let typeText, type == nil {
            reader.report(at: map["type"], "\(what) : type inconnu « \(typeText) » (types possibles : "
                          + ItemType.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        let statusText = reader.optionalString(map, "status", in: what)
        let status = inModule ? ItemStatus.validated : statusText.isEmpty ? ItemStatus.draft : ItemStatus(rawValue: statusText)
        if status == nil {
            reader.report(at: map["status"], "\(what) : statut inconnu « \(statusText) » (draft, validated, archived)")
        }
        let prompt = reader.string(map, "prompt", in: what, at: node)
        let feedback = reader.string(map, "feedback", in: what, at: node)
        let source = reader.optionalString(map, "source", in: what)
        var accessible = true
        if let flag = map["accessible"] {
            if let value = flag.bool { accessible = value } else {
                reader.report(at: flag, "\(what) : « accessible » vaut true ou false")
            }
        }
        let accessibilityNote = reader.optionalString(map, "accessibility_note", in: what)

        var image: ItemImage?
        if let imageNode = map["image"], let imageMap = reader.mapping(imageNode, "\(what), image") {
            let src = reader.string(imageMap, "src", in: "\(what), image", at: imageNode)
            let alt = reader.string(imageMap, "alt", in: "\(what), image (texte de remplacement)", at: imageNode)
            if let src, let alt { image = ItemImage(src: src, alt: alt) }
        }

        var normalisation = Normalisation.all
        if let normNode = map["normalisation"], let normMap = reader.mapping(normNode, "\(what), normalisation") {
            reader.rejectUnknownKeys(normMap, allowed: ["t1", "t2", "t3"], in: "\(what), normalisation")
            func flag(_ key: String) -> Bool {
                guard let value = normMap[key] else { return true }
                guard let bool = value.bool else {
                    reader.report(at: value, "\(what) : « \(key) » vaut true ou false")
                    return true
                }
                return bool
            }
            normalisation = Normalisation(t1: flag("t1"), t2: flag("t2"), t3: flag("t3"))
        }

        func number(_ key: String) -> Double? {
            guard let value = map[key] else { return nil }
            guard let double = value.float else {
                reader.report(at: value, "\(what) : « \(key) » doit être un nombre")
                return nil
            }
            return Double(double)
        }
        let difficulty = number("difficulty")
        let discrimination = number("discrimination")
        if let discrimination, discrimination <= 0 {
            reader.report(at: map["discrimination"], "\(what) : la discrimination doit être positive")
        }

        let choices = loadChoices(map, reader, what, node)
        let fields = loadFields(map, reader, what, node, needAccepted: type != .qrocmDep)
        let pairs = loadPairs(map, reader, what, node)
        let accepted = reader.sequence(map, "accepted", in: what, at: node, required: false).compactMap { value in
            value.string ?? { reader.report(at: value, "\(what) : chaque réponse acceptée est un texte"); return nil }()
        }

        if let type {
            checkShape(type, choices: choices, fields: fields, accepted: accepted, pairs: pairs, map: map,
                       node: node, reader: reader, what: what)
        }
        guard reader.diagnostics.count == before, let id, let skill, let type, let status, let prompt,
              let feedback else { return nil }
        return Item(id: id, skillID: skill, type: type, status: status, prompt: prompt, choices: choices,
                    fields: fields, accepted: accepted, pairs: pairs, feedback: feedback, image: image,
                    source: source.isEmpty ? nil : source, normalisation: normalisation, difficulty: difficulty,
                    discrimination: discrimination, accessible: accessible,
                    accessibilityNote: accessibilityNote.isEmpty ? nil : accessibilityNote)
    }

    private static func loadChoices(_ map: Node.Mapping, _ reader: YAMLReader, _ what: String, _ node: Node) -> [Choice] {
        reader.sequence(map, "choices", in: what, at: node, required: false).compactMap { choiceNode in
            guard let choice = reader.mapping(choiceNode, "\(what), choix") else { return nil }
            reader.rejectUnknownKeys(choice, allowed: ["id", "text", "correct", "feedback"], in: "\(what), choix")
            let id = reader.string(choice, "id", in: "\(what), choix", at: choiceNode)
            let text = reader.string(choice, "text", in: "\(what), choix \(id ?? "?")", at: choiceNode)
            var correct = false
            if let flag = choice["correct"] {
                if let value = flag.bool { correct = value } else {
                    reader.report(at: flag, "\(what), choix \(id ?? "?") : « correct » vaut true ou false")
                }
            }
            guard let id, let text else { return nil }
            return Choice(id: id, text: text, correct: correct,
                          feedback: reader.optionalString(choice, "feedback", in: "\(what), choix \(id)"))
        }
    }

    private static func loadFields(
        _ map: Node.Mapping, _ reader: YAMLReader, _ what: String, _ node: Node, needAccepted: Bool
    ) -> [AnswerField] {
        reader.sequence(map, "fields", in: what, at: node, required: false).compactMap { fieldNode in
            guard let field = reader.mapping(fieldNode, "\(what), champ") else { return nil }
            reader.rejectUnknownKeys(field, allowed: ["id", "label", "accepted"], in: "\(what), champ")
            let id = reader.string(field, "id", in: "\(what), champ", at: fieldNode)
            let label = reader.string(field, "label", in: "\(what), champ \(id ?? "?")", at: fieldNode)
            let accepted = reader.sequence(field, "accepted", in: "\(what), champ \(id ?? "?")", at: fieldNode,
                                           required: needAccepted).compactMap { $0.string }
            if needAccepted && field["accepted"] != nil && accepted.isEmpty {
                reader.report(at: field["accepted"], "\(what), champ \(id ?? "?") : aucune réponse acceptée")
            }
            guard let id, let label else { return nil }
            return AnswerField(id: id, label: label, accepted: accepted)
        }
    }

    private static func loadPairs(_ map: Node.Mapping, _ reader: YAMLReader, _ what: String, _ node: Node) -> [MatchingPair] {
        reader.sequence(map, "pairs", in: what, at: node, required: false).compactMap { pairNode in
            guard let pair = reader.mapping(pairNode, "\(what), paire") else { return nil }
            reader.rejectUnknownKeys(pair, allowed: ["id", "left", "right"], in: "\(what), paire")
            let id = reader.string(pair, "id", in: "\(what), paire", at: pairNode)
            let left = reader.string(pair, "left", in: "\(what), paire \(id ?? "?")", at: pairNode)
            let right = reader.string(pair, "right", in: "\(what), paire \(id ?? "?")", at: pairNode)
            guard let id, let left, let right else { return nil }
            return MatchingPair(id: id, left: left, right: right)
        }
    }

    /// The rules of each type (see docs/CONTENT-FORMAT.md).
    private static func checkShape(
        _ type: ItemType, choices: [Choice], fields: [AnswerField], accepted: [String], pairs: [MatchingPair],
        map: Node.Mapping, node: Node, reader: YAMLReader, what: String
    ) {
        func refuse(_ key: String, _ message: String) { reader.report(at: map[key] ?? node, "\(what) : \(message)") }
        func forbid(_ keys: [String]) {
            for key in keys where map[key] != nil { refuse(key, "« \(key) » ne s'emploie pas pour une question \(type.rawValue)") }
        }
        func unique(_ values: [String], _ key: String, _ label: String) {
            var seen = Set<String>()
            for value in values where !seen.insert(value).inserted { refuse(key, "\(label) « \(value) » apparaît deux fois") }
        }
        switch type {
        case .qcu, .qcm:
            forbid(["fields", "accepted", "pairs"])
            let right = choices.filter(\.correct).count
            if choices.count < 2 { refuse("choices", "il faut au moins deux choix") }
            if type == .qcu && right != 1 {
                refuse("choices", "une QCU a exactement une bonne réponse (ici : \(right))")
            }
            if type == .qcm && right < 2 {
                refuse("choices", "une QCM a au moins deux bonnes réponses (ici : \(right)) ; sinon, c'est une QCU")
            }
            unique(choices.map(\.id), "choices", "l'identifiant de choix")
            unique(choices.map { ItemRules.textKey($0.text) }, "choices", "le choix")
        case .qroc, .qrocmInd:
            forbid(["choices", "accepted", "pairs"])
            if type == .qroc && fields.count != 1 { refuse("fields", "une QROC a exactement un champ") }
            if type == .qrocmInd && fields.count < 2 { refuse("fields", "une QROCM a au moins deux champs") }
            unique(fields.map(\.id), "fields", "l'identifiant de champ")
        case .qrocmDep:
            forbid(["choices", "pairs"])
            if fields.count < 2 { refuse("fields", "une QROCM-dep a au moins deux champs") }
            if accepted.count < fields.count {
                refuse("accepted", "une QROCM-dep a au moins autant de réponses acceptées (\(accepted.count)) que de champs (\(fields.count))")
            }
            if fields.contains(where: { !$0.accepted.isEmpty }) {
                refuse("fields", "dans une QROCM-dep, les réponses acceptées se mettent dans « accepted » au niveau de la question")
            }
            unique(fields.map(\.id), "fields", "l'identifiant de champ")
        case .ordering:
            forbid(["fields", "accepted", "pairs"])
            if choices.count < 3 { refuse("choices", "une question à remettre en ordre a au moins trois étapes") }
            if choices.contains(where: \.correct) { refuse("choices", "« correct » ne s'emploie pas : l'ordre de la liste est la solution") }
            unique(choices.map(\.id), "choices", "l'identifiant d'étape")
            unique(choices.map(\.text), "choices", "l'étape")
        case .matching:
            forbid(["choices", "fields", "accepted"])
            if pairs.count < 3 { refuse("pairs", "une question d'association a au moins trois paires") }
            unique(pairs.map(\.id), "pairs", "l'identifiant de paire")
            unique(pairs.map(\.left), "pairs", "l'élément de gauche")
            unique(pairs.map(\.right), "pairs", "l'élément de droite")
        }
    }
}
