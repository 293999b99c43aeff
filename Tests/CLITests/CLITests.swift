import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The built `passerelle` executable: PASSERELLE_BIN, else beside the test bundle.
let passerelleBinary: String = {
    if let path = ProcessInfo.processInfo.environment["PASSERELLE_BIN"], !path.isEmpty { return path }
    let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent("passerelle").path
}()

struct Run {
    var status: Int32
    var output: String
    var error: String
}

/// Runs the CLI to completion.
func passerelle(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: passerelleBinary)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "PASSERELLE_DB")
    env.removeValue(forKey: "PASSERELLE_ROOT")
    process.environment = env.merging(environment) { _, new in new }
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let error = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
               error: String(decoding: error, as: UTF8.self))
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A content root with one framework `id` of one competence and one tube `t` holding `skills` (YAML flow
/// mappings), `header` lines before `domains:`, and empty Curriculum/ and Web/ folders.
func contentRoot(framework id: String, header: String = "", skills: [String]) throws -> URL {
    let root = try temporaryFolder()
    for folder in ["Curriculum", "Web", "Assessments/frameworks", "Assessments/items"] {
        try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
    }
    let text = "id: \(id)\ntitle: Référentiel \(id)\n" + header + """
        domains:
          - id: "1"
            title: Domaine
            competences:
              - id: "1.1"
                title: Compétence
                tubes:
                  - id: t
                    title: Tube
                    skills:

        """ + skills.map { "              - \($0)\n" }.joined()
    try text.write(to: root.appendingPathComponent("Assessments/frameworks/\(id).yaml"), atomically: true, encoding: .utf8)
    return root
}

@Suite struct CLITests {
    @Test func helpListsTheSubcommands() throws {
        let run = try passerelle(["--help"])
        #expect(run.status == 0)
        for command in ["init", "serve", "demo", "content"] {
            #expect(run.output.contains("  \(command) "), "help lists \(command)")
        }
        let content = try passerelle(["content", "--help"])
        #expect(content.status == 0)
        #expect(content.output.contains("check"))
        for command in ["init", "serve", "demo"] {
            let sub = try passerelle([command, "--help"])
            #expect(sub.status == 0)
            #expect(sub.output.contains("--root"))
            // No English from the parser, even where it wraps a default value onto the next line.
            #expect(!sub.output.contains("(default"), "\(command) --help: \(sub.output)")
        }
    }

    @Test func versionAndUsageErrors() throws {
        let version = try passerelle(["--version"])
        #expect(version.status == 0)
        #expect(version.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let unknown = try passerelle(["envoler"])
        #expect(unknown.status == 2)
        #expect(!unknown.error.isEmpty)
        let badPort = try passerelle(["serve", "--port", "quatre"])
        #expect(badPort.status == 2)
        let badThreads = try passerelle(["serve", "--threads", "0"])
        #expect(badThreads.status == 2)
        // The argument parser's own messages are shown in French.
        #expect(badPort.error.contains("la valeur « quatre » ne convient pas pour --port"), "\(badPort.error)")
        #expect(badPort.error.contains("Utilisation :") && !badPort.error.contains("Usage:"))
        let missing = try passerelle(["modules", "show"])
        #expect(missing.error.contains("argument manquant") && !missing.error.contains("Error:"))
        let help = try passerelle(["learner", "--help"])
        #expect(help.output.contains("SOUS-COMMANDES :") && help.output.contains("Affiche l'aide."))
    }

    @Test func contentCheckPassesOnTheBundledContent() throws {
        let run = try passerelle(["content", "check", "--root", repositoryRoot.path])
        #expect(run.status == 0, "\(run.output)\(run.error)")
        #expect(run.output.contains("Contenu valide"))
        let json = try passerelle(["content", "check", "--json", "--root", repositoryRoot.path])
        let report = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        #expect(report?["valid"] as? Bool == true)
        let stats = try passerelle(["content", "stats", "--root", repositoryRoot.path])
        #expect(stats.status == 0, "\(stats.output)")
        #expect(stats.output.contains("Couverture atteinte : chaque exigence du référentiel « numerique » est remplie."))
        #expect(stats.output.contains("Couverture atteinte : chaque exigence du référentiel « mediation » est remplie."))
        #expect(stats.output.contains("Lisibilité atteinte : les "), "\(stats.output)")
        #expect(stats.output.contains("  postures-accompagnement/01-trois-postures "))
        let statsJSON = try passerelle(["content", "stats", "--json", "--root", repositoryRoot.path])
        let statsReport = try JSONSerialization.jsonObject(with: Data(statsJSON.output.utf8)) as? [String: Any]
        let lessons = statsReport?["lessons"] as? [[String: Any]]
        #expect((lessons?.count ?? 0) >= 48)
        let measure = lessons?.first?["measure"] as? [String: Any]
        #expect((measure?["sentences"] as? Int ?? 0) > 0 && measure?["meanSentenceLength"] is Double && measure?["longWordShare"] is Double)
        #expect((statsReport?["readabilityLimits"] as? [String: Any])?["maxSentenceLength"] as? Int == 40)
    }

    /// `content check` names a retired name used as if current (file, line, French message) and exits 1.
    @Test func contentCheckFlagsAnUndatedRetiredName() throws {
        let root = try contentRoot(framework: "f", skills: [#"{ id: "@t1", level: 1, title: Facile }"#])
        defer { try? FileManager.default.removeItem(at: root) }
        try """
            checked: 2026-12-07
            names:
              - { name: Pôle emploi, successor: France Travail, since: 1er janvier 2024 }
            """.write(to: root.appendingPathComponent("Curriculum/retired-names.yaml"), atomically: true, encoding: .utf8)
        let items = root.appendingPathComponent("Assessments/items/t.yaml")
        func write(_ feedback: String) throws {
            try """
                items:
                  - id: a
                    skill: "@t1"
                    type: qroc
                    status: validated
                    prompt: Quel organisme aide à chercher un emploi ?
                    fields: [{ id: r, label: Organisme, accepted: [France Travail] }]
                    feedback: \(feedback)
                """.write(to: items, atomically: true, encoding: .utf8)
        }
        try write("France Travail aide à chercher un emploi. Pôle emploi vous inscrit.")
        let run = try passerelle(["content", "check", "--root", root.path])
        #expect(run.status == 1)
        #expect(run.output.contains("Assessments/items/t.yaml:8:0: erreur : question a, retour : « Pôle emploi » n'est plus en usage "
                                    + "(aujourd'hui : France Travail ; 1er janvier 2024)"), "\(run.output)")
        #expect(run.output.contains("« Pôle emploi vous inscrit. »"))
        try write("France Travail (Pôle emploi jusqu'en 2023) aide à chercher un emploi.")
        let dated = try passerelle(["content", "check", "--root", root.path])
        #expect(dated.status == 0, "\(dated.output)")
    }

    /// A lesson much harder to read than the shipped ones makes `content stats` exit 1 and name it.
    @Test func contentStatsFailsOnALessonMuchHarderToRead() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["Curriculum", "Assessments", "Web"] {
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
        let lesson = root.appendingPathComponent("Curriculum/postures-accompagnement/01-trois-postures.md")
        let sentence = Array(repeating: "la posture professionnelle d'accompagnement", count: 12).joined(separator: " puis ")
        try (try String(contentsOf: lesson, encoding: .utf8) + "\n\(sentence).\n").write(to: lesson, atomically: true, encoding: .utf8)
        let run = try passerelle(["content", "stats", "--root", root.path])
        #expect(run.status == 1)
        #expect(run.output.contains("1 leçon au-delà des limites :"), "\(run.output)")
        #expect(run.output.contains("- postures-accompagnement/01-trois-postures : une phrase de 59 mots (au plus 40)"))
    }

    @Test func contentCheckOnABrokenFileExitsOneAndNamesFileAndLine() throws {
        let root = try contentRoot(framework: "casse", skills: [#"{ id: "@t1", level: 12, title: Trop haut }"#])
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try passerelle(["content", "check", "--root", root.path])
        #expect(run.status == 1)
        #expect(run.output.contains("Assessments/frameworks/casse.yaml:13:"), "\(run.output)")
        #expect(run.output.contains("hors de l'échelle 1 à 8"))
        let json = try passerelle(["content", "check", "--json", "--root", root.path])
        #expect(json.status == 1)
        let report = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
        let errors = report?["errors"] as? [[String: Any]]
        #expect(errors?.first?["line"] as? Int == 13)
    }

    /// `content stats` prints the skills × levels table and exits 1 while the bank falls short of the framework's `bank:`.
    @Test func contentStatsPrintsCoverageAndFailsOnShortfalls() throws {
        let root = try contentRoot(
            framework: "petit", header: "bank:\n  min_tubes_per_competence: 1\n  min_items_per_skill: { 1: 2, 2: 1 }\n",
            skills: [#"{ id: "@t1", level: 1, title: Facile }"#, #"{ id: "@t2", level: 2, title: Moins facile }"#])
        defer { try? FileManager.default.removeItem(at: root) }
        func item(_ id: String, _ skill: String) -> String {
            """
              - id: \(id)
                skill: "\(skill)"
                type: qroc
                status: validated
                prompt: Question \(id) ?
                fields: [{ id: r, label: Réponse, accepted: [caf] }]
                feedback: C'est la CAF.

            """
        }
        let items = root.appendingPathComponent("Assessments/items/t.yaml")
        try ("items:\n" + item("a", "@t1") + item("b", "@t2")).write(to: items, atomically: true, encoding: .utf8)
        let short = try passerelle(["content", "stats", "--root", root.path])
        #expect(short.status == 1)
        #expect(short.output.contains("  t      1/2 !   1/1     qroc 2"), "\(short.output)")
        #expect(short.output.contains("Référentiel petit (petit) : 1 tube, 2 questions validées"))
        #expect(short.output.contains("- acquis @t1 (niveau 1) : 1 question(s) validée(s), il en faut 2"))
        try ("items:\n" + item("a", "@t1") + item("b", "@t2") + item("c", "@t1")).write(to: items, atomically: true, encoding: .utf8)
        let full = try passerelle(["content", "stats", "--root", root.path, "--json"])
        #expect(full.status == 0, "\(full.output)\(full.error)")
        let report = try JSONSerialization.jsonObject(with: Data(full.output.utf8)) as? [String: Any]
        let reports = report?["frameworks"] as? [[String: Any]]
        #expect(reports?.first?["shortfalls"] as? [String] == [])
        #expect(report?["lessons"] as? [Any] != nil, "no module: an empty list of lessons")
        #expect(try passerelle(["content", "stats", "--root", root.path, "--framework", "autre"]).status == 1)
    }

    @Test func aMissingRootIsNamed() throws {
        let run = try passerelle(["content", "check", "--root", "/nulle/part"])
        #expect(run.status == 1)
        #expect(run.error.contains("/nulle/part"))
        #expect(!run.error.contains("Fatal error"))
    }

    @Test func initCreatesTheDatabaseOnceAndReportsBadPaths() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("p.sqlite").path
        let first = try passerelle(["init", "--db", db, "--root", repositoryRoot.path,
                                    "--organisation", "CCAS d'essai", "--admin", "direction"])
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("Mot de passe provisoire"))
        let again = try passerelle(["init", "--root", repositoryRoot.path], environment: ["PASSERELLE_DB": db])
        #expect(again.status == 0)
        #expect(again.output.contains(db))
        let duplicate = try passerelle(["init", "--db", db, "--root", repositoryRoot.path,
                                        "--organisation", "Autre", "--admin", "direction"])
        #expect(duplicate.status == 1)
        #expect(duplicate.error.contains("existe déjà"))
        let nowhere = try passerelle(["init", "--db", "/nulle/part/p.sqlite", "--root", repositoryRoot.path])
        #expect(nowhere.status == 1)
        #expect(nowhere.error.contains("/nulle/part/p.sqlite"))
        let half = try passerelle(["init", "--db", db, "--admin", "seul"])
        #expect(half.status == 2)
    }

    @Test func serveOnPortZeroAnswersAndStopsCleanlyOnSIGTERM() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: passerelleBinary)
        process.arguments = ["serve", "--port", "0", "--quiet", "--db", folder.appendingPathComponent("s.sqlite").path,
                             "--root", repositoryRoot.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        var port: UInt16?
        let deadline = Date().addingTimeInterval(30)
        while port == nil && Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: #"http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                port = UInt16(seen[range].split(separator: ":").last!.dropLast())
            }
        }
        let bound = try #require(port, "no address printed: \(seen)")
        let health = try RawHTTPClient(port: bound).request("GET", "/api/health")
        #expect(health.status == 200)
        #expect(health.text.contains("\"status\":\"ok\""))
        kill(process.processIdentifier, SIGTERM)
        let stopDeadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < stopDeadline { usleep(20_000) }
        if process.isRunning {
            Issue.record("the server did not stop within 30 s of SIGTERM")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(throws: (any Error).self) { _ = try RawHTTPClient(port: bound) }
    }
}

@Suite struct AssessmentCLITests {
    @Test func simulateReportsBothAlgorithms() throws {
        let run = try passerelle(["simulate", "--root", repositoryRoot.path, "--framework", "mediation",
                                  "--model", "engine", "--learners", "20", "--seed", "3", "--json"])
        #expect(run.status == 0, "\(run.error)")
        let reports = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [[String: Any]]
        #expect(reports?.map { $0["algorithm"] as? String } == ["smart-random", "irt"])
        for report in reports ?? [] {
            #expect((report["meanQuestions"] as? Double ?? 0) > 0)
            #expect(report["learners"] as? Int == 20)
            // Per competence: the eight mediation competences, whose exact shares average to the overall one.
            let rows = report["perCompetence"] as? [[String: Any]] ?? []
            #expect(rows.map { $0["competenceID"] as? String } == ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8"])
            let mean = rows.compactMap { $0["exactLevelShare"] as? Double }.reduce(0, +) / Double(max(rows.count, 1))
            #expect(abs(mean - (report["exactLevelShare"] as? Double ?? -1)) < 1e-9)
        }
        let again = try passerelle(["simulate", "--root", repositoryRoot.path, "--framework", "mediation",
                                    "--model", "engine", "--learners", "20", "--seed", "3", "--json"])
        let first = reports?.map { $0["exactLevelShare"] as? Double }
        let second = (try JSONSerialization.jsonObject(with: Data(again.output.utf8)) as? [[String: Any]])?
            .map { $0["exactLevelShare"] as? Double }
        #expect(first == second, "same seed, same figures")
        let unknown = try passerelle(["simulate", "--root", repositoryRoot.path, "--framework", "inconnu"])
        #expect(unknown.status == 1)
        #expect(unknown.error.contains("référentiel inconnu"))
        #expect(try passerelle(["simulate", "--algorithm", "hasard"]).status == 2)
    }

    /// The honest model (the default): a report per population and algorithm, with the questions' spread, the
    /// shares per competence and per true level, the share of learners all within one level, the constant-level
    /// baseline, and the simulated calibration that the IRT mode ran on. Small and seeded.
    @Test func simulateHardModelReportsEveryFigure() throws {
        let arguments = ["simulate", "--root", repositoryRoot.path, "--framework", "mediation", "--learners", "6",
                         "--population", "low", "--calibration-learners", "150", "--seed", "2", "--json"]
        let run = try passerelle(arguments)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.error.contains("Calibrage simulé"), "progress on standard error")
        let reports = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [[String: Any]] ?? []
        #expect(reports.map { $0["algorithm"] as? String } == ["smart-random", "irt"])
        for report in reports {
            #expect(report["population"] as? String == "low")
            let questions = report["questions"] as? [String: Any]
            #expect((questions?["mean"] as? Double ?? 0) > 0 && questions?["p95"] is Int && questions?["max"] is Int)
            let overall = report["overall"] as? [String: Any]
            #expect(overall?["count"] as? Int == 6 * 8)
            #expect((report["perCompetence"] as? [Any])?.count == 8)
            let levels = report["perTrueLevel"] as? [[String: Any]] ?? []
            #expect(levels.compactMap { ($0["accuracy"] as? [String: Any])?["count"] as? Int }.reduce(0, +) == 48)
            #expect(report["learnersAllWithinOne"] is Double)
            #expect((report["baseline"] as? [String: Any])?["level"] is Int)
        }
        #expect(reports.last?["calibration"] is [String: Any], "the IRT mode ran on estimated parameters")
        let again = try passerelle(arguments)
        #expect(again.output == run.output, "same seed, same figures")
        #expect(try passerelle(["simulate", "--model", "vrai"]).status == 2)
    }

    @Test func calibrateWithoutAnswersSaysSo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try passerelle(["calibrate", "--db", folder.appendingPathComponent("c.sqlite").path,
                                  "--root", repositoryRoot.path])
        #expect(run.status == 1)
        #expect(run.error.contains("rien à calibrer"))
    }
}

