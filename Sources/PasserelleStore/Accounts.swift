import Foundation
import GRDB
import PasserelleCore

extension Store {
    // MARK: Organisations

    public func createOrganisation(name: String, isDemo: Bool = false) throws -> Organisation {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw StoreError.invalid("le nom de l'organisation est vide") }
        return try write {
            try $0.execute(sql: "INSERT INTO organisations (name, is_demo) VALUES (?, ?)", arguments: [trimmed, isDemo])
            return Organisation(id: $0.lastInsertedRowID, name: trimmed)
        }
    }

    /// The demo organisation, when `passerelle demo` has created one.
    public func demoOrganisation() throws -> Organisation? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT id, name FROM organisations WHERE is_demo = 1 ORDER BY id LIMIT 1")
                .map { Organisation(id: $0["id"], name: $0["name"]) }
        }
    }

    // MARK: Staff

    public func createUser(
        organisationID: Int64, username: String, displayName: String, role: Role, passwordHash: String
    ) throws -> StaffUser {
        guard role != .learner else { throw StoreError.invalid("un apprenant n'a pas de compte utilisateur") }
        let name = username.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw StoreError.invalid("le nom d'utilisateur est vide") }
        return try write("le nom d'utilisateur « \(name) »") {
            try $0.execute(
                sql: """
                    INSERT INTO users (organisation_id, username, display_name, role, password_hash)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [organisationID, name, displayName, role.rawValue, passwordHash])
            return StaffUser(id: $0.lastInsertedRowID, organisationID: organisationID, username: name,
                             displayName: displayName, role: role)
        }
    }

    /// An active staff account and its password hash, by user name (case-insensitive).
    public func staffCredentials(username: String) throws -> (user: StaffUser, passwordHash: String)? {
        try read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM users WHERE username = ? AND disabled_at IS NULL",
                arguments: [username.trimmingCharacters(in: .whitespacesAndNewlines)]) else { return nil }
            return (Store.staffUser(row), row["password_hash"])
        }
    }

    public func setPasswordHash(userID: Int64, hash: String) throws {
        // A new password ends every session opened with the old one.
        try write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
        }
    }

    /// Replaces a hash by one of the same secret made with today's cost (sessions stay open).
    public func upgradePasswordHash(userID: Int64, hash: String) throws {
        try write { db in try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userID]) }
    }

    /// Replaces an access code's hash by one of the same code made with today's cost (sessions stay open).
    public func upgradeAccessCodeHash(learnerID: Int64, hash: String) throws {
        try write { db in try db.execute(sql: "UPDATE learners SET access_code_hash = ? WHERE id = ?", arguments: [hash, learnerID]) }
    }

    static func staffUser(_ row: Row) -> StaffUser {
        StaffUser(id: row["id"], organisationID: row["organisation_id"], username: row["username"],
                  displayName: row["display_name"], role: Role(rawValue: row["role"]) ?? .trainer)
    }

    // MARK: Cohorts

    /// Creates a cohort owned by `ownerID` (a trainer) when given.
    public func createCohort(
        organisationID: Int64, name: String, year: Int? = nil, description: String = "", ownerID: Int64? = nil
    ) throws -> Cohort {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw StoreError.invalid("le nom de la cohorte est vide") }
        return try write("la cohorte « \(trimmed) »") { db in
            try db.execute(
                sql: "INSERT INTO cohorts (organisation_id, name, year, description) VALUES (?, ?, ?, ?)",
                arguments: [organisationID, trimmed, year, description])
            let cohort = Cohort(id: db.lastInsertedRowID, organisationID: organisationID, name: trimmed,
                                year: year, description: description)
            if let ownerID {
                try db.execute(sql: "INSERT INTO cohort_trainers (cohort_id, user_id) VALUES (?, ?)",
                               arguments: [cohort.id, ownerID])
            }
            return cohort
        }
    }

    /// The cohorts a member of staff may see: every cohort of the organisation for an administrator,
    /// the cohorts owned or shared for a trainer.
    public func cohorts(visibleTo user: StaffUser) throws -> [Cohort] {
        try read { db in
            let rows: [Row]
            if user.role == .admin {
                rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM cohorts WHERE organisation_id = ? AND archived_at IS NULL ORDER BY name
                    """, arguments: [user.organisationID])
            } else {
                rows = try Row.fetchAll(db, sql: """
                    SELECT c.* FROM cohorts c JOIN cohort_trainers t ON t.cohort_id = c.id
                    WHERE t.user_id = ? AND c.archived_at IS NULL ORDER BY c.name
                    """, arguments: [user.id])
            }
            return rows.map(Store.cohort)
        }
    }

    public func cohort(named name: String, organisationID: Int64) throws -> Cohort? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM cohorts WHERE organisation_id = ? AND name = ?",
                             arguments: [organisationID, name]).map(Store.cohort)
        }
    }

    static func cohort(_ row: Row) -> Cohort {
        Cohort(id: row["id"], organisationID: row["organisation_id"], name: row["name"], year: row["year"],
               description: row["description"])
    }

    // MARK: Learners

    /// Adds a learner. The access code is given as its public selector and the hash of its secret.
    public func createLearner(
        cohortID: Int64, firstName: String, lastName: String, externalID: String? = nil,
        attributes: [String: String] = [:], codeSelector: String?, codeHash: String?
    ) throws -> Learner {
        let first = firstName.trimmingCharacters(in: .whitespacesAndNewlines)
        let last = lastName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !(first + last).isEmpty else { throw StoreError.invalid("le nom de l'apprenant est vide") }
        let json = String(decoding: try JSONEncoder.sorted.encode(attributes), as: UTF8.self)
        return try write("ce code d'accès ou cet identifiant externe") { db in
            try db.execute(
                sql: """
                    INSERT INTO learners (cohort_id, first_name, last_name, external_id, attributes,
                                          access_code_selector, access_code_hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [cohortID, first, last, externalID, json, codeSelector, codeHash])
            return Learner(id: db.lastInsertedRowID, cohortID: cohortID, firstName: first, lastName: last,
                           externalID: externalID, attributes: attributes)
        }
    }

    /// The ids of `learners(cohortID:)`, in the same order: what a large export keeps in memory.
    public func learnerIDs(cohortID: Int64) throws -> [Int64] {
        try read { db in
            try Int64.fetchAll(db, sql: """
                SELECT id FROM learners WHERE cohort_id = ? AND archived_at IS NULL ORDER BY last_name, first_name, id
                """, arguments: [cohortID])
        }
    }

    /// The learners of `ids` (a few hundred at a time), in the order of `ids`; an unknown id is left out.
    public func learners(ids: [Int64]) throws -> [Learner] {
        guard !ids.isEmpty else { return [] }
        let found = try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM learners WHERE id IN (\(Array(repeating: "?", count: ids.count).joined(separator: ",")))",
                             arguments: StatementArguments(ids)).map(Store.learner)
        }
        let byID = Dictionary(found.map { ($0.id, $0) }) { first, _ in first }
        return ids.compactMap { byID[$0] }
    }

    /// Calls `body` with each learner of `learners(cohortID:)`, one at a time, none kept (a read transaction
    /// is open meanwhile: `body` must not write).
    public func forEachLearner(cohortID: Int64, _ body: (Learner) throws -> Void) throws {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT * FROM learners WHERE cohort_id = ? AND archived_at IS NULL ORDER BY last_name, first_name, id
                """, arguments: [cohortID])
            while let row = try rows.next() { try body(Store.learner(row)) }
        }
    }

    public func learners(cohortID: Int64) throws -> [Learner] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM learners WHERE cohort_id = ? AND archived_at IS NULL ORDER BY last_name, first_name, id
                """, arguments: [cohortID]).map(Store.learner)
        }
    }

    public func learnerCount(cohortID: Int64) throws -> Int {
        try read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM learners WHERE cohort_id = ? AND archived_at IS NULL",
                             arguments: [cohortID]) ?? 0
        }
    }

    /// The active learner whose access code has this selector, with the hash of the code's secret.
    public func learnerCredentials(selector: String) throws -> (learner: Learner, codeHash: String)? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT * FROM learners WHERE access_code_selector = ? AND archived_at IS NULL
                """, arguments: [selector]) else { return nil }
            return (Store.learner(row), row["access_code_hash"])
        }
    }

    /// Records whether a learner wants accessible items only (used by the assessments they start next).
    public func setAccessibleItems(learnerID: Int64, _ wanted: Bool) throws {
        try write("ce réglage") { db in
            try db.execute(sql: "UPDATE learners SET accessible_items = ? WHERE id = ?", arguments: [wanted, learnerID])
        }
    }

    /// Replaces a learner's access code (the old one stops working at once).
    public func setAccessCode(learnerID: Int64, selector: String, hash: String) throws {
        try write("ce code d'accès") { db in
            try db.execute(sql: """
                UPDATE learners SET access_code_selector = ?, access_code_hash = ? WHERE id = ?
                """, arguments: [selector, hash, learnerID])
            try db.execute(sql: "DELETE FROM sessions WHERE learner_id = ?", arguments: [learnerID])
        }
    }

    /// The learners of a cohort who have no access code yet (a code, once given, is only kept as a hash).
    public func learnerIDsWithoutCode(cohortID: Int64) throws -> Set<Int64> {
        try read { db in
            Set(try Int64.fetchAll(db, sql: """
                SELECT id FROM learners WHERE cohort_id = ? AND access_code_selector IS NULL
                """, arguments: [cohortID]))
        }
    }

    static func learner(_ row: Row) -> Learner {
        let json: String = row["attributes"]
        let attributes = (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
        return Learner(id: row["id"], cohortID: row["cohort_id"], firstName: row["first_name"],
                       lastName: row["last_name"], externalID: row["external_id"], attributes: attributes,
                       accessibleItems: row["accessible_items"] ?? false)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

extension Store {
    public struct NewLearner: Sendable {
        public var firstName: String
        public var lastName: String
        public var externalID: String?
        public var attributes: [String: String]
        public var codeSelector: String
        public var codeHash: String

        public init(firstName: String, lastName: String, externalID: String?, attributes: [String: String],
                    codeSelector: String, codeHash: String) {
            self.firstName = firstName
            self.lastName = lastName
            self.externalID = externalID
            self.attributes = attributes
            self.codeSelector = codeSelector
            self.codeHash = codeHash
        }
    }

    /// Adds learners in one transaction: all of them, or none.
    public func createLearners(cohortID: Int64, _ learners: [NewLearner]) throws -> [Learner] {
        try write("un code d'accès ou un identifiant externe") { db in
            try learners.map { new in
                let json = String(decoding: try JSONEncoder.sorted.encode(new.attributes), as: UTF8.self)
                try db.execute(sql: """
                    INSERT INTO learners (cohort_id, first_name, last_name, external_id, attributes,
                                          access_code_selector, access_code_hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [cohortID, new.firstName, new.lastName, new.externalID, json, new.codeSelector, new.codeHash])
                return Learner(id: db.lastInsertedRowID, cohortID: cohortID, firstName: new.firstName, lastName: new.lastName,
                               externalID: new.externalID, attributes: new.attributes)
            }
        }
    }
}

extension Store {
    /// Staff accounts of an organisation, by name.
    public func staff(organisationID: Int64) throws -> [StaffUser] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM users WHERE organisation_id = ? AND disabled_at IS NULL ORDER BY display_name, username
                """, arguments: [organisationID]).map(Store.staffUser)
        }
    }

    /// Every cohort of an organisation (for exports across cohorts).
    public func cohorts(organisationID: Int64) throws -> [Cohort] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM cohorts WHERE organisation_id = ? AND archived_at IS NULL ORDER BY name",
                             arguments: [organisationID]).map(Store.cohort)
        }
    }

    /// Shares a cohort with another trainer of the same organisation.
    public func shareCohort(_ cohortID: Int64, with userID: Int64) throws {
        try write {
            try $0.execute(sql: "INSERT OR IGNORE INTO cohort_trainers (cohort_id, user_id, access) VALUES (?, ?, 'shared')",
                           arguments: [cohortID, userID])
        }
    }
}

extension Store {
    public func learner(id: Int64) throws -> Learner? {
        try read { try Row.fetchOne($0, sql: "SELECT * FROM learners WHERE id = ?", arguments: [id]).map(Store.learner) }
    }
}
