import Foundation
import GRDB
import PasserelleCore

/// What the RGPD asks of the data about one learner: a complete copy they can take away, and erasure.
extension Store {
    /// Every table holding data about a learner, with the query that selects that learner's rows. Secrets
    /// (access code hash, session tokens) are left out: they say nothing about the person.
    static let learnerDataQueries: [(name: String, table: String, sql: String)] = [
        ("apprenant", "learners", """
            SELECT id, cohort_id, first_name, last_name, external_id, attributes, accessible_items, created_at, archived_at
            FROM learners WHERE id = :id
            """),
        ("affectations_individuelles", "assignments", "SELECT * FROM assignments WHERE learner_id = :id ORDER BY id"),
        ("lecons", "lesson_progress", "SELECT * FROM lesson_progress WHERE learner_id = :id ORDER BY module_id, lesson_id"),
        ("activites", "activity_attempts", "SELECT * FROM activity_attempts WHERE learner_id = :id ORDER BY id"),
        ("brouillons", "activity_drafts", "SELECT * FROM activity_drafts WHERE learner_id = :id ORDER BY module_id, activity_id"),
        ("commentaires_du_formateur", "attempt_reviews", """
            SELECT r.id, r.attempt_id, r.comment, r.created_at FROM attempt_reviews r
            JOIN activity_attempts a ON a.id = r.attempt_id WHERE a.learner_id = :id ORDER BY r.id
            """),
        ("modules_ouverts_par_le_formateur", "module_unlocks",
         "SELECT module_id, created_at FROM module_unlocks WHERE learner_id = :id ORDER BY module_id"),
        ("positionnements", "assessments", "SELECT * FROM assessments WHERE learner_id = :id ORDER BY id"),
        ("reponses_aux_positionnements", "assessment_answers", """
            SELECT aa.* FROM assessment_answers aa JOIN assessments a ON a.id = aa.assessment_id
            WHERE a.learner_id = :id ORDER BY aa.id
            """),
        ("acquis", "knowledge_elements", "SELECT * FROM knowledge_elements WHERE learner_id = :id ORDER BY id"),
        ("questionnaires", "questionnaire_responses", "SELECT * FROM questionnaire_responses WHERE learner_id = :id ORDER BY id"),
        ("bac_a_sable_essais", "sandbox_attempts", """
            SELECT id, module_id, activity_id, started_at, ended_at, result, account_identifier
            FROM sandbox_attempts WHERE learner_id = :id ORDER BY id
            """),
        ("bac_a_sable_etapes", "sandbox_events", """
            SELECT e.* FROM sandbox_events e JOIN sandbox_attempts a ON a.id = e.attempt_id
            WHERE a.learner_id = :id ORDER BY e.id
            """),
        // Workshops the learner opened as a mediator: when and which mission; never the person's steps.
        ("ateliers_ouverts", "workshops", """
            SELECT id, module_id, activity_id, opened_at, expires_at, joined_at FROM workshops WHERE opened_by_learner_id = :id ORDER BY id
            """),
        ("sessions", "sessions", "SELECT created_at, expires_at FROM sessions WHERE learner_id = :id ORDER BY id"),
        ("journal", "audit_log", """
            SELECT at, action, target_type, target_id FROM audit_log
            WHERE actor_learner_id = :id OR (target_type = 'learner' AND target_id = CAST(:id AS TEXT)) ORDER BY id
            """),
    ]

