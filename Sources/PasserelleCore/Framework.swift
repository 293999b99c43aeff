/// A competence framework: domains > competences > tubes > skills at levels 1 to 8.
///
/// A tube is a ladder of skills of rising difficulty on one know-how; a skill is one rung of it.
public struct Framework: Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var description: String
    public var domains: [Domain]
    /// IRT ability needed for levels 1, 2, … (ascending); nil: the default cut scores.
    public var cutScores: [Double]?
    /// What the item bank must hold for this framework (checked by `content stats` and the content tests).
    public var bank: BankRequirements?

    public init(id: String, title: String, description: String, domains: [Domain]) {
        self.id = id
        self.title = title
        self.description = description
        self.domains = domains
    }

    public var competences: [Competence] { domains.flatMap(\.competences) }
    public var tubes: [Tube] { competences.flatMap(\.tubes) }
    public var skills: [Skill] { tubes.flatMap(\.skills) }

    public func competence(id: String) -> Competence? { competences.first { $0.id == id } }

    public static let levels = 1...8
}

public struct Domain: Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var competences: [Competence]

    public init(id: String, title: String, competences: [Competence]) {
        self.id = id
        self.title = title
        self.competences = competences
    }
}

public struct Competence: Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var description: String
    public var tubes: [Tube]

    public init(id: String, title: String, description: String = "", tubes: [Tube] = []) {
        self.id = id
        self.title = title
        self.description = description
        self.tubes = tubes
    }
}

public struct Tube: Sendable, Equatable, Identifiable {
    public var id: String
    public var title: String
    public var skills: [Skill]

    public init(id: String, title: String, skills: [Skill]) {
        self.id = id
        self.title = title
        self.skills = skills
    }
}

public struct Skill: Sendable, Equatable, Identifiable {
    public var id: String
    public var level: Int
    public var title: String
    public var description: String

    public init(id: String, level: Int, title: String, description: String = "") {
        self.id = id
        self.level = level
        self.title = title
        self.description = description
    }
}
