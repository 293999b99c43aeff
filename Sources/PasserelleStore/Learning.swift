import Foundation
import GRDB
import PasserelleCore

/// Lesson reading, activity attempts, drafts and unlocks: what a learner did in the modules.
extension Store {
    /// Records that a lesson was opened (and, when `completed`, read to the end).
    public func recordLessonVisit(learnerID: Int64, moduleID: String, lessonID: String, completed: Bool) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO lesson_progress (learner_id, module_id, lesson_id, completed_at)
                VALUES (?, ?, ?, CASE WHEN ? THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END)
                ON CONFLICT (learner_id, module_id, lesson_id) DO UPDATE SET
                    completed_at = COALESCE(lesson_progress.completed_at, excluded.completed_at),
                    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                """, arguments: [learnerID, moduleID, lessonID, completed])
        }
    }

    /// Lessons read to the end, and the lesson visited last.
    public func lessonProgress(learnerID: Int64, moduleID: String) throws -> (read: Set<String>, last: String?) {
        try read { db in
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT lesson_id, completed_at FROM lesson_progress WHERE learner_id = ? AND module_id = ?
                ORDER BY updated_at DESC, rowid DESC
                """), arguments: [learnerID, moduleID])
            let read = Set(rows.filter { ($0["completed_at"] as String?) != nil }.map { $0["lesson_id"] as String })
            return (read, rows.first.map { $0["lesson_id"] })
        }
    }

    /// Where a learner last was in a module: a lesson they opened or an activity set they answered in,
    /// whichever is the most recent; nil when they have not started it.
    public func lastPlace(learnerID: Int64, moduleID: String) throws -> (isLesson: Bool, id: String, activityID: String?)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT 1 AS lesson, lesson_id AS id, NULL AS activity, updated_at AS at FROM lesson_progress
                WHERE learner_id = :learner AND module_id = :module
                UNION ALL
                SELECT 0, activity_set_id, activity_id, created_at FROM activity_attempts
                WHERE learner_id = :learner AND module_id = :module
                ORDER BY at DESC, lesson ASC LIMIT 1
                """, arguments: ["learner": learnerID, "module": moduleID]) else { return nil }
            return ((row["lesson"] as Int) == 1, row["id"], row["activity"])
        }
    }

    public struct AttemptRecord: Sendable, Equatable {
        public var id: Int64
        public var activitySetID: String
        public var activityID: String
        public var answer: String
        /// correct, incorrect or submitted.
        public var result: String
        public var createdAt: String
    }

    @discardableResult
    public func recordAttempt(learnerID: Int64, moduleID: String, activitySetID: String, activityID: String,
                              answer: String, result: String, timeSpentMs: Int) throws -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO activity_attempts (learner_id, module_id, activity_set_id, activity_id, answer, result, time_spent_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [learnerID, moduleID, activitySetID, activityID, answer, result, Store.boundedTimeSpent(timeSpentMs)])
            let id = db.lastInsertedRowID
            try db.execute(sql: "DELETE FROM activity_drafts WHERE learner_id = ? AND module_id = ? AND activity_id = ?",
                           arguments: [learnerID, moduleID, activityID])
            return id
        }
    }

    /// A learner's attempts in a module, oldest first.
    public func attempts(learnerID: Int64, moduleID: String) throws -> [AttemptRecord] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM activity_attempts WHERE learner_id = ? AND module_id = ? ORDER BY id
                """), arguments: [learnerID, moduleID]).map {
                AttemptRecord(id: $0["id"], activitySetID: $0["activity_set_id"], activityID: $0["activity_id"],
                              answer: $0["answer"], result: $0["result"], createdAt: $0["created_at"])
            }
        }
    }

    /// Saves what a learner is writing (JSON), so that nothing is lost if the page closes.
    public func saveDraft(learnerID: Int64, moduleID: String, activityID: String, content: String) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO activity_drafts (learner_id, module_id, activity_id, content) VALUES (?, ?, ?, ?)
                ON CONFLICT (learner_id, module_id, activity_id) DO UPDATE SET content = excluded.content,
                    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                """, arguments: [learnerID, moduleID, activityID, content])
        }
    }

    public func draft(learnerID: Int64, moduleID: String, activityID: String) throws -> String? {
        try read {
            try String.fetchOne($0, sql: """
                SELECT content FROM activity_drafts WHERE learner_id = ? AND module_id = ? AND activity_id = ?
                """, arguments: [learnerID, moduleID, activityID])
        }
    }

    public func unlockModule(learnerID: Int64, moduleID: String, by userID: Int64?) throws {
        try write {
            try $0.execute(sql: """
                INSERT OR IGNORE INTO module_unlocks (learner_id, module_id, unlocked_by) VALUES (?, ?, ?)
                """, arguments: [learnerID, moduleID, userID])
        }
    }

    public func unlockedModules(learnerID: Int64) throws -> Set<String> {
        try read {
            Set(try String.fetchAll($0.cachedStatement(sql: "SELECT module_id FROM module_unlocks WHERE learner_id = ?"), arguments: [learnerID]))
        }
    }
}

/// Trainers' reviews of submitted observation grids and reflections.
extension Store {
    public struct Submission: Sendable, Equatable {
        public var attemptID: Int64
        public var learnerID: Int64
        public var moduleID: String
        public var activityID: String
        public var answer: String
        public var createdAt: String
        public var reviews: [String]
    }

    /// Submitted (ungraded) work of a cohort's learners, newest first, with the reviews it received.
    public func submissions(cohortID: Int64) throws -> [Submission] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.id, a.learner_id, a.module_id, a.activity_id, a.answer, a.created_at
                FROM activity_attempts a JOIN learners l ON l.id = a.learner_id
                WHERE l.cohort_id = ? AND a.result = 'submitted' ORDER BY a.id DESC
                """, arguments: [cohortID])
            return try rows.map { row in
                let id: Int64 = row["id"]
                let reviews = try String.fetchAll(db, sql: "SELECT comment FROM attempt_reviews WHERE attempt_id = ? ORDER BY id",
                                                  arguments: [id])
                return Submission(attemptID: id, learnerID: row["learner_id"], moduleID: row["module_id"],
                                  activityID: row["activity_id"], answer: row["answer"], createdAt: row["created_at"],
                                  reviews: reviews)
            }
        }
    }

    /// Submitted work of a cohort's learners that has no comment yet (module and activity of each), in one query:
    /// the tracker counts what is left to review without reading every answer.
    public func uncommentedSubmissions(cohortID: Int64) throws -> [(moduleID: String, activityID: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.module_id, a.activity_id
                FROM learners l CROSS JOIN activity_attempts a ON a.learner_id = l.id
                WHERE l.cohort_id = ? AND l.archived_at IS NULL AND a.result = 'submitted'
                  AND NOT EXISTS (SELECT 1 FROM attempt_reviews r WHERE r.attempt_id = a.id)
                """, arguments: [cohortID]).map { (moduleID: $0["module_id"], activityID: $0["activity_id"]) }
        }
    }

    /// Adds a trainer's comment to a submitted attempt of a learner of `cohortID`; false when there is no such attempt.
    @discardableResult
    public func addReview(attemptID: Int64, cohortID: Int64, reviewerID: Int64, comment: String) throws -> Bool {
        try write { db in
            guard try Bool.fetchOne(db, sql: """
                SELECT 1 FROM activity_attempts a JOIN learners l ON l.id = a.learner_id
                WHERE a.id = ? AND l.cohort_id = ? AND a.result = 'submitted'
                """, arguments: [attemptID, cohortID]) == true else { return false }
            try db.execute(sql: "INSERT INTO attempt_reviews (attempt_id, reviewer_id, comment) VALUES (?, ?, ?)",
                           arguments: [attemptID, reviewerID, comment])
            return true
        }
    }

    /// Comments on a learner's submitted work in a module, by activity id (oldest first).
    public func reviews(learnerID: Int64, moduleID: String) throws -> [String: [String]] {
        try read { db in
            var result: [String: [String]] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT a.activity_id, r.comment FROM attempt_reviews r JOIN activity_attempts a ON a.id = r.attempt_id
                WHERE a.learner_id = ? AND a.module_id = ? ORDER BY r.id
                """), arguments: [learnerID, moduleID]) {
                result[row["activity_id"], default: []].append(row["comment"])
            }
            return result
        }
    }
}

