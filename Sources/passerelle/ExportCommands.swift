import ArgumentParser
import Foundation
import PasserelleContent
import PasserelleStore
import PasserelleWeb

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Exporte les résultats d'une cohorte ou d'une organisation (CSV pour tableur, ou JSON).",
        subcommands: [CohortCommand.self, OrganisationCommand.self])

    struct OrganisationCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "organisation", abstract: "Exporte toutes les cohortes d'une organisation, avec un seul en-tête.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var root: RootOptions
        @Argument(help: ArgumentHelp("Numéro de l'organisation.", valueName: "id")) var id: Int64
        @Option(help: ArgumentHelp("csv ou json.", valueName: "format")) var format: String = "csv"
        @Flag(help: "Remplace les noms par un pseudonyme stable.") var pseudonymize = false

        func validate() throws {
            guard CohortExport.Format(rawValue: format) != nil else { throw ValidationError("--format vaut csv ou json.") }
        }

        func run() throws {
            let (_, catalog) = try root.load()
            let store = try database.open()
            let cohorts = try store.cohorts(organisationID: id)
            guard !cohorts.isEmpty else { throw CommandFailure("l'organisation \(id) n'a aucune cohorte (ou n'existe pas)") }
            try CohortExport(store: store, catalog: catalog).write(
                cohortIDs: cohorts.map(\.id), format: CohortExport.Format(rawValue: format)!, pseudonymize: pseudonymize) {
                FileHandle.standardOutput.write(Data($0.utf8))
            }
        }
    }

    struct CohortCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cohort",
            abstract: "Exporte une cohorte : une ligne par apprenant et par évaluation.",
            discussion: "Les résultats n'apparaissent que s'ils ont été partagés par l'apprenant. Le CSV suit les "
                + "conventions de Pix Orga : UTF-8 avec BOM, « ; », virgule décimale. Voir docs/EXPORTS.md.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var root: RootOptions
        @Argument(help: ArgumentHelp("Numéro de la cohorte.", valueName: "id")) var id: Int64
        @Option(help: ArgumentHelp("csv ou json.", valueName: "format")) var format: String = "csv"
        @Option(help: ArgumentHelp("Séparateur du CSV : « ; » (tableur français) ou « , » (RFC 4180).", valueName: "caractère"))
        var separator: String = ";"
        @Flag(help: "Remplace les noms par un pseudonyme stable.") var pseudonymize = false
        @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Fichier à écrire (sinon la sortie standard).", valueName: "fichier"))
        var output: String?

        func validate() throws {
            guard CohortExport.Format(rawValue: format) != nil else { throw ValidationError("--format vaut csv ou json.") }
            guard separator == ";" || separator == "," else { throw ValidationError("--separator vaut ; ou ,") }
        }

        func run() throws {
            let (_, catalog) = try root.load()
            let store = try database.open()
            let export = CohortExport(store: store, catalog: catalog)
            let exportFormat = CohortExport.Format(rawValue: format)!
            guard let output else {
                do {
                    try export.write(cohortID: id, format: exportFormat, pseudonymize: pseudonymize,
                                     separator: separator.first!) { FileHandle.standardOutput.write(Data($0.utf8)) }
                } catch let error as StoreError { throw CommandFailure(error.localizedDescription) }
                return
            }
            // Written beside the target, then renamed: a failed export never leaves half a file.
            let target = URL(fileURLWithPath: output)
            let partial = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partiel")
            guard FileManager.default.createFile(atPath: partial.path, contents: nil),
                  let handle = try? FileHandle(forWritingTo: partial) else {
                throw CommandFailure("impossible d'écrire « \(output) »")
            }
            var rows = 0
            let expected = (try? store.learnerCount(cohortID: id)) ?? 0
            let bar = expected >= 200 ? ProgressBar(total: expected * max(1, (try? store.assignments(cohortID: id, kind: .assessment).count) ?? 1),
                                                    label: "Export") : nil
            do {
                try export.write(cohortID: id, format: exportFormat, pseudonymize: pseudonymize, separator: separator.first!) {
                    handle.write(Data($0.utf8))
                    rows += 1
                    bar?.update(min(rows - 1, bar!.total))
                }
                try handle.close()
                _ = try? FileManager.default.removeItem(at: target)
                try FileManager.default.moveItem(at: partial, to: target)
            } catch {
                try? handle.close()
                try? FileManager.default.removeItem(at: partial)
                throw CommandFailure((error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
            FileHandle.standardError.write(Data("Export écrit dans \(output) (\(max(0, rows - 1)) ligne(s)).\n".utf8))
        }
    }
}
