import Foundation
import Mustache

/// The page templates of `Web/templates/*.mustache`, read once at start-up.
/// Mustache escapes every `{{value}}` for HTML; the templates never use unescaped `{{{value}}}`
/// for anything that comes from users or content.
public struct Templates: Sendable {
    let library: MustacheLibrary

    public enum Failure: Error, LocalizedError {
        case unreadable(String)
        case invalid(String, String)
        case missing(String)

        public var errorDescription: String? {
            switch self {
            case .unreadable(let path): return "gabarit illisible : \(path)"
            case .invalid(let path, let reason): return "gabarit invalide : \(path) (\(reason))"
            case .missing(let name): return "gabarit manquant : Web/templates/\(name).mustache"
            }
        }
    }

    public static let required = [
        "layout", "connexion", "apprenant", "formateur", "erreur", "question", "resultat", "formateur-positionnement", "item-champs", "module", "lecon", "activites", "formateur-modules", "formateur-apprenants", "codes", "formateur-progression", "formateur-suivi", "questionnaire", "formateur-questionnaire", "formateur-apprenant", "rapport", "formateur-ouvrir",
        "suivi-resume", "suivi-tri", "suivi-pages", "suivi-grille", "suivi-verrou", "travail-a-relire",
        "bac-a-sable-accueil", "bac-a-sable-caisse", "bac-a-sable-messagerie", "bac-a-sable-bilan", "bac-a-sable-rendez-vous", "bac-a-sable-emploi", "formateur-bac-a-sable", "formateur-bac-a-sable-cohorte",
    ]

    public init(folder: URL) throws {
        Templates.registerEscaping
        var library = MustacheLibrary()
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        for file in files where file.pathExtension == "mustache" {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw Failure.unreadable(file.path)
            }
            do {
                // Every template (layouts and partials too) escapes with `ByteHTMLEscaping`.
                try library.register(Templates.escapingPragma + text, named: file.deletingPathExtension().lastPathComponent)
            } catch {
                throw Failure.invalid(file.path, "\(error)")
            }
        }
        for name in Templates.required where library.getTemplate(named: name) == nil {
            throw Failure.missing(name)
        }
        self.library = library
    }

    /// The page, with French typography applied to its text (`Typography.french`).
    func render(_ name: String, _ context: [String: Any]) -> String {
        Typography.french(library.render(context, withTemplate: name) ?? "")
    }
}

extension Templates {
    static let escapingPragma = "{{% CONTENT_TYPE: PASSERELLE_HTML}}"
    static let registerEscaping: Void = MustacheContentTypes.register(ByteHTMLEscaping(), named: "PASSERELLE_HTML")
}

/// How `{{value}}` is escaped in every template: the five characters the library escapes (`< > & " '`), found
/// byte by byte. The library's own escaping goes character by character (grapheme clusters) through a
/// dictionary: a quarter of a lesson page's time, and a quote followed by a combining mark (`"\u{301}`) is one
/// character for it, so that quote came out unescaped and could end an attribute. Here every quote is escaped.
struct ByteHTMLEscaping: MustacheContentType {
    func escapeText(_ text: String) -> String { HTML.escapeText(text) }
}

/// Text made safe inside HTML (for the few fragments built in code: charts, source lines).
enum HTML {
    /// `< > & " '` replaced by their entities, as Mustache's HTML escaping does, byte by byte.
    static func escapeText(_ text: String) -> String {
        func special(_ byte: UInt8) -> Bool { byte == 38 || byte == 60 || byte == 62 || byte == 34 || byte == 39 }
        guard text.utf8.contains(where: special) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 32)
        for byte in text.utf8 {
            switch byte {
            case 38: bytes.append(contentsOf: "&amp;".utf8)
            case 60: bytes.append(contentsOf: "&lt;".utf8)
            case 62: bytes.append(contentsOf: "&gt;".utf8)
            case 34: bytes.append(contentsOf: "&quot;".utf8)
            case 39: bytes.append(contentsOf: "&#39;".utf8)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
