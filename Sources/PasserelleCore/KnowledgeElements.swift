/// What an assessment learned about one skill. Knowledge elements are only ever appended: the list,
/// in order, is the single source of truth of a learner's skills.
public struct KnowledgeElement: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case validated, invalidated, reset }
    public enum Source: String, Sendable, Codable { case direct, inferred }

    public var skillID: String
    public var tubeID: String
    public var competenceID: String
    public var status: Status
    public var source: Source
    public var earnedPix: Double

    public init(skillID: String, tubeID: String, competenceID: String, status: Status, source: Source,
                earnedPix: Double) {
        self.skillID = skillID
        self.tubeID = tubeID
        self.competenceID = competenceID
        self.status = status
        self.source = source
        self.earnedPix = earnedPix
    }
}

/// Where each skill sits in a framework.
public struct SkillIndex: Sendable {
    public struct Place: Sendable {
        public var skill: Skill
        public var tube: Tube
        public var competenceID: String
    }

    public let places: [String: Place]

    public init(_ frameworks: [Framework]) {
        var places: [String: Place] = [:]
        for framework in frameworks {
            for competence in framework.competences {
                for tube in competence.tubes {
                    for skill in tube.skills {
                        places[skill.id] = Place(skill: skill, tube: tube, competenceID: competence.id)
                    }
                }
            }
        }
        self.places = places
    }

    public subscript(skillID: String) -> Place? { places[skillID] }
}

public enum KnowledgeElements {
    /// The elements an answer adds: a direct one for the item's skill and, when the answer is right,
    /// an inferred validation of every untested easier skill of the tube (in `scope`); when it is
    /// wrong, an inferred invalidation of every untested harder one.
    public static func elements(
        forAnswerOn skillID: String, correct: Bool, existing: [KnowledgeElement], index: SkillIndex,
        scope: Set<String>? = nil, pixValue: (String) -> Double
    ) -> [KnowledgeElement] {
        guard let place = index[skillID] else { return [] }
        let tested = Set(existing.map(\.skillID))
        func element(_ skill: Skill, _ source: KnowledgeElement.Source) -> KnowledgeElement {
            KnowledgeElement(skillID: skill.id, tubeID: place.tube.id, competenceID: place.competenceID,
                             status: correct ? .validated : .invalidated, source: source,
                             earnedPix: correct ? pixValue(skill.id) : 0)
        }
        var added = [element(place.skill, .direct)]
        for skill in place.tube.skills where skill.id != skillID && !tested.contains(skill.id)
            && (scope?.contains(skill.id) ?? true) {
            if correct && skill.level < place.skill.level { added.append(element(skill, .inferred)) }
            if !correct && skill.level > place.skill.level { added.append(element(skill, .inferred)) }
        }
        return added
    }
}
