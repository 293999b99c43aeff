import Foundation

/// One answered item, as the engines see it.
public struct AnsweredItem: Sendable, Equatable, Codable {
    public var itemID: String
    public var skillID: String
    public var correct: Bool

    public init(itemID: String, skillID: String, correct: Bool) {
        self.itemID = itemID
        self.skillID = skillID
        self.correct = correct
    }
}

/// Pix's "smart random" adaptive algorithm. It needs no calibrated items: it estimates a level from
/// the answers, asks the skill whose answer will tell the most (the reward), and stops when no skill
/// is left to ask. Deterministic given the answers and the seed.
public struct SmartRandom: Sendable {
    public let framework: Framework
    public let profile: TargetProfile?
    let index: SkillIndex
    /// Playable items per skill, in a stable order.
    let itemsBySkill: [String: [Item]]
    /// Skills that can be asked: in the profile (if any) and with at least one playable item.
    public let scope: Set<String>
    /// Tubes whose hardest skill in scope is at level 3 or below.
    let easyTubes: Set<String>

    public init(framework: Framework, items: [Item], profile: TargetProfile? = nil) {
        self.init(framework: framework, items: items, profile: profile, index: SkillIndex([framework]))
    }

    /// `index`: the framework's skill index, when the caller has already built it.
    init(framework: Framework, items: [Item], profile: TargetProfile?, index: SkillIndex) {
        self.framework = framework
        self.profile = profile
        self.index = index
        var bySkill: [String: [Item]] = [:]
        for item in items where item.isPlayable && index[item.skillID] != nil {
            bySkill[item.skillID, default: []].append(item)
        }
        itemsBySkill = bySkill.mapValues { $0.sorted { $0.id < $1.id } }
        var scope: Set<String> = []
        var easy: Set<String> = []
        for tube in framework.tubes {
            let inScope = tube.skills.filter { skill in
                bySkill[skill.id] != nil && (profile?.contains(skill, tubeID: tube.id) ?? true)
            }
            scope.formUnion(inScope.map(\.id))
            if let hardest = inScope.map(\.level).max(), hardest <= 3 { easy.insert(tube.id) }
        }
        self.scope = scope
        easyTubes = easy
    }

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// The level on the 0.5-step grid that best solves the Rasch likelihood equation for the direct
    /// answers plus two anchors (a right answer at level 0, a wrong one at level 7).
    public static func estimateLevel(_ answers: [(level: Int, correct: Bool)]) -> Double {
        let all = answers + [(level: 0, correct: true), (level: 7, correct: false)]
        var best = -Double.infinity
        var bestLevel = 0.5
        for step in 1...15 {
            let level = Double(step) * 0.5
            let sum = all.reduce(0.0) { $0 + (($1.correct ? 1 : 0) - sigmoid(level - Double($1.level))) }
            let score = -abs(sum)
            if score > best + 1e-12 {
                best = score
                bestLevel = level
            }
        }
        return bestLevel
    }

    /// The reward of asking a skill: P x untested easier skills + (1 - P) x untested harder skills of its tube.
    public func reward(_ skillID: String, level estimate: Double, untested: Set<String>) -> Double {
        guard let place = index[skillID] else { return 0 }
        let p = SmartRandom.sigmoid(estimate - Double(place.skill.level))
        let others = place.tube.skills.filter { untested.contains($0.id) && $0.id != skillID }
        let easier = others.filter { $0.level < place.skill.level }.count
        let harder = others.filter { $0.level > place.skill.level }.count
        return p * Double(easier) + (1 - p) * Double(harder)
    }

    /// Skills in scope with no knowledge element yet and an item not yet asked.
    public func untestedSkills(_ elements: [KnowledgeElement], asked: Set<String>) -> Set<String> {
        let tested = Set(elements.map(\.skillID))
        return scope.filter { skill in
            !tested.contains(skill) && (itemsBySkill[skill]?.contains { !asked.contains($0.id) } ?? false)
        }
    }

    /// The candidate skills for the next question, after Pix's filters.
    public func candidateSkills(answers: [AnsweredItem], elements: [KnowledgeElement]) -> (skills: [String], level: Double) {
        let untested = untestedSkills(elements, asked: Set(answers.map(\.itemID)))
        // Every skill in scope is in the index; a skill that is not counts as out of an easy tube, at level 0.
        func inEasyTube(_ id: String) -> Bool { index[id].map { easyTubes.contains($0.tube.id) } ?? false }
        func level(of id: String) -> Int { index[id]?.skill.level ?? 0 }
        guard !answers.isEmpty else {
            // First question: an easy tube, level 2 (else the lowest level available).
            let easy = untested.filter(inEasyTube)
            let pool = easy.isEmpty ? untested : easy
            let levels = pool.map(level(of:))
            let wanted = levels.contains(2) ? 2 : (levels.min() ?? 0)
            return (pool.filter { level(of: $0) == wanted }.sorted(), 2)
        }
        let estimate = SmartRandom.estimateLevel(answers.compactMap { answer in
            index[answer.skillID].map { (level: $0.skill.level, correct: answer.correct) }
        })
        // Pix's order: easy tubes first (when they still hold untested skills), then too-hard skills dropped. When
        // the easy tubes' untested skills are all too hard, nothing is left and the run ends, as in Pix.
        let easy = untested.filter(inEasyTube)
        let preferred = easy.isEmpty ? untested : easy
        let pool = preferred.filter { Double(level(of: $0)) - estimate <= 2 }
        let rewards = pool.map { ($0, reward($0, level: estimate, untested: untested)) }
        guard let best = rewards.map(\.1).max() else { return ([], estimate) }
        return (rewards.filter { $0.1 >= best - 1e-9 }.map(\.0).sorted(), estimate)
    }

    /// The next item to ask, or nil when the assessment is over. `seed` (the assessment's id or seed)
    /// makes the draw among equally good skills reproducible.
    public func nextItem(answers: [AnsweredItem], elements: [KnowledgeElement], seed: String) -> Item? {
        let (skills, _) = candidateSkills(answers: answers, elements: elements)
        guard !skills.isEmpty else { return nil }
        var random = SeededRandom(text: "\(seed)#\(answers.count)")
        let skill = skills[Int(random.next() % UInt64(skills.count))]
        let asked = Set(answers.map(\.itemID))
        let items = itemsBySkill[skill]!.filter { !asked.contains($0.id) }
        return items[Int(random.next() % UInt64(items.count))]
    }

    /// An upper bound of the questions left: every untested skill in scope.
    public func remainingAtMost(answers: [AnsweredItem], elements: [KnowledgeElement]) -> Int {
        untestedSkills(elements, asked: Set(answers.map(\.itemID))).count
    }
}