@Suite struct ModuleCLITests {
    @Test func listAndShowModules() throws {
        let list = try passerelle(["modules", "list", "--root", repositoryRoot.path, "--json"])
        #expect(list.status == 0, "\(list.error)")
        let modules = try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [[String: Any]] ?? []
        for module in modules {
            let id = module["id"] as! String
            let show = try passerelle(["modules", "show", id, "--root", repositoryRoot.path])
            #expect(show.status == 0)
            #expect(show.output.contains("Objectifs :"))
            #expect(show.output.contains("Leçons :"))
        }
        let unknown = try passerelle(["modules", "show", "inconnu", "--root", repositoryRoot.path])
        #expect(unknown.status == 1)
        #expect(unknown.error.contains("module inconnu"))
    }
}

@Suite struct ExportCLITests {
    @Test func exportWritesAFileAndRefusesUnknownCohorts() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("x.sqlite").path
        #expect(try passerelle(["init", "--db", db, "--root", repositoryRoot.path, "--organisation", "IRTS", "--admin", "direction"]).status == 0)
        let missing = try passerelle(["export", "cohort", "42", "--db", db, "--root", repositoryRoot.path,
                                      "-o", folder.appendingPathComponent("x.csv").path])
        #expect(missing.status == 1)
        #expect(missing.error.contains("introuvable"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.csv").path), "no half-written file")
        #expect(try passerelle(["export", "cohort", "1", "--format", "xml"]).status == 2)
    }
}