    /// Names of the tables that refer to a learner (by a foreign key to `learners`, or through one of
    /// them), so that a test can check the export and erasure miss none.
    public func tablesReferringToLearners() throws -> Set<String> {
        try read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'")
            var found: Set<String> = ["learners"]
            var changed = true
            while changed {
                changed = false
                for table in tables where !found.contains(table) {
                    let targets = try Row.fetchAll(db, sql: "SELECT \"table\" FROM pragma_foreign_key_list(?)", arguments: [table])
                        .map { $0["table"] as String }
                    if targets.contains(where: { found.contains($0) }) {
                        found.insert(table)
                        changed = true
                    }
                }
            }
            return found
        }
    }

    /// The tables the export covers.
    public static var exportedTables: Set<String> { Set(learnerDataQueries.map(\.table)) }

    /// Everything stored about a learner, as JSON-ready values (numbers, text, null), by section; nil
    /// when there is no such learner.
    public func learnerData(learnerID: Int64) throws -> [String: Any]? {
        try read { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM learners WHERE id = ?", arguments: [learnerID]) == 1 else { return nil }
            var result: [String: Any] = [:]
            for query in Store.learnerDataQueries {
                let rows = try Row.fetchAll(db, sql: query.sql, arguments: ["id": learnerID])
                result[query.name] = rows.map { row -> [String: Any] in
                    var object: [String: Any] = [:]
                    for (column, value) in row {
                        switch value.storage {
                        case .null: object[column] = NSNull()
                        case .int64(let number): object[column] = number
                        case .double(let number): object[column] = number.isFinite ? number : 0
                        case .string(let text): object[column] = text
                        case .blob(let data): object[column] = data.base64EncodedString()
                        }
                    }
                    return object
                }
            }
            return result
        }
    }

    /// Erases a learner everywhere: their record and, by the schema's cascades, their progress, attempts,
    /// drafts, reviews of their work, runs, answers, knowledge elements, questionnaire answers and
    /// sessions. Audit entries they made lose their author. Writes an audit entry (ids only). Returns
    /// false when there was no such learner.
    @discardableResult
    public func eraseLearner(learnerID: Int64, by actorUserID: Int64?) throws -> Bool {
        try write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM learners WHERE id = ?", arguments: [learnerID]) == 1 else { return false }
            try db.execute(sql: "DELETE FROM learners WHERE id = ?", arguments: [learnerID])
            try db.execute(sql: """
                INSERT INTO audit_log (actor_user_id, action, target_type, target_id) VALUES (?, 'learner-erased', 'learner', ?)
                """, arguments: [actorUserID, String(learnerID)])
            return true
        }
    }

    /// Learners with no activity (sign-in, lesson, attempt, answer) since `cutoff`, oldest first: who a
    /// retention policy would erase.
    public func inactiveLearners(since cutoff: Date) throws -> [Learner] {
        let limit = Timestamp.string(cutoff)
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT l.* FROM learners l
                WHERE l.created_at < :cutoff
                  AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.learner_id = l.id AND s.created_at >= :cutoff)
                  AND NOT EXISTS (SELECT 1 FROM lesson_progress p WHERE p.learner_id = l.id AND p.updated_at >= :cutoff)
                  AND NOT EXISTS (SELECT 1 FROM activity_attempts a WHERE a.learner_id = l.id AND a.created_at >= :cutoff)
                  AND NOT EXISTS (SELECT 1 FROM assessments a WHERE a.learner_id = l.id
                                  AND (a.started_at >= :cutoff OR a.completed_at >= :cutoff))
                  AND NOT EXISTS (SELECT 1 FROM audit_log g WHERE g.actor_learner_id = l.id AND g.at >= :cutoff)
                ORDER BY l.created_at, l.id
                """, arguments: ["cutoff": limit]).map(Store.learner)
        }
    }
}

/// Backups: SQLite's online backup, consistent while the server writes.
extension Store {
    /// Copies the whole database to a new file at `destination` (which must not exist), readable by
    /// its owner only. Safe while the server runs: the copy is one consistent state.
    public func backup(to destination: String) throws {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError.invalid("le fichier « \(destination) » existe déjà : choisissez un autre nom")
        }
        guard FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError.cannotOpen(path: destination, reason: "le fichier ne peut pas être créé")
        }
        do {
            let copy = try DatabaseQueue(path: destination)
            try pool.backup(to: copy)
            try copy.close()
        } catch let error as DatabaseError {
            try? FileManager.default.removeItem(atPath: destination)
            throw StoreError.cannotOpen(path: destination, reason: Store.describe(error))
        }
    }

    /// Replaces this database's content with a backup made by `backup(to:)`, after checking that the
    /// backup is a sound Passerelle database; then brings its schema up to date.
    public func restore(from source: String) throws {
        guard FileManager.default.fileExists(atPath: source) else {
            throw StoreError.notFound("la sauvegarde « \(source) »")
        }
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let backup = try DatabaseQueue(path: source, configuration: configuration)
            let sound = try backup.read { db -> Bool in
                try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok"
                    && (try db.tableExists("learners")) && (try db.tableExists("grdb_migrations"))
            }
            guard sound else { throw StoreError.invalid("« \(source) » n'est pas une sauvegarde Passerelle intacte : rien n'a été remplacé") }
            try backup.backup(to: pool)
            try backup.close()
            try Migrations.migrator().migrate(pool)
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: source, reason: Store.describe(error))
        }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "?" }
    }
}
