import Foundation
import HTTPServer
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// The learner's home says where to go next, and « Continuer » leads to the exact place (issue 13).
@Suite struct LearnerHomeTests {
    /// The href of the « Pour continuer » button.
    func nextStep(_ page: String) -> String? {
        guard let section = page.range(of: "titre-suite"), let end = page.range(of: "</section>", range: section.upperBound..<page.endIndex),
              let href = page.range(of: #"href=""#, range: section.upperBound..<end.lowerBound),
              let close = page.range(of: "\"", range: href.upperBound..<end.lowerBound) else { return nil }
        return String(page[href.upperBound..<close.lowerBound]).replacingOccurrences(of: "&#x2F;", with: "/")
    }

    @Test func continueLeadsToTheExactPlace() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let signIn = try client.request("POST", "/connexion/apprenant", headers: form,
                                        body: Array("code=\(running.demo.learners[7].code.value)".utf8))
        let cookie = try #require(sessionCookie(signIn))
        // The demo follows a real programme: its modules are assigned, in order, with due dates.
        let first = try client.request("GET", "/apprenant", headers: ["Cookie": cookie])
        #expect(first.page.contains("Commencer"))
        #expect(nextStep(first.text) == "/modules/histoire-acteurs-numerique")
        #expect(first.page.contains("À terminer avant le"))
        #expect(first.page.contains("Voir les 15 autres modules"))
        // A lesson opened: reading the page changes nothing (issue 11); its script records the visit with a
        // POST, and then « Continuer » goes back to it.
        let lessonPage = try client.request("GET", "/modules/histoire-acteurs-numerique/lecons/01-petite-histoire-du-numerique",
                                            headers: ["Cookie": cookie])
        #expect(lessonPage.status == 200)
        #expect(nextStep(try client.request("GET", "/apprenant", headers: ["Cookie": cookie]).text) == "/modules/histoire-acteurs-numerique")
        let visit = try client.request("POST", "/api/modules/histoire-acteurs-numerique/lessons/01-petite-histoire-du-numerique",
                                       headers: ["Cookie": cookie, "Content-Type": "application/json"], body: Array(#"{"completed":false}"#.utf8))
        #expect(visit.status == 200)
        let afterLesson = try client.request("GET", "/apprenant", headers: ["Cookie": cookie])
        #expect(afterLesson.page.contains("Continuer"))
        #expect(nextStep(afterLesson.text) == "/modules/histoire-acteurs-numerique/lecons/01-petite-histoire-du-numerique")
        // An activity answered afterwards: « Continuer » goes to that activity.
        let answer = try client.request("POST", "/modules/histoire-acteurs-numerique/activites/histoire-1/web-ou-internet",
                                        headers: form.merging(["Cookie": cookie]) { a, _ in a }, body: Array("choix=a".utf8))
        #expect(answer.status == 303)
        let afterActivity = try client.request("GET", "/apprenant", headers: ["Cookie": cookie])
        #expect(nextStep(afterActivity.text) == "/modules/histoire-acteurs-numerique/activites/histoire-1#activite-web-ou-internet")
        // The module page's « Reprendre ici » says the same.
        let module = try client.request("GET", "/modules/histoire-acteurs-numerique", headers: ["Cookie": cookie])
        #expect(module.text.contains("activites/histoire-1#activite-web-ou-internet") || module.text.contains("activites&#x2F;histoire-1#activite-web-ou-internet"))
        // The demo cohort has the ME-MSN programme assigned, module by module.
        let store = running.store
        #expect(try store.assignments(cohortID: running.demo.cohort.id, kind: .module).count == 18)
    }

    /// A refused answer comes back on the page's own address (post/redirect/get), with the message at the
    /// activity and what was entered still there.
    @Test func aRefusedAnswerIsShownInPlaceWithTheInputKept() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let signIn = try client.request("POST", "/connexion/apprenant", headers: form,
                                        body: Array("code=\(running.demo.learners[6].code.value)".utf8))
        let cookie = try #require(sessionCookie(signIn))
        let refused = try client.request("POST", "/modules/histoire-acteurs-numerique/activites/histoire-1/frise-numerique",
                                         headers: form.merging(["Cookie": cookie]) { a, _ in a },
                                         body: Array("position_a=1&position_b=1&position_c=3&position_d=4".utf8))
        #expect(refused.status == 303)
        let location = try #require(refused.headers["location"])
        #expect(location.hasPrefix("/modules/histoire-acteurs-numerique/activites/histoire-1?refus=frise-numerique"))
        #expect(location.hasSuffix("#activite-frise-numerique"))
        let path = String(location.prefix { $0 != "#" })
        let page = try client.request("GET", path, headers: ["Cookie": cookie])
        #expect(page.status == 200)
        #expect(page.page.contains("Donnez à chaque étape un numéro différent"))
        #expect(page.text.contains("data-focus"))
        #expect(page.text.contains(#"<option value="3" selected>3</option>"#), "what was entered is kept")
        // Nothing was recorded.
        let learner = try running.store.learners(cohortID: running.demo.cohort.id)[6]  // the same order as the demo's list
        let attempts = try running.store.attempts(learnerID: learner.id, moduleID: "histoire-acteurs-numerique")
        #expect(attempts.isEmpty)
    }

    /// A feedback that cites a source document names it in plain words, never by its file.
    @Test func feedbackNamesItsSourcesInPlainWords() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let signIn = try client.request("POST", "/connexion/apprenant", headers: form,
                                        body: Array("code=\(running.demo.learners[5].code.value)".utf8))
        let cookie = try #require(sessionCookie(signIn))
        let answer = try client.request("POST", "/modules/histoire-acteurs-numerique/activites/histoire-1/outil-et-savoir",
                                        headers: form.merging(["Cookie": cookie]) { a, _ in a }, body: Array("choix=a&choix=b".utf8))
        let location = try #require(answer.headers["location"]).split(separator: "#")[0]
        let page = try client.request("GET", String(location), headers: ["Cookie": cookie])
        #expect(page.page.contains("D'après : IRTS PACA et Corse"))
        #expect(!page.text.contains(".txt"))
    }

    /// A reflection sent to the trainer stays visible to its author.
    @Test func sentWorkStaysVisibleToItsAuthor() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let signIn = try client.request("POST", "/connexion/apprenant", headers: form,
                                        body: Array("code=\(running.demo.learners[4].code.value)".utf8))
        let cookie = try #require(sessionCookie(signIn))
        let sent = try client.request("POST", "/modules/histoire-acteurs-numerique/activites/histoire-3/reflexion-acteurs",
                                      headers: form.merging(["Cookie": cookie]) { a, _ in a },
                                      body: Array("texte=J%27ai+orient%C3%A9+Mme+D.+vers+France+services.".utf8))
        #expect(sent.status == 303)
        let page = try client.request("GET", "/modules/histoire-acteurs-numerique/activites/histoire-3", headers: ["Cookie": cookie])
        #expect(page.page.contains("Ce que vous avez envoyé"))
        #expect(page.page.contains("J'ai orienté Mme D. vers France services."))
    }
}
