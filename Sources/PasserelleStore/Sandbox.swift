import Foundation
import GRDB
import PasserelleCore

/// The practice sandbox: one row per mission attempt, and the attempt's event log. What the sandbox
/// shows and what the mission checks are worked out from the log (`SandboxState`, `Mission.problems`).
/// No password is ever stored in clear: an account created in the sandbox keeps an argon2id hash.
extension Store {
    /// At most this many events in one attempt: a runaway script cannot fill the disk.
    public static let maximumSandboxEvents = 2_000

    public struct SandboxAttempt: Sendable, Equatable {
        public var id: Int64
        /// The learner playing, or nil for a workshop's attempt (`workshopID`).
        public var learnerID: Int64?
        /// The workshop whose person plays this attempt (no account, erased with the workshop).
        public var workshopID: Int64?
        public var moduleID: String
        public var activityID: String
        public var startedAt: String
        public var endedAt: String?
        /// success or failure once ended.
        public var result: String?
        /// The confirmation code the simulated mailbox shows.
        public var mailCode: String
        public var accountIdentifier: String?
        public var passwordHash: String?

        public var isOpen: Bool { endedAt == nil }
    }

    static func createSandboxTables(_ db: Database) throws {
        try db.execute(sql: """
            -- One attempt of a mission in the practice sandbox (its own, resettable world).
            CREATE TABLE sandbox_attempts (
                id INTEGER PRIMARY KEY,
                learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
                module_id TEXT NOT NULL,
                activity_id TEXT NOT NULL,
                started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                ended_at TEXT,
                result TEXT CHECK (result IS NULL OR result IN ('success', 'failure')),
                mail_code TEXT NOT NULL CHECK (length(mail_code) BETWEEN 4 AND 12),
                account_identifier TEXT CHECK (account_identifier IS NULL OR length(account_identifier) <= 200),
                -- argon2id of the password chosen for the sandbox account; never the password itself.
                password_hash TEXT
            ) STRICT;
            CREATE INDEX sandbox_attempts_learner ON sandbox_attempts(learner_id, module_id, activity_id);

            -- Every step of an attempt: the service, the page, what was done, how it went, short facts.
            CREATE TABLE sandbox_events (
                id INTEGER PRIMARY KEY,
                attempt_id INTEGER NOT NULL REFERENCES sandbox_attempts(id) ON DELETE CASCADE,
                at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                service TEXT NOT NULL,
                step TEXT NOT NULL CHECK (length(step) <= 100),
                action TEXT NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'risk')),
                data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data) AND length(data) <= 4000)
            ) STRICT;
            CREATE INDEX sandbox_events_attempt ON sandbox_events(attempt_id, id);
            """)
    }

