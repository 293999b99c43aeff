/// Facts about this build of Passerelle.
public enum Passerelle {
    public static let version = "0.1.0"
}

/// Who is acting. Learners sign in with an access code; staff with a user name and password.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin
    case trainer
    case learner

    /// The French name shown to users.
    public var label: String {
        switch self {
        case .admin: return "administrateur"
        case .trainer: return "formateur"
        case .learner: return "apprenant"
        }
    }
}
