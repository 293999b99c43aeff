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
        #expect(first.page.contains("Voir les 13 autres modules"))
        // A lesson opened: « Continuer » goes back to it.
        _ = try client.request("GET", "/modules/histoire-acteurs-numerique/lecons/01-petite-histoire-du-numerique", headers: ["Cookie": cookie])
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
        #expect(try store.assignments(cohortID: running.demo.cohort.id, kind: .module).count == 16)
    }
}
