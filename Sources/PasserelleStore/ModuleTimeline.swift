import Foundation
import GRDB

extension Store {
    /// One dated piece of a cohort's module work: a lesson read, an activity answered, a module unlocked.
    public struct ModuleEvent: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case lessonRead(lessonID: String)
            case attempt(AttemptOutcome)
            case unlock
        }

        public var learnerID: Int64
        public var moduleID: String
        /// The store's UTC timestamp (`2026-12-07T09:15:00.000Z`): it sorts as text.
        public var at: String
        public var kind: Kind
    }

    /// The cohort's module work with its dates, oldest first (attempts in the order they were recorded):
    /// what `moduleWork(cohortID:)` gives, replayed in time, for the completion chart.
    public func moduleEvents(cohortID: Int64) throws -> [ModuleEvent] {
        try read { db in
            var events: [ModuleEvent] = []
            let lessons = try Row.fetchCursor(db, sql: """
                SELECT p.learner_id, p.module_id, p.lesson_id, p.completed_at FROM lesson_progress p
                JOIN learners l ON l.id = p.learner_id WHERE l.cohort_id = ? AND p.completed_at IS NOT NULL
                """, arguments: [cohortID])
            while let row = try lessons.next() {
                events.append(ModuleEvent(learnerID: row[0], moduleID: row[1], at: row[3], kind: .lessonRead(lessonID: row[2])))
            }
            let attempts = try Row.fetchCursor(db, sql: """
                SELECT a.learner_id, a.module_id, a.activity_set_id, a.activity_id, a.result, a.created_at
                FROM activity_attempts a JOIN learners l ON l.id = a.learner_id WHERE l.cohort_id = ? ORDER BY a.id
                """, arguments: [cohortID])
            while let row = try attempts.next() {
                events.append(ModuleEvent(learnerID: row[0], moduleID: row[1], at: row[5],
                                          kind: .attempt(AttemptOutcome(activitySetID: row[2], activityID: row[3], result: row[4]))))
            }
            let unlocks = try Row.fetchCursor(db, sql: """
                SELECT u.learner_id, u.module_id, u.created_at FROM module_unlocks u JOIN learners l ON l.id = u.learner_id
                WHERE l.cohort_id = ?
                """, arguments: [cohortID])
            while let row = try unlocks.next() {
                events.append(ModuleEvent(learnerID: row[0], moduleID: row[1], at: row[2], kind: .unlock))
            }
            // A stable sort: attempts recorded in the same millisecond keep their order.
            return events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        }
    }
}