/// Aggregates for the trainer's tracker.
extension Store {
    public struct LearnerActivity: Sendable, Equatable {
        public var timeSpentMs: Int
        public var lastActivity: String?
    }

    /// Time spent and last activity of each learner of a cohort (modules and assessments together).
    public func learnerActivity(cohortID: Int64) throws -> [Int64: LearnerActivity] {
        try read { db in
            // One grouped pass per table, merged here: correlated subqueries read each run twice (its totals sit
            // after its shared result, so reading them walks the result's pages). Cohort queries start from the
            // cohort's learners (CROSS JOIN fixes SQLite's join order): left to itself, SQLite walked the whole
            // table's index, so a 30-learner cohort paid for every learner of the installation.
            var spent: [Int64: Double] = [:], last: [Int64: String] = [:]
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM learners WHERE cohort_id = ? AND archived_at IS NULL",
                                         arguments: [cohortID]) {
                spent[id] = 0
            }
            for sql in [
                """
                SELECT a.learner_id, TOTAL(a.time_spent_ms), MAX(a.created_at) FROM learners l
                CROSS JOIN activity_attempts a ON a.learner_id = l.id WHERE l.cohort_id = ? GROUP BY a.learner_id
                """,
                """
                SELECT a.learner_id, TOTAL(a.time_spent_ms), MAX(a.last_answer_at) FROM learners l
                CROSS JOIN assessments a ON a.learner_id = l.id WHERE l.cohort_id = ? GROUP BY a.learner_id
                """,
                """
                SELECT p.learner_id, 0.0, MAX(p.updated_at) FROM learners l
                CROSS JOIN lesson_progress p ON p.learner_id = l.id WHERE l.cohort_id = ? GROUP BY p.learner_id
                """,
            ] {
                let rows = try Row.fetchCursor(db, sql: sql, arguments: [cohortID])
                while let row = try rows.next() {
                    let learner: Int64 = row[0]
                    guard let total = spent[learner] else { continue }  // archived
                    // TOTAL() sums in floating point: no overflow whatever was stored.
                    spent[learner] = total + (row[1] as Double? ?? 0)
                    if let latest = row[2] as String?, !latest.isEmpty, latest > (last[learner] ?? "") { last[learner] = latest }
                }
            }
            return spent.reduce(into: [:]) { result, entry in
                let milliseconds = entry.value.isFinite && entry.value < 1e15 ? Int(max(0, entry.value)) : Int(1e15)
                result[entry.key] = LearnerActivity(timeSpentMs: milliseconds, lastActivity: last[entry.key])
            }
        }
    }

    /// Per item, wrong and total answers in the shared runs of the given assignments, most missed first.
    public func missedItems(assignmentIDs: [Int64], limit: Int = 5) throws -> [(itemID: String, wrong: Int, total: Int)] {
        guard !assignmentIDs.isEmpty else { return [] }
        return try read { db in
            let placeholders = Array(repeating: "?", count: assignmentIDs.count).joined(separator: ",")
            let values = assignmentIDs.map { $0 as DatabaseValueConvertible }
            // Only shared runs count, and a shared run never changes (it is finished; it is shared once): the
            // result changes only when the set of shared runs does. Which set it is, read from the runs' index,
            // keys the result kept in memory (the query itself reads every answer of the cohort's runs).
            let shared = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, total(id) AS ids, max(shared_at) AS latest FROM assessments
                WHERE assignment_id IN (\(placeholders)) AND shared_at IS NOT NULL
                """, arguments: StatementArguments(values))
            let signature = "\(shared?["n"] as Int? ?? 0)|\(shared?["ids"] as Double? ?? 0)|\(shared?["latest"] as String? ?? "")"
            let key = assignmentIDs.sorted().map(String.init).joined(separator: ",") + "#\(limit)"
            if let known = missedItemsCache.value(key, signature: signature) { return known }
            let found = try Row.fetchAll(db, sql: """
                SELECT aa.item_id, SUM(aa.result = 'ko') AS wrong, COUNT(*) AS total
                FROM assessment_answers aa JOIN assessments a ON a.id = aa.assessment_id
                WHERE a.assignment_id IN (\(placeholders)) AND a.shared_at IS NOT NULL
                GROUP BY aa.item_id HAVING wrong > 0
                ORDER BY CAST(wrong AS REAL) / total DESC, wrong DESC, aa.item_id LIMIT ?
                """, arguments: StatementArguments(values + [limit])).map {
                MissedItemCount(itemID: $0["item_id"], wrong: $0["wrong"], total: $0["total"])
            }
            missedItemsCache.keep(key, signature: signature, found)
            return found.map { ($0.itemID, $0.wrong, $0.total) }
        }
    }
}

struct MissedItemCount: Sendable {
    var itemID: String
    var wrong: Int
    var total: Int
}

/// Results of `missedItems`, by assignments, with the signature of the shared runs they were computed from.
final class MissedItemsCache: @unchecked Sendable {  // `lock` guards `entries`
    static let capacity = 256
    private let lock = NSLock()
    private var entries: [String: (signature: String, items: [MissedItemCount])] = [:]

    func value(_ key: String, signature: String) -> [(itemID: String, wrong: Int, total: Int)]? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[key], entry.signature == signature else { return nil }
        return entry.items.map { ($0.itemID, $0.wrong, $0.total) }
    }

    func keep(_ key: String, signature: String, _ items: [MissedItemCount]) {
        lock.lock()
        defer { lock.unlock() }
        if entries[key] == nil, entries.count >= MissedItemsCache.capacity { entries.removeAll() }
        entries[key] = (signature, items)
    }
}

/// Questionnaire answers.
extension Store {
    /// Saves a learner's answers to a questionnaire assignment (answering again replaces them), in one transaction.
    public func saveQuestionnaireAnswers(learnerID: Int64, assignmentID: Int64, questionnaireID: String, administration: String,
                                         values: [String: Double]) throws {
        try write { db in
            for (statement, value) in values {
                try db.execute(sql: """
                    INSERT INTO questionnaire_responses (learner_id, assignment_id, questionnaire_id, administration, statement_id, value_number)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (learner_id, questionnaire_id, administration, statement_id) DO UPDATE SET
                        value_number = excluded.value_number, assignment_id = excluded.assignment_id,
                        created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                    """, arguments: [learnerID, assignmentID, questionnaireID, administration, statement, value])
            }
        }
    }

    /// Answers given through an assignment: (learner, statement, value).
    public func questionnaireAnswers(assignmentID: Int64) throws -> [(learner: Int64, statement: String, value: Double)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT learner_id, statement_id, value_number FROM questionnaire_responses
                WHERE assignment_id = ? AND value_number IS NOT NULL
                """, arguments: [assignmentID]).map { (learner: $0["learner_id"], statement: $0["statement_id"], value: $0["value_number"]) }
        }
    }
}

