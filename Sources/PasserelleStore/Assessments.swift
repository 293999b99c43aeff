import Foundation
import GRDB
import PasserelleCore

/// A trainer's assignment of a module, an assessment or a questionnaire.
public struct AssignmentRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case module, assessment, questionnaire }

    public var id: Int64
    public var cohortID: Int64?
    public var learnerID: Int64?
    public var kind: Kind
    public var contentID: String
    /// JSON settings (for an assessment: `AssessmentSettings` plus its purpose).
    public var settings: String
    public var dueDate: String?
    public var createdAt: String
    /// Only the cohort's learners of this group (attribute `groupe`), when set.
    public var group: String?
}

extension AssignmentRecord {
    /// Whether this assignment is meant for the learner: their cohort's (for everyone, or for their group)
    /// or their own. The rule of `Store.assignments(for:)`, for assignments already loaded.
    public func concerns(_ learner: Learner) -> Bool {
        (cohortID == learner.cohortID && (group == nil || group == learner.attributes[Store.groupAttribute]))
            || learnerID == learner.id
    }
}

/// One learner's run of an assessment.
public struct AssessmentRecord: Sendable, Equatable {
    public enum State: String, Sendable { case started, completed, abandoned }
    public enum Purpose: String, Sendable, CaseIterable { case initial, final, free }

    public var id: Int64
    public var learnerID: Int64
    public var assignmentID: Int64?
    public var frameworkID: String
    public var algorithm: String
    public var settings: String
    public var purpose: Purpose
    public var seed: Int64
    public var state: State
    public var currentItemID: String?
    public var startedAt: String
    public var completedAt: String?
    public var sharedAt: String?
    public var sharedResult: String?
    /// The shared result's `SharedLevels` line (nil before migration v7 filled it, or if it could not be made).
    public var sharedLevels: String? = nil
}

/// A stored answer.
public struct AnswerRecord: Sendable, Equatable {
    public var itemID: String
    public var skillID: String
    public var answer: String
    public var correct: Bool
}

public enum AssessmentConflict: Error, Equatable {
    /// The item answered is not the one being shown (a duplicate, late or forged answer).
    case notCurrentItem
    /// The assessment is over.
    case finished
}

extension Store {
    // MARK: Assignments

