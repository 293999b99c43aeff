import Foundation
import PasserelleContent
@testable import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

@Suite struct ExportTests {
    @Test func aTrainerExportsSharedResultsOnlyAsFrenchCSV() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        let store = try Store(path: temporaryFolderPath() + "/e.sqlite")
        let org = try store.createOrganisation(name: "CCAS de Rennes")
        let trainer = try store.createUser(organisationID: org.id, username: "claire", displayName: "Claire", role: .trainer,
                                           passwordHash: try Credentials.hashPassword("secret-claire"))
        let intruder = try store.createUser(organisationID: org.id, username: "paul", displayName: "Paul", role: .trainer,
                                            passwordHash: try Credentials.hashPassword("secret-paul"))
        let cohort = try store.createCohort(organisationID: org.id, name: "Promo; \"2026\"", ownerID: trainer.id)
        var codes: [AccessCode] = []
        for (first, last) in [("Ana", "=Dupont"), ("Bob", "Martin")] {
            let learner = try store.createLearner(cohortID: cohort.id, firstName: first, lastName: last,
                                                  attributes: ["structure": "CCAS"], codeSelector: nil, codeHash: nil)
            codes.append(try DemoSeeder.giveNewCode(to: learner, in: store))
        }
        let chosen = AssessmentAssignment(settings: AssessmentSettings(frameworkID: "essai"), purpose: .initial)
        let assignment = try store.createAssignment(cohortID: cohort.id, kind: .assessment, contentID: "essai",
                                                    settings: String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self))
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }
        // Ana takes and shares the assessment; Bob takes it but does not share.
        let api = AssessmentAPITests()
        _ = try api.takeAssessment(server, code: codes[0], assignment: assignment)
        _ = try api.takeAssessment(server, code: codes[1], assignment: assignment)
        let ana = try #require(try store.assessments(assignmentID: assignment).first)
        let cookie = try api.signIn(server, codes[0])
        #expect(try server.client().request("POST", "/api/assessments/\(ana.id)/share", headers: ["Cookie": cookie]).status == 200)

        let client = try server.client()
        let staff = try #require(sessionCookie(try client.request(
            "POST", "/connexion/formateur", headers: form, body: Array("identifiant=claire&mot_de_passe=secret-claire".utf8))))
        let response = try client.request("GET", "/formateur/cohortes/\(cohort.id)/export.csv", headers: ["Cookie": staff])
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/csv; charset=utf-8")
        #expect(Array(response.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = response.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("\"Organisation\";\"Cohorte\";\"Nom\";\"Prénom\";\"Identifiant externe\";\"Structure\";\"Évaluation\""))
        #expect(lines[0].hasSuffix("\"1.1 Compétence — pix\";\"1.1 Compétence — niveau\";\"1.1 Compétence — % de maîtrise\";"
                                   + "\"1.1 Compétence — acquis visés\";\"1.1 Compétence — acquis maîtrisés\";\"Domaine 1 Domaine — pix\";"
                                   + "\"Domaine 1 Domaine — % de maîtrise\";\"Domaine 1 Domaine — acquis visés\";\"Domaine 1 Domaine — acquis maîtrisés\""))
        // Ana: injection guard on her name, shared, 16 pix, level 2, 6 of the 10 skills (levels 1 and 2 of the
        // three tubes) mastered; the domain sums its one competence. Bob: not shared, no result.
        #expect(lines[1].hasPrefix("\"CCAS de Rennes\";\"Promo; \"\"2026\"\"\";\"'=Dupont\";\"Ana\";\"\";\"CCAS\";\"Référentiel d'essai\""))
        // Percentages as a French spreadsheet reads them: 100%, 60% (docs/EXPORTS.md).
        #expect(lines[1].hasSuffix(";\"O\";100%;;16;2;60%;10;6;16;60%;10;6"))
        #expect(lines[2].contains("\"Martin\";\"Bob\""))
        #expect(lines[2].hasSuffix(";\"N\";100%;;;;;;;;;;"))

        let pseudonyms = try client.request("GET", "/formateur/cohortes/\(cohort.id)/export.csv?pseudonymes=1", headers: ["Cookie": staff])
        #expect(!pseudonyms.text.contains("Dupont") && !pseudonyms.text.contains("Bob"))
        #expect(pseudonyms.text.contains("\"Apprenant-"))
        let again = try client.request("GET", "/formateur/cohortes/\(cohort.id)/export.csv?pseudonymes=1", headers: ["Cookie": staff])
        #expect(again.text == pseudonyms.text, "pseudonyms are stable")

        let json = try client.request("GET", "/formateur/cohortes/\(cohort.id)/export.json", headers: ["Cookie": staff])
        let object = try JSONSerialization.jsonObject(with: Data(json.body)) as? [String: Any]
        #expect((object?["rows"] as? [[String: Any]])?.count == 2)

        // The tracker: Ana's shared levels in the heat map, Bob's unshared result hidden, missed items from shared runs.
        let tracker = try client.request("GET", "/formateur/cohortes/\(cohort.id)/suivi", headers: ["Cookie": staff])
        #expect(tracker.status == 200)
        func row(_ name: String) -> String {
            guard let start = tracker.page.range(of: name + "</a></th>"),
                  let end = tracker.page.range(of: "</tr>", range: start.upperBound..<tracker.page.endIndex) else { return "" }
            return String(tracker.page[start.upperBound..<end.lowerBound])
        }
        #expect(row("=Dupont Ana").contains("<td class=\"level heat-2\">2</td>"))
        #expect(row("Martin Bob").contains("<td class=\"level heat-none\"><span aria-hidden=\"true\">–</span><span class=\"visually-hidden\">pas de résultat</span></td>"))
        #expect(!row("Martin Bob").contains("heat-2"))
        let learners = try store.learners(cohortID: cohort.id)
        let anaPage = try client.request("GET", "/formateur/apprenants/\(learners.first { $0.firstName == "Ana" }!.id)", headers: ["Cookie": staff])
        #expect(anaPage.status == 200)
        #expect(anaPage.page.contains("Niveaux partagés") && anaPage.page.contains("partagé"))
        let bobPage = try client.request("GET", "/formateur/apprenants/\(learners.first { $0.firstName == "Bob" }!.id)", headers: ["Cookie": staff])
        #expect(bobPage.page.contains("terminé, non partagé"))
        #expect(!bobPage.page.contains("Niveaux partagés"), "an unshared result stays hidden")
        #expect(tracker.page.contains("Questions les plus manquées") && tracker.page.range(of: #"\d+ erreurs? sur \d+ réponses?"#, options: .regularExpression) != nil)
        let report = try CohortReport.build(store: store, catalog: try ContentLoader.load(fixture.contentRoot), cohortID: cohort.id)
        #expect(report.distribution.first?.counts[2] == 1, "one learner (Ana) at level 2; Bob's result is not shared")
        #expect(report.missedItems.allSatisfy { $0.total >= $0.wrong && $0.wrong > 0 })

        // Another trainer of the same organisation cannot read this cohort.
        let other = try #require(sessionCookie(try client.request(
            "POST", "/connexion/formateur", headers: form, body: Array("identifiant=paul&mot_de_passe=secret-paul".utf8))))
        _ = intruder
        #expect(try client.request("GET", "/formateur/cohortes/\(cohort.id)/export.csv", headers: ["Cookie": other]).status == 404)
        #expect(try client.request("GET", "/formateur/cohortes/\(cohort.id)/suivi", headers: ["Cookie": other]).status == 404)
        #expect(try client.request("GET", "/formateur/apprenants/\(learners[0].id)", headers: ["Cookie": other]).status == 404)
        // A learner cannot either.
        #expect(try client.request("GET", "/formateur/cohortes/\(cohort.id)/export.csv", headers: ["Cookie": cookie]).status == 403)
    }

    /// Large cohorts are built by slices of learners, two at a time on the cores: every row must still come in the
    /// learners' order, with its own learner's results, in CSV and in JSON, past several slices.
    @Test func aLargeCohortIsExportedInTheLearnersOrderWithEachLearnersResults() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        let store = try Store(path: temporaryFolderPath() + "/large.sqlite")
        let catalog = try ContentLoader.load(fixture.contentRoot)
        let org = try store.createOrganisation(name: "CCAS")
        let cohort = try store.createCohort(organisationID: org.id, name: "Grande promo")
        let chosen = AssessmentAssignment(settings: AssessmentSettings(frameworkID: "essai"), purpose: .initial)
        let assignment = try store.createAssignment(cohortID: cohort.id, kind: .assessment, contentID: "essai",
                                                    settings: String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self))
        let count = 1_100  // more than four slices of 256
        try store.batch {
            for index in 0..<count {
                // Names that sort in creation order; every 7th learner shares a result whose pix is their index.
                let learner = try store.createLearner(cohortID: cohort.id, firstName: "P\(index)",
                                                      lastName: String(format: "Nom%05d", index), codeSelector: nil, codeHash: nil)
                guard index % 7 == 0 else { continue }
                let run = try store.createAssessment(learnerID: learner.id, assignmentID: assignment, frameworkID: "essai",
                                                     algorithm: "smart-random", settings: "{}", purpose: .initial, seed: 1, firstItemID: nil)
                let result = AssessmentResult(frameworkID: "essai", algorithm: .smartRandom, maxLevel: 6, competences: [
                    CompetenceResult(competenceID: "1.1", title: "Compétence", level: index % 6, pix: index, theta: nil,
                                     standardError: nil, answered: 3, targetedSkills: 10, validatedSkills: index % 11)],
                    totalPix: index, mastery: nil)
                try store.shareAssessment(id: run.id, result: String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
            }
        }
        var csv = ""
        try CohortExport(store: store, catalog: catalog).write(cohortID: cohort.id, format: .csv, pseudonymize: false) { csv += $0 }
        let lines = csv.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }.dropFirst()
        #expect(lines.count == count)
        var wrong: [String] = []
        for (index, line) in lines.enumerated() {
            let name = String(format: "\"Nom%05d\";\"P%d\"", index, index)
            let expected = index % 7 == 0
                ? ";\"O\";100%;;\(index);\(index % 6);\(CSVWriter().format(.percent(Double(index % 11) / 10)));10;\(index % 11)"
                : ";\"N\";0%;;;;;;"
            if !line.contains(name) || !line.contains(expected) { wrong.append(line) }
        }
        #expect(wrong.isEmpty, "\(wrong.count) rows out of place, first: \(wrong.first ?? "")")

        var json = ""
        try CohortExport(store: store, catalog: catalog).write(cohortID: cohort.id, format: .json, pseudonymize: false) { json += $0 }
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let rows = try #require(object?["rows"] as? [[String: Any]])
        #expect(rows.count == count)
        #expect(rows.map { $0["Nom"] as? String ?? "" } == (0..<count).map { String(format: "Nom%05d", $0) })
        #expect(rows.enumerated().allSatisfy { index, row in (row["1.1 Compétence — pix"] as? Int) == (index % 7 == 0 ? index : nil) })
    }
}

