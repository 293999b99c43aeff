/// A questionnaire (seed 004's method): statements rated on an agreement scale, and yes/no questions.
public struct Questionnaire: Sendable, Equatable, Identifiable {
    public struct Statement: Sendable, Equatable, Identifiable {
        public enum Kind: String, Sendable, Equatable { case scale, yesNo = "yes-no" }
        public var id: String
        public var kind: Kind
        public var text: String
        public var source: String

        public init(id: String, kind: Kind, text: String, source: String = "") {
            self.id = id
            self.kind = kind
            self.text = text
            self.source = source
        }
    }

    public var id: String
    public var title: String
    public var description: String
    public var scale: LikertScale
    public var statements: [Statement]
    public var source: String

    public init(id: String, title: String, description: String, scale: LikertScale, statements: [Statement], source: String) {
        self.id = id
        self.title = title
        self.description = description
        self.scale = scale
        self.statements = statements
        self.source = source
    }
}

/// Statistics of one statement, overall, per administration and per group.
public struct QuestionnaireStatistics: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var statementID: String
        /// Scale statements: N, mean, SD, share agreeing. Yes/no: n answered and share of "yes" in `shareAgreeing`.
        public var summary: StatementSummary
    }

    /// `answers`: (learner, statement, value) with value 0/1 for yes/no; `groupOf` gives a learner's group.
    public static func rows(_ questionnaire: Questionnaire, answers: [(learner: Int64, statement: String, value: Double)])
        -> [Row] {
        questionnaire.statements.map { statement in
            let values = answers.filter { $0.statement == statement.id }.map(\.value)
            let summary = statement.kind == .scale
                ? StatementSummary(values: values, scaleMin: Double(questionnaire.scale.min), scaleMax: Double(questionnaire.scale.max))
                : StatementSummary(values: values, scaleMin: 0, scaleMax: 1)
            return Row(statementID: statement.id, summary: summary)
        }
    }
}
