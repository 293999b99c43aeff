import ArgumentParser
import Foundation
import PasserelleCore
import PasserelleStore
import PasserelleWeb

struct CohortGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort", abstract: "Crée, liste et montre les cohortes.", subcommands: [Create.self, List.self, Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Montre une cohorte : apprenants et travail attribué.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Numéro de la cohorte.", valueName: "id")) var id: Int64
        @Flag(help: "Résultat au format JSON.") var json = false

        func run() throws {
            let store = try database.open()
            guard let cohort = try store.cohort(id: id) else { throw CommandFailure("cohorte \(id) introuvable") }
            let learners = try store.learners(cohortID: id)
            let assignments = try store.assignments(cohortID: id)
            if json {
                let object: [String: Any] = [
                    "id": cohort.id, "name": cohort.name, "year": cohort.year as Any,
                    "learners": learners.map { ["id": $0.id, "lastName": $0.lastName, "firstName": $0.firstName,
                                                "externalId": $0.externalID as Any, "attributes": $0.attributes] },
                    "assignments": assignments.map { ["id": $0.id, "kind": $0.kind.rawValue, "content": $0.contentID,
                                                      "due": $0.dueDate as Any, "group": $0.group as Any] },
                ]
                try sayJSON(object)
                return
            }
            say("\(cohort.name)\(cohort.year.map { " (\($0))" } ?? "") — \(learners.count) apprenant(s)")
            for learner in learners { say("  \(learner.id)  \(learner.displayName)\(learner.externalID.map { " [\($0)]" } ?? "")") }
            for assignment in assignments {
                say("  attribué : \(assignment.kind.rawValue) \(assignment.contentID)\(assignment.dueDate.map { ", avant le \($0)" } ?? "")"
                    + (assignment.group.map { ", groupe \($0)" } ?? ""))
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Crée une cohorte dans une organisation.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Numéro de l'organisation.", valueName: "id")) var organisation: Int64
        @Option(help: ArgumentHelp("Nom de la cohorte.", valueName: "nom")) var name: String
        @Option(help: ArgumentHelp("Année.", valueName: "année")) var year: Int?
        @Option(help: ArgumentHelp("Identifiant du formateur responsable.", valueName: "identifiant")) var trainer: String?

        func run() throws {
            let store = try database.open()
            do {
                guard try store.organisation(id: organisation) != nil else {
                    throw CommandFailure("organisation \(organisation) introuvable")
                }
                let owner = try trainer.map { name -> Int64 in
                    guard let found = try store.staffCredentials(username: name) else { throw CommandFailure("formateur « \(name) » introuvable") }
                    return found.user.id
                }
                let cohort = try store.createCohort(organisationID: organisation, name: name, year: year, ownerID: owner)
                say("Cohorte « \(cohort.name) » créée (numéro \(cohort.id)).")
            } catch let error as StoreError { throw CommandFailure(error.localizedDescription) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liste les cohortes d'une organisation.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Identifiant d'un formateur ou d'un administrateur : ses cohortes.", valueName: "identifiant"))
        var user: String
        @Flag(help: "Résultat au format JSON.") var json = false

        func run() throws {
            let store = try database.open()
            guard let found = try store.staffCredentials(username: user) else { throw CommandFailure("compte « \(user) » introuvable") }
            let cohorts = try store.cohorts(visibleTo: found.user)
            if json {
                let rows: [[String: Any]] = try cohorts.map {
                    ["id": $0.id, "name": $0.name, "year": $0.year as Any, "learners": try store.learnerCount(cohortID: $0.id)]
                }
                try sayJSON(rows)
                return
            }
            for cohort in cohorts {
                say("\(cohort.id)  \(cohort.name)\(cohort.year.map { " (\($0))" } ?? "") — \(try store.learnerCount(cohortID: cohort.id)) apprenant(s)")
            }
        }
    }
}

struct LearnerGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learner", abstract: "Ajoute des apprenants et leur donne des codes d'accès.",
        subcommands: [Add.self, List.self, Import.self, Codes.self, ExportData.self, Erase.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ajoute un apprenant ; son code d'accès s'affiche une seule fois.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Numéro de la cohorte.", valueName: "cohorte")) var cohort: Int64
        @Option(name: .customLong("last-name"), help: ArgumentHelp("Nom.", valueName: "nom")) var lastName: String
        @Option(name: .customLong("first-name"), help: ArgumentHelp("Prénom.", valueName: "prénom")) var firstName: String
        @Option(name: .customLong("external-id"), help: ArgumentHelp("Identifiant externe.", valueName: "id")) var externalID: String?
        @Option(name: .customLong("attribute"), help: ArgumentHelp("Information, sous la forme clé=valeur (répétable).", valueName: "clé=valeur"))
        var attributes: [String] = []

        func run() throws {
            let store = try database.open()
            guard try store.cohort(id: cohort) != nil else { throw CommandFailure("cohorte \(cohort) introuvable") }
            var values: [String: String] = [:]
            for pair in attributes {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else { throw CommandFailure("« \(pair) » : écrivez clé=valeur") }
                values[parts[0].lowercased()] = parts[1]
            }
            do {
                let learner = try store.createLearner(cohortID: cohort, firstName: firstName, lastName: lastName, externalID: externalID,
                                                      attributes: values, codeSelector: nil, codeHash: nil)
                let code = try DemoSeeder.giveNewCode(to: learner, in: store)
                say("\(learner.displayName) ajouté(e) ; code d'accès : \(code.display)")
            } catch let error as StoreError { throw CommandFailure(error.localizedDescription) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liste les apprenants d'une cohorte.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Numéro de la cohorte.", valueName: "cohorte")) var cohort: Int64
        @Flag(help: "Résultat au format JSON.") var json = false

        func run() throws {
            let store = try database.open()
            guard try store.cohort(id: cohort) != nil else { throw CommandFailure("cohorte \(cohort) introuvable") }
            let learners = try store.learners(cohortID: cohort)
            if json {
                let rows = learners.map { ["id": $0.id, "lastName": $0.lastName, "firstName": $0.firstName,
                                           "externalId": $0.externalID as Any, "attributes": $0.attributes] as [String: Any] }
                try sayJSON(rows)
                return
            }
            for learner in learners { say("\(learner.id)  \(learner.displayName)\(learner.externalID.map { " [\($0)]" } ?? "")") }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Importe des apprenants depuis un fichier CSV (Nom ; Prénom ; Identifiant externe ; autres colonnes).",
            discussion: "Chaque ligne fautive est signalée avec son numéro. Rien n'est importé tant que le fichier a des "
                + "erreurs, sauf avec --skip-invalid. Importer deux fois le même fichier n'ajoute personne en double. "
                + "Les codes d'accès des nouveaux apprenants s'affichent une seule fois.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Numéro de la cohorte.", valueName: "cohorte")) var cohort: Int64
        @Argument(help: ArgumentHelp("Fichier CSV.", valueName: "fichier")) var file: String
        @Flag(name: .customLong("skip-invalid"), help: "Importe les bonnes lignes et ignore les autres.") var skipInvalid = false

        func run() throws {
            let store = try database.open()
            guard try store.cohort(id: cohort) != nil else { throw CommandFailure("cohorte \(cohort) introuvable") }
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("fichier illisible : « \(file) »") }
            guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
                throw CommandFailure("« \(file) » n'est pas un fichier texte")
            }
            var bar: ProgressBar?
            let report = try CohortRoster(store: store).importCSV(text, cohortID: cohort, skipInvalid: skipInvalid) { done, total in
                guard total >= 20 else { return }
                if bar == nil { bar = ProgressBar(total: total, label: "Création des codes d'accès") }
                bar?.update(done)
            }
            for problem in report.problems { FileHandle.standardError.write(Data("\(file):\(problem.line) : \(problem.reason)\n".utf8)) }
            guard report.imported else {
                throw CommandFailure("\(report.problems.count) ligne(s) en erreur : rien n'a été importé. Corrigez le fichier, ou relancez avec --skip-invalid.")
            }
            say("\(report.added.count) apprenant(s) ajouté(s), \(report.alreadyThere.count) déjà présent(s), \(report.problems.count) ligne(s) ignorée(s).")
            for (learner, code) in report.added { say("  \(learner.displayName)  \(code.display)") }
        }
    }

    struct Codes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Donne de nouveaux codes d'accès aux apprenants d'une cohorte (les anciens ne marchent plus).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: ArgumentHelp("Numéro de la cohorte.", valueName: "cohorte")) var cohort: Int64

        func run() throws {
            let store = try database.open()
            guard try store.cohort(id: cohort) != nil else { throw CommandFailure("cohorte \(cohort) introuvable") }
            for (learner, code) in try CohortRoster(store: store).renewCodes(cohortID: cohort) {
                say("\(learner.displayName)  \(code.display)")
            }
        }
    }
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rapport de suivi d'une cohorte : niveaux partagés, modules, temps, aide.",
        subcommands: [CohortReportCommand.self, LearnerReportCommand.self])

    struct LearnerReportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "learner", abstract: "Rapport d'un apprenant (résultats partagés seulement).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var root: RootOptions
        @Argument(help: ArgumentHelp("Numéro de l'apprenant.", valueName: "id")) var id: Int64
        @Flag(help: "Résultat au format JSON.") var json = false

        func run() throws {
            let (_, catalog) = try root.load()
            let store = try database.open()
            guard let learner = try store.learner(id: id) else { throw CommandFailure("apprenant \(id) introuvable") }
            let report = try LearnerReport.build(store: store, catalog: catalog, learner: learner)
            if json {
                try sayJSON(encoding: report)
                return
            }
            say("\(report.name) (\(report.cohort)) — \(report.timeSpentMinutes) min, dernière activité \(report.lastActivity ?? "—")")
            for profile in report.profiles {
                let levels = profile.result?.competences.filter { $0.answered > 0 }.map { "\($0.competenceID):\($0.level.map(String.init) ?? "—")" } ?? []
                say("  \(profile.framework) (\(profile.started), \(profile.state))" + (levels.isEmpty ? "" : " — " + levels.joined(separator: " ")))
            }
            for module in report.modules {
                let state = WebApp.stateLabel(ModuleState(rawValue: module.state) ?? .notStarted).lowercased()
                say("  Module \(module.title) : \(state), \(Int((module.progress * 100).rounded())) %")
            }
        }
    }

    struct CohortReportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cohort", abstract: "Rapport d'une cohorte.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var root: RootOptions
        @Argument(help: ArgumentHelp("Numéro de la cohorte.", valueName: "id")) var id: Int64
        @Flag(help: "Résultat au format JSON.") var json = false

        func run() throws {
            let (_, catalog) = try root.load()
            let store = try database.open()
            let report: CohortReport
            do { report = try CohortReport.build(store: store, catalog: catalog, cohortID: id) } catch let error as StoreError {
                throw CommandFailure(error.localizedDescription)
            }
            if json {
                try sayJSON(encoding: report)
                return
            }
            say("\(report.cohort) (\(report.organisation)) — \(report.learners.count) apprenant(s)")
            for learner in report.learners {
                let levels = report.columns.compactMap { column in learner.levels[column.key].map { "\(column.label):\($0)" } }
                say("  \(learner.name) — \(learner.timeSpentMinutes) min, dernière activité \(learner.lastActivity ?? "—")"
                    + (levels.isEmpty ? "" : " — niveaux " + levels.joined(separator: " "))
                    + (learner.needsHelp.isEmpty ? "" : " — a besoin d'aide"))
            }
            for module in report.modules {
                say("  Module \(module.title) : \(module.complete) terminé(s), \(module.inProgress) en cours, \(module.notStarted) pas commencé(s)")
            }
        }
    }
}

