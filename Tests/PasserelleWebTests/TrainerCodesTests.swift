import Foundation
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// A lost slip (issue 14): the trainer gives one learner a new code; the others keep theirs.
@Suite struct TrainerCodesTests {
    @Test func oneLearnersCodeIsRenewedAndTheOthersKeepTheirs() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let staff = try client.request("POST", "/connexion/formateur", headers: form,
                                       body: Array("identifiant=\(running.demo.trainerUsername)&mot_de_passe=\(running.demo.trainerPassword)".utf8))
        let cookie = try #require(sessionCookie(staff))
        let cohort = running.demo.cohort.id
        let roster = try client.request("GET", "/formateur/cohortes/\(cohort)/apprenants", headers: ["Cookie": cookie])
        let learners = try running.store.learners(cohortID: cohort)
        #expect(roster.text.contains("/formateur/cohortes/\(cohort)/apprenants/\(learners[0].id)/code"))
        let renewed = try client.request("POST", "/formateur/cohortes/\(cohort)/apprenants/\(learners[0].id)/code",
                                         headers: form.merging(["Cookie": cookie]) { a, _ in a }, body: [])
        #expect(renewed.status == 200)
        #expect(renewed.page.contains("Nouveau code pour \(learners[0].displayName)"))
        // The slip says where to go and what to do.
        #expect(renewed.page.contains("Ouvrez http://localhost sur"), "the address the trainer's browser used")
        #expect(renewed.page.contains("Tapez ce code"))
        // The old code of this learner no longer opens a session; a classmate's still does.
        let old = try client.request("POST", "/api/session", headers: ["Content-Type": "application/json"],
                                     body: Array(#"{"code":"\#(running.demo.learners[0].code.value)"}"#.utf8))
        #expect(old.status == 401)
        let classmate = try client.request("POST", "/api/session", headers: ["Content-Type": "application/json"],
                                           body: Array(#"{"code":"\#(running.demo.learners[1].code.value)"}"#.utf8))
        #expect(classmate.status == 200)
        // A learner of another cohort cannot be reached through this cohort.
        let other = try client.request("POST", "/formateur/cohortes/\(cohort)/apprenants/999999/code",
                                       headers: form.merging(["Cookie": cookie]) { a, _ in a }, body: [])
        #expect(other.status == 404)
    }
}