    @discardableResult
    /// Assigns work to a cohort (optionally only its learners whose `groupe` attribute is `group`) or to one learner.
    public func createAssignment(
        cohortID: Int64?, learnerID: Int64? = nil, group: String? = nil, kind: AssignmentRecord.Kind, contentID: String,
        settings: String = "{}", dueDate: String? = nil, createdBy: Int64? = nil
    ) throws -> Int64 {
        try write {
            try $0.execute(sql: """
                INSERT INTO assignments (cohort_id, learner_id, group_name, kind, content_id, settings, due_date, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [cohortID, learnerID, group, kind.rawValue, contentID, settings, dueDate, createdBy])
            return $0.lastInsertedRowID
        }
    }

    /// The attribute that names a learner's group within a cohort.
    public static let groupAttribute = "groupe"

    /// Assignments that concern a learner: their cohort's and their own, oldest first.
    public func assignments(for learner: Learner, kind: AssignmentRecord.Kind? = nil) throws -> [AssignmentRecord] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM assignments
                WHERE ((cohort_id = ? AND (group_name IS NULL OR group_name = ?)) OR learner_id = ?)
                  AND (? IS NULL OR kind = ?)
                ORDER BY id
                """), arguments: [learner.cohortID, learner.attributes[Store.groupAttribute], learner.id, kind?.rawValue,
                                 kind?.rawValue]).map(Store.assignment)
        }
    }

    /// The assignment when it is meant for this learner (their cohort, with no group or their group,
    /// or the learner alone); nil otherwise, so that another group's work is out of reach by id.
    public func assignment(id: Int64, for learner: Learner) throws -> AssignmentRecord? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT * FROM assignments
                WHERE id = ? AND ((cohort_id = ? AND (group_name IS NULL OR group_name = ?)) OR learner_id = ?)
                """), arguments: [id, learner.cohortID, learner.attributes[Store.groupAttribute], learner.id]).map(Store.assignment)
        }
    }

    /// Every assignment that concerns some learner of a cohort (the cohort's, its groups', its learners' own),
    /// oldest first; `AssignmentRecord.concerns` picks a learner's among them as `assignments(for:)` does.
    public func assignments(forLearnersOf cohortID: Int64, kind: AssignmentRecord.Kind? = nil) throws -> [AssignmentRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM assignments
                WHERE (cohort_id = ? OR learner_id IN (SELECT id FROM learners WHERE cohort_id = ?))
                  AND (? IS NULL OR kind = ?)
                ORDER BY id
                """, arguments: [cohortID, cohortID, kind?.rawValue, kind?.rawValue]).map(Store.assignment)
        }
    }

    public func assignments(cohortID: Int64, kind: AssignmentRecord.Kind? = nil) throws -> [AssignmentRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM assignments WHERE cohort_id = ? AND (? IS NULL OR kind = ?) ORDER BY id
                """, arguments: [cohortID, kind?.rawValue, kind?.rawValue]).map(Store.assignment)
        }
    }

    public func assignment(id: Int64) throws -> AssignmentRecord? {
        try read { try Row.fetchOne($0, sql: "SELECT * FROM assignments WHERE id = ?", arguments: [id]).map(Store.assignment) }
    }

    static func assignment(_ row: Row) -> AssignmentRecord {
        AssignmentRecord(id: row["id"], cohortID: row["cohort_id"], learnerID: row["learner_id"],
                         kind: AssignmentRecord.Kind(rawValue: row["kind"]) ?? .module, contentID: row["content_id"],
                         settings: row["settings"], dueDate: row["due_date"], createdAt: row["created_at"],
                         group: row["group_name"])
    }

    // MARK: Assessments

    /// Starts a learner's run, showing `firstItemID` first.
    public func createAssessment(
        learnerID: Int64, assignmentID: Int64?, frameworkID: String, algorithm: String, settings: String,
        purpose: AssessmentRecord.Purpose, seed: Int64, firstItemID: String?
    ) throws -> AssessmentRecord {
        try write { db in
            try db.execute(sql: """
                INSERT INTO assessments (learner_id, assignment_id, framework_id, algorithm, settings, purpose, seed,
                                         current_item_id, state, completed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? IS NULL THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') END)
                """, arguments: [learnerID, assignmentID, frameworkID, algorithm, settings, purpose.rawValue, seed,
                                 firstItemID, firstItemID == nil ? "completed" : "started", firstItemID])
            return try Row.fetchOne(db, sql: "SELECT * FROM assessments WHERE id = ?",
                                    arguments: [db.lastInsertedRowID]).map(Store.assessment)!
        }
    }

    public func assessment(id: Int64) throws -> AssessmentRecord? {
        try read { try Row.fetchOne($0.cachedStatement(sql: "SELECT * FROM assessments WHERE id = ?"), arguments: [id]).map(Store.assessment) }
    }

    /// A learner's runs, newest first.
    public func assessments(learnerID: Int64) throws -> [AssessmentRecord] {
        try read {
            try Row.fetchAll($0, sql: "SELECT * FROM assessments WHERE learner_id = ? ORDER BY id DESC",
                             arguments: [learnerID]).map(Store.assessment)
        }
    }

    /// The runs of the given learners (a few hundred at a time), by learner, each learner's newest first (as
    /// `assessments(learnerID:)`): one query for a slice of an export instead of one per learner.
    public func assessments(learnerIDs: [Int64]) throws -> [Int64: [AssessmentRecord]] {
        guard !learnerIDs.isEmpty else { return [:] }
        return try read { db in
            var result: [Int64: [AssessmentRecord]] = [:]
            let placeholders = Array(repeating: "?", count: learnerIDs.count).joined(separator: ",")
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM assessments WHERE learner_id IN (\(placeholders))",
                                           arguments: StatementArguments(learnerIDs))
            while let row = try rows.next() {
                let record = Store.assessment(row)
                result[record.learnerID, default: []].append(record)
            }
            for (learner, runs) in result where runs.count > 1 { result[learner] = runs.sorted { $0.id > $1.id } }
            return result
        }
    }

    /// The runs of every learner of a cohort, by learner, each learner's newest first (as `assessments(learnerID:)`).
    public func assessments(cohortID: Int64) throws -> [Int64: [AssessmentRecord]] {
        try read { db in
            var result: [Int64: [AssessmentRecord]] = [:]
            // From the cohort's learners (the cost follows the cohort, not the installation), sorted here: an
            // ORDER BY made SQLite sort the runs' wide rows.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT a.* FROM learners l CROSS JOIN assessments a ON a.learner_id = l.id WHERE l.cohort_id = ?
                """, arguments: [cohortID])
            while let row = try rows.next() {
                let record = Store.assessment(row)
                result[record.learnerID, default: []].append(record)
            }
            for (learner, runs) in result where runs.count > 1 { result[learner] = runs.sorted { $0.id > $1.id } }
            return result
        }
    }

    /// Every run of an assignment (one per learner who started it).
    public func assessments(assignmentID: Int64) throws -> [AssessmentRecord] {
        try read {
            try Row.fetchAll($0, sql: "SELECT * FROM assessments WHERE assignment_id = ? ORDER BY id",
                             arguments: [assignmentID]).map(Store.assessment)
        }
    }

    // The history of a run is read at every answer and every question shown: cached statements, and columns
    // read by position (reading them by name lowercased the name for every value).
    public func answers(assessmentID: Int64) throws -> [AnswerRecord] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT item_id, skill_id, answer, result FROM assessment_answers WHERE assessment_id = ? ORDER BY id
                """), arguments: [assessmentID]).map {
                AnswerRecord(itemID: $0[0], skillID: $0[1], answer: $0[2], correct: ($0[3] as String) == "ok")
            }
        }
    }

    /// A run's answers without their text, oldest first: what the engine needs at every answer and question.
    public func answeredItems(assessmentID: Int64) throws -> [AnsweredItem] {
        try read { try answeredItems($0, assessmentID) }
    }

    func answeredItems(_ db: Database, _ assessmentID: Int64) throws -> [AnsweredItem] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT item_id, skill_id, result FROM assessment_answers WHERE assessment_id = ? ORDER BY id
            """), arguments: [assessmentID]).map {
            AnsweredItem(itemID: $0[0], skillID: $0[1], correct: ($0[2] as String) == "ok")
        }
    }

    /// A learner's answers in a framework from their runs other than `runID`, given before `before` (a timestamp
    /// as stored; nil: now) and no more than `days` days before it, oldest first: what a run that carries knowledge
    /// over starts from. Skipped questions count as wrong, as in the run they come from.
    public func earlierAnswers(learnerID: Int64, frameworkID: String, excluding runID: Int64?, before: String?,
                               days: Int) throws -> [AnsweredItem] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT aa.item_id, aa.skill_id, aa.result FROM assessment_answers aa
                JOIN assessments a ON a.id = aa.assessment_id
                WHERE a.learner_id = ? AND a.framework_id = ? AND a.id IS NOT ?
                  AND aa.created_at < COALESCE(?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                  AND aa.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', COALESCE(?, 'now'), ?)
                ORDER BY aa.id
                """), arguments: [learnerID, frameworkID, runID, before, before, "-\(max(0, days)) days"]).map {
                AnsweredItem(itemID: $0[0], skillID: $0[1], correct: ($0[2] as String) == "ok")
            }
        }
    }

    /// How many runs of a framework with this algorithm there are, and in how many of them each item was answered:
    /// the exposure rates of the IRT mode's exposure control.
    public func itemExposure(frameworkID: String, algorithm: String) throws -> (runs: Int, shown: [String: Int]) {
        try read { db in
            let runs = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assessments WHERE framework_id = ? AND algorithm = ?",
                                        arguments: [frameworkID, algorithm]) ?? 0
            var shown: [String: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT aa.item_id, COUNT(DISTINCT aa.assessment_id) FROM assessment_answers aa
                JOIN assessments a ON a.id = aa.assessment_id
                WHERE a.framework_id = ? AND a.algorithm = ?
                GROUP BY aa.item_id
                """, arguments: [frameworkID, algorithm])
            while let row = try rows.next() { shown[row[0]] = row[1] }
            return (runs, shown)
        }
    }

    public func knowledgeElements(assessmentID: Int64) throws -> [KnowledgeElement] {
        try read { try knowledgeElements($0, assessmentID) }
    }

    func knowledgeElements(_ db: Database, _ assessmentID: Int64) throws -> [KnowledgeElement] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT skill_id, tube_id, competence_id, status, source, earned_pix FROM knowledge_elements
            WHERE assessment_id = ? ORDER BY id
            """), arguments: [assessmentID]).map {
            KnowledgeElement(skillID: $0[0], tubeID: $0[1], competenceID: $0[2],
                             status: KnowledgeElement.Status(rawValue: $0[3]) ?? .reset,
                             source: KnowledgeElement.Source(rawValue: $0[4]) ?? .direct,
                             earnedPix: $0[5])
        }
    }

    /// Records an answer to the item being shown, its knowledge elements and the next item, in one
    /// transaction: either all of it is on disk when this returns, or none of it.
    public func recordAnswer(
        assessmentID: Int64, itemID: String, skillID: String, answer: String, correct: Bool, timeSpentMs: Int,
        elements: [KnowledgeElement], nextItemID: String?, skipped: Bool = false
    ) throws {
        // Cached statements: compiled once per connection rather than at every answer (preparing them, with
        // GRDB's authorizer, was most of the time spent here).
        let generation = runHistories.currentGeneration
        let inBatch = Store.currentBatch?.store == ObjectIdentifier(self)
        try write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT learner_id, state, current_item_id FROM assessments WHERE id = ?"),
                                             arguments: [assessmentID]) else {
                throw StoreError.notFound("l'évaluation \(assessmentID)")
            }
            guard (row["state"] as String) == "started" else { throw AssessmentConflict.finished }
            guard (row["current_item_id"] as String?) == itemID else { throw AssessmentConflict.notCurrentItem }
            let learnerID: Int64 = row["learner_id"]
            let spent = Store.boundedTimeSpent(timeSpentMs)
            try db.cachedStatement(sql: """
                INSERT INTO assessment_answers (assessment_id, item_id, skill_id, answer, result, time_spent_ms)
                VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [assessmentID, itemID, skillID, answer, skipped ? "skipped" : correct ? "ok" : "ko",
                                         spent])
            let answerID = db.lastInsertedRowID
            for element in elements {
                try db.cachedStatement(sql: """
                    INSERT INTO knowledge_elements (learner_id, assessment_id, answer_id, skill_id, tube_id,
                                                    competence_id, status, source, earned_pix)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [learnerID, assessmentID, answerID, element.skillID, element.tubeID,
                                             element.competenceID, element.status.rawValue, element.source.rawValue,
                                             element.earnedPix])
            }
            // The run's time spent and last answer (the tracker's activity) move with the answer, in its transaction.
            if let nextItemID {
                try db.cachedStatement(sql: """
                    UPDATE assessments SET current_item_id = ?, time_spent_ms = time_spent_ms + ?,
                           last_answer_at = (SELECT created_at FROM assessment_answers WHERE id = ?) WHERE id = ?
                    """).execute(arguments: [nextItemID, spent, answerID, assessmentID])
            } else {
                try db.cachedStatement(sql: """
                    UPDATE assessments SET current_item_id = NULL, state = 'completed',
                           completed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), time_spent_ms = time_spent_ms + ?,
                           last_answer_at = (SELECT created_at FROM assessment_answers WHERE id = ?) WHERE id = ?
                    """).execute(arguments: [spent, answerID, assessmentID])
            }
        }
        // Committed (a batch commits later and may still roll back: its runs are read again).
        if inBatch {
            runHistories.forget(assessmentID)
        } else {
            runHistories.append(assessmentID, answeredItemID: itemID,
                                answer: AnsweredItem(itemID: itemID, skillID: skillID, correct: !skipped && correct),
                                elements: elements, nextItemID: nextItemID, generation: generation)
        }
    }

    /// Shares a completed run's result with the trainer (once; sharing again changes nothing).
    public func shareAssessment(id: Int64, result: String) throws {
        let levels = Store.sharedLevels(of: result)
        try write { db in
            try db.execute(sql: """
                UPDATE assessments SET shared_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), shared_result = ?, shared_levels = ?
                WHERE id = ? AND state = 'completed' AND shared_at IS NULL
                """, arguments: [result, levels, id])
        }
    }

    /// The `SharedLevels` line of a shared result's JSON; nil when it is not a result (readers then decode the JSON).
    static func sharedLevels(of result: String) -> String? {
        (try? JSONDecoder().decode(AssessmentResult.self, from: Data(result.utf8))).flatMap { SharedLevels($0).text }
    }

    static func assessment(_ row: Row) -> AssessmentRecord {
        AssessmentRecord(
            id: row["id"], learnerID: row["learner_id"], assignmentID: row["assignment_id"],
            frameworkID: row["framework_id"], algorithm: row["algorithm"], settings: row["settings"],
            purpose: AssessmentRecord.Purpose(rawValue: row["purpose"]) ?? .free, seed: row["seed"],
            state: AssessmentRecord.State(rawValue: row["state"]) ?? .started, currentItemID: row["current_item_id"],
            startedAt: row["started_at"], completedAt: row["completed_at"], sharedAt: row["shared_at"],
            sharedResult: row["shared_result"], sharedLevels: row["shared_levels"])
    }

    // MARK: Calibration

    /// Every stored answer, as (run, item, right or wrong), for calibration.
    public func allAnswers() throws -> [(assessmentID: Int64, itemID: String, correct: Bool)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT assessment_id, item_id, result FROM assessment_answers").map {
                (assessmentID: $0["assessment_id"], itemID: $0["item_id"], correct: ($0["result"] as String) == "ok")
            }
        }
    }

    public struct StoredItemParameters: Sendable, Equatable {
        public var itemID: String
        public var difficulty: Double
        public var discrimination: Double
        public var answerCount: Int
        public var model: String?
        public var fit: Double?

        public init(itemID: String, difficulty: Double, discrimination: Double, answerCount: Int, model: String?,
                    fit: Double?) {
            self.itemID = itemID
            self.difficulty = difficulty
            self.discrimination = discrimination
            self.answerCount = answerCount
            self.model = model
            self.fit = fit
        }
    }

    /// Replaces the calibrated parameters of the given items.
    public func saveItemParameters(_ parameters: [StoredItemParameters]) throws {
        try write { db in
            for p in parameters {
                try db.execute(sql: """
                    INSERT INTO item_parameters (item_id, difficulty, discrimination, answer_count, model, fit)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (item_id) DO UPDATE SET difficulty = excluded.difficulty,
                        discrimination = excluded.discrimination, answer_count = excluded.answer_count,
                        model = excluded.model, fit = excluded.fit,
                        calibrated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                    """, arguments: [p.itemID, p.difficulty, p.discrimination, p.answerCount, p.model, p.fit])
            }
        }
    }

    /// A short text that changes whenever the calibrated parameters change (how many, the sums of their values,
    /// the latest calibration time): one aggregate query, cheap enough for every request, so that what is built
    /// from the parameters can be kept until a calibration (possibly by another process) replaces them.
    public func calibrationFingerprint() throws -> String {
        try calibrationFingerprints.value { try readCalibrationFingerprint() }
    }

    private func readCalibrationFingerprint() throws -> String {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, total(difficulty) AS b, total(discrimination) AS a, max(calibrated_at) AS t
                FROM item_parameters WHERE model IS NOT NULL
                """) else { return "" }
            let count: Int = row["n"]
            let difficulties: Double = row["b"]
            let discriminations: Double = row["a"]
            let latest: String? = row["t"]
            return "\(count)|\(difficulties.bitPattern)|\(discriminations.bitPattern)|\(latest ?? "")"
        }
    }

    /// Calibrated parameters by item id (only items calibrated from data, not defaults).
    public func calibratedParameters() throws -> [String: ItemParameters] {
        try read { db in
            var result: [String: ItemParameters] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM item_parameters WHERE model IS NOT NULL") {
                result[row["item_id"]] = ItemParameters(difficulty: row["difficulty"], discrimination: row["discrimination"])
            }
            return result
        }
    }
}
