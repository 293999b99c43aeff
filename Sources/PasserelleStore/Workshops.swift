import Foundation
import GRDB
import PasserelleCore

/// Workshops (« ateliers »): a mediator (a trainer, or a learner training as a mediator) opens a mission
/// for a person they help. That person has no account: they join once with a one-time code, play the
/// mission in a sandbox attempt that belongs to the workshop, and everything they did goes when the
/// workshop is ended or has expired (one `DELETE`: the attempt and its events follow by cascade).
///
/// Only hashes are kept: the code's secret (argon2id, removed once used) and the person's session token
/// (SHA-256). Nothing names the person.
extension Store {
    public struct Workshop: Sendable, Equatable {
        public var id: Int64
        public var openedByUserID: Int64?
        public var openedByLearnerID: Int64?
        public var moduleID: String
        public var activityID: String
        /// The public part of the code (finds the workshop when the person types it).
        public var codeSelector: String
        public var openedAt: String
        public var expiresAt: String
        /// When the person joined (the code is then used up).
        public var joinedAt: String?
        /// The workshop's sandbox attempt.
        public var attemptID: Int64

        public var joined: Bool { joinedAt != nil }
    }

    /// Who opens or follows a workshop.
    public enum Mediator: Sendable, Equatable {
        case user(Int64)
        case learner(Int64)
    }

    /// The migration `v-workshop-1`: the workshops table, and `sandbox_attempts` rebuilt so that an
    /// attempt belongs either to a learner or to a workshop (SQLite cannot drop a NOT NULL in place:
    /// new table, copy, drop, rename, as its documentation prescribes; rows and ids are kept).
    static func createWorkshopTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE workshops (
                id INTEGER PRIMARY KEY,
                opened_by_user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
                opened_by_learner_id INTEGER REFERENCES learners(id) ON DELETE CASCADE,
                module_id TEXT NOT NULL,
                activity_id TEXT NOT NULL,
                code_selector TEXT NOT NULL UNIQUE CHECK (length(code_selector) = 4),
                -- argon2id of the code's secret; NULL once the code has been used.
                code_hash TEXT,
                opened_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                expires_at TEXT NOT NULL,
                joined_at TEXT,
                -- SHA-256 of the person's session token, once they joined.
                guest_token_hash TEXT UNIQUE,
                CHECK ((opened_by_user_id IS NULL) <> (opened_by_learner_id IS NULL))
            ) STRICT;
            CREATE INDEX workshops_expiry ON workshops(expires_at);
            CREATE INDEX workshops_user ON workshops(opened_by_user_id);
            CREATE INDEX workshops_learner ON workshops(opened_by_learner_id);

