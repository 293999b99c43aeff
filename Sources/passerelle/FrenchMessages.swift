import Foundation

/// swift-argument-parser writes its own messages (errors and help headings) in English and offers no way to
/// localise them: they are translated here, line by line, before they are shown. Anything not recognised is
/// left as it is.
enum FrenchMessages {
    /// (pattern, replacement) pairs, applied in order; `$1`… are the pattern's groups.
    static let rules: [(NSRegularExpression, String)] = [
        (#"^Error: "#, "Erreur : "),
        (#"Missing expected argument '([^']*)'"#, "argument manquant : $1"),
        (#"Missing value for '([^']*)'"#, "valeur manquante pour $1"),
        (#"Unknown option '([^']*)'"#, "option inconnue : $1"),
        (#"Unexpected argument '([^']*)'"#, "argument inattendu : « $1 »"),
        (#"Unexpected arguments? '([^']*)'"#, "arguments inattendus : « $1 »"),
        (#"The value '([^']*)' is invalid for '([^']*)'"#, "la valeur « $1 » ne convient pas pour $2"),
        (#"The value '([^']*)' is invalid for '([^']*)': (.*)"#, "la valeur « $1 » ne convient pas pour $2 : $3"),
        (#"Missing expected arguments? (.*)"#, "arguments manquants : $1"),
        (#"Duplicate option '([^']*)'"#, "option donnée deux fois : $1"),
        (#"^Help: "#, "Aide : "),
        (#"^Usage: "#, "Utilisation : "),
        (#"^USAGE: "#, "UTILISATION : "),
        (#"^OVERVIEW: "#, "RÉSUMÉ : "),
        (#"^ARGUMENTS:$"#, "ARGUMENTS :"),
        (#"^OPTIONS:$"#, "OPTIONS :"),
        (#"^SUBCOMMANDS:$"#, "SOUS-COMMANDES :"),
        (#"Show help information\."#, "Affiche l'aide."),
        (#"Show the version\."#, "Affiche la version."),
        (#"\(default:\s+([^)]*)\)"#, "(par défaut : $1)"),
        (#"See '([^']*)' for more information\."#, "Voir « $1 » pour en savoir plus."),
        (#"See '([^']*)' for detailed help\."#, "Voir « $1 » pour l'aide détaillée."),
    ].compactMap { pattern, replacement in
        (try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])).map { ($0, replacement) }
    }

    static func translate(_ text: String) -> String {
        rules.reduce(text) { text, rule in
            rule.0.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: rule.1)
        }
    }
}
