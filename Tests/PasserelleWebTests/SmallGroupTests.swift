import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// Issue 14, privacy in statistics: a breakdown never shows a group smaller than 5 — the cell says
/// « moins de 5 réponses » instead of a mean that would be one or two people's answers. And the gains page
/// compares the earliest initial with the latest final positioning by default, never a positioning with
/// itself; an unknown or hostile choice falls back to that default.
@Suite struct SmallGroupTests {
    /// A cohort with a trainer, learners in two structures (5 at the CCAS, 2 at the Centre social), a
    /// questionnaire and the framework « essai » of `AssessmentFixture`.
    struct Cohort {
        let fixture: AssessmentFixture
        let store: Store
        let server: AssessmentServer
        let client: RawHTTPClient
        let staff: String
        let cohortID: Int64
        let learners: [Learner]
        let codes: [AccessCode]

        init() throws {
            fixture = try AssessmentFixture()
            let folder = fixture.root.appendingPathComponent("Assessments/questionnaires")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try """
                id: essai-q
                title: Aisance
                description: Pour se situer.
                scale: { min: 1, max: 8, min_label: Pas du tout d'accord, max_label: Tout à fait d'accord }
                statements:
                  - { id: s1, text: Je suis à l'aise avec un ordinateur. }
                  - { id: o1, type: yes-no, text: Avez-vous suivi une formation ? }
                """.write(to: folder.appendingPathComponent("q.yaml"), atomically: true, encoding: .utf8)
            store = try Store(path: temporaryFolderPath() + "/small.sqlite")
            let org = try store.createOrganisation(name: "CCAS")
            _ = try store.createUser(organisationID: org.id, username: "claire", displayName: "Claire", role: .trainer,
                                     passwordHash: try Credentials.hashPassword("secret-claire"))
            let trainer = try #require(try store.staffCredentials(username: "claire")).user
            cohortID = try store.createCohort(organisationID: org.id, name: "C", ownerID: trainer.id).id
            var learners: [Learner] = [], codes: [AccessCode] = []
            for (index, structure) in ["CCAS", "CCAS", "CCAS", "CCAS", "CCAS", "Centre social", "Centre social"].enumerated() {
                let learner = try store.createLearner(cohortID: cohortID, firstName: "L\(index)", lastName: "X",
                                                      attributes: ["structure": structure], codeSelector: nil, codeHash: nil)
                learners.append(learner)
                codes.append(try DemoSeeder.giveNewCode(to: learner, in: store))
            }
            self.learners = learners
            self.codes = codes
            server = try AssessmentServer(store: store, fixture: fixture)
            client = try server.client()
            staff = try #require(sessionCookie(try client.request(
                "POST", "/connexion/formateur", headers: form, body: Array("identifiant=claire&mot_de_passe=secret-claire".utf8))))
        }

        func stop() {
            server.server?.stop()
            fixture.remove()
        }

        func learnerCookie(_ index: Int) throws -> String {
            try #require(sessionCookie(try client.request("POST", "/connexion/apprenant", headers: form,
                                                          body: Array("code=\(codes[index].value)".utf8))))
        }

        /// A positioning of « essai » for the cohort, and a shared result of `levels[learner]` for each learner given.
        func positioning(_ purpose: AssessmentRecord.Purpose, levels: [Int: Int]) throws -> Int64 {
            let chosen = AssessmentAssignment(settings: AssessmentSettings(frameworkID: "essai"), purpose: purpose)
            let assignment = try store.createAssignment(cohortID: cohortID, kind: .assessment, contentID: "essai",
                                                        settings: String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self))
            for (index, level) in levels {
                let run = try store.createAssessment(learnerID: learners[index].id, assignmentID: assignment, frameworkID: "essai",
                                                     algorithm: "smart-random", settings: "{}", purpose: purpose, seed: 1, firstItemID: nil)
                let result: [String: Any] = [
                    "frameworkID": "essai", "algorithm": "smart-random", "maxLevel": 5,
                    "competences": [["competenceID": "1.1", "title": "Compétence", "level": level, "pix": level * 8, "answered": 6,
                                     "targetedSkills": 10, "validatedSkills": level]],
                ]
                try store.shareAssessment(id: run.id, result: String(decoding: try JSONSerialization.data(withJSONObject: result), as: UTF8.self))
            }
            return assignment
        }
    }

    @Test func aQuestionnaireBreakdownHidesGroupsOfFewerThanFive() throws {
        let cohort = try Cohort()
        defer { cohort.stop() }
        let opened = try cohort.client.request("POST", "/formateur/cohortes/\(cohort.cohortID)/questionnaires",
                                               headers: form.merging(["Cookie": cohort.staff]) { a, _ in a },
                                               body: Array("questionnaire=essai-q&passation=avant".utf8))
        let statsPath = try #require(opened.headers["location"])
        let assignment = try #require(statsPath.split(separator: "/").last.map(String.init))
        // CCAS: 2, 4, 6, 8, 5 (mean 5,00); Centre social: 7 and 8 (a mean of 7,50 would give away two people's answers).
        for (index, value) in [2, 4, 6, 8, 5, 7, 8].enumerated() {
            let sent = try cohort.client.request("POST", "/questionnaires/\(assignment)",
                                                 headers: form.merging(["Cookie": try cohort.learnerCookie(index)]) { a, _ in a },
                                                 body: Array("reponse_s1=\(value)&reponse_o1=\(index % 2 == 0 ? "oui" : "non")".utf8))
            #expect(sent.status == 303)
        }
        let page = try cohort.client.request("GET", statsPath + "?par=structure", headers: ["Cookie": cohort.staff]).page
        #expect(page.contains("5,00 (n = 5)"), "the CCAS has 5 answers: shown")
        #expect(page.contains("moins de 5 réponses"), "the Centre social has 2: hidden")
        #expect(!page.contains("7,50"), "the small group's mean is not shown anywhere")
        #expect(!page.contains("(n = 2)"))
        #expect(!page.contains("50 % de oui (n = 2)"))
    }

    @Test func gainsOfFewerThanFiveLearnersAreNotShown() throws {
        let cohort = try Cohort()
        defer { cohort.stop() }
        let initial = try cohort.positioning(.initial, levels: [0: 1, 1: 1, 2: 2])
        let final = try cohort.positioning(.final, levels: [0: 3, 1: 2, 2: 4])
        let path = "/formateur/cohortes/\(cohort.cohortID)/progression?avant=\(initial)&apres=\(final)"
        let three = try cohort.client.request("GET", path, headers: ["Cookie": cohort.staff]).page
        #expect(three.contains("moins de 5 réponses"))
        #expect(!three.contains("13,3"), "the mean gain of three learners is not shown")
        #expect(three.contains("Aucune compétence n'a encore été mesurée deux fois chez au moins 5 apprenants (3 pour l'instant)"),
                "a sentence instead of an empty axis")
        #expect(!three.contains("aria-labelledby=\"gains-titre"), "no gains chart")

        // Two new positionings with two more learners measured twice: 5 pairs, the mean gain (16, 8, 16, 16, 8: 12,8 pix) is shown.
        let initial2 = try cohort.positioning(.initial, levels: [0: 1, 1: 1, 2: 2, 3: 1, 4: 2])
        let final2 = try cohort.positioning(.final, levels: [0: 3, 1: 2, 2: 4, 3: 3, 4: 3])
        let five = try cohort.client.request("GET", "/formateur/cohortes/\(cohort.cohortID)/progression?avant=\(initial2)&apres=\(final2)",
                                             headers: ["Cookie": cohort.staff]).page
        #expect(!five.contains("moins de 5 réponses"))
        #expect(five.contains("12,8"))
    }

    @Test func theGainsPageComparesTheEarliestInitialWithTheLatestFinalByDefault() throws {
        let cohort = try Cohort()
        defer { cohort.stop() }
        let levels = [0: 1, 1: 1, 2: 2, 3: 1, 4: 2]
        let initial = try cohort.positioning(.initial, levels: levels)
        _ = try cohort.positioning(.free, levels: levels)
        _ = try cohort.positioning(.final, levels: levels.mapValues { $0 + 1 })
        let final = try cohort.positioning(.final, levels: levels.mapValues { $0 + 2 })
        let base = "/formateur/cohortes/\(cohort.cohortID)/progression"
        for query in ["", "?avant=abc&apres=-1", "?avant=999999999999999999999999&apres=0", "?avant=\(initial)",
                      "?apres=\(final)&avant=%3Cscript%3E"] {
            let response = try cohort.client.request("GET", base + query, headers: ["Cookie": cohort.staff])
            #expect(response.status == 200, "\(query)")
            let page = response.page
            #expect(page.contains("<option value=\"\(initial)\" selected>"), "\(query): the earliest initial is chosen")
            #expect(page.contains("<option value=\"\(final)\" selected>"), "\(query): the latest final is chosen")
            #expect(page.contains("+16,0"), "\(query): the comparison is shown (a gain of 2 levels, 16 pix)")
            #expect(!page.contains("<script>"))
        }
    }

    @Test func oneOrUnrelatedPositioningsSayWhatToDo() throws {
        let cohort = try Cohort()
        defer { cohort.stop() }
        let base = "/formateur/cohortes/\(cohort.cohortID)/progression"
        let none = try cohort.client.request("GET", base, headers: ["Cookie": cohort.staff])
        #expect(none.status == 200 && none.page.contains("ouvrez deux positionnements du même référentiel"))
        let only = try cohort.positioning(.initial, levels: [0: 1])
        let one = try cohort.client.request("GET", base, headers: ["Cookie": cohort.staff])
        #expect(one.status == 200 && one.page.contains("ouvrez deux positionnements du même référentiel"))
        #expect(!one.page.contains("<svg"))
        // The same one chosen twice (by hand): said, not compared with itself.
        let same = try cohort.client.request("GET", base + "?avant=\(only)&apres=\(only)", headers: ["Cookie": cohort.staff])
        #expect(same.status == 400 && same.page.contains("Choisissez deux positionnements différents du même référentiel."))
        #expect(!same.page.contains("<svg"))
    }

    @Test func aLevelDistributionGivesNoFigureForACompetenceMeasuredOnFewerThanFive() throws {
        let figure = WebApp.levelsFigure([(label: "1.1 Chercher", counts: [0, 1, 3, 2, 1, 0, 0, 0, 0]),
                                          (label: "1.2 Gérer", counts: [0, 0, 2, 1, 0, 0, 0, 0, 0]),
                                          (label: "1.3 Jamais mesurée", counts: [0, 0, 0, 0, 0, 0, 0, 0, 0])],
                                         id: "niveaux", title: "Niveaux")
        let chart = try #require(figure["chart"] as? String), numbers = try #require(figure["numbers"] as? String)
        #expect(chart.contains("<svg") && figure["hasData"] as? Bool == true)
        #expect(chart.contains("1.2 Gérer") && chart.contains(SmallGroups.notice), "the small competence is named, without a bar")
        #expect(chart.contains(">7 apprenants<") && !chart.contains(">3 apprenants<"), "only the shown competence's total is written")
        #expect(numbers.contains("<th scope=\"row\">1.2 Gérer</th><td>—</td>") && numbers.contains("<td>\(SmallGroups.notice)</td>"))
        #expect(!numbers.contains("<th scope=\"row\">1.2 Gérer</th><td>0</td><td>0</td><td>2</td>"))
        #expect(!chart.contains("Jamais mesurée") && !numbers.contains("Jamais mesurée"), "a competence nobody took is left out")

        // Nobody's competence measured on 5: a sentence, no bar, no count.
        let small = WebApp.levelsFigure([(label: "1.2 Gérer", counts: [0, 0, 2, 1, 0, 0, 0, 0, 0])], id: "niveaux", title: "Niveaux")
        let sentence = try #require(small["chart"] as? String)
        #expect(!sentence.contains("<svg") && sentence.contains("au moins 5 apprenants (3 pour l"))
        #expect(small["hasData"] as? Bool == false)
    }
}