            CREATE TABLE sandbox_attempts_new (
                id INTEGER PRIMARY KEY,
                learner_id INTEGER REFERENCES learners(id) ON DELETE CASCADE,
                workshop_id INTEGER UNIQUE REFERENCES workshops(id) ON DELETE CASCADE,
                module_id TEXT NOT NULL,
                activity_id TEXT NOT NULL,
                started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                ended_at TEXT,
                result TEXT CHECK (result IS NULL OR result IN ('success', 'failure')),
                mail_code TEXT NOT NULL CHECK (length(mail_code) BETWEEN 4 AND 12),
                account_identifier TEXT CHECK (account_identifier IS NULL OR length(account_identifier) <= 200),
                password_hash TEXT,
                CHECK ((learner_id IS NULL) <> (workshop_id IS NULL))
            ) STRICT;
            INSERT INTO sandbox_attempts_new (id, learner_id, module_id, activity_id, started_at, ended_at, result, mail_code,
                                              account_identifier, password_hash)
                SELECT id, learner_id, module_id, activity_id, started_at, ended_at, result, mail_code, account_identifier, password_hash
                FROM sandbox_attempts;
            DROP TABLE sandbox_attempts;
            ALTER TABLE sandbox_attempts_new RENAME TO sandbox_attempts;
            CREATE INDEX sandbox_attempts_learner ON sandbox_attempts(learner_id, module_id, activity_id);
            """)
    }

    public enum WorkshopFailure: Error, Equatable {
        /// No free code could be drawn (every try collided with an existing one).
        case noFreeCode
    }

    /// Opens a workshop and its sandbox attempt. `newCode` gives a (selector, secret hash) pair; it is
    /// asked again when the selector is already taken.
    public func openWorkshop(by mediator: Mediator, moduleID: String, activityID: String, mailCode: String, lifetime: TimeInterval,
                             now: Date = Date(), newCode: () throws -> (selector: String, hash: String)) throws -> Workshop {
        let (userID, learnerID): (Int64?, Int64?) = switch mediator {
        case .user(let id): (id, nil)
        case .learner(let id): (nil, id)
        }
        for _ in 0..<8 {
            let code = try newCode()
            let id: Int64? = try write { db in
                guard try Int.fetchOne(db, sql: "SELECT 1 FROM workshops WHERE code_selector = ?", arguments: [code.selector]) == nil else {
                    return nil
                }
                try db.execute(sql: """
                    INSERT INTO workshops (opened_by_user_id, opened_by_learner_id, module_id, activity_id, code_selector, code_hash,
                                           opened_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [userID, learnerID, moduleID, activityID, code.selector, code.hash,
                                     Timestamp.string(now), Timestamp.string(now.addingTimeInterval(lifetime))])
                let workshop = db.lastInsertedRowID
                try db.execute(sql: """
                    INSERT INTO sandbox_attempts (workshop_id, module_id, activity_id, mail_code) VALUES (?, ?, ?, ?)
                    """, arguments: [workshop, moduleID, activityID, mailCode])
                let attempt = db.lastInsertedRowID
                try db.execute(sql: """
                    INSERT INTO sandbox_events (attempt_id, service, step, action, outcome, data) VALUES (?, ?, 'accueil', ?, 'ok', '{}')
                    """, arguments: [attempt, SandboxService.bacASable.rawValue, SandboxAction.missionOpened.rawValue])
                return workshop
            }
            if let id, let workshop = try workshop(id: id, now: now) { return workshop }
        }
        throw WorkshopFailure.noFreeCode
    }

    private static let workshopColumns = """
        w.id, w.opened_by_user_id, w.opened_by_learner_id, w.module_id, w.activity_id, w.code_selector, w.opened_at, w.expires_at,
        w.joined_at, a.id AS attempt_id
        FROM workshops w JOIN sandbox_attempts a ON a.workshop_id = w.id
        """

    private static func workshop(_ row: Row) -> Workshop {
        Workshop(id: row["id"], openedByUserID: row["opened_by_user_id"], openedByLearnerID: row["opened_by_learner_id"],
                 moduleID: row["module_id"], activityID: row["activity_id"], codeSelector: row["code_selector"],
                 openedAt: row["opened_at"], expiresAt: row["expires_at"], joinedAt: row["joined_at"], attemptID: row["attempt_id"])
    }

    /// An unexpired workshop.
    public func workshop(id: Int64, now: Date = Date()) throws -> Workshop? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Store.workshopColumns) WHERE w.id = ? AND w.expires_at > ?",
                             arguments: [id, Timestamp.string(now)]).map(Store.workshop)
        }
    }

    /// The unexpired workshops a mediator opened, newest first.
    public func workshops(openedBy mediator: Mediator, now: Date = Date()) throws -> [Workshop] {
        let (column, id): (String, Int64) = switch mediator {
        case .user(let id): ("opened_by_user_id", id)
        case .learner(let id): ("opened_by_learner_id", id)
        }
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT \(Store.workshopColumns) WHERE w.\(column) = ? AND w.expires_at > ? ORDER BY w.id DESC",
                             arguments: [id, Timestamp.string(now)]).map(Store.workshop)
        }
    }

    /// The workshop whose unused, unexpired code has this selector, with the hash of its secret.
    public func workshopToJoin(selector: String, now: Date = Date()) throws -> (workshop: Workshop, codeHash: String)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT w.code_hash, \(Store.workshopColumns) WHERE w.code_selector = ? AND w.code_hash IS NOT NULL AND w.expires_at > ?
                """, arguments: [selector, Timestamp.string(now)]) else { return nil }
            return (Store.workshop(row), row["code_hash"])
        }
    }

    /// Uses the workshop's code up and records the person's session: true only for the first caller, while
    /// the code is unused and the workshop unexpired.
    public func joinWorkshop(id: Int64, guestTokenHash: String, now: Date = Date()) throws -> Bool {
        try write { db in
            try db.execute(sql: """
                UPDATE workshops SET code_hash = NULL, joined_at = ?, guest_token_hash = ?
                WHERE id = ? AND code_hash IS NOT NULL AND joined_at IS NULL AND expires_at > ?
                """, arguments: [Timestamp.string(now), guestTokenHash, id, Timestamp.string(now)])
            return db.changesCount == 1
        }
    }

    /// The unexpired workshop of the person holding this session token hash.
    public func workshop(guestTokenHash: String, now: Date = Date()) throws -> Workshop? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Store.workshopColumns) WHERE w.guest_token_hash = ? AND w.expires_at > ?"),
                             arguments: [guestTokenHash, Timestamp.string(now)]).map(Store.workshop)
        }
    }

    /// Ends a workshop: the workshop, its attempt, every event and the person's session go, in one
    /// statement (cascade). Returns false when there was nothing to end.
    @discardableResult
    public func endWorkshop(id: Int64) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM workshops WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }

    /// Erases every workshop past its expiry (at start-up and whenever workshops are used); returns how many.
    @discardableResult
    public func eraseExpiredWorkshops(now: Date = Date()) throws -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM workshops WHERE expires_at <= ?", arguments: [Timestamp.string(now)])
            return db.changesCount
        }
    }
}
