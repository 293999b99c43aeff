import Foundation
import PasserelleCore
import Yams

/// Reads YAML into nodes that remember their line, and collects diagnostics for one file.
final class YAMLReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    /// No implicit tags: the loaders read scalars with `.string`, `.int`, `.float` and `.bool`, which look at
    /// the text and the scalar's style, never at a resolved tag. Yams' default resolver tries seven regular
    /// expressions each time a tag is resolved, which happens at every `mapping["key"]` lookup (keys are
    /// compared with their tags): that was a fifth of the content loading at start-up. Keys are compared
    /// with the same resolver on both sides, so lookups find what they found before (`YAMLReaderTests`
    /// compares every shipped YAML text read both ways).
    static let resolver = Resolver.basic

    /// Composes a document with `resolver`; throws Yams' errors.
    static func compose(_ text: String) throws -> Node? {
        try Yams.compose(yaml: text, resolver)
    }

    /// Parses a whole document; a syntax error becomes a diagnostic with its line and column.
    func parse(_ text: String) -> Node? {
        do {
            guard let node = try YAMLReader.compose(text) else {
                report(line: 1, "le fichier est vide")
                return nil
            }
            return node
        } catch let error as YamlError {
            let (mark, problem) = YAMLReader.locate(error)
            report(line: mark?.line ?? 0, column: mark?.column ?? 0, "YAML invalide : \(problem)")
        } catch {
            report(line: 0, "YAML illisible : \(error)")
        }
        return nil
    }

    static func locate(_ error: YamlError) -> (Mark?, String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return (mark, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark, "clé en double : \(duplicates.joined(separator: ", "))")
        case .reader(let problem, _, _, _):
            return (nil, problem)
        default:
            return (nil, "\(error)")
        }
    }

    func report(line: Int, column: Int = 0, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: line, column: column, message: message))
    }

    func report(at node: Node?, _ message: String) {
        report(line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0, message)
    }

    // MARK: Typed access that reports what is wrong

    /// The mapping of a node, or a diagnostic naming what was expected.
    func mapping(_ node: Node?, _ what: String) -> Node.Mapping? {
        guard let node else { return nil }
        guard let mapping = node.mapping else {
            report(at: node, "\(what) : une liste de clés et de valeurs était attendue")
            return nil
        }
        return mapping
    }

    func value(_ mapping: Node.Mapping, _ key: String) -> Node? {
        mapping[key]
    }

    /// A required, non-empty text field.
    func string(_ mapping: Node.Mapping, _ key: String, in what: String, at owner: Node?) -> String? {
        guard let node = mapping[key] else {
            report(at: owner, "\(what) : le champ « \(key) » manque")
            return nil
        }
        guard let scalar = node.scalar else {
            report(at: node, "\(what) : le champ « \(key) » doit être un texte")
            return nil
        }
        let text = scalar.string.trimmingSpacesAndNewlines()
        if text.isEmpty {
            report(at: node, "\(what) : le champ « \(key) » est vide")
            return nil
        }
        return text
    }

    /// An optional text field ("" when absent).
    func optionalString(_ mapping: Node.Mapping, _ key: String, in what: String) -> String {
        guard let node = mapping[key] else { return "" }
        guard let scalar = node.scalar else {
            report(at: node, "\(what) : le champ « \(key) » doit être un texte")
            return ""
        }
        return scalar.string.trimmingSpacesAndNewlines()
    }

    /// A required whole number.
    func int(_ mapping: Node.Mapping, _ key: String, in what: String, at owner: Node?) -> (Int, Node)? {
        guard let node = mapping[key] else {
            report(at: owner, "\(what) : le champ « \(key) » manque")
            return nil
        }
        guard let value = node.int else {
            report(at: node, "\(what) : le champ « \(key) » doit être un nombre entier")
            return nil
        }
        return (value, node)
    }

    /// A list field; absent means empty when `required` is false.
    func sequence(_ mapping: Node.Mapping, _ key: String, in what: String, at owner: Node?,
                  required: Bool = true) -> [Node] {
        guard let node = mapping[key] else {
            if required { report(at: owner, "\(what) : le champ « \(key) » manque") }
            return []
        }
        guard let sequence = node.sequence else {
            report(at: node, "\(what) : le champ « \(key) » doit être une liste")
            return []
        }
        return Array(sequence)
    }

    /// Reports keys that the format does not know (a typo would otherwise be silently ignored).
    func rejectUnknownKeys(_ mapping: Node.Mapping, allowed: Set<String>, in what: String) {
        for (key, _) in mapping {
            guard let name = key.string, !allowed.contains(name) else { continue }
            report(at: key, "\(what) : champ inconnu « \(name) » (champs possibles : "
                   + allowed.sorted().joined(separator: ", ") + ")")
        }
    }
}
