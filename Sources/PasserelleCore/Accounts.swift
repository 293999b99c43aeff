import Foundation

/// An institution: a training institute, a CCAS, a department.
public struct Organisation: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var name: String

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// A member of staff: an administrator or a trainer.
public struct StaffUser: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var organisationID: Int64
    public var username: String
    public var displayName: String
    public var role: Role

    public init(id: Int64, organisationID: Int64, username: String, displayName: String, role: Role) {
        self.id = id
        self.organisationID = organisationID
        self.username = username
        self.displayName = displayName
        self.role = role
    }
}

/// A group of learners followed together.
public struct Cohort: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var organisationID: Int64
    public var name: String
    public var year: Int?
    public var description: String

    public init(id: Int64, organisationID: Int64, name: String, year: Int?, description: String) {
        self.id = id
        self.organisationID = organisationID
        self.name = name
        self.year = year
        self.description = description
    }
}

/// A person in training.
public struct Learner: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var cohortID: Int64
    public var firstName: String
    public var lastName: String
    public var externalID: String?
    /// Free attributes such as structure, mission or group.
    public var attributes: [String: String]
    /// The learner asked for accessible items only (for example with a screen reader).
    public var accessibleItems: Bool

    public init(
        id: Int64, cohortID: Int64, firstName: String, lastName: String, externalID: String?,
        attributes: [String: String], accessibleItems: Bool = false
    ) {
        self.id = id
        self.cohortID = cohortID
        self.firstName = firstName
        self.lastName = lastName
        self.externalID = externalID
        self.attributes = attributes
        self.accessibleItems = accessibleItems
    }

    /// The name shown in pages: first name, then last name.
    public var displayName: String {
        [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// Who a signed-in session belongs to.
public enum Principal: Sendable, Equatable {
    case staff(StaffUser)
    case learner(Learner)

    public var role: Role {
        switch self {
        case .staff(let user): return user.role
        case .learner: return .learner
        }
    }
}
