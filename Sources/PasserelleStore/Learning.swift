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
            let rows = try Row.fetchAll(db, sql: """
                SELECT lesson_id, completed_at FROM lesson_progress WHERE learner_id = ? AND module_id = ?
                ORDER BY updated_at DESC, rowid DESC
                """, arguments: [learnerID, moduleID])
            let read = Set(rows.filter { ($0["completed_at"] as String?) != nil }.map { $0["lesson_id"] as String })
            return (read, rows.first.map { $0["lesson_id"] })
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
                """, arguments: [learnerID, moduleID, activitySetID, activityID, answer, result, max(0, timeSpentMs)])
            let id = db.lastInsertedRowID
            try db.execute(sql: "DELETE FROM activity_drafts WHERE learner_id = ? AND module_id = ? AND activity_id = ?",
                           arguments: [learnerID, moduleID, activityID])
            return id
        }
    }

    /// A learner's attempts in a module, oldest first.
    public func attempts(learnerID: Int64, moduleID: String) throws -> [AttemptRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM activity_attempts WHERE learner_id = ? AND module_id = ? ORDER BY id
                """, arguments: [learnerID, moduleID]).map {
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
            Set(try String.fetchAll($0, sql: "SELECT module_id FROM module_unlocks WHERE learner_id = ?", arguments: [learnerID]))
        }
    }

    public func isDemo(organisationOf learner: Learner) throws -> Bool {
        try read {
            try Bool.fetchOne($0, sql: """
                SELECT o.is_demo FROM organisations o JOIN cohorts c ON c.organisation_id = o.id WHERE c.id = ?
                """, arguments: [learner.cohortID]) ?? false
        }
    }
}
