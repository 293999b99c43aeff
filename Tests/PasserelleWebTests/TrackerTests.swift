import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// The trainer's tracker (issue 14): « needs help » only when it is true, the heat map's order and pages
/// read from hostile addresses, and templates that say nothing about what is not there.
@Suite struct TrackerTests {
    /// Signs the demo trainer in; the cookie header.
    func trainer(_ running: RunningDemo) throws -> [String: String] {
        let body = "identifiant=\(running.demo.trainerUsername)&mot_de_passe=\(running.demo.trainerPassword)"
        let signIn = try running.client().request("POST", "/connexion/formateur", headers: form, body: Array(body.utf8))
        return ["Cookie": try #require(sessionCookie(signIn))]
    }

    @Test func needsHelpAppearsOnlyAfterFourFailedTriesAndNamesTheSet() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let staff = try trainer(running)
        let client = try running.client()
        let learner = try #require(try running.store.learners(cohortID: running.demo.cohort.id).first)
        let cohort = running.demo.cohort.id
        func fail() throws {
            try running.store.recordAttempt(learnerID: learner.id, moduleID: "histoire-acteurs-numerique", activitySetID: "histoire-2",
                                            activityID: "scenario-impots-en-ligne", answer: #"{"path":["b"]}"#, result: "incorrect",
                                            timeSpentMs: 60_000)
        }
        func pages() throws -> [String] {
            try ["/formateur/apprenants/\(learner.id)", "/formateur/cohortes/\(cohort)/modules", "/formateur/cohortes/\(cohort)/suivi?vue=modules"]
                .map { try client.request("GET", $0, headers: staff) }
                .map { #expect($0.status == 200); return $0.page }
        }
        // Nothing done: no module says anything about help.
        for page in try pages() { #expect(!page.localizedCaseInsensitiveContains("besoin d'aide :"), "nothing done yet") }
        #expect(!(try client.request("GET", "/formateur/apprenants/\(learner.id)", headers: staff).page.contains("besoin d'aide")))
        // One failed scenario: still nothing.
        try fail()
        #expect(!(try client.request("GET", "/formateur/apprenants/\(learner.id)", headers: staff).page.contains("besoin d'aide")),
                "one failed scenario is not a need for help")
        for page in try pages() { #expect(!page.contains("A besoin d'aide : L'administration en ligne")) }
        // Four failed tries on the same set, not mastered: the set is named, once per page, for that module only.
        for _ in 0..<3 { try fail() }
        let all = try pages()
        for page in all { #expect(page.contains("A besoin d'aide : L'administration en ligne")) }
        #expect(all[0].components(separatedBy: "besoin d'aide").count == 2, "the learner's report says it once, for that module")
        #expect(all[0].contains("Histoire et acteurs du numérique — En cours"))
        // The learner is encouraged, not alarmed.
        let signIn = try client.request("POST", "/connexion/apprenant", headers: form,
                                        body: Array("code=\(running.demo.learners[0].code.value)".utf8))
        let activities = try client.request("GET", "/modules/histoire-acteurs-numerique/activites/histoire-2",
                                            headers: ["Cookie": try #require(sessionCookie(signIn))])
        #expect(activities.page.contains("c'est normal, on apprend aussi en se trompant"))
        #expect(!activities.page.contains("class=\"alert\""))
    }

    // MARK: Order and pages

    func row(_ id: Int64, _ last: String, _ first: String, levels: [String: Int] = [:], lastActivity: String? = nil,
             help: Int = 0) -> CohortReport.LearnerRow {
        CohortReport.LearnerRow(id: id, name: "\(first) \(last)", firstName: first, lastName: last, modules: [:], modulePercents: [:],
                                timeSpentMinutes: 0, lastActivity: lastActivity, lastActivityAt: lastActivity,
                                needsHelp: Array(repeating: "M : S", count: help), helpByModule: [:], levels: levels)
    }

    @Test func theQueryIsBoundedAndAnythingUnknownGivesTheDefault() {
        let columns = ["numerique:1.1", "numerique:1.2"]
        func query(_ values: [String: String]) -> TrackerQuery { TrackerQuery({ values[$0] }, columns: columns) }
        #expect(query([:]) == TrackerQuery())
        #expect(query(["vue": "modules", "tri": "niveau", "ordre": "decroissant", "page": "3"])
                == TrackerQuery(view: .modules, sort: .level, descending: true, page: 3))
        #expect(query(["tri": "competence:numerique:1.2"]).sort == .competence("numerique:1.2"))
        #expect(query(["tri": "aide"]).descending, "help: most first by default")
        for hostile in ["<script>", "competence:numerique:9.9", "competence:", "NOM", String(repeating: "a", count: 10_000), "niveau\u{0}"] {
            #expect(query(["tri": hostile]).sort == .name, "\(hostile.prefix(20))")
        }
        for hostile in ["0", "-1", "1e3", "abc", "99999999999999999999", "1.5", " 2", "٣", String(repeating: "9", count: 200)] {
            #expect(query(["page": hostile]).page == 1, "\(hostile.prefix(20))")
        }
        #expect(query(["page": "999999"]).page == 999_999, "big but bounded: Paging brings it to the last page")
        #expect(query(["vue": "toutes"]).view == .competences)
        #expect(query(["ordre": "n'importe"]).descending == false)
        // Links: the defaults are left out, the rest encoded.
        #expect(TrackerQuery().queryString == "")
        #expect(TrackerQuery(sort: .competence("numerique:1.1")).queryString == "?tri=competence:numerique:1.1")
        #expect(TrackerQuery(view: .modules, sort: .help, page: 2).queryString == "?vue=modules&tri=aide&page=2")
        #expect(TrackerQuery(sort: .name, descending: true).queryString == "?ordre=decroissant")
        // A header click: that order in its natural direction, the other direction when it is already the order, page 1.
        let current = TrackerQuery(sort: .level, descending: false, page: 4)
        #expect(current.sorted(by: .level) == TrackerQuery(sort: .level, descending: true, page: 1))
        #expect(current.sorted(by: .name) == TrackerQuery(sort: .name, descending: false, page: 1))
        #expect(current.sorted(by: .help) == TrackerQuery(sort: .help, descending: true, page: 1))
    }

    @Test func learnersAreOrderedByNameLevelActivityOrHelpWithTheMissingLast() {
        let rows = [
            row(1, "Émond", "Zoé", levels: ["a": 3, "b": 1], lastActivity: "2026-05-02T10:00:00.000Z"),
            row(2, "durand", "Léa", levels: ["a": 1], lastActivity: "2026-05-01T10:00:00.000Z", help: 2),
            row(3, "Dupont", "Ana"),
            row(4, "Dupont", "Ana", levels: ["a": 5, "b": 5], help: 1),
            row(5, "Bernard", "Paul", levels: ["a": 1], lastActivity: "2026-06-01T10:00:00.000Z"),
        ]
        func ids(_ sort: TrackerQuery.Sort, _ descending: Bool = false) -> [Int64] {
            TrackerQuery.ordered(rows, by: sort, descending: descending).map(\.id)
        }
        // Last name, without case or accents (« Émond » among the E), then first name, then id.
        #expect(ids(.name) == [5, 3, 4, 2, 1])
        #expect(ids(.name, true) == [1, 2, 3, 4, 5], "namesakes stay in the order of their ids")
        // Mean level (2 for Zoé, 1 for Léa and Paul, 5 for Ana #4); Ana #3 has none: last both ways.
        #expect(ids(.level) == [5, 2, 1, 4, 3])
        #expect(ids(.level, true) == [4, 1, 5, 2, 3])
        #expect(ids(.competence("b")) == [1, 4, 5, 3, 2], "levels in that competence, the others by name after them")
        #expect(ids(.activity) == [2, 1, 5, 3, 4], "longest absent first, never active last")
        #expect(ids(.activity, true) == [5, 1, 2, 3, 4])
        #expect(ids(.help, true) == [2, 4, 5, 3, 1])
    }

    @Test func pagesHoldFiftyLearnersAndStayWithinThePagesThereAre() {
        let thousand = Paging(total: 1_000, page: 1)
        #expect(thousand.pageCount == 20 && thousand.range == 0..<50 && !thousand.hasPrevious && thousand.hasNext)
        #expect(Paging(total: 1_000, page: 20).range == 950..<1_000)
        #expect(Paging(total: 1_000, page: 999_999).page == 20, "beyond the end: the last page")
        #expect(Paging(total: 1_000, page: -3).page == 1)
        #expect(Paging(total: 40, page: 1).pageCount == 1 && Paging(total: 40, page: 1).range == 0..<40)
        #expect(Paging(total: 51, page: 2).range == 50..<51)
        #expect(Paging(total: 0, page: 5).range == 0..<0 && Paging(total: 0, page: 5).page == 1)
    }

    @Test func aThousandLearnersArePagedAndHostileAddressesGiveTheFirstPage() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let staff = try trainer(running)
        let client = try running.client()
        let store = running.store
        let org = running.demo.organisation
        let big = try store.createCohort(organisationID: org.id, name: "Grande cohorte", ownerID: try #require(
            try store.staffCredentials(username: running.demo.trainerUsername)).user.id)
        try store.batch {
            for n in 0..<1_000 {
                _ = try store.createLearner(cohortID: big.id, firstName: "Prénom\(n)", lastName: String(format: "Nom%04d", n),
                                            codeSelector: nil, codeHash: nil)
            }
        }
        let path = "/formateur/cohortes/\(big.id)/suivi"
        let first = try client.request("GET", path, headers: staff)
        #expect(first.status == 200)
        #expect(first.page.contains("Apprenants 1 à 50 sur 1 000"))
        #expect(first.page.contains("Page 1 sur 20"))
        #expect(first.page.contains("Page suivante"))
        #expect(!first.page.contains("Page précédente"))
        #expect(first.page.contains("Nom0000 Prénom0") && first.page.contains("Nom0049 Prénom49") && !first.page.contains("Nom0050"))
        #expect(first.page.components(separatedBy: "<th scope=\"row\"").count == 51)
        let last = try client.request("GET", path + "?page=20", headers: staff)
        #expect(last.page.contains("Apprenants 951 à 1 000 sur 1 000") && last.page.contains("Nom0999") && !last.page.contains("Page suivante"))
        #expect(try client.request("GET", path + "?page=99999", headers: staff).page.contains("Page 20 sur 20"))
        let reversed = try client.request("GET", path + "?ordre=decroissant", headers: staff)
        #expect(reversed.page.contains("Nom0999") && !reversed.page.contains("Nom0000 "))
        #expect(reversed.page.contains("aria-sort=\"descending\""))
        for hostile in ["?page=-1", "?page=%3Cscript%3E", "?tri=%3Cscript%3Ealert(1)%3C/script%3E", "?vue=../../etc",
                        "?tri=competence:x&ordre=" + String(repeating: "z", count: 5_000), "?page=1e9"] {
            let response = try client.request("GET", path + hostile, headers: staff)
            #expect(response.status == 200, "\(hostile.prefix(30))")
            #expect(response.page.contains("Apprenants 1 à 50 sur 1 000"), "\(hostile.prefix(30))")
            #expect(!response.text.contains("<script>"))
        }
        // The modules page's grid is paged the same way.
        let modules = try client.request("GET", "/formateur/cohortes/\(big.id)/modules?page=2", headers: staff)
        #expect(modules.status == 200)
        #expect(modules.page.contains("Aucun module n'est encore attribué"))
    }

    @Test func theModulesPageShowsTheOldestWorkToReviewFirstAFewAtATime() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let staff = try trainer(running)
        let client = try running.client()
        let learners = try running.store.learners(cohortID: running.demo.cohort.id)
        for n in 0..<35 {
            try running.store.recordAttempt(learnerID: learners[n % learners.count].id, moduleID: "cultures-usages-numerique",
                                            activitySetID: "cultures-3", activityID: "reflexion-representations",
                                            answer: #"{"text":"Texte \#(n) ."}"#, result: "submitted", timeSpentMs: 1000)
        }
        let page = try client.request("GET", "/formateur/cohortes/\(running.demo.cohort.id)/modules", headers: staff).page
        #expect(page.contains("<strong>35 travaux à relire</strong>"))
        #expect(page.contains("Les 30 plus anciens des 35 travaux à relire sont affichés"))
        #expect(page.contains("Texte 0 .") && page.contains("Texte 29 .") && !page.contains("Texte 30 ."))
        #expect(page.components(separatedBy: "<textarea").count == 31)
        // The work to review comes before the grid.
        let review = try #require(page.range(of: "id=\"titre-relectures\""))
        let grid = try #require(page.range(of: "id=\"titre-grille\""))
        #expect(review.lowerBound < grid.lowerBound)
        let tracker = try client.request("GET", "/formateur/cohortes/\(running.demo.cohort.id)/suivi", headers: staff).page
        #expect(tracker.contains("35 travaux à relire</strong></a>"))
    }

    // MARK: Templates that say nothing about what is not there

    @Test func theTrackerTemplatesRenderNothingForMissingValues() throws {
        let templates = try Templates(folder: repositoryRoot.appendingPathComponent("Web/templates"))
        func report(_ rows: [CohortReport.LearnerRow], columns: [CohortReport.Column] = [],
                    modules: [CohortReport.ModuleCompletion] = []) -> CohortReport {
            CohortReport(organisation: "", cohort: "C", columns: columns, learners: rows, modules: modules, missedItems: [], distribution: [])
        }
        func render(_ report: CohortReport, _ view: TrackerQuery.View, toReview: Int = 0) -> String {
            var context = TrackerPage(cohortID: 7, report: report, query: TrackerQuery(view: view), toReview: toReview,
                                      path: TrackerPage.trackerPath(7)).context()
            context["title"] = "Suivi"
            context["cohort"] = "C"
            return templates.render("formateur-suivi", context).replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
        }
        func visibleText(_ html: String) -> String {
            html.replacingOccurrences(of: #"<[^>]+>"#, with: " ", options: .regularExpression)
                .replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        }
        // An empty cohort: no table, no legend, no label, no separator.
        for view in TrackerQuery.View.allCases {
            let empty = render(report([]), view)
            #expect(empty.contains("Aucun apprenant dans cette cohorte pour l'instant."))
            #expect(!empty.contains("<table"), "\(view)")
            #expect(!empty.contains("Niveaux :"))
            #expect(!empty.contains("besoin d'aide"), "nobody to help in an empty cohort")
            #expect(!empty.contains("Questions les plus manquées"))
            #expect(!empty.contains("Page "))
            let text = visibleText(empty)
            for dangling in [" : .", ": :", " · ", "( )", "()", " , ", " — — ", "Page précédente", "sur 0"] {
                #expect(!text.contains(dangling), "\(view): « \(dangling) »")
            }
        }
        // A learner with nothing: no positioning, no module, no activity, no help.
        let nobody = row(1, "", "Ana")
        let competences = render(report([nobody]), .competences)
        #expect(competences.contains("Aucun positionnement n'est encore attribué"))
        #expect(!competences.contains("Niveau moyen"), "no level column without a positioning")
        #expect(!competences.contains("Modules terminés"), "no module column without modules")
        #expect(!competences.contains("help-badge"))
        #expect(competences.contains(">jamais<"))
        #expect(competences.contains("Personne n'a besoin d'aide pour l'instant"))
        #expect(competences.contains("Aucun travail à relire"))
        #expect(!competences.contains("Page 1 sur 1"), "one page: no page links")
        let text = visibleText(competences)
        for dangling in [" : .", ": :", " · ", "()", " , ", "A besoin d'aide : <", "A besoin d'aide : ."] {
            #expect(!text.contains(dangling), "« \(dangling) »")
        }
        let modules = render(report([nobody]), .modules)
        #expect(modules.contains("Aucun module n'est encore attribué à cette cohorte."))
        #expect(!modules.contains("Qui a besoin d'aide"))
        // With columns and modules but no level, no activity: dashes that screen readers read as words.
        let column = CohortReport.Column(key: "n:1.1", label: "1.1", title: "Mener une recherche", framework: "Pix")
        let module = CohortReport.ModuleCompletion(id: "m", title: "Mise en confiance : petites réussites", complete: 0, inProgress: 0,
                                                   notStarted: 1, locked: 0)
        var learner = nobody
        learner.modules = ["m": "not-started"]
        let filled = render(report([learner], columns: [column], modules: [module]), .competences, toReview: 1)
        #expect(filled.contains("<span class=\"visually-hidden\">pas de résultat</span>"))
        #expect(filled.contains("<span class=\"visually-hidden\">pas de niveau</span>"))
        #expect(filled.contains("1 travail à relire"))
        #expect(filled.contains("0 sur 1"))
        let grid = render(report([learner], columns: [column], modules: [module]), .modules)
        #expect(grid.contains(">Mise en confiance</span>"), "short title in the header")
        #expect(grid.contains("<span class=\"visually-hidden\">Mise en confiance : petites réussites</span>"))
        #expect(grid.contains("<span class=\"visually-hidden\">Pas commencé</span>"))
        #expect(!grid.contains("help-flag\" aria-hidden=\"true\" title"), "no help flag when no help is needed")
    }
}
