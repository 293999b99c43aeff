import GRDB

/// The schema, as an ordered list of migrations.
///
/// A migration that has shipped is never edited: every later change is a new migration appended
/// here, and none of them may erase learner data.
enum Migrations {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-data-model", migrate: createDataModel)
        migrator.registerMigration("v2-assessment-runs", migrate: addAssessmentRuns)
        migrator.registerMigration("v3-learner-preferences", migrate: addLearnerPreferences)
        migrator.registerMigration("v4-bounded-time-spent", migrate: boundTimeSpent)
        migrator.registerMigration("v-sandbox-1", migrate: Store.createSandboxTables)
        migrator.registerMigration("v5-answers-activity-index", migrate: addAnswersActivityIndex)
        migrator.registerMigration("v-workshop-1", migrate: Store.createWorkshopTables)
        migrator.registerMigration("v6-run-activity", migrate: addRunActivity)
        migrator.registerMigration("v7-shared-levels", migrate: addSharedLevels)
        return migrator
    }

    /// The first data model: accounts, cohorts, assignments, learning records and audit.
    private static func createDataModel(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE settings (
                key TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            ) STRICT;

            CREATE TABLE organisations (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL CHECK (length(trim(name)) > 0),
                is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            ) STRICT;

            -- Staff: administrators and trainers. Passwords are argon2id hashes (libsodium strings).
            CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                username TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(username)) > 0),
                display_name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('admin', 'trainer')),
                password_hash TEXT NOT NULL,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                disabled_at TEXT
            ) STRICT;

            CREATE TABLE cohorts (
                id INTEGER PRIMARY KEY,
                organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
                name TEXT NOT NULL CHECK (length(trim(name)) > 0),
                year INTEGER,
                description TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                archived_at TEXT,
                UNIQUE (organisation_id, name)
            ) STRICT;

            -- Trainers who own or share a cohort.
            CREATE TABLE cohort_trainers (
                cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
                user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                access TEXT NOT NULL DEFAULT 'owner' CHECK (access IN ('owner', 'shared')),
                PRIMARY KEY (cohort_id, user_id)
            ) STRICT;

            -- Learners sign in with an access code: a unique public selector and a hashed secret.
            CREATE TABLE learners (
                id INTEGER PRIMARY KEY,
                cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
                first_name TEXT NOT NULL DEFAULT '',
                last_name TEXT NOT NULL DEFAULT '',
                external_id TEXT,
                attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
                access_code_selector TEXT UNIQUE,
                access_code_hash TEXT,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                archived_at TEXT,
                CHECK (length(trim(first_name || last_name)) > 0),
                CHECK ((access_code_selector IS NULL) = (access_code_hash IS NULL))
            ) STRICT;
            CREATE UNIQUE INDEX learners_external_id ON learners(cohort_id, external_id)
                WHERE external_id IS NOT NULL;

            -- What a trainer gives to do: a module, an assessment or a questionnaire, to a cohort
            -- (optionally one group of it) or to one learner.
            CREATE TABLE assignments (
                id INTEGER PRIMARY KEY,
                cohort_id INTEGER REFERENCES cohorts(id) ON DELETE CASCADE,
                learner_id INTEGER REFERENCES learners(id) ON DELETE CASCADE,
                group_name TEXT,
                kind TEXT NOT NULL CHECK (kind IN ('module', 'assessment', 'questionnaire')),
                content_id TEXT NOT NULL,
                settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
                due_date TEXT,
                created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                CHECK ((cohort_id IS NULL) <> (learner_id IS NULL)),
                CHECK (group_name IS NULL OR cohort_id IS NOT NULL)
            ) STRICT;
            CREATE INDEX assignments_cohort ON assignments(cohort_id);
            CREATE INDEX assignments_learner ON assignments(learner_id);

            -- Where a learner is in a lesson, and whether it was read to the end.
            CREATE TABLE lesson_progress (
                learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
                module_id TEXT NOT NULL,
                lesson_id TEXT NOT NULL,
                position TEXT NOT NULL DEFAULT '',
                completed_at TEXT,
                updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                PRIMARY KEY (learner_id, module_id, lesson_id)
            ) STRICT;

            -- Every answer to a module activity. Progress and mastery are computed from these rows.
            CREATE TABLE activity_attempts (
                id INTEGER PRIMARY KEY,
                learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
                module_id TEXT NOT NULL,
                activity_set_id TEXT NOT NULL,
                activity_id TEXT NOT NULL,
                answer TEXT NOT NULL CHECK (json_valid(answer)),
                result TEXT NOT NULL CHECK (result IN ('correct', 'incorrect', 'partial', 'submitted')),
                score REAL,
                time_spent_ms INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_ms >= 0),
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            ) STRICT;
            CREATE INDEX activity_attempts_learner ON activity_attempts(learner_id, module_id, activity_set_id);

            -- Free-text answers being written, saved while the learner types.
            CREATE TABLE activity_drafts (
                learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
                module_id TEXT NOT NULL,
                activity_id TEXT NOT NULL,
                content TEXT NOT NULL CHECK (json_valid(content)),
                updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                PRIMARY KEY (learner_id, module_id, activity_id)
            ) STRICT;

            -- A trainer's review of a submitted observation grid or reflection.
            CREATE TABLE attempt_reviews (
                id INTEGER PRIMARY KEY,
                attempt_id INTEGER NOT NULL REFERENCES activity_attempts(id) ON DELETE CASCADE,
                reviewer_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                comment TEXT NOT NULL,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            ) STRICT;

            -- A trainer lifting a module's prerequisite lock for one learner.
            CREATE TABLE module_unlocks (
                learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
                module_id TEXT NOT NULL,
                unlocked_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                PRIMARY KEY (learner_id, module_id)
            ) STRICT;

            -- One adaptive skills assessment taken by a learner.
            CREATE TABLE assessments (
                id INTEGER PRIMARY KEY,
                learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
                assignment_id INTEGER REFERENCES assignments(id) ON DELETE SET NULL,
                framework_id TEXT NOT NULL,
                algorithm TEXT NOT NULL,
                target_profile TEXT CHECK (target_profile IS NULL OR json_valid(target_profile)),
                purpose TEXT NOT NULL DEFAULT 'free' CHECK (purpose IN ('initial', 'final', 'free')),
                seed INTEGER NOT NULL,
                state TEXT NOT NULL DEFAULT 'started' CHECK (state IN ('started', 'completed', 'abandoned')),
                started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                completed_at TEXT
            ) STRICT;
            CREATE INDEX assessments_learner ON assessments(learner_id);

            CREATE TABLE assessment_answers (
                id INTEGER PRIMARY KEY,
                assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
                item_id TEXT NOT NULL,
                skill_id TEXT NOT NULL,
                answer TEXT NOT NULL CHECK (json_valid(answer)),
                result TEXT NOT NULL CHECK (result IN ('ok', 'ko', 'skipped', 'partially')),
                time_spent_ms INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_ms >= 0),
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            ) STRICT;
            CREATE INDEX assessment_answers_assessment ON assessment_answers(assessment_id);

            -- Knowledge elements: append-only, the single source of truth of a learner's skills.
            CREATE TABLE knowledge_elements (
                id INTEGER PRIMARY KEY,
                learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
                assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
                answer_id INTEGER REFERENCES assessment_answers(id) ON DELETE CASCADE,
                skill_id TEXT NOT NULL,
                tube_id TEXT NOT NULL,
                competence_id TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('validated', 'invalidated', 'reset')),
                source TEXT NOT NULL CHECK (source IN ('direct', 'inferred')),
                earned_pix REAL NOT NULL DEFAULT 0 CHECK (earned_pix >= 0),
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            ) STRICT;
            CREATE INDEX knowledge_elements_learner ON knowledge_elements(learner_id, skill_id);
            CREATE INDEX knowledge_elements_assessment ON knowledge_elements(assessment_id);
            CREATE TRIGGER knowledge_elements_append_only BEFORE UPDATE ON knowledge_elements
            BEGIN
                SELECT RAISE(ABORT, 'knowledge elements are append-only');
            END;

            -- Answers to questionnaires (e.g. self-assessment on a 1-8 scale), per administration.
            CREATE TABLE questionnaire_responses (
                id INTEGER PRIMARY KEY,
                learner_id INTEGER NOT NULL REFERENCES learners(id) ON DELETE CASCADE,
                assignment_id INTEGER REFERENCES assignments(id) ON DELETE SET NULL,
                questionnaire_id TEXT NOT NULL,
                administration TEXT NOT NULL DEFAULT 'unique',
                statement_id TEXT NOT NULL,
                value_number REAL,
                value_text TEXT,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                UNIQUE (learner_id, questionnaire_id, administration, statement_id)
            ) STRICT;

            -- Signed-in sessions. Only a hash of the session token is stored.
            CREATE TABLE sessions (
                id INTEGER PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
                learner_id INTEGER REFERENCES learners(id) ON DELETE CASCADE,
                created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                expires_at TEXT NOT NULL,
                CHECK ((user_id IS NULL) <> (learner_id IS NULL))
            ) STRICT;

            -- Who did what, without learner content (no answers, no codes, no passwords).
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY,
                at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                actor_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
                actor_learner_id INTEGER REFERENCES learners(id) ON DELETE SET NULL,
                action TEXT NOT NULL,
                target_type TEXT,
                target_id TEXT,
                details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
            ) STRICT;
            """)
    }

    /// What running and sharing an assessment needs, and calibrated item parameters.
    private static func addAssessmentRuns(_ db: Database) throws {
        try db.execute(sql: """
            -- The settings the assessment was opened with (algorithm, profile, maximum level...).
            ALTER TABLE assessments ADD COLUMN settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings));
            -- The item shown to the learner now: an answer to any other item is refused.
            ALTER TABLE assessments ADD COLUMN current_item_id TEXT;
            -- Results shared with the trainer: a snapshot taken when the learner shares.
            ALTER TABLE assessments ADD COLUMN shared_at TEXT;
            ALTER TABLE assessments ADD COLUMN shared_result TEXT CHECK (shared_result IS NULL OR json_valid(shared_result));
            CREATE INDEX assessments_assignment ON assessments(assignment_id, learner_id);

            -- Item parameters estimated by `passerelle calibrate`; the IRT mode reads them first.
            CREATE TABLE item_parameters (
                item_id TEXT PRIMARY KEY NOT NULL,
                difficulty REAL NOT NULL,
                discrimination REAL NOT NULL CHECK (discrimination > 0),
                answer_count INTEGER NOT NULL CHECK (answer_count >= 0),
                model TEXT,
                fit REAL,
                calibrated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            ) STRICT;
            """)
    }

    /// A learner may ask for accessible items only: the assessments they start then skip items flagged
    /// `accessible: false`.
    private static func addLearnerPreferences(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE learners ADD COLUMN accessible_items INTEGER NOT NULL DEFAULT 0 CHECK (accessible_items IN (0, 1));
            """)
    }

    /// Time spent on one answer is at most 2 hours (7,200,000 ms): rows stored before the bound are
    /// clamped, so that sums over a learner's work cannot overflow. No row is removed.
    private static func boundTimeSpent(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE activity_attempts SET time_spent_ms = \(Store.maximumTimeSpentMs) WHERE time_spent_ms > \(Store.maximumTimeSpentMs);
            UPDATE assessment_answers SET time_spent_ms = \(Store.maximumTimeSpentMs) WHERE time_spent_ms > \(Store.maximumTimeSpentMs);
            """)
    }

    /// The tracker's time spent and last activity per learner read from an index alone (issue 12: 90 ms to
    /// 54 ms for 1,000 learners and 250,000 answers, `sqlite3` on the bench database). Adds an index only.
    private static func addAnswersActivityIndex(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX assessment_answers_activity ON assessment_answers(assessment_id, time_spent_ms, created_at);
            """)
    }

    /// Each run keeps its time spent and the time of its last answer, updated by `recordAnswer` in the answer's
    /// transaction, so the tracker sums two runs per learner instead of every answer of the cohort (issue 12: the
    /// 1,000-learner tracker read 250,000 answers at every request). Answers are only ever deleted with their run,
    /// so the two can never disagree. The index that served the old query goes (one index less per answer).
    private static func addRunActivity(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE assessments ADD COLUMN time_spent_ms INTEGER NOT NULL DEFAULT 0 CHECK (time_spent_ms >= 0);
            ALTER TABLE assessments ADD COLUMN last_answer_at TEXT;
            UPDATE assessments SET
                time_spent_ms = (SELECT COALESCE(SUM(time_spent_ms), 0) FROM assessment_answers WHERE assessment_id = assessments.id),
                last_answer_at = (SELECT MAX(created_at) FROM assessment_answers WHERE assessment_id = assessments.id);
            DROP INDEX assessment_answers_activity;
            """)
    }

    /// Each shared run keeps what exports show of its result as one short line (`SharedLevels`), written with
    /// the result: exports split it instead of decoding the JSON (issue 12). Runs shared before are filled here.
    private static func addSharedLevels(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE assessments ADD COLUMN shared_levels TEXT")
        var levels: [(id: Int64, text: String)] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT id, shared_result FROM assessments WHERE shared_result IS NOT NULL")
        while let row = try rows.next() {
            if let text = Store.sharedLevels(of: row[1]) { levels.append((row[0], text)) }
        }
        let update = try db.makeStatement(sql: "UPDATE assessments SET shared_levels = ? WHERE id = ?")
        for entry in levels { try update.execute(arguments: [entry.text, entry.id]) }
    }
}
