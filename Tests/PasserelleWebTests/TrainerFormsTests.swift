import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// Issue 14, the trainer's forms and pages: dates typed and shown in French, templates that say nothing about
/// a missing value, the positioning form that keeps what was typed, export percentages, the small-group rule
/// of the pseudonymised export, and the demo's sample results and kept codes.
@Suite struct TrainerFormsTests {
    // MARK: Dates

    @Test func typedDaysAreReadInEveryFrenchWayAndCheckedAgainstTheCalendar() {
        #expect(CalendarDay.parse("31/01/2027") == "2027-01-31")
        #expect(CalendarDay.parse(" 1/2/2027 ") == "2027-02-01")
        #expect(CalendarDay.parse("31.01.2027") == "2027-01-31")
        #expect(CalendarDay.parse("31-01-2027") == "2027-01-31")
        #expect(CalendarDay.parse("2027-01-31") == "2027-01-31", "what a date picker sends")
        #expect(CalendarDay.parse("29/02/2028") == "2028-02-29")
        for wrong in ["31/02/2027", "29/02/2027", "2027-13-01", "00/01/2027", "31/01/27", "demain", "", "31/01/2027/1", "٣١/٠١/٢٠٢٧",
                      String(repeating: "1", count: 10_000)] {
            #expect(CalendarDay.parse(wrong) == nil, "\(wrong.prefix(20))")
        }
        #expect(WebApp.dueDate("") == .some(nil), "empty: no due date")
        #expect(WebApp.dueDate("31/02/2027") == nil, "refused")
    }

    @Test func everyDateIsShownAsADayInParis() {
        #expect(French.day("2027-01-31") == "31/01/2027")
        #expect(French.day("2026-07-14T22:30:00.123Z") == "15/07/2026", "after 22:00 UTC in summer it is already the next day in Paris")
        #expect(French.day("2026-01-15T23:30:00.000Z") == "16/01/2026")
        #expect(French.day("pas une date") == "pas une date")
        #expect(French.date("2026-01-15T09:05:00.000Z") == "15/01/2026 10:05", "the exports' documented format")
        #expect(French.today(Date(timeIntervalSince1970: 1_798_759_800)) == "2027-01-01", "2026-12-31 23:30 UTC is New Year's Day in Paris")
    }

    // MARK: Templates with missing values

    /// The trainer's pages rendered with every optional value missing: no label without its value, no
    /// dangling separator.
    @Test func templatesRenderedWithMissingValuesLeaveNoEmptyLabelOrSeparator() throws {
        let templates = try Templates(folder: repositoryRoot.appendingPathComponent("Web/templates"))
        let pages: [(String, [String: Any])] = [
            ("formateur-apprenant", ["name": "Ana", "cohort": "C", "cohortID": 1, "learnerID": 2,
                                     "modules": [["title": "M", "state": "Pas commencé"]], "hasModules": true,
                                     "profiles": [["title": "Numérique", "date": "01/02/2027 10:00", "state": "en cours"]], "hasProfiles": true]),
            ("formateur", ["name": "Claire", "role": "formatrice", "hasCohorts": true,
                           "cohorts": [["id": 1, "name": "C", "learners": "2 apprenants", "hasAssessments": true,
                                        "assessments": [["id": 3, "title": "Numérique", "purpose": "positionnement initial", "date": "01/02/2027"]]]]]),
            ("formateur-positionnement", ["cohort": "C", "framework": "Numérique", "purpose": "Positionnement initial", "opened": "01/02/2027",
                                          "profile": "toutes les compétences", "rows": [["name": "Ana", "state": "Pas commencé", "link": "/x"]]]),
            ("module-carte", ["id": "m", "title": "M", "state": "Pas commencé", "percent": 0]),
            ("apprenant", ["firstName": "Ana", "hasAssessments": true,
                           "assessments": [["title": "Numérique", "purpose": "Positionnement initial", "state": "À commencer", "notStarted": true]]]),
            ("formateur-ouvrir", ["cohort": "C", "cohortID": 1, "form": true, "framework": "Numérique", "frameworkID": "numerique",
                                  "estimate": "Environ 20 questions.", "irtLength": 40, "perCompetence": "0", "previewLink": "/p"]),
        ]
        for (name, context) in pages {
            let html = templates.render(name, context)
            let text = html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
                .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
            for leftover in [" : .", " : ,", ": ;", "( )", "()", "· ·", " · )", "( ·", "0 % ·", "a besoin d'aide sur .", "sur  ",
                             "Identifiant externe : .", "le .", "le ,", " , ", " . ."] {
                #expect(!text.contains(leftover), "\(name): « \(leftover) » in \(text)")
            }
            #expect(!text.contains("a besoin d'aide"), "\(name): help for nothing")
            #expect(!html.contains("aria-describedby=\"\""), "\(name)")
        }
    }