struct TrainerGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainer", abstract: "Crée et liste les comptes des formateurs.", subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crée un compte formateur ; son mot de passe provisoire s'affiche une seule fois.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Numéro de l'organisation.", valueName: "id")) var organisation: Int64
        @Option(help: ArgumentHelp("Identifiant de connexion.", valueName: "identifiant")) var username: String
        @Option(help: ArgumentHelp("Nom affiché.", valueName: "nom")) var name: String
        @Flag(help: "Crée un compte administrateur (toutes les cohortes de l'organisation).") var admin = false

        func run() throws {
            let store = try database.open()
            guard try store.organisation(id: organisation) != nil else { throw CommandFailure("organisation \(organisation) introuvable") }
            let password = PasserelleWeb.Credentials.newPassword()
            do {
                let user = try store.createUser(organisationID: organisation, username: username, displayName: name,
                                                role: admin ? .admin : .trainer,
                                                passwordHash: try PasserelleWeb.Credentials.hashPassword(password))
                try store.audit(AuditEntry(action: "create-staff", targetType: "user", targetID: String(user.id)))
            } catch let error as StoreError { throw CommandFailure(error.localizedDescription) }
            say("Compte \(admin ? "administrateur" : "formateur") « \(username) » créé.")
            say("Mot de passe provisoire : \(password)  (notez-le : il ne sera plus affiché)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liste les comptes d'une organisation.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: ArgumentHelp("Numéro de l'organisation.", valueName: "id")) var organisation: Int64
        @Flag(help: "Résultat au format JSON.") var json = false

        func run() throws {
            let store = try database.open()
            let staff = try store.staff(organisationID: organisation)
            if json {
                let rows = staff.map { ["username": $0.username, "name": $0.displayName, "role": $0.role.rawValue] }
                try sayJSON(rows)
                return
            }
            for user in staff { say("\(user.username)  \(user.displayName) (\(user.role.label))") }
        }
    }
}

struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attribue un module, un positionnement ou un questionnaire à une cohorte, un groupe ou un apprenant.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var root: RootOptions
    @Argument(help: ArgumentHelp("module, assessment ou questionnaire.", valueName: "type")) var kind: String
    @Argument(help: ArgumentHelp("Identifiant du module, du référentiel ou du questionnaire.", valueName: "contenu")) var content: String
    @Option(help: ArgumentHelp("Numéro de la cohorte.", valueName: "id")) var cohort: Int64
    @Option(help: ArgumentHelp("Seulement ce groupe (information « groupe » des apprenants).", valueName: "groupe")) var group: String?
    @Option(help: ArgumentHelp("Seulement cet apprenant (numéro).", valueName: "id")) var learner: Int64?
    @Option(help: ArgumentHelp("Date limite, par exemple 2026-12-31.", valueName: "date")) var due: String?
    @Option(help: ArgumentHelp("Positionnement : initial, final ou free ; questionnaire : avant, apres ou unique.", valueName: "objet"))
    var purpose: String?
    @Option(help: ArgumentHelp("Positionnement : smart-random ou irt.", valueName: "algorithme")) var algorithm: String = "smart-random"
    @Option(name: .customLong("max-level"), help: ArgumentHelp("Positionnement : niveau maximal.", valueName: "n")) var maxLevel: Int = 6

    func validate() throws {
        guard AssignmentRecord.Kind(rawValue: kind) != nil else { throw ValidationError("le type vaut module, assessment ou questionnaire.") }
        guard group == nil || learner == nil else { throw ValidationError("--group et --learner ne vont pas ensemble.") }
        if let due, due.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil {
            throw ValidationError("--due s'écrit comme 2026-12-31.")
        }
        guard AssessmentAlgorithm(rawValue: algorithm) != nil else { throw ValidationError("--algorithm vaut smart-random ou irt.") }
        guard (1...8).contains(maxLevel) else { throw ValidationError("--max-level va de 1 à 8.") }
    }

    func run() throws {
        let (_, catalog) = try root.load()
        let store = try database.open()
        guard try store.cohort(id: cohort) != nil else { throw CommandFailure("cohorte \(cohort) introuvable") }
        if let learner, try !store.learners(cohortID: cohort).contains(where: { $0.id == learner }) {
            throw CommandFailure("l'apprenant \(learner) n'est pas dans la cohorte \(cohort)")
        }
        let type = AssignmentRecord.Kind(rawValue: kind)!
        var settings = "{}"
        switch type {
        case .module:
            guard catalog.module(id: content) != nil else { throw CommandFailure("module inconnu « \(content) »") }
        case .assessment:
            guard catalog.framework(id: content) != nil else { throw CommandFailure("référentiel inconnu « \(content) »") }
            let chosen = AssessmentAssignment(
                settings: AssessmentSettings(frameworkID: content, algorithm: AssessmentAlgorithm(rawValue: algorithm)!, maxLevel: maxLevel),
                purpose: AssessmentRecord.Purpose(rawValue: purpose ?? "free") ?? .free)
            settings = String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self)
        case .questionnaire:
            guard catalog.questionnaire(id: content) != nil else { throw CommandFailure("questionnaire inconnu « \(content) »") }
            let administration = ["avant", "apres"].contains(purpose ?? "") ? purpose! : "unique"
            settings = "{\"administration\":\"\(administration)\"}"
        }
        let id = try store.createAssignment(cohortID: learner == nil ? cohort : nil, learnerID: learner, group: group, kind: type,
                                            contentID: content, settings: settings, dueDate: due)
        say("Attribution \(id) créée.")
    }
}
