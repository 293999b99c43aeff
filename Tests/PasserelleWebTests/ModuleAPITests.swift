import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// A module with one lesson and one activity set (a QCU, a scenario, a reflection), mastery 2 in a row.
func writeModule(into root: URL, prerequisite: String? = nil, id: String = "essai-module") throws {
    let folder = root.appendingPathComponent("Curriculum/\(id)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try """
        id: \(id)
        title: Module d'essai
        audience: [me-msn]
        summary: Un module pour les tests.
        objectives: [Comprendre]
        duration: 30
        prerequisites: [\(prerequisite ?? "")]
        competences: [essai:1.1]
        lessons: [01-lecon.md]
        activity_sets:
          - { id: serie, title: Série, after: 01-lecon.md, file: activites.yaml, mastery: { rule: k_in_a_row, k: 2 } }
        sources: ["000_f8ba0acd265ce9bc.txt, lignes 4290-4400"]
        """.write(to: folder.appendingPathComponent("module.yaml"), atomically: true, encoding: .utf8)
    try "---\ntitle: Leçon\nduration: 5\n---\n# Leçon\n\nLe texte <script>alert(1)</script> de la leçon.\n"
        .write(to: folder.appendingPathComponent("01-lecon.md"), atomically: true, encoding: .utf8)
    try """
        activities:
          - id: q1
            type: qcu
            prompt: Que faire ?
            choices:
              - { id: a, text: Faire avec, correct: true }
              - { id: b, text: Faire à la place, feedback: La personne n'apprend rien. }
            feedback: Faire avec laisse la personne apprendre.
          - id: cas
            type: scenario
            title: Au guichet
            prompt: Mme D. arrive.
            start: debut
            steps:
              - id: debut
                text: Elle vous tend son téléphone.
                choices:
                  - { id: a, text: Je le prends, feedback: Elle n'apprend rien., next: suite }
                  - { id: b, text: Je lui montre, feedback: Elle garde la main., next: end, outcome: good }
              - id: suite
                text: Elle vous donne ses codes.
                choices:
                  - { id: a, text: Je les note, feedback: Jamais., next: end, outcome: poor }
                  - { id: b, text: Je lui rends la main, feedback: Mieux., next: end, outcome: good }
          - id: texte
            type: reflection
            prompt: Racontez une situation.
        """.write(to: folder.appendingPathComponent("activites.yaml"), atomically: true, encoding: .utf8)
}

@Suite struct ModuleAPITests {
    func start() throws -> (AssessmentServer, AccessCode, AssessmentFixture) {
        let fixture = try AssessmentFixture()
        try writeModule(into: fixture.root)
        let store = try Store(path: temporaryFolderPath() + "/m.sqlite")
        let org = try store.createOrganisation(name: "IRTS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "D", codeSelector: nil, codeHash: nil)
        let code = try DemoSeeder.giveNewCode(to: learner, in: store)
        try store.createAssignment(cohortID: cohort.id, kind: .module, contentID: "essai-module")
        return (try AssessmentServer(store: store, fixture: fixture), code, fixture)
    }

    func post(_ server: AssessmentServer, _ cookie: String, _ path: String, _ object: Any) throws -> [String: Any] {
        let response = try server.client().request(
            "POST", path, headers: ["Cookie": cookie, "Content-Type": "application/json"],
            body: Array(try JSONSerialization.data(withJSONObject: object)))
        #expect(response.status == 200, "\(path): \(response.text)")
        return (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    }

    @Test func aLearnerReadsFailsThenMastersAndCompletesTheModule() throws {
        let (server, code, fixture) = try start()
        defer { server.server?.stop(); fixture.remove() }
        let signIn = try server.client().request("POST", "/api/session", headers: ["Content-Type": "application/json"],
                                                 body: Array(try JSONSerialization.data(withJSONObject: ["code": code.value])))
        let cookie = try #require(sessionCookie(signIn))
        let state = { (object: [String: Any]) in object["state"] as? String }

        let before = try server.client().request("GET", "/api/modules/essai-module", headers: ["Cookie": cookie])
        #expect(state(json(before)) == "not-started")

        // Read the lesson page: it is shown safely, and marking it read moves the module on.
        let page = try server.client().request("GET", "/modules/essai-module/lecons/01-lecon", headers: ["Cookie": cookie])
        #expect(page.status == 200)
        #expect(!page.text.contains("<script>alert"))
        // Issue 11: opening a lesson writes nothing; the page's script does it with a POST.
        #expect(state(json(try server.client().request("GET", "/api/modules/essai-module", headers: ["Cookie": cookie]))) == "not-started")
        #expect(state(try post(server, cookie, "/api/modules/essai-module/lessons/01-lecon", ["completed": true])) == "in-progress")

        // Fail the QCU, then play the scenario to a poor ending: not mastered, feedback explains why.
        let wrong = try post(server, cookie, "/api/modules/essai-module/activities/q1", ["choice": "b"])
        #expect(wrong["correct"] as? Bool == false)
        #expect((wrong["feedback"] as? String)?.contains("n'apprend rien") == true)
        let step = try post(server, cookie, "/api/modules/essai-module/activities/cas", ["step": "debut", "choice": "a"])
        #expect(step["over"] as? Bool == false)
        #expect(step["correct"] is NSNull)
        let poor = try post(server, cookie, "/api/modules/essai-module/activities/cas", ["step": "suite", "choice": "a"])
        #expect(poor["correct"] as? Bool == false)

        // A draft of the reflection survives, then the text is submitted.
        let draft = try server.client().request("PUT", "/api/modules/essai-module/drafts/texte",
                                                headers: ["Cookie": cookie, "Content-Type": "application/json"],
                                                body: Array(#"{"text": "Premier jet"}"#.utf8))
        #expect(draft.status == 204)
        let reflection = try server.client().request("GET", "/modules/essai-module/activites/serie", headers: ["Cookie": cookie])
        #expect(reflection.text.contains("Premier jet"))
        _ = try post(server, cookie, "/api/modules/essai-module/activities/texte", ["text": "Mon texte complet."])

        // Two right answers in a row: mastered, and the module is complete.
        let right = try post(server, cookie, "/api/modules/essai-module/activities/q1", ["choice": "a"])
        #expect(right["correct"] as? Bool == true)
        #expect(state(right["progress"] as! [String: Any]) == "in-progress")
        let good = try post(server, cookie, "/api/modules/essai-module/activities/cas", ["step": "debut", "choice": "b"])
        #expect(good["correct"] as? Bool == true)
        let progress = good["progress"] as! [String: Any]
        #expect(state(progress) == "complete")
        #expect(progress["masteredSets"] as? [String] == ["serie"])

        // Attempts are all stored: 2 + 2 graded, 1 submitted.
        let attempts = try server.store.attempts(learnerID: 1, moduleID: "essai-module")
        #expect(attempts.map(\.result) == ["incorrect", "incorrect", "submitted", "correct", "correct"])
    }

    @Test func badAnswersAndOtherModulesAreRefused() throws {
        let (server, code, fixture) = try start()
        defer { server.server?.stop(); fixture.remove() }
        let signIn = try server.client().request("POST", "/api/session", headers: ["Content-Type": "application/json"],
                                                 body: Array(try JSONSerialization.data(withJSONObject: ["code": code.value])))
        let cookie = try #require(sessionCookie(signIn))
        let headers = ["Cookie": cookie, "Content-Type": "application/json"]
        let wrongStep = try server.client().request("POST", "/api/modules/essai-module/activities/cas", headers: headers,
                                                    body: Array(#"{"step": "suite", "choice": "a"}"#.utf8))
        #expect(wrongStep.status == 400)
        let empty = try server.client().request("POST", "/api/modules/essai-module/activities/texte", headers: headers,
                                                body: Array(#"{"text": "  "}"#.utf8))
        #expect(empty.status == 400)
        #expect((json(empty)["error"] as? String)?.contains("vide") == true)
        #expect(try server.client().request("GET", "/api/modules/inconnu", headers: headers).status == 404)
        #expect(try server.client().request("GET", "/api/modules/essai-module").status == 401)
        #expect(try server.store.attempts(learnerID: 1, moduleID: "essai-module").isEmpty)
    }
}

private func json(_ response: RawHTTPClient.Response) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
}

@Suite struct TrainerModuleTests {
    @Test func aTrainerAssignsFollowsUnlocksAndReviews() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        try writeModule(into: fixture.root)
        try writeModule(into: fixture.root, prerequisite: "essai-module", id: "suite-module")
        let store = try Store(path: temporaryFolderPath() + "/t.sqlite")
        let org = try store.createOrganisation(name: "CCAS")
        let trainer = try store.createUser(organisationID: org.id, username: "claire", displayName: "Claire", role: .trainer,
                                           passwordHash: try Credentials.hashPassword("secret-claire"))
        let cohort = try store.createCohort(organisationID: org.id, name: "C", ownerID: trainer.id)
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "D", codeSelector: nil, codeHash: nil)
        let code = try DemoSeeder.giveNewCode(to: learner, in: store)
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }
        let client = try server.client()

        let staff = try #require(sessionCookie(try client.request(
            "POST", "/connexion/formateur", headers: form, body: Array("identifiant=claire&mot_de_passe=secret-claire".utf8))))
        let formHeaders = form.merging(["Cookie": staff]) { a, _ in a }
        let base = "/formateur/cohortes/\(cohort.id)"
        #expect(try client.request("POST", base + "/modules", headers: formHeaders,
                                   body: Array("module=essai-module&echeance=2026-12-31".utf8)).status == 303)
        // A refused date: the modules page again, the message at the form, the module and the date kept, nothing saved.
        let refused = try client.request("POST", base + "/modules", headers: formHeaders,
                                         body: Array("module=suite-module&echeance=demain".utf8))
        #expect(refused.status == 400)
        #expect(refused.page.contains("id=\"erreur-attribuer\"") && refused.page.contains("jour/mois/année"))
        #expect(refused.page.replacingOccurrences(of: "\u{00A0}", with: " ").contains("Date non reconnue : « demain »"))
        #expect(refused.page.contains("<option value=\"suite-module\" selected>"))
        #expect(refused.page.contains("value=\"demain\"") && refused.page.contains("aria-invalid=\"true\""))
        #expect(refused.page.contains("<h2 id=\"titre-attribuer\">"), "the whole page, not an error page")
        #expect(try store.assignments(cohortID: cohort.id, kind: .module).map(\.contentID) == ["essai-module"])
        let unknown = try client.request("POST", base + "/modules", headers: formHeaders, body: Array("module=inconnu".utf8))
        #expect(unknown.status == 400 && unknown.page.contains("Choisissez un module ou un parcours"))
        #expect(try client.request("POST", base + "/modules", headers: formHeaders,
                                   body: Array("module=suite-module".utf8)).status == 303)

        // The learner sees both, the second locked; the API refuses work in a locked module.
        let learnerCookie = try #require(sessionCookie(try client.request(
            "POST", "/api/session", headers: ["Content-Type": "application/json"],
            body: Array(try JSONSerialization.data(withJSONObject: ["code": code.value])))))
        let home = try client.request("GET", "/apprenant", headers: ["Cookie": learnerCookie])
        #expect(home.page.contains("À terminer avant le 31/12/2026"))
        #expect(home.page.contains("Verrouillé"))
        let locked = try client.request("POST", "/api/modules/suite-module/activities/q1",
                                        headers: ["Cookie": learnerCookie, "Content-Type": "application/json"],
                                        body: Array(#"{"choice": "a"}"#.utf8))
        #expect(locked.status == 403)

        // The trainer unlocks it for this learner.
        #expect(try client.request("POST", base + "/debloquer", headers: formHeaders,
                                   body: Array("apprenant=\(learner.id)&module=suite-module".utf8)).status == 303)
        let open = try client.request("GET", "/api/modules/suite-module", headers: ["Cookie": learnerCookie])
        #expect(page(open).contains("not-started"))

        // The learner sends a reflection; the trainer reads and comments it; the learner sees the comment.
        let sent = try client.request("POST", "/api/modules/essai-module/activities/texte",
                                      headers: ["Cookie": learnerCookie, "Content-Type": "application/json"],
                                      body: Array(#"{"text": "J'ai laissé Mme D. taper son code."}"#.utf8))
        #expect(sent.status == 200)
        let follow = try client.request("GET", base + "/modules", headers: ["Cookie": staff])
        #expect(follow.page.contains("J'ai laissé Mme D. taper son code."))
        #expect(follow.page.contains("Ana D"))
        let attempt = try #require(try store.submissions(cohortID: cohort.id).first)
        #expect(try client.request("POST", base + "/relectures/\(attempt.attemptID)", headers: formHeaders,
                                   body: Array("commentaire=Tr%C3%A8s+bonne+posture.".utf8)).status == 303)
        #expect(try client.request("POST", base + "/relectures/999", headers: formHeaders,
                                   body: Array("commentaire=x".utf8)).status == 404)
        let activityPage = try client.request("GET", "/modules/essai-module/activites/serie", headers: ["Cookie": learnerCookie])
        #expect(activityPage.page.contains("Commentaire de votre formateur :</strong> Très bonne posture."))

        let learnerPage = try client.request("GET", "/formateur/apprenants/\(learner.id)", headers: ["Cookie": staff])
        #expect(learnerPage.page.contains("vos commentaires : « Très bonne posture. »"))

        // Another trainer's cohort is out of reach.
        let other = try store.createCohort(organisationID: org.id, name: "Autre")
        #expect(try client.request("GET", "/formateur/cohortes/\(other.id)/modules", headers: ["Cookie": staff]).status == 404)
    }
}

private func page(_ response: RawHTTPClient.Response) -> String { response.text }
