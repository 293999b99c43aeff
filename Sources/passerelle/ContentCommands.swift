import ArgumentParser
import Foundation
import PasserelleContent

struct Content: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Outils pour le contenu (référentiels, questions, modules).",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Vérifie tout le contenu et signale chaque erreur avec son fichier et sa ligne.")

        @OptionGroup var root: RootOptions

        @Flag(help: "Résultat au format JSON.")
        var json = false

        @Option(help: ArgumentHelp("Dossier des documents sources : vérifie aussi que chaque référence (fichier, lignes) existe.",
                                   valueName: "dossier"))
        var seeds: String?

        func run() throws {
            let contentRoot = try root.locate()
            var (catalog, diagnostics) = ContentLoader.check(contentRoot)
            if let seeds {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: seeds, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw CommandFailure("dossier des sources introuvable : « \(seeds) »")
                }
                diagnostics += SeedCitations.check(contentRoot, seeds: URL(fileURLWithPath: seeds))
            }
            if json {
                let report = Report(root: contentRoot.url.path, valid: diagnostics.isEmpty,
                                    frameworks: catalog.frameworks.map(\.id), items: catalog.items.count,
                                    modules: catalog.modules.map(\.id),
                                    errors: diagnostics)
                try sayJSON(encoding: report)
            } else {
                for diagnostic in diagnostics { say("\(diagnostic.file):\(diagnostic.line):\(diagnostic.column): erreur : \(diagnostic.message)") }
                if diagnostics.isEmpty {
                    let competences = catalog.frameworks.reduce(0) { $0 + $1.competences.count }
                    let skills = catalog.frameworks.reduce(0) { $0 + $1.skills.count }
                    let validated = catalog.items.filter(\.isPlayable).count
                    say("Contenu valide : \(catalog.frameworks.count) référentiel(s), \(competences) compétence(s), "
                          + "\(skills) acquis, \(catalog.items.count) question(s) dont \(validated) validée(s), "
                          + "\(catalog.modules.count) module(s), \(catalog.questionnaires.count) questionnaire(s).")
                } else {
                    say("\(diagnostics.count) erreur(s) dans le contenu.")
                }
            }
            if !diagnostics.isEmpty { throw ExitCode.failure }
        }

        struct Report: Encodable {
            var root: String
            var valid: Bool
            var frameworks: [String]
            var items: Int
            var modules: [String]
            var errors: [Diagnostic]
        }
    }
}
