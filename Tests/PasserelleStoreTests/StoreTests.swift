import Foundation
import GRDB
import PasserelleCore
import Testing
@testable import PasserelleStore

func temporaryDatabasePath() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("test.sqlite").path
}

@Suite struct StoreTests {
    @Test func migratesANewFileThenReopensItUnchanged() throws {
        let path = temporaryDatabasePath()
        do {
            let store = try Store(path: path)
            #expect(try store.appliedMigrations() == ["v1-data-model", "v2-assessment-runs", "v3-learner-preferences", "v4-bounded-time-spent", "v-sandbox-1", "v5-answers-activity-index", "v-workshop-1", "v6-run-activity", "v7-shared-levels"])
            _ = try store.createOrganisation(name: "CCAS de Marseille")
        }
        let reopened = try Store(path: path)
        #expect(try reopened.appliedMigrations() == ["v1-data-model", "v2-assessment-runs", "v3-learner-preferences", "v4-bounded-time-spent", "v-sandbox-1", "v5-answers-activity-index", "v-workshop-1", "v6-run-activity", "v7-shared-levels"])
        let count = try reopened.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM organisations") }
        #expect(count == 1)
    }

    @Test func learnersKeepTheirAccessibleItemsPreference() throws {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "CCAS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "Awa", lastName: "D",
                                              codeSelector: nil, codeHash: nil)
        #expect(learner.accessibleItems == false)
        try store.setAccessibleItems(learnerID: learner.id, true)
        #expect(try store.learner(id: learner.id)?.accessibleItems == true)
        try store.setAccessibleItems(learnerID: learner.id, false)
        #expect(try store.learner(id: learner.id)?.accessibleItems == false)
    }

    @Test func walFullSynchronousAndForeignKeysAreOn() throws {
        let store = try Store(path: temporaryDatabasePath())
        #expect(try store.pragma("journal_mode") == "wal")
        #expect(try store.pragma("synchronous") == "2")  // 2 = FULL
        #expect(try store.pragma("foreign_keys") == "1")
        let readerSync = try store.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(readerSync == 2)
        #expect(store.isHealthy())
    }

    @Test func foreignKeysAreEnforced() throws {
        let store = try Store(path: temporaryDatabasePath())
        #expect(throws: StoreError.self) {
            _ = try store.createCohort(organisationID: 999, name: "Orpheline")
        }
        #expect(throws: StoreError.self) {
            _ = try store.createLearner(cohortID: 42, firstName: "Ana", lastName: "Diaz", codeSelector: nil, codeHash: nil)
        }
    }

    @Test func deletingAnOrganisationCascadesToItsLearnersAndSessions() throws {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "IRTS")
        let cohort = try store.createCohort(organisationID: org.id, name: "ME-MSN 2026")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "Diaz",
                                              codeSelector: "ACDE", codeHash: "h")
        try store.createSession(tokenHash: "t", principal: .learner(learner), expiresAt: Date().addingTimeInterval(60))
        try store.pool.write { try $0.execute(sql: "DELETE FROM organisations WHERE id = ?", arguments: [org.id]) }
        let left = try store.read { try Int.fetchOne($0, sql: "SELECT (SELECT count(*) FROM learners) + (SELECT count(*) FROM sessions)") }
        #expect(left == 0)
    }

    @Test func usernamesAreUniqueWhateverTheCase() throws {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "IRTS")
        _ = try store.createUser(organisationID: org.id, username: "claire", displayName: "Claire", role: .trainer,
                                 passwordHash: "x")
        #expect(throws: StoreError.duplicate("le nom d'utilisateur « Claire »")) {
            _ = try store.createUser(organisationID: org.id, username: "Claire", displayName: "C", role: .trainer,
                                     passwordHash: "y")
        }
        #expect(try store.staffCredentials(username: "CLAIRE")?.user.username == "claire")
    }

    @Test func knowledgeElementsAreAppendOnly() throws {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "IRTS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "", codeSelector: nil,
                                              codeHash: nil)
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO assessments (learner_id, framework_id, algorithm, seed) VALUES (?, 'numerique', 'smart-random', 1)",
                           arguments: [learner.id])
            try db.execute(sql: """
                INSERT INTO knowledge_elements (learner_id, assessment_id, skill_id, tube_id, competence_id, status, source, earned_pix)
                VALUES (?, ?, '@motdepasse2', 'motdepasse', '4.1', 'validated', 'direct', 2)
                """, arguments: [learner.id, db.lastInsertedRowID])
        }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { try $0.execute(sql: "UPDATE knowledge_elements SET status = 'invalidated'") }
        }
    }

    @Test func sessionsExpireAndFollowTheirOwner() throws {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "IRTS")
        let user = try store.createUser(organisationID: org.id, username: "f", displayName: "F", role: .trainer,
                                        passwordHash: "x")
        let now = Date()
        try store.createSession(tokenHash: "live", principal: .staff(user), expiresAt: now.addingTimeInterval(3600))
        try store.createSession(tokenHash: "old", principal: .staff(user), expiresAt: now.addingTimeInterval(-1))
        #expect(try store.principal(sessionTokenHash: "live", now: now) == .staff(user))
        #expect(try store.principal(sessionTokenHash: "old", now: now) == nil)
        #expect(try store.principal(sessionTokenHash: "unknown", now: now) == nil)
        #expect(try store.deleteExpiredSessions(now: now) == 1)
        try store.deleteSession(tokenHash: "live")
        #expect(try store.principal(sessionTokenHash: "live", now: now) == nil)
    }

    @Test func newAccessCodeEndsTheLearnersSessions() throws {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "IRTS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "Diaz",
                                              attributes: ["structure": "CCAS"], codeSelector: "ACDE", codeHash: "h1")
        try store.createSession(tokenHash: "s", principal: .learner(learner), expiresAt: Date().addingTimeInterval(60))
        try store.setAccessCode(learnerID: learner.id, selector: "FHJK", hash: "h2")
        #expect(try store.principal(sessionTokenHash: "s") == nil)
        #expect(try store.learnerCredentials(selector: "ACDE") == nil)
        let found = try #require(try store.learnerCredentials(selector: "FHJK"))
        #expect(found.learner.attributes == ["structure": "CCAS"])
        #expect(found.codeHash == "h2")
    }

    @Test func trainersSeeTheirCohortsAndAdminsSeeAll() throws {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "IRTS")
        let admin = try store.createUser(organisationID: org.id, username: "a", displayName: "A", role: .admin, passwordHash: "x")
        let t1 = try store.createUser(organisationID: org.id, username: "t1", displayName: "T1", role: .trainer, passwordHash: "x")
        let t2 = try store.createUser(organisationID: org.id, username: "t2", displayName: "T2", role: .trainer, passwordHash: "x")
        _ = try store.createCohort(organisationID: org.id, name: "Une", ownerID: t1.id)
        _ = try store.createCohort(organisationID: org.id, name: "Deux", ownerID: t2.id)
        #expect(try store.cohorts(visibleTo: t1).map(\.name) == ["Une"])
        #expect(try store.cohorts(visibleTo: admin).map(\.name) == ["Deux", "Une"])
    }

    @Test func openingErrorsNameThePath() throws {
        #expect(throws: StoreError.cannotOpen(path: "/nonexistent/dir/x.sqlite",
                                              reason: "le dossier « /nonexistent/dir » n'existe pas")) {
            _ = try Store(path: "/nonexistent/dir/x.sqlite")
        }
        let path = temporaryDatabasePath()
        try Data("ceci n'est pas une base de données, mais un texte assez long pour un en-tête".utf8)
            .write(to: URL(fileURLWithPath: path))
        do {
            _ = try Store(path: path)
            Issue.record("a text file was opened as a database")
        } catch let error as StoreError {
            #expect(error.localizedDescription.contains(path))
        }
    }
}
