import ArgumentParser
import Foundation
import PasserelleCore
import PasserelleStore

/// `passerelle learner export|erase`: the RGPD's rights of access and erasure, from the command line.
extension LearnerGroup {
    struct ExportData: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Exporte tout ce que Passerelle garde sur un apprenant (JSON, voir docs/PRIVACY.md).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Numéro de l'apprenant.", valueName: "apprenant")) var learner: Int64
        @Option(name: .shortAndLong, help: ArgumentHelp("Fichier de sortie (sinon la sortie standard).", valueName: "fichier"))
        var output: String?

        func run() throws {
            let store = try database.open()
            guard let data = try store.learnerData(learnerID: learner) else { throw CommandFailure("apprenant \(learner) introuvable") }
            let document: [String: Any] = ["format": "passerelle-donnees-apprenant", "version": 1,
                                           "exporte_le": ISO8601DateFormatter().string(from: Date()), "donnees": data]
            let bytes = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
            try store.audit(AuditEntry(action: "learner-data-export", targetType: "learner", targetID: String(learner)))
            guard let output else {
                say(String(decoding: bytes, as: UTF8.self))
                return
            }
            guard FileManager.default.createFile(atPath: output, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
                throw CommandFailure("impossible d'écrire « \(output) »")
            }
            say("Données de l'apprenant \(learner) écrites dans « \(output) ».")
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Efface un apprenant partout (réponses, travaux, brouillons, commentaires, positionnements, sessions, code).",
            discussion: "Sans --yes, montre ce qui serait effacé et n'efface rien.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Numéro de l'apprenant.", valueName: "apprenant")) var learner: Int64
        @Flag(name: .customLong("yes"), help: "Efface vraiment (sinon : simulation).") var confirmed = false

        func run() throws {
            let store = try database.open()
            guard let found = try store.learner(id: learner), let data = try store.learnerData(learnerID: learner) else {
                throw CommandFailure("apprenant \(learner) introuvable")
            }
            let counts = data.filter { $0.key != "apprenant" }.compactMap { key, value -> String? in
                guard let rows = value as? [Any], !rows.isEmpty else { return nil }
                return "\(key) : \(rows.count)"
            }.sorted()
            guard confirmed else {
                say("Simulation : l'apprenant \(learner) (\(found.displayName)) serait effacé avec ses données"
                    + (counts.isEmpty ? "." : " (\(counts.joined(separator: ", "))).") + " Relancez avec --yes pour effacer.")
                return
            }
            try store.eraseLearner(learnerID: learner, by: nil)
            say("Apprenant \(learner) effacé avec toutes ses données.")
        }
    }
}

/// `passerelle retention apply`: erases learners inactive for too long (dry run unless --apply).
struct Retention: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "Applique la durée de conservation des données des apprenants.",
        subcommands: [Apply.self])

    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Efface les apprenants sans aucune activité depuis N jours (simulation sans --apply).")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("inactive-days"), help: ArgumentHelp("Jours sans activité (30 à 3650).", valueName: "n"))
        var days: Int
        @Flag(name: .customLong("apply"), help: "Efface vraiment (sinon : liste seulement).") var apply = false

        func validate() throws {
            guard (30...3650).contains(days) else { throw ValidationError("--inactive-days est un nombre de jours entre 30 et 3650") }
        }

        func run() throws {
            let store = try database.open()
            let cutoff = Date().addingTimeInterval(-Double(days) * 86_400)
            let inactive = try store.inactiveLearners(since: cutoff)
            guard apply else {
                say("Simulation : \(inactive.count) apprenant(s) sans activité depuis \(days) jours seraient effacés.")
                for learner in inactive { say("  \(learner.id)  cohorte \(learner.cohortID)") }
                if !inactive.isEmpty { say("Relancez avec --apply pour les effacer.") }
                return
            }
            for learner in inactive { try store.eraseLearner(learnerID: learner.id, by: nil) }
            say("\(inactive.count) apprenant(s) effacé(s).")
        }
    }
}

/// `passerelle backup FILE` and `passerelle restore FILE`.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sauvegarde la base dans un nouveau fichier (possible pendant que le serveur tourne).")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("Fichier de sauvegarde à créer.", valueName: "fichier")) var file: String

    func run() throws {
        let store = try database.open()
        try store.backup(to: file)
        say("Sauvegarde écrite dans « \(file) ».")
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remplace le contenu de la base par une sauvegarde (arrêtez d'abord le serveur).")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: ArgumentHelp("Sauvegarde faite par « passerelle backup ».", valueName: "fichier")) var file: String

    func run() throws {
        let store = try database.open()
        try store.restore(from: file)
        say("Base restaurée depuis « \(file) » : \(try store.integrityCheck() == "ok" ? "intègre" : "à vérifier").")
    }
}