/// What the tracker needs for a whole cohort, in a few queries instead of several per learner.
extension Store {
    /// One attempt's outcome, without the answer (progress needs no more).
    public struct AttemptOutcome: Sendable, Equatable {
        public var activitySetID: String
        public var activityID: String
        /// correct, incorrect or submitted.
        public var result: String
    }

    /// Module work of every learner of a cohort: lessons read to the end, attempts (oldest first) and unlocks,
    /// by learner then module. The same rows as `lessonProgress`, `attempts` and `unlockedModules` give one
    /// learner at a time.
    public struct CohortModuleWork: Sendable, Equatable {
        public var lessonsRead: [Int64: [String: Set<String>]] = [:]
        public var attempts: [Int64: [String: [AttemptOutcome]]] = [:]
        public var unlocked: [Int64: Set<String>] = [:]
    }

    public func moduleWork(cohortID: Int64) throws -> CohortModuleWork {
        try read { db in
            var work = CohortModuleWork()
            let lessons = try Row.fetchCursor(db, sql: """
                SELECT p.learner_id, p.module_id, p.lesson_id FROM learners l CROSS JOIN lesson_progress p ON p.learner_id = l.id
                WHERE l.cohort_id = ? AND p.completed_at IS NOT NULL
                """, arguments: [cohortID])
            while let row = try lessons.next() {
                work.lessonsRead[row[0], default: [:]][row[1] as String, default: []].insert(row[2])
            }
            // Sorted here rather than by SQLite (ORDER BY over a cohort's attempts cost more than the query).
            var attempts: [(id: Int64, learner: Int64, module: String, outcome: AttemptOutcome)] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.id, a.learner_id, a.module_id, a.activity_set_id, a.activity_id, a.result
                FROM learners l CROSS JOIN activity_attempts a ON a.learner_id = l.id WHERE l.cohort_id = ?
                """, arguments: [cohortID])
            while let row = try rows.next() {
                attempts.append((row[0], row[1], row[2], AttemptOutcome(activitySetID: row[3], activityID: row[4], result: row[5])))
            }
            for attempt in attempts.sorted(by: { $0.id < $1.id }) {
                work.attempts[attempt.learner, default: [:]][attempt.module, default: []].append(attempt.outcome)
            }
            let unlocks = try Row.fetchCursor(db, sql: """
                SELECT u.learner_id, u.module_id FROM learners l CROSS JOIN module_unlocks u ON u.learner_id = l.id WHERE l.cohort_id = ?
                """, arguments: [cohortID])
            while let row = try unlocks.next() { work.unlocked[row[0], default: []].insert(row[1]) }
            return work
        }
    }
}
