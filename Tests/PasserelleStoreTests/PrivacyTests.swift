import Foundation
import GRDB
import PasserelleCore
import Testing
@testable import PasserelleStore

/// Issue 11, finding 7: a learner's data can be exported whole and erased everywhere; backups restore.
@Suite struct PrivacyTests {
    /// A learner with something in every table that refers to learners, and a classmate.
    func populated(_ store: Store) throws -> (learner: Learner, classmate: Learner, cohortID: Int64) {
        let org = try store.createOrganisation(name: "CCAS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let trainer = try store.createUser(organisationID: org.id, username: "f", displayName: "F", role: .trainer, passwordHash: "x")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "Martin", codeSelector: "ABCD", codeHash: "h")
        let classmate = try store.createLearner(cohortID: cohort.id, firstName: "Bob", lastName: "Durand", codeSelector: nil, codeHash: nil)
        for person in [learner, classmate] {
            let assignment = try store.createAssignment(cohortID: nil, learnerID: person.id, kind: .questionnaire, contentID: "q")
            try store.recordLessonVisit(learnerID: person.id, moduleID: "m", lessonID: "l", completed: true)
            let attempt = try store.recordAttempt(learnerID: person.id, moduleID: "m", activitySetID: "s", activityID: "r",
                                                  answer: #"{"text":"Mon texte"}"#, result: "submitted", timeSpentMs: 1000)
            _ = try store.addReview(attemptID: attempt, cohortID: cohort.id, reviewerID: trainer.id, comment: "Bien vu")
            try store.saveDraft(learnerID: person.id, moduleID: "m", activityID: "r", content: #"{"text":"brouillon"}"#)
            try store.unlockModule(learnerID: person.id, moduleID: "m2", by: trainer.id)
            let run = try store.createAssessment(learnerID: person.id, assignmentID: nil, frameworkID: "f", algorithm: "smart-random",
                                                 settings: "{}", purpose: .free, seed: 1, firstItemID: "i1")
            try store.recordAnswer(assessmentID: run.id, itemID: "i1", skillID: "@s1", answer: #"{"choice":"a"}"#, correct: true,
                                   timeSpentMs: 500, elements: [KnowledgeElement(skillID: "@s1", tubeID: "s", competenceID: "1.1",
                                                                                 status: .validated, source: .direct, earnedPix: 1)],
                                   nextItemID: nil)
            try store.saveQuestionnaireAnswers(learnerID: person.id, assignmentID: assignment, questionnaireID: "q",
                                               administration: "unique", values: ["s1": 6])
            try store.createSession(tokenHash: "t\(person.id)", principal: .learner(person), expiresAt: Date().addingTimeInterval(60))
            try store.audit(AuditEntry(action: "sign-in", actorLearnerID: person.id))
            _ = try store.startSandboxAttempt(learnerID: person.id, moduleID: "m", activityID: "mission", mailCode: "123456")
            _ = try store.openWorkshop(by: .learner(person.id), moduleID: "m", activityID: "mission", mailCode: "123456",
                                       lifetime: 3600) { ("W\(person.id)AA".prefix(4).description, "h") }
        }
        return (learner, classmate, cohort.id)
    }

    @Test func theExportCoversEveryTableThatRefersToALearner() throws {
        let store = try Store(path: temporaryDatabasePath())
        let tables = try store.tablesReferringToLearners()
        #expect(tables.contains("knowledge_elements") && tables.contains("attempt_reviews"))
        // A new table about learners must be added to the export (and so to the erasure check below).
        #expect(tables.subtracting(Store.exportedTables).isEmpty, "not exported: \(tables.subtracting(Store.exportedTables))")
    }

    @Test func aLearnersExportHoldsAllTheirDataAndNoneOfOthers() throws {
        let store = try Store(path: temporaryDatabasePath())
        let (learner, classmate, _) = try populated(store)
        let data = try #require(try store.learnerData(learnerID: learner.id))
        for section in Store.learnerDataQueries.map(\.name) {
            let rows = try #require(data[section] as? [[String: Any]], "missing section \(section)")
            #expect(!rows.isEmpty, "empty section \(section)")
        }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: data), as: UTF8.self)
        #expect(text.contains("Mon texte") && text.contains("Bien vu") && text.contains("brouillon"))
        #expect(!text.contains(classmate.lastName))
        #expect(!text.contains("\"h\"") && !text.contains("t\(learner.id)"), "secrets are not exported")
    }

    @Test func erasingALearnerLeavesNothingOfThemAndKeepsOthers() throws {
        let store = try Store(path: temporaryDatabasePath())
        let (learner, classmate, cohortID) = try populated(store)
        let before = try #require(try store.learnerData(learnerID: classmate.id))
        #expect(try store.eraseLearner(learnerID: learner.id, by: nil))
        #expect(try store.learnerData(learnerID: learner.id) == nil)
        let left = try store.read { db -> Int in
            var count = 0
            for table in ["lesson_progress", "activity_attempts", "activity_drafts", "module_unlocks", "assessments",
                          "knowledge_elements", "questionnaire_responses", "sessions", "assignments"] {
                count += try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE learner_id = ?", arguments: [learner.id]) ?? 0
            }
            count += try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE actor_learner_id = ?", arguments: [learner.id]) ?? 0
            count += try Int.fetchOne(db, sql: "SELECT count(*) FROM attempt_reviews WHERE attempt_id NOT IN (SELECT id FROM activity_attempts)") ?? 0
            count += try Int.fetchOne(db, sql: "SELECT count(*) FROM sandbox_attempts WHERE learner_id = ?", arguments: [learner.id]) ?? 0
            count += try Int.fetchOne(db, sql: "SELECT count(*) FROM sandbox_events WHERE attempt_id NOT IN (SELECT id FROM sandbox_attempts)") ?? 0
            count += try Int.fetchOne(db, sql: "SELECT count(*) FROM workshops WHERE opened_by_learner_id = ?", arguments: [learner.id]) ?? 0
            count += try Int.fetchOne(db, sql: "SELECT count(*) FROM assessment_answers WHERE assessment_id NOT IN (SELECT id FROM assessments)") ?? 0
            return count
        }
        #expect(left == 0)
        let after = try #require(try store.learnerData(learnerID: classmate.id))
        #expect(NSDictionary(dictionary: after).isEqual(to: before), "the classmate's data is untouched")
        #expect(try store.learners(cohortID: cohortID).map(\.id) == [classmate.id])
        #expect(try store.recentAudit(limit: 5).contains { $0.action == "learner-erased" && $0.targetID == String(learner.id) })
        #expect(try store.eraseLearner(learnerID: learner.id, by: nil) == false)
    }

    @Test func aBackupRestoresTheSameData() throws {
        let path = temporaryDatabasePath()
        let store = try Store(path: path)
        let (learner, _, _) = try populated(store)
        let saved = try #require(try store.learnerData(learnerID: learner.id))
        let copy = path + ".sauvegarde"
        try store.backup(to: copy)
        #expect((try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int) == 0o600)
        #expect(throws: StoreError.self) { try store.backup(to: copy) }
        #expect(try store.eraseLearner(learnerID: learner.id, by: nil))
        try store.restore(from: copy)
        let restored = try #require(try store.learnerData(learnerID: learner.id))
        #expect(NSDictionary(dictionary: restored).isEqual(to: saved))
        #expect(try store.integrityCheck() == "ok")
        // Something that is not a backup is refused, and nothing is replaced.
        let junk = path + ".junk"
        try Data("pas une base".utf8).write(to: URL(fileURLWithPath: junk))
        #expect(throws: StoreError.self) { try store.restore(from: junk) }
        #expect(try store.learnerData(learnerID: learner.id) != nil)
    }
}
