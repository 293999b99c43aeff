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
        var library = MustacheLibrary()
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        for file in files where file.pathExtension == "mustache" {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw Failure.unreadable(file.path)
            }
            do {
                try library.register(text, named: file.deletingPathExtension().lastPathComponent)
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

/// Text made safe inside HTML (for the few fragments built in code: charts, source lines).
enum HTML {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
