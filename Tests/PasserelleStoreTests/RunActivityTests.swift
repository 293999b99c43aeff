import Foundation
import GRDB
@testable import PasserelleCore
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

/// Exports read a shared result's levels from one line kept beside its JSON (`SharedLevels`, migration
/// `v7-shared-levels`): the line must give back exactly what the JSON says.
@Suite struct SharedLevelsTests {
    func result(_ mastery: Double?, _ competences: [(String, Int?, Int?, Int?, Int?)]) -> AssessmentResult {
        AssessmentResult(frameworkID: "numerique", algorithm: .smartRandom, maxLevel: 6, competences: competences.map {
            CompetenceResult(competenceID: $0.0, title: "Titre « \($0.0) »", level: $0.1, pix: $0.2, theta: 0.25, standardError: 0.5,
                             answered: 3, targetedSkills: $0.3, validatedSkills: $0.4)
        }, totalPix: 12, mastery: mastery)
    }

    @Test func theLineGivesBackEveryValue() throws {
        // Levels and pix absent (not evaluated, IRT), skills absent (old snapshots), awkward doubles, no competence.
        let results = [
            result(0.1 + 0.2, [("1.1", 2, 16, 10, 6), ("1.2", nil, nil, 8, 0), ("2.1", 0, 0, nil, nil)]),
            result(nil, [("3.4", 6, 48, 12, 12)]),
            result(2.0 / 3.0, []),
            result(1e-7, [("5.1", -1, Int.max, 0, 0)]),
        ]
        for value in results {
            let levels = SharedLevels(value)
            let text = try #require(levels.text)
            #expect(SharedLevels(text: text) == levels)
            #expect(SharedLevels(text: text)?.mastery == value.mastery)
        }
        // An identifier holding a separator gets no line (readers decode the JSON), and malformed lines are refused.
        #expect(SharedLevels(result(nil, [("1\u{1F}1", 1, 8, 1, 1)])).text == nil)
        for bad in ["", "numerique", "numerique\u{1D}x\u{1D}", "numerique\u{1D}\u{1D}1.1\u{1F}2", "numerique\u{1D}\u{1D}1.1\u{1F}a\u{1F}\u{1F}\u{1F}",
                    "numerique\u{1D}nan\u{1D}"] {
            #expect(SharedLevels(text: bad) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func sharingKeepsTheLineAndTheMigrationFillsItForRunsSharedBefore() throws {
        let path = temporaryDatabasePath()
        let before = result(0.75, [("1.1", 3, 24, 10, 7), ("1.2", nil, nil, 6, 0)])
        let json = String(decoding: try JSONEncoder().encode(before), as: UTF8.self)
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator().migrate(queue, upTo: "v6-run-activity")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO organisations (id, name) VALUES (1, 'O');
                    INSERT INTO cohorts (id, organisation_id, name) VALUES (1, 1, 'C');
                    INSERT INTO learners (id, cohort_id, first_name, last_name) VALUES (1, 1, 'Ana', 'M');
                    INSERT INTO assessments (id, learner_id, framework_id, algorithm, seed, state, shared_at, shared_result) VALUES
                        (10, 1, 'numerique', 'smart-random', 1, 'completed', '2026-11-02T09:00:00.000Z', ?),
                        (11, 1, 'numerique', 'smart-random', 2, 'completed', '2026-11-02T09:00:00.000Z', '{"autre": 1}'),
                        (12, 1, 'numerique', 'smart-random', 3, 'completed', NULL, NULL);
                    """, arguments: [json])
            }
        }
        let store = try Store(path: path)
        #expect(try store.assessment(id: 10)?.sharedLevels == SharedLevels(before).text)
        #expect(try store.assessment(id: 11)?.sharedLevels == nil, "not a result: readers decode the JSON")
        #expect(try store.assessment(id: 12)?.sharedLevels == nil)
        let run = try store.createAssessment(learnerID: 1, assignmentID: nil, frameworkID: "numerique", algorithm: "smart-random",
                                             settings: "{}", purpose: .free, seed: 4, firstItemID: nil)
        let later = result(nil, [("2.3", 1, 8, 4, 2)])
        try store.shareAssessment(id: run.id, result: String(decoding: try JSONEncoder().encode(later), as: UTF8.self))
        let shared = try #require(try store.assessment(id: run.id)?.sharedLevels)
        #expect(SharedLevels(text: shared) == SharedLevels(later))
    }
}
