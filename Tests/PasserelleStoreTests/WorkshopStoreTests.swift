import Foundation
import GRDB
import PasserelleCore
import Testing
@testable import PasserelleStore

/// Workshops: a code used once, a workshop that expires, and an end that leaves no row of the person.
@Suite struct WorkshopStoreTests {
    func world() throws -> (Store, StaffUser) {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "CCAS")
        let trainer = try store.createUser(organisationID: org.id, username: "f", displayName: "F", role: .trainer, passwordHash: "x")
        return (store, trainer)
    }

    func open(_ store: Store, by mediator: Store.Mediator, selector: String = "ACDE", now: Date = Date()) throws -> Store.Workshop {
        try store.openWorkshop(by: mediator, moduleID: "sites-a-blanc", activityID: "mission-sms-douteux", mailCode: "123456",
                               lifetime: 3 * 3600, now: now) { (selector, "hash-\(selector)") }
    }

    /// Every row the person left behind: the workshop, its attempt, the attempt's events.
    func rows(of workshop: Store.Workshop, _ store: Store) throws -> Int {
        try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM workshops WHERE id = ?", arguments: [workshop.id]) ?? 0)
                + (try Int.fetchOne(db, sql: "SELECT count(*) FROM sandbox_attempts WHERE id = ? OR workshop_id = ?",
                                    arguments: [workshop.attemptID, workshop.id]) ?? 0)
                + (try Int.fetchOne(db, sql: "SELECT count(*) FROM sandbox_events WHERE attempt_id = ?", arguments: [workshop.attemptID]) ?? 0)
        }
    }

    @Test func aWorkshopHasItsOwnAttemptWithoutALearner() throws {
        let (store, trainer) = try world()
        let workshop = try open(store, by: .user(trainer.id))
        let attempt = try #require(try store.sandboxAttempt(id: workshop.attemptID))
        #expect(attempt.learnerID == nil && attempt.workshopID == workshop.id && attempt.isOpen)
        #expect(try store.sandboxEvents(attemptID: attempt.id).map(\.action) == [.missionOpened])
        #expect(try store.workshops(openedBy: .user(trainer.id)).map(\.id) == [workshop.id])
        #expect(try store.workshops(openedBy: .user(trainer.id + 1)).isEmpty)
        // Ending the person's mission records no module attempt: they have no account.
        #expect(try store.endSandboxAttempt(attempt, success: true, activitySetID: "s", answer: "{}"))
        let moduleAttempts = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM activity_attempts") ?? 0 }
        #expect(moduleAttempts == 0)
    }

    @Test func theCodeServesOnce() throws {
        let (store, trainer) = try world()
        let workshop = try open(store, by: .user(trainer.id))
        let found = try #require(try store.workshopToJoin(selector: "ACDE"))
        #expect(found.workshop.id == workshop.id && found.codeHash == "hash-ACDE")
        #expect(try store.joinWorkshop(id: workshop.id, guestTokenHash: "guest-1"))
        #expect(try store.joinWorkshop(id: workshop.id, guestTokenHash: "guest-2") == false, "a code serves once")
        #expect(try store.workshopToJoin(selector: "ACDE") == nil)
        #expect(try store.workshop(guestTokenHash: "guest-1")?.id == workshop.id)
        #expect(try store.workshop(guestTokenHash: "guest-2") == nil)
        #expect(try store.workshop(id: workshop.id)?.joined == true)
        // The secret's hash is gone once used.
        let hash = try store.read { try String.fetchOne($0, sql: "SELECT code_hash FROM workshops WHERE id = ?", arguments: [workshop.id]) }
        #expect(hash == nil)
    }

    @Test func aTakenSelectorIsDrawnAgain() throws {
        let (store, trainer) = try world()
        _ = try open(store, by: .user(trainer.id), selector: "ACDE")
        var draws = ["ACDE", "ACDE", "FHJK"]
        let second = try store.openWorkshop(by: .user(trainer.id), moduleID: "m", activityID: "a", mailCode: "123456", lifetime: 60) {
            ((draws.isEmpty ? "QQQQ" : draws.removeFirst()), "h")
        }
        #expect(second.codeSelector == "FHJK")
    }

    @Test func anExpiredWorkshopCannotBeJoinedAndIsErased() throws {
        let (store, trainer) = try world()
        let past = Date().addingTimeInterval(-4 * 3600)
        let workshop = try store.openWorkshop(by: .user(trainer.id), moduleID: "m", activityID: "a", mailCode: "123456",
                                              lifetime: 3 * 3600, now: past) { ("ACDE", "h") }
        #expect(workshop.id > 0)
        #expect(try store.workshop(id: workshop.id) == nil)
        #expect(try store.workshopToJoin(selector: "ACDE") == nil)
        #expect(try store.joinWorkshop(id: workshop.id, guestTokenHash: "g") == false)
        #expect(try rows(of: workshop, store) > 0)
        let fresh = try open(store, by: .user(trainer.id), selector: "FHJK")
        #expect(try store.eraseExpiredWorkshops() == 1)
        #expect(try rows(of: workshop, store) == 0)
        #expect(try store.workshop(id: fresh.id) != nil, "an unexpired workshop stays")
    }

    @Test func endingAWorkshopLeavesNoRowOfThePerson() throws {
        let (store, trainer) = try world()
        let org = try store.createOrganisation(name: "Autre")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "Martin", codeSelector: nil, codeHash: nil)
        let own = try store.startSandboxAttempt(learnerID: learner.id, moduleID: "m", activityID: "a", mailCode: "123456")
        let workshop = try open(store, by: .user(trainer.id))
        #expect(try store.joinWorkshop(id: workshop.id, guestTokenHash: "guest"))
        try store.recordSandboxEvent(attemptID: workshop.attemptID,
                                     SandboxEvent(service: .allocations, step: "inscription", action: .signUp, data: ["courriel": "x@y.fr"]),
                                     account: (identifier: "x@y.fr", passwordHash: "$argon2id$…"))
        #expect(try rows(of: workshop, store) == 4)
        #expect(try store.endWorkshop(id: workshop.id))
        #expect(try rows(of: workshop, store) == 0)
        #expect(try store.workshop(guestTokenHash: "guest") == nil, "the person's session is gone")
        #expect(try store.endWorkshop(id: workshop.id) == false)
        let leftovers = try store.read { db in
            try String.fetchAll(db, sql: "SELECT data FROM sandbox_events").joined() + (try String.fetchAll(db, sql: "SELECT account_identifier FROM sandbox_attempts WHERE account_identifier IS NOT NULL").joined())
        }
        #expect(!leftovers.contains("x@y.fr"))
        // The learner's own attempt is untouched.
        #expect(try store.sandboxAttempt(id: own)?.learnerID == learner.id)
        #expect(try store.sandboxEvents(attemptID: own).count == 1)
    }

    @Test func theMigrationKeepsTheAttemptsAlreadyStored() throws {
        let path = temporaryDatabasePath()
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator().migrate(queue, upTo: "v5-answers-activity-index")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO organisations (id, name) VALUES (1, 'O');
                    INSERT INTO cohorts (id, organisation_id, name) VALUES (1, 1, 'C');
                    INSERT INTO learners (id, cohort_id, first_name, last_name) VALUES (1, 1, 'Ana', 'M');
                    INSERT INTO sandbox_attempts (id, learner_id, module_id, activity_id, mail_code, result, ended_at)
                        VALUES (41, 1, 'm', 'a', '123456', 'success', '2026-12-01T10:00:00.000Z');
                    INSERT INTO sandbox_events (attempt_id, service, step, action, outcome) VALUES (41, 'bac-a-sable', 'accueil', 'mission-ouverte', 'ok');
                    """)
            }
        }
        let store = try Store(path: path)
        let attempt = try #require(try store.sandboxAttempt(id: 41))
        #expect(attempt.learnerID == 1 && attempt.workshopID == nil && attempt.result == "success")
        #expect(try store.sandboxEvents(attemptID: 41).count == 1)
        let problems = try store.read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check").count }
        #expect(problems == 0)
        // Still erased with its learner, through the rebuilt table's cascade.
        #expect(try store.eraseLearner(learnerID: 1, by: nil))
        #expect(try store.sandboxAttempt(id: 41) == nil && (try store.sandboxEvents(attemptID: 41)).isEmpty)
    }

    @Test func erasingTheLearnerWhoOpenedAWorkshopErasesIt() throws {
        let (store, _) = try world()
        let org = try store.createOrganisation(name: "Autre")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "Martin", codeSelector: nil, codeHash: nil)
        let workshop = try open(store, by: .learner(learner.id))
        #expect(try store.eraseLearner(learnerID: learner.id, by: nil))
        #expect(try rows(of: workshop, store) == 0)
    }
}
