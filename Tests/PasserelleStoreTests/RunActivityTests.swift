import Foundation
import GRDB
import PasserelleCore
import Testing
@testable import PasserelleStore

/// The tracker's time spent and last activity come from each run's totals (migration `v6-run-activity`),
/// kept by `recordAnswer`: they must always equal what the answers themselves say.
@Suite struct RunActivityTests {
    /// What the tracker showed before the totals: every answer summed, per learner.
    func fromTheAnswers(_ store: Store, cohortID: Int64) throws -> [Int64: Store.LearnerActivity] {
        try store.read { db in
            var result: [Int64: Store.LearnerActivity] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT l.id AS learner,
                       (SELECT TOTAL(time_spent_ms) FROM activity_attempts WHERE learner_id = l.id)
                     + (SELECT TOTAL(aa.time_spent_ms) FROM assessment_answers aa JOIN assessments a ON a.id = aa.assessment_id
                        WHERE a.learner_id = l.id) AS spent,
                       MAX(COALESCE((SELECT MAX(created_at) FROM activity_attempts WHERE learner_id = l.id), ''),
                           COALESCE((SELECT MAX(aa.created_at) FROM assessment_answers aa JOIN assessments a ON a.id = aa.assessment_id
                                     WHERE a.learner_id = l.id), ''),
                           COALESCE((SELECT MAX(updated_at) FROM lesson_progress WHERE learner_id = l.id), '')) AS last
                FROM learners l WHERE l.cohort_id = ? AND l.archived_at IS NULL
                """, arguments: [cohortID]) {
                let last: String = row["last"]
                let spent: Double = row["spent"]
                result[row["learner"]] = Store.LearnerActivity(timeSpentMs: Int(spent), lastActivity: last.isEmpty ? nil : last)
            }
            return result
        }
    }

    @Test func answersMoveTheirRunsTotalsAndTheTrackerAgreesWithTheAnswers() throws {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "CCAS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        var learners: [Learner] = []
        for name in ["Ana", "Bilal", "Chloé"] {
            learners.append(try store.createLearner(cohortID: cohort.id, firstName: name, lastName: "M", codeSelector: nil, codeHash: nil))
        }
        // Ana: two runs, the first finished; Bilal: one run in progress; Chloé: nothing yet.
        let items = (0..<6).map { "i\($0)" }
        for (learner, counts) in [(learners[0], [6, 3]), (learners[1], [2])] {
            for count in counts {
                let run = try store.createAssessment(learnerID: learner.id, assignmentID: nil, frameworkID: "numerique",
                                                     algorithm: "smart-random", settings: "{}", purpose: .free, seed: 1,
                                                     firstItemID: items[0])
                for index in 0..<count {
                    let next = index + 1 < items.count ? items[index + 1] : nil
                    try store.recordAnswer(assessmentID: run.id, itemID: items[index], skillID: "@s\(index)", answer: "{}",
                                           correct: index % 2 == 0, timeSpentMs: 1_000 * (index + 1) + 7,
                                           elements: [], nextItemID: next)
                }
            }
        }
        // Out-of-range times are bounded, as for the answer itself.
        let extra = try store.createAssessment(learnerID: learners[1].id, assignmentID: nil, frameworkID: "numerique",
                                               algorithm: "smart-random", settings: "{}", purpose: .free, seed: 2, firstItemID: "x")
        try store.recordAnswer(assessmentID: extra.id, itemID: "x", skillID: "@x", answer: "{}", correct: true,
                               timeSpentMs: Int.max, elements: [], nextItemID: "y")
        let expected = try fromTheAnswers(store, cohortID: cohort.id)
        let activity = try store.learnerActivity(cohortID: cohort.id)
        #expect(activity == expected)
        let firstRun: Int = (1...6).map { 1_000 * $0 + 7 }.reduce(0, +)
        let secondRun: Int = (1...3).map { 1_000 * $0 + 7 }.reduce(0, +)
        #expect(activity[learners[0].id]?.timeSpentMs == firstRun + secondRun)
        #expect(activity[learners[1].id]?.timeSpentMs == 3_014 + Store.maximumTimeSpentMs)
        #expect(activity[learners[2].id] == Store.LearnerActivity(timeSpentMs: 0, lastActivity: nil))
        let lastAnswer = try store.read { try String.fetchOne($0, sql: "SELECT MAX(created_at) FROM assessment_answers WHERE assessment_id = ?", arguments: [extra.id]) }
        #expect(activity[learners[1].id]?.lastActivity == lastAnswer)
    }

    @Test func theMigrationComputesTheTotalsOfRunsAlreadyStored() throws {
        let path = temporaryDatabasePath()
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator().migrate(queue, upTo: "v-workshop-1")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO organisations (id, name) VALUES (1, 'O');
                    INSERT INTO cohorts (id, organisation_id, name) VALUES (1, 1, 'C');
                    INSERT INTO learners (id, cohort_id, first_name, last_name) VALUES (1, 1, 'Ana', 'M'), (2, 1, 'Bilal', 'K');
                    INSERT INTO assessments (id, learner_id, framework_id, algorithm, seed) VALUES (10, 1, 'numerique', 'smart-random', 1),
                        (11, 1, 'numerique', 'smart-random', 2), (12, 2, 'numerique', 'smart-random', 3);
                    INSERT INTO assessment_answers (assessment_id, item_id, skill_id, answer, result, time_spent_ms, created_at) VALUES
                        (10, 'a', '@a', '{}', 'ok', 1500, '2026-11-02T09:00:00.000Z'),
                        (10, 'b', '@b', '{}', 'ko', 2500, '2026-11-02T09:01:00.000Z'),
                        (11, 'a', '@a', '{}', 'skipped', 0, '2026-11-20T14:30:00.000Z');
                    """)
            }
        }
        let store = try Store(path: path)
        let runs = try store.read { try Row.fetchAll($0, sql: "SELECT id, time_spent_ms, last_answer_at FROM assessments ORDER BY id") }
        #expect(runs.map { $0["time_spent_ms"] as Int } == [4_000, 0, 0])
        #expect(runs.map { $0["last_answer_at"] as String? } == ["2026-11-02T09:01:00.000Z", "2026-11-20T14:30:00.000Z", nil])
        #expect(try store.learnerActivity(cohortID: 1) == (try fromTheAnswers(store, cohortID: 1)))
        #expect(try store.learnerActivity(cohortID: 1)[1] == Store.LearnerActivity(timeSpentMs: 4_000, lastActivity: "2026-11-20T14:30:00.000Z"))
    }
}
