import Foundation

/// A set of tubes, each capped at a level: what an assessment targets.
public struct TargetProfile: Sendable, Hashable, Codable {
    /// Tube id -> highest level included.
    public var tubes: [String: Int]

    public init(tubes: [String: Int]) {
        self.tubes = tubes
    }

    public func contains(_ skill: Skill, tubeID: String) -> Bool {
        guard let cap = tubes[tubeID] else { return false }
        return skill.level <= cap
    }
}

public struct CompetenceScore: Sendable, Equatable, Codable {
    public var competenceID: String
    public var pix: Int
    public var level: Int

    public init(competenceID: String, pix: Int, level: Int) {
        self.competenceID = competenceID
        self.pix = pix
        self.level = level
    }
}

/// Pix's scoring: a skill is worth min(4, 8 / n) pix, n = number of active skills of the same
/// competence and level (so a full level is 8 pix); competence pix = floor(sum of earned pix), capped
/// at maxLevel x 8; level = floor(pix / 8), capped at maxLevel.
public struct Scoring: Sendable {
    public let framework: Framework
    public let maxLevel: Int
    private let values: [String: Double]

    /// `activeSkills`: the skills that can be tested (those with a playable item); all when nil.
    public init(framework: Framework, activeSkills: Set<String>? = nil, maxLevel: Int = 6) {
        self.framework = framework
        self.maxLevel = maxLevel
        var values: [String: Double] = [:]
        for competence in framework.competences {
            let active = competence.tubes.flatMap(\.skills).filter { activeSkills?.contains($0.id) ?? true }
            let perLevel = Dictionary(grouping: active, by: \.level).mapValues(\.count)
            for skill in active { values[skill.id] = min(4, 8 / Double(perLevel[skill.level]!)) }
        }
        self.values = values
    }

    public func pixValue(_ skillID: String) -> Double { values[skillID] ?? 0 }

    /// Pix and level per competence of the framework, from the latest element of each skill.
    public func scores(_ elements: [KnowledgeElement]) -> [CompetenceScore] {
        var latest: [String: KnowledgeElement] = [:]
        for element in elements { latest[element.skillID] = element }
        return framework.competences.map { competence in
            let earned = latest.values.filter { $0.competenceID == competence.id && $0.status == .validated }
                .reduce(0.0) { $0 + $1.earnedPix }
            let pix = min(Int((earned + 1e-9).rounded(.down)), maxLevel * 8)
            return CompetenceScore(competenceID: competence.id, pix: pix, level: min(pix / 8, maxLevel))
        }
    }

    public func total(_ elements: [KnowledgeElement]) -> Int {
        scores(elements).reduce(0) { $0 + $1.pix }
    }

    /// Share of the profile's skills that are validated (0 when the profile has no skill).
    public func mastery(_ elements: [KnowledgeElement], profile: TargetProfile) -> Double {
        var targeted: Set<String> = []
        for tube in framework.tubes {
            for skill in tube.skills where profile.contains(skill, tubeID: tube.id) { targeted.insert(skill.id) }
        }
        guard !targeted.isEmpty else { return 0 }
        var latest: [String: KnowledgeElement.Status] = [:]
        for element in elements { latest[element.skillID] = element.status }
        let validated = targeted.filter { latest[$0] == .validated }.count
        return Double(validated) / Double(targeted.count)
    }
}
