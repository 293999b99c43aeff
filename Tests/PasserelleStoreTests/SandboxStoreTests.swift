import Foundation
import GRDB
import PasserelleCore
import Testing
@testable import PasserelleStore

/// The sandbox's event log: per learner and per attempt, bounded, closed once the mission ends, no
/// password in clear.
@Suite struct SandboxStoreTests {
    func world() throws -> (Store, Learner, Learner) {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "CCAS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let ana = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "Martin", codeSelector: nil, codeHash: nil)
        let bob = try store.createLearner(cohortID: cohort.id, firstName: "Bob", lastName: "Durand", codeSelector: nil, codeHash: nil)
        return (store, ana, bob)
    }

    @Test func eachAttemptHasItsOwnLogInOrder() throws {
        let (store, ana, bob) = try world()
        let first = try store.startSandboxAttempt(learnerID: ana.id, moduleID: "m", activityID: "a", mailCode: "123456")
        let second = try store.startSandboxAttempt(learnerID: ana.id, moduleID: "m", activityID: "a", mailCode: "654321")
        let other = try store.startSandboxAttempt(learnerID: bob.id, moduleID: "m", activityID: "a", mailCode: "111111")
        try store.recordSandboxEvent(attemptID: first, SandboxEvent(service: .allocations, step: "Connexion", action: .signIn,
                                                                     outcome: .refused, data: ["raison": "mot de passe faux"]))
        try store.recordSandboxEvent(attemptID: first, SandboxEvent(service: .allocations, step: "Connexion", action: .signIn))
        let events = try store.sandboxEvents(attemptID: first)
        #expect(events.map(\.action) == [.missionOpened, .signIn, .signIn])
        #expect(events[1].outcome == .refused && events[1].data["raison"] == "mot de passe faux" && !events[1].at.isEmpty)
        #expect(try store.sandboxEvents(attemptID: second).map(\.action) == [.missionOpened], "a new attempt starts clean")
        #expect(try store.sandboxAttempts(learnerID: ana.id).map(\.id) == [second, first])
        #expect(try store.sandboxAttempts(learnerID: bob.id).map(\.id) == [other])
        #expect(try store.sandboxAttempt(id: first)?.mailCode == "123456")
    }

    @Test func anEndedAttemptTakesNothingMoreAndCountsOnce() throws {
        let (store, ana, _) = try world()
        let id = try store.startSandboxAttempt(learnerID: ana.id, moduleID: "m", activityID: "a", mailCode: "123456")
        let attempt = try #require(try store.sandboxAttempt(id: id))
        #expect(try store.endSandboxAttempt(attempt, success: false, activitySetID: "s", answer: "{}"))
        #expect(try !store.endSandboxAttempt(attempt, success: true, activitySetID: "s", answer: "{}"), "ended once only")
        #expect(throws: Store.SandboxFailure.closed) {
            try store.recordSandboxEvent(attemptID: id, SandboxEvent(service: .allocations, step: "x", action: .signOut))
        }
        let ended = try #require(try store.sandboxAttempt(id: id))
        #expect(!ended.isOpen && ended.result == "failure")
        let attempts = try store.attempts(learnerID: ana.id, moduleID: "m")
        #expect(attempts.map(\.result) == ["incorrect"] && attempts[0].activitySetID == "s")
        #expect(try store.sandboxEvents(attemptID: id).last?.action == .missionEnded)
    }

    @Test func theLogIsBounded() throws {
        let (store, ana, _) = try world()
        let id = try store.startSandboxAttempt(learnerID: ana.id, moduleID: "m", activityID: "a", mailCode: "123456")
        try store.write { db in
            for _ in 1..<Store.maximumSandboxEvents {
                try db.execute(sql: "INSERT INTO sandbox_events (attempt_id, service, step, action, outcome) VALUES (?, 'allocations', 'x', 'connexion', 'ok')",
                               arguments: [id])
            }
        }
        #expect(throws: Store.SandboxFailure.full) {
            try store.recordSandboxEvent(attemptID: id, SandboxEvent(service: .allocations, step: "x", action: .signIn))
        }
    }

    @Test func aSandboxAccountKeepsAHashNeverThePassword() throws {
        let (store, ana, _) = try world()
        let id = try store.startSandboxAttempt(learnerID: ana.id, moduleID: "m", activityID: "a", mailCode: "123456")
        try store.recordSandboxEvent(attemptID: id, SandboxEvent(service: .allocations, step: "Création du compte", action: .signUp,
                                                                  data: ["motDePasse": "conforme"]),
                                     account: ("ana@exemple-fictif.fr", "$argon2id$v=19$fake"))
        let attempt = try #require(try store.sandboxAttempt(id: id))
        #expect(attempt.accountIdentifier == "ana@exemple-fictif.fr" && attempt.passwordHash == "$argon2id$v=19$fake")
        let export = try #require(try store.learnerData(learnerID: ana.id))
        let text = String(decoding: try JSONSerialization.data(withJSONObject: export), as: UTF8.self)
        #expect(text.contains("inscription") && !text.contains("argon2id"), "the export holds the steps, not the hash")
    }

    @Test func erasingTheLearnerErasesTheirSandbox() throws {
        let (store, ana, bob) = try world()
        _ = try store.startSandboxAttempt(learnerID: ana.id, moduleID: "m", activityID: "a", mailCode: "123456")
        let kept = try store.startSandboxAttempt(learnerID: bob.id, moduleID: "m", activityID: "a", mailCode: "123456")
        #expect(try store.eraseLearner(learnerID: ana.id, by: nil))
        let counts = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM sandbox_attempts") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM sandbox_events") ?? 0)
        }
        #expect(counts == (1, 1))
        #expect(try store.sandboxAttempt(id: kept) != nil)
    }
}
