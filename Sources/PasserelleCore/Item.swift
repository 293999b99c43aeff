import Foundation

/// The kinds of question, as Pix defines them, plus ordering and matching.
public enum ItemType: String, Sendable, Codable, CaseIterable {
    case qcu
    case qcm
    case qroc
    case qrocmInd = "qrocm-ind"
    case qrocmDep = "qrocm-dep"
    case ordering
    case matching

    /// Free-text types, to which answer normalisation applies.
    public var isFreeText: Bool { self == .qroc || self == .qrocmInd || self == .qrocmDep }
}

public enum ItemStatus: String, Sendable, Codable, CaseIterable {
    case draft
    case validated
    case archived
}

/// One option of a QCU, QCM or ordering item (for ordering, items list them in the right order).
public struct Choice: Sendable, Equatable, Codable {
    public var id: String
    public var text: String
    public var correct: Bool
    public var feedback: String

    public init(id: String, text: String, correct: Bool = false, feedback: String = "") {
        self.id = id
        self.text = text
        self.correct = correct
        self.feedback = feedback
    }
}

/// A text field of a QROC or QROCM item. `accepted` is empty for QROCM-dep (the item holds the pool).
public struct AnswerField: Sendable, Equatable, Codable {
    public var id: String
    public var label: String
    public var accepted: [String]

    public init(id: String, label: String, accepted: [String] = []) {
        self.id = id
        self.label = label
        self.accepted = accepted
    }
}

/// One pair of a matching item: the learner must match `left` with `right`.
public struct MatchingPair: Sendable, Equatable, Codable {
    public var id: String
    public var left: String
    public var right: String

    public init(id: String, left: String, right: String) {
        self.id = id
        self.left = left
        self.right = right
    }
}

/// Which of Pix's answer treatments apply to an item's free-text answers.
public struct Normalisation: Sendable, Equatable, Codable {
    /// Trim, lower case, strip accents and white space.
    public var t1: Bool
    /// Strip punctuation (everything that is not a letter or a digit).
    public var t2: Bool
    /// Accept a Levenshtein distance of at most 25 % of the accepted answer's length.
    public var t3: Bool

    public init(t1: Bool = true, t2: Bool = true, t3: Bool = true) {
        self.t1 = t1
        self.t2 = t2
        self.t3 = t3
    }

    public static let all = Normalisation()
}

public struct ItemImage: Sendable, Equatable, Codable {
    public var src: String
    public var alt: String

    public init(src: String, alt: String) {
        self.src = src
        self.alt = alt
    }
}

/// A question ("épreuve") that tests one skill.
public struct Item: Sendable, Equatable, Identifiable {
    public var id: String
    public var skillID: String
    public var type: ItemType
    public var status: ItemStatus
    /// Markdown.
    public var prompt: String
    public var choices: [Choice]
    public var fields: [AnswerField]
    /// QROCM-dep: the pool of answers, each usable once.
    public var accepted: [String]
    public var pairs: [MatchingPair]
    public var feedback: String
    public var image: ItemImage?
    public var source: String?
    public var normalisation: Normalisation
    /// Calibrated 2PL parameters, when known.
    public var difficulty: Double?
    public var discrimination: Double?
    /// False for an item that cannot be made accessible (for example one that needs sight of an image):
    /// it is flagged in the file with the reason and never asked to a learner who asked for accessible items.
    public var accessible: Bool
    public var accessibilityNote: String?

    public init(
        id: String, skillID: String, type: ItemType, status: ItemStatus = .validated, prompt: String,
        choices: [Choice] = [], fields: [AnswerField] = [], accepted: [String] = [], pairs: [MatchingPair] = [],
        feedback: String, image: ItemImage? = nil, source: String? = nil, normalisation: Normalisation = .all,
        difficulty: Double? = nil, discrimination: Double? = nil, accessible: Bool = true, accessibilityNote: String? = nil
    ) {
        self.id = id
        self.skillID = skillID
        self.type = type
        self.status = status
        self.prompt = prompt
        self.choices = choices
        self.fields = fields
        self.accepted = accepted
        self.pairs = pairs
        self.feedback = feedback
        self.image = image
        self.source = source
        self.normalisation = normalisation
        self.difficulty = difficulty
        self.discrimination = discrimination
        self.accessible = accessible
        self.accessibilityNote = accessibilityNote
    }

    public var isPlayable: Bool { status == .validated }
}