    /// The same through the real pages: a learner without external id, time or activity, in a cohort without a year.
    @Test func theLearnerReportSaysNothingOfWhatIsNotThere() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let cookie = try signIn(client, running)
        let learner = try #require(try running.store.learners(cohortID: running.demo.cohort.id).first)
        let report = try client.request("GET", "/formateur/apprenants/\(learner.id)", headers: ["Cookie": cookie]).page
        #expect(!report.contains("Identifiant externe"))
        #expect(!report.contains("a besoin d'aide"), "no module was begun")
        #expect(report.contains("Pas encore d'activité."))
        #expect(!report.contains("(0 %)"))
        let home = try client.request("GET", "/formateur", headers: ["Cookie": cookie]).page
        let opened = try #require(try running.store.assignments(cohortID: running.demo.cohort.id, kind: .assessment).first)
        #expect(home.contains(French.day(opened.createdAt)), "the opening day in French")
        #expect(!home.contains(String(opened.createdAt.prefix(10))), "not the stored ISO day")
    }

    // MARK: The positioning form

    @Test func aWrongDateShowsTheFormAgainWithWhatWasTypedAndTheMessageByTheField() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let cookie = try signIn(client, running)
        let cohort = running.demo.cohort.id
        let headers = form.merging(["Cookie": cookie]) { a, _ in a }
        let step1 = try client.request("GET", "/formateur/cohortes/\(cohort)/positionnements", headers: ["Cookie": cookie]).page
        #expect(step1.contains("Étape 1 sur 2"))
        let step2 = try client.request("GET", "/formateur/cohortes/\(cohort)/positionnements?referentiel=mediation", headers: ["Cookie": cookie]).page
        #expect(step2.contains("Test adaptatif classique (comme Pix)") && step2.contains("Test court calibré"))
        #expect(!step2.contains("smart random") && !step2.contains("IRT") && !step2.contains("profil cible"))
        let numerique = try #require(try catalog().framework(id: "numerique"))
        for competence in numerique.competences { #expect(!step2.contains("value=\"\(competence.id)\""), "only the chosen framework's") }
        #expect(step2.contains("questions"), "an estimate")
        #expect(step2.contains("/positionnements/apercu?referentiel=mediation"), "a preview")

        let refused = try client.request("POST", "/formateur/cohortes/\(cohort)/positionnements", headers: headers,
                                         body: Array("referentiel=mediation&objet=final&algorithme=smart-random&niveau_max=5&competences=M1&echeance=31%2F02%2F2027".utf8))
        #expect(refused.status == 400)
        let page = refused.page
        #expect(page.contains("value=\"31/02/2027\""), "what was typed")
        #expect(page.contains("aria-describedby=\"aide-echeance erreur-echeance\""))
        #expect(page.contains("id=\"erreur-echeance\"") && page.contains("jour/mois/année"))
        #expect(page.contains("data-focus"))
        #expect(page.contains("value=\"M1\" checked") && !page.contains("value=\"M2\" checked"), "the competences chosen")
        #expect(page.contains("<option value=\"final\" selected>"), "the purpose chosen")
        #expect(page.contains("<option selected>5</option>"))
        #expect(try running.store.assignments(cohortID: cohort, kind: .assessment).count == 1, "nothing opened")
        let noBox = try client.request("POST", "/formateur/cohortes/\(cohort)/positionnements", headers: headers,
                                       body: Array("referentiel=mediation&cases=1&objet=initial&algorithme=smart-random&niveau_max=6&echeance=".utf8))
        #expect(noBox.status == 400 && noBox.page.contains("Cochez au moins une compétence."))

        let opened = try client.request("POST", "/formateur/cohortes/\(cohort)/positionnements", headers: headers,
                                        body: Array("referentiel=mediation&objet=final&algorithme=smart-random&niveau_max=5&competences=M1&echeance=31%2F01%2F2027".utf8))
        #expect(opened.status == 303)
        let assignment = try #require(try running.store.assignments(cohortID: cohort, kind: .assessment).last)
        #expect(assignment.dueDate == "2027-01-31")
        let preview = try client.request("GET", "/formateur/cohortes/\(cohort)/positionnements/apercu?referentiel=mediation",
                                         headers: ["Cookie": cookie])
        #expect(preview.status == 200 && preview.page.contains("Aperçu pour le formateur") && preview.page.contains("<fieldset disabled"))
        #expect(!preview.page.contains("action=\"/positionnement/"), "nothing can be sent")
    }

    // MARK: Exports

    @Test func percentagesAreWrittenAsSpreadsheetsReadThem() {
        let french = CSVWriter(), rfc = CSVWriter(separator: ",")
        #expect(french.line([.percent(0.06)]) == "6%\r\n")
        #expect(french.line([.percent(0.125)]) == "12,5%\r\n")
        #expect(french.line([.percent(1)]) == "100%\r\n")
        #expect(french.line([.percent(1.0 / 3)]) == "33,33%\r\n")
        #expect(french.line([.percent(0)]) == "0%\r\n")
        #expect(french.line([.percent(.nan)]) == "\r\n")
        #expect(rfc.line([.percent(0.125)]) == "12.5%\r\n")
    }

    /// The small-group rule: a value fewer than 5 learners share becomes « Autre », a column without any value
    /// shared by 5 goes, and the external id never leaves in a pseudonymised export.
    @Test func thePseudonymisedExportHidesValuesSharedByFewerThanFive() throws {
        let people: [(id: Int64, attributes: [String: String])] = (1...8).map { index in
            (Int64(index), ["structure": index <= 5 ? "CCAS" : "Médiathèque \(index)", "mission": "M\(index)"])
        }
        var counts = CohortExport.AttributeCounts()
        for person in people { counts.add(person.attributes) }
        #expect(counts.keptKeys == ["structure"], "every mission is someone's own: the column goes")
        #expect(counts.coarse(people[0].attributes)["structure"] == "CCAS")
        #expect(counts.coarse(people[6].attributes)["structure"] == CohortExport.otherValue)
        #expect(counts.coarse(people[6].attributes)["mission"] == nil)

        let running = try RunningDemo()
        defer { running.stop() }
        let cohort = running.demo.cohort.id
        _ = try running.store.createLearner(cohortID: cohort, firstName: "Zoé", lastName: "Martin", externalID: "DOSSIER-4242",
                                            attributes: ["structure": "Médiathèque"], codeSelector: nil, codeHash: nil)
        var csv = ""
        try CohortExport(store: running.store, catalog: try catalog()).write(cohortID: cohort, format: .csv, pseudonymize: true) { csv += $0 }
        #expect(!csv.contains("DOSSIER-4242") && !csv.contains("Identifiant externe"))
        // The demo's structures are shared by 2 to 4 learners: none may name one.
        #expect(!csv.contains("Médiathèque") && !csv.contains("Centre social"))
        var named = ""
        try CohortExport(store: running.store, catalog: try catalog()).write(cohortID: cohort, format: .csv, pseudonymize: false) { named += $0 }
        #expect(named.contains("DOSSIER-4242") && named.contains("Médiathèque"), "the named export keeps them")
    }

    // MARK: The demo

    @Test func aNewDemoHasSharedResultsAndKeepsItsCodesAcrossRestarts() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Store(path: folder.appendingPathComponent("d.sqlite").path)
        let catalog = try ContentLoader.load(try ContentRoot(validating: repositoryRoot.path))
        let first = try DemoSeeder.seed(store, catalog: catalog, renewSecrets: false, sampleResults: true)
        #expect(first.created && first.renewed && first.learners.count == 12)
        let positionings = try store.assignments(cohortID: first.cohort.id, kind: .assessment)
        #expect(positionings.count == 2)
        // Seven learners measured twice (above the small-group rule's 5), one only once.
        let shared = try positionings.map { try store.assessments(assignmentID: $0.id).filter { $0.sharedResult != nil }.map(\.learnerID) }
        #expect(shared.map(\.count) == [8, 7])
        #expect(Set(shared[0]).intersection(shared[1]).count == 7)
        #expect(try store.assignments(cohortID: first.cohort.id, kind: .questionnaire).count == 2)
        var csv = ""
        try CohortExport(store: store, catalog: catalog).write(cohortID: first.cohort.id, format: .csv, pseudonymize: false) { csv += $0 }
        #expect(csv.contains(";100%;"), "finished runs, as percentages")

        let again = try DemoSeeder.seed(store, catalog: catalog, renewSecrets: false, sampleResults: true)
        #expect(!again.created && !again.renewed && again.learners.isEmpty && again.trainerPassword.isEmpty)
        #expect(try store.assignments(cohortID: first.cohort.id, kind: .assessment).count == 2, "no second set of samples")
        let learner = try #require(try store.learners(cohortID: first.cohort.id).first)
        #expect(try store.learnerIDsWithoutCode(cohortID: first.cohort.id).isEmpty)
        let hash = try #require(try store.learnerCredentials(selector: first.learners[0].code.selector)?.codeHash)
        #expect(Credentials.verifyPassword(first.learners[0].code.secret, hash: hash), "the printed code still works")
        _ = learner
    }

    /// Every trainer screen of a new demo shows a chart or a table, never the small-group sentence in place of
    /// the gains or the levels, and no date written the ISO way.
    @Test func everyTrainerScreenOfANewDemoShowsAChartOrATable() throws {
        let running = try RunningDemo(sampleResults: true)
        defer { running.stop() }
        let client = try running.client()
        let cookie = try signIn(client, running)
        let cohort = running.demo.cohort.id
        var pages: [String: String] = [:]
        func get(_ path: String) throws -> String {
            let response = try client.request("GET", path, headers: ["Cookie": cookie])
            #expect(response.status == 200, "\(path)")
            pages[path] = response.page
            return response.page
        }
        let tracker = try get("/formateur/cohortes/\(cohort)/suivi")
        #expect(tracker.contains("class=\"heatmap\"") && tracker.contains("Répartition des niveaux"))
        let distribution = try get("/formateur/cohortes/\(cohort)/suivi?vue=repartition")
        #expect(distribution.contains("<svg") && distribution.contains("Voir les chiffres"))
        #expect(distribution.contains("aria-current=\"page\">Répartition des niveaux</a>"))
        #expect(!distribution.contains(SmallGroups.notice) && !distribution.contains("au moins 5 apprenants"))
        let grid = try get("/formateur/cohortes/\(cohort)/suivi?vue=modules")
        #expect(grid.contains("En cours") && grid.contains("Terminé"), "two learners finished the first module")
        #expect(tracker.contains("2 travaux à relire"), "their texts wait for the trainer")
        let gains = try get("/formateur/cohortes/\(cohort)/progression")
        #expect(gains.components(separatedBy: "<svg").count - 1 == 2, "the gains and the levels, as charts")
        #expect(!gains.contains(SmallGroups.notice) && !gains.contains("au moins 5 apprenants"))
        for assignment in try running.store.assignments(cohortID: cohort, kind: .questionnaire) {
            let page = try get("/formateur/questionnaires/\(assignment.id)")
            #expect(page.contains("<svg") && page.contains("Voir les chiffres"))
        }
        #expect(try get("/formateur/cohortes/\(cohort)/rapport").components(separatedBy: "<svg").count - 1 >= 4)
        #expect(try get("/formateur/cohortes/\(cohort)/modules").contains("<table"))
        let learner = try #require(try running.store.learners(cohortID: cohort).first)
        #expect(try get("/formateur/apprenants/\(learner.id)").contains("<svg"), "a shared profile, drawn")
        _ = try get("/formateur")
        _ = try get("/formateur/cohortes/\(cohort)/apprenants")
        _ = try get("/formateur/cohortes/\(cohort)/positionnements")
        for assignment in try running.store.assignments(cohortID: cohort, kind: .assessment) {
            _ = try get("/formateur/positionnements/\(assignment.id)")
        }
        // Dates as days in Paris (31/01/2027), never the ISO way, on any of these pages' text.
        let iso = try Regex(#"\d{4}-\d{2}-\d{2}"#)
        for (path, page) in pages {
            let text = page.replacingOccurrences(of: #"<[^>]+>"#, with: " ", options: .regularExpression)
            #expect(text.firstMatch(of: iso) == nil, "\(path): \(text.firstMatch(of: iso).map { String(text[$0.range]) } ?? "")")
        }
    }

    private func catalog() throws -> ContentCatalog { try ContentLoader.load(try ContentRoot(validating: repositoryRoot.path)) }

    private func signIn(_ client: RawHTTPClient, _ running: RunningDemo) throws -> String {
        let staff = try client.request("POST", "/connexion/formateur", headers: form,
                                       body: Array("identifiant=\(running.demo.trainerUsername)&mot_de_passe=\(running.demo.trainerPassword)".utf8))
        return try #require(sessionCookie(staff))
    }
}