@Suite struct RosterCLITests {
    @Test func importReportsBadLinesAndAddsNobodyTwice() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("r.sqlite").path
        #expect(try passerelle(["init", "--db", db, "--root", repositoryRoot.path, "--organisation", "CCAS", "--admin", "direction"]).status == 0)
        let created = try passerelle(["cohort", "create", "--db", db, "--organisation", "1", "--name", "Promo 2026", "--year", "2026",
                                      "--trainer", "direction"])
        #expect(created.status == 0, "\(created.error)")
        let csv = folder.appendingPathComponent("apprenants.csv")
        try "Nom;Prénom;Identifiant externe;Structure\nDupont;Ana;A1;CCAS\n;;A2;CCAS\nMartin;Bob;A3;Centre social\n"
            .write(to: csv, atomically: true, encoding: .utf8)
        let refused = try passerelle(["learner", "import", "1", csv.path, "--db", db])
        #expect(refused.status == 1)
        #expect(refused.error.contains("apprenants.csv:3 : le nom et le prénom sont vides"))
        #expect(refused.error.contains("rien n'a été importé"))
        let partial = try passerelle(["learner", "import", "1", csv.path, "--db", db, "--skip-invalid"])
        #expect(partial.status == 0)
        #expect(partial.output.contains("2 apprenant(s) ajouté(s), 0 déjà présent(s), 1 ligne(s) ignorée(s)."))
        let again = try passerelle(["learner", "import", "1", csv.path, "--db", db, "--skip-invalid"])
        #expect(again.output.contains("0 apprenant(s) ajouté(s), 2 déjà présent(s)"))
        let list = try passerelle(["cohort", "list", "--db", db, "--user", "direction", "--json"])
        let cohorts = try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as? [[String: Any]]
        #expect(cohorts?.first?["learners"] as? Int == 2)
        let report = try passerelle(["report", "cohort", "1", "--db", db, "--root", repositoryRoot.path, "--json"])
        #expect(report.status == 0, "\(report.error)")
        let object = try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as? [String: Any]
        #expect((object?["learners"] as? [[String: Any]])?.count == 2)
        let added = try passerelle(["learner", "add", "1", "--db", db, "--last-name", "Roux", "--first-name", "Léa",
                                    "--attribute", "groupe=B"])
        #expect(added.status == 0)
        #expect(added.output.contains("Léa Roux ajouté(e) ; code d'accès :"))
        let learners = try passerelle(["learner", "list", "1", "--db", db, "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(learners.output.utf8)) as? [[String: Any]])?.count == 3)
        let assign = try passerelle(["assign", "module", "postures-accompagnement", "--cohort", "1", "--group", "B", "--due", "2026-12-31",
                                     "--db", db, "--root", repositoryRoot.path])
        #expect(assign.status == 0, "\(assign.error)")
        #expect(try passerelle(["assign", "module", "inconnu", "--cohort", "1", "--db", db, "--root", repositoryRoot.path]).status == 1)
        #expect(try passerelle(["assign", "module", "x", "--cohort", "1", "--due", "demain"]).status == 2)
        let shown = try passerelle(["cohort", "show", "1", "--db", db])
        #expect(shown.output.contains("attribué : module postures-accompagnement, avant le 2026-12-31, groupe B"))
        let learnerReport = try passerelle(["report", "learner", "1", "--db", db, "--root", repositoryRoot.path, "--json"])
        #expect(learnerReport.status == 0, "\(learnerReport.error)")
        #expect((try JSONSerialization.jsonObject(with: Data(learnerReport.output.utf8)) as? [String: Any])?["name"] as? String == "Ana Dupont")
        #expect(try passerelle(["report", "learner", "99", "--db", db, "--root", repositoryRoot.path]).status == 1)
        let codes = try passerelle(["learner", "codes", "1", "--db", db])
        #expect(codes.output.split(separator: "\n").count == 3)
        #expect(codes.output.range(of: #"[A-Z0-9]{5}-[A-Z0-9]{5}"#, options: .regularExpression) != nil)
    }
}
