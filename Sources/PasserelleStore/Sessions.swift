import Foundation
import GRDB
import PasserelleCore

extension Store {
    /// Records a session for a principal; only the hash of its token is kept.
    public func createSession(tokenHash: String, principal: Principal, expiresAt: Date) throws {
        let (userID, learnerID): (Int64?, Int64?) = switch principal {
        case .staff(let user): (user.id, nil)
        case .learner(let learner): (nil, learner.id)
        }
        try write {
            // Expired sessions are of no use: they go when a new one opens.
            try $0.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [Timestamp.string(Date())])
            try $0.execute(sql: """
                INSERT INTO sessions (token_hash, user_id, learner_id, expires_at) VALUES (?, ?, ?, ?)
                """, arguments: [tokenHash, userID, learnerID, Timestamp.string(expiresAt)])
        }
    }

    /// Who owns an unexpired session, or nil. Kept in memory for a few seconds (`SessionCache`).
    public func principal(sessionTokenHash: String, now: Date = Date()) throws -> Principal? {
        if let cached = sessionCache.principal(sessionTokenHash, now: now) { return cached }
        let generation = sessionCache.currentGeneration
        let found: (Principal, Date)? = try read { db in
            guard let session = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT user_id, learner_id, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?
                """), arguments: [sessionTokenHash, Timestamp.string(now)]) else { return nil }
            guard let expiresAt = Timestamp.date(session[2]) else { return nil }
            if let userID: Int64 = session[0] {
                return try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ? AND disabled_at IS NULL"),
                                        arguments: [userID]).map { (.staff(Store.staffUser($0)), expiresAt) }
            }
            let learnerID: Int64 = session[1]
            return try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM learners WHERE id = ? AND archived_at IS NULL"),
                                    arguments: [learnerID]).map { (.learner(Store.learner($0)), expiresAt) }
        }
        guard let (principal, expiresAt) = found else { return nil }
        sessionCache.remember(sessionTokenHash, principal, expiresAt: expiresAt, now: now, generation: generation)
        return principal
    }

    public func deleteSession(tokenHash: String) throws {
        try write { try $0.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [tokenHash]) }
    }

    /// Removes expired sessions; returns how many.
    @discardableResult
    public func deleteExpiredSessions(now: Date = Date()) throws -> Int {
        try write {
            try $0.execute(sql: "DELETE FROM sessions WHERE expires_at <= ?", arguments: [Timestamp.string(now)])
            return $0.changesCount
        }
    }
}

/// One line of the audit log. It names who acted and on what, never learner content.
public struct AuditEntry: Sendable, Equatable {
    public var action: String
    public var actorUserID: Int64?
    public var actorLearnerID: Int64?
    public var targetType: String?
    public var targetID: String?

    public init(action: String, actorUserID: Int64? = nil, actorLearnerID: Int64? = nil,
                targetType: String? = nil, targetID: String? = nil) {
        self.action = action
        self.actorUserID = actorUserID
        self.actorLearnerID = actorLearnerID
        self.targetType = targetType
        self.targetID = targetID
    }
}

extension Store {
    public func audit(_ entry: AuditEntry) throws {
        try write {
            try $0.execute(sql: """
                INSERT INTO audit_log (actor_user_id, actor_learner_id, action, target_type, target_id)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [entry.actorUserID, entry.actorLearnerID, entry.action, entry.targetType,
                                 entry.targetID])
        }
    }

    /// The most recent audit entries, newest first.
    public func recentAudit(limit: Int = 50) throws -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                AuditEntry(action: $0["action"], actorUserID: $0["actor_user_id"],
                           actorLearnerID: $0["actor_learner_id"], targetType: $0["target_type"],
                           targetID: $0["target_id"])
            }
        }
    }
}