    /// Opens a new attempt (a fresh sandbox) and logs « mission ouverte ».
    public func startSandboxAttempt(learnerID: Int64, moduleID: String, activityID: String, mailCode: String) throws -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO sandbox_attempts (learner_id, module_id, activity_id, mail_code) VALUES (?, ?, ?, ?)
                """, arguments: [learnerID, moduleID, activityID, mailCode])
            let id = db.lastInsertedRowID
            try Store.insert(SandboxEvent(service: .bacASable, step: "accueil", action: .missionOpened), attemptID: id, db)
            return id
        }
    }

    public func sandboxAttempt(id: Int64) throws -> SandboxAttempt? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM sandbox_attempts WHERE id = ?", arguments: [id]).map(Store.sandboxAttempt) }
    }

    /// A learner's attempts, newest first (optionally of one mission).
    public func sandboxAttempts(learnerID: Int64, activityID: String? = nil) throws -> [SandboxAttempt] {
        try read { db in
            if let activityID {
                return try Row.fetchAll(db, sql: "SELECT * FROM sandbox_attempts WHERE learner_id = ? AND activity_id = ? ORDER BY id DESC",
                                        arguments: [learnerID, activityID]).map(Store.sandboxAttempt)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM sandbox_attempts WHERE learner_id = ? ORDER BY id DESC",
                                    arguments: [learnerID]).map(Store.sandboxAttempt)
        }
    }

    /// The ended attempts of a cohort's learners, oldest first, in one query (the cohort's sandbox page).
    public func endedSandboxAttempts(cohortID: Int64) throws -> [SandboxAttempt] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.* FROM sandbox_attempts a JOIN learners l ON l.id = a.learner_id
                WHERE l.cohort_id = ? AND a.ended_at IS NOT NULL ORDER BY a.id
                """, arguments: [cohortID]).map(Store.sandboxAttempt)
        }
    }

    /// The attempt's events, oldest first.
    public func sandboxEvents(attemptID: Int64) throws -> [SandboxEvent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sandbox_events WHERE attempt_id = ? ORDER BY id", arguments: [attemptID]).compactMap { row in
                guard let service = SandboxService(rawValue: row["service"]), let action = SandboxAction(rawValue: row["action"]),
                      let outcome = SandboxOutcome(rawValue: row["outcome"]) else { return nil }
                let data = (try? JSONDecoder().decode([String: String].self, from: Data((row["data"] as String).utf8))) ?? [:]
                return SandboxEvent(at: row["at"], service: service, step: row["step"], action: action, outcome: outcome, data: data)
            }
        }
    }

    public enum SandboxFailure: Error, Equatable {
        /// The attempt is over (or unknown): nothing more is recorded.
        case closed
        /// The attempt has too many events.
        case full
    }

    /// Logs one step of an open attempt; with `account`, also keeps the sandbox account's identifier and
    /// password hash (in the same transaction).
    public func recordSandboxEvent(attemptID: Int64, _ event: SandboxEvent, account: (identifier: String, passwordHash: String)? = nil) throws {
        try write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM sandbox_attempts WHERE id = ? AND ended_at IS NULL", arguments: [attemptID]) == 1 else {
                throw SandboxFailure.closed
            }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM sandbox_events WHERE attempt_id = ?", arguments: [attemptID]) ?? 0
            guard count < Store.maximumSandboxEvents else { throw SandboxFailure.full }
            if let account {
                try db.execute(sql: "UPDATE sandbox_attempts SET account_identifier = ?, password_hash = ? WHERE id = ?",
                               arguments: [String(account.identifier.prefix(200)), account.passwordHash, attemptID])
            }
            try Store.insert(event, attemptID: attemptID, db)
        }
    }

    /// Ends an open attempt with its result, logs « mission terminée » and records the module attempt that
    /// counts towards mastery, all in one transaction. Returns false when it was already ended.
    public func endSandboxAttempt(_ attempt: SandboxAttempt, success: Bool, activitySetID: String, answer: String) throws -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE sandbox_attempts SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), result = ?
                WHERE id = ? AND ended_at IS NULL
                """, arguments: [success ? "success" : "failure", attempt.id])
            guard db.changesCount == 1 else { return false }
            try Store.insert(SandboxEvent(service: .bacASable, step: "bilan", action: .missionEnded, outcome: success ? .ok : .refused),
                             attemptID: attempt.id, db)
            // A workshop's person has no account: nothing counts towards anyone's mastery.
            guard let learnerID = attempt.learnerID else { return true }
            try db.execute(sql: """
                INSERT INTO activity_attempts (learner_id, module_id, activity_set_id, activity_id, answer, result, time_spent_ms)
                VALUES (?, ?, ?, ?, ?, ?, 0)
                """, arguments: [learnerID, attempt.moduleID, activitySetID, attempt.activityID, answer,
                                 success ? "correct" : "incorrect"])
            return true
        }
    }

    private static func insert(_ event: SandboxEvent, attemptID: Int64, _ db: Database) throws {
        let data = (try? JSONEncoder().encode(event.data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        try db.execute(sql: """
            INSERT INTO sandbox_events (attempt_id, service, step, action, outcome, data) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [attemptID, event.service.rawValue, String(event.step.prefix(100)), event.action.rawValue,
                             event.outcome.rawValue, data.count <= 4000 ? data : "{}"])
    }

    private static func sandboxAttempt(_ row: Row) -> SandboxAttempt {
        SandboxAttempt(id: row["id"], learnerID: row["learner_id"], workshopID: row["workshop_id"], moduleID: row["module_id"], activityID: row["activity_id"],
                       startedAt: row["started_at"], endedAt: row["ended_at"], result: row["result"], mailCode: row["mail_code"],
                       accountIdentifier: row["account_identifier"], passwordHash: row["password_hash"])
    }
}
