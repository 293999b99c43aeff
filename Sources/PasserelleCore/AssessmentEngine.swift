import Foundation

public enum AssessmentAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    case smartRandom = "smart-random"
    case irt

    public var label: String {
        switch self {
        case .smartRandom: return "test adaptatif classique (comme Pix)"
        case .irt: return "test court calibré"
        }
    }
}

/// How an assessment is run: chosen by the trainer when opening it.
public struct AssessmentSettings: Sendable, Hashable, Codable {
    public var frameworkID: String
    public var algorithm: AssessmentAlgorithm
    public var profile: TargetProfile?
    /// Highest level a learner can reach (Pix: 5, then 6, then 7).
    public var maxLevel: Int
    /// IRT mode: most questions asked, and the standard error to reach per competence.
    public var maxLength: Int
    public var targetStandardError: Double
    /// The learner asked for accessible items: items flagged `accessible: false` are never asked.
    public var accessibleOnly: Bool
    /// IRT mode, the shorter positioning of issue 15: abilities of the competences correlated 0.5 in the prior
    /// (`IRTEngine.shorterCorrelation`), a competence asked no more once its level is decided (theta ± SE clear
    /// of the cut scores, at least two answers), each tube of a competence asked once before any again. Settings
    /// stored before it existed read false (a run goes on as it began).
    public var shorterPositioning: Bool
    /// IRT mode: the ability used to choose items moves by at most this much per answer on a competence (Pix: 0.5);
    /// nil: not capped. Settings stored before it existed read nil.
    public var capacityCap: Double?
    /// IRT mode: an item already shown in this share of the framework's runs is left out of the draw while others
    /// remain (`ExposureControl`); nil: no limit beyond the draw among the 5 most informative.
    public var maxExposure: Double?
    /// Knowledge carried over: the learner's answers in the same framework given less than this many days before the
    /// run starts count in it and are not asked again (Pix reuses knowledge elements and resets them after 7 days);
    /// nil: every run starts afresh.
    public var carryOverDays: Int?
    /// IRT mode: competences whose estimate may lie at an extreme level (its interval reaches past the cut score of
    /// level 2 or of level maxLevel - 1) are asked again sooner (`IRTEngine.edges`); nil or false: off.
    public var extremeFocus: Bool?

    public init(frameworkID: String, algorithm: AssessmentAlgorithm = .smartRandom, profile: TargetProfile? = nil,
                maxLevel: Int = 6, maxLength: Int = 40, targetStandardError: Double = 0.3, accessibleOnly: Bool = false,
                shorterPositioning: Bool = true, capacityCap: Double? = AssessmentSettings.defaultCapacityCap,
                maxExposure: Double? = AssessmentSettings.defaultMaxExposure, carryOverDays: Int? = nil,
                extremeFocus: Bool? = AssessmentSettings.defaultExtremeFocus) {
        self.extremeFocus = extremeFocus
        self.shorterPositioning = shorterPositioning
        self.capacityCap = capacityCap
        self.maxExposure = maxExposure
        self.carryOverDays = carryOverDays
        self.frameworkID = frameworkID
        self.algorithm = algorithm
        self.profile = profile
        self.maxLevel = maxLevel
        self.maxLength = maxLength
        self.targetStandardError = targetStandardError
        self.accessibleOnly = accessibleOnly
    }

    enum CodingKeys: String, CodingKey {
        case frameworkID, algorithm, profile, maxLevel, maxLength, targetStandardError, accessibleOnly, shorterPositioning
        case capacityCap, maxExposure, carryOverDays, extremeFocus
    }

    /// What new assessments use (see docs/ASSESSMENT.md for the measurements behind these choices).
    public static let defaultCapacityCap: Double? = nil
    public static let defaultMaxExposure: Double? = 0.35
    public static let defaultExtremeFocus: Bool? = nil
    /// The delay after which earlier answers are no longer carried over when the trainer asks for it (Pix: 7 days).
    public static let carryOverDelayDays = 7

    /// Settings stored before a field existed read with that field's default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        frameworkID = try container.decode(String.self, forKey: .frameworkID)
        algorithm = try container.decode(AssessmentAlgorithm.self, forKey: .algorithm)
        profile = try container.decodeIfPresent(TargetProfile.self, forKey: .profile)
        maxLevel = try container.decode(Int.self, forKey: .maxLevel)
        maxLength = try container.decode(Int.self, forKey: .maxLength)
        targetStandardError = try container.decode(Double.self, forKey: .targetStandardError)
        accessibleOnly = try container.decodeIfPresent(Bool.self, forKey: .accessibleOnly) ?? false
        shorterPositioning = try container.decodeIfPresent(Bool.self, forKey: .shorterPositioning) ?? false
        capacityCap = try container.decodeIfPresent(Double.self, forKey: .capacityCap)
        maxExposure = try container.decodeIfPresent(Double.self, forKey: .maxExposure)
        carryOverDays = try container.decodeIfPresent(Int.self, forKey: .carryOverDays)
        extremeFocus = try container.decodeIfPresent(Bool.self, forKey: .extremeFocus)
    }
}

/// A learner's result on one competence.
public struct CompetenceResult: Sendable, Equatable, Codable {
    public var competenceID: String
    public var title: String
    /// Nil when the competence was not evaluated (no answer on it): « non évalué », which is not level 0.
    public var level: Int?
    /// Smart random: pix earned. IRT: nil.
    public var pix: Int?
    /// IRT: estimated ability and its standard error.
    public var theta: Double?
    public var standardError: Double?
    /// Questions answered on this competence.
    public var answered: Int
    /// Skills of this competence in the assessment's scope, and those validated (nil in old snapshots).
    public var targetedSkills: Int?
    public var validatedSkills: Int?

    /// Share of the targeted skills that are validated.
    public var mastery: Double? {
        guard let targeted = targetedSkills, let validated = validatedSkills, targeted > 0 else { return nil }
        return Double(validated) / Double(targeted)
    }
}

public struct AssessmentResult: Sendable, Equatable, Codable {
    public var frameworkID: String
    public var algorithm: AssessmentAlgorithm
    public var maxLevel: Int
    public var competences: [CompetenceResult]
    public var totalPix: Int?
    /// Share of the target profile's skills validated, when there is a profile.
    public var mastery: Double?
}

/// Runs one assessment: which item comes next, what an answer adds to the knowledge elements, and the
/// result. Pure and deterministic given the answers and the seed, so that an interrupted assessment
/// resumes exactly where it was.
///
/// Building one walks the whole bank (skill index, playable items, scoring, IRT candidates): build it once
/// per framework and settings and reuse it (`AssessmentService` keeps them). It is immutable, so one
/// instance serves any number of threads.
public final class AssessmentEngine: Sendable {
    public let framework: Framework
    public let settings: AssessmentSettings
    let items: [String: Item]
    let index: SkillIndex
    let smartRandom: SmartRandom
    let scoring: Scoring
    let parameters: [String: ItemParameters]
    /// IRT mode: the items in scope, in id order, with their parameters (no candidate in smart random mode).
    let irtEngine: IRTEngine
    /// Playable items whose skill is in scope.
    let itemsInScope: Int

    /// `items`: the bank (only validated items of this framework are used); `calibrated`: item parameters
    /// from calibration, which win over those in the item files.
    public init(framework: Framework, items: [Item], settings: AssessmentSettings,
                calibrated: [String: ItemParameters] = [:]) {
        self.framework = framework
        self.settings = settings
        let index = SkillIndex([framework])
        self.index = index
        let playable = items.filter {
            $0.isPlayable && index[$0.skillID] != nil && ($0.accessible || !settings.accessibleOnly)
        }
        let byID = Dictionary(playable.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.items = byID
        let smartRandom = SmartRandom(framework: framework, items: playable, profile: settings.profile, index: index)
        self.smartRandom = smartRandom
        scoring = Scoring(framework: framework, activeSkills: Set(playable.map(\.skillID)), maxLevel: settings.maxLevel)
        var parameters: [String: ItemParameters] = [:]
        for item in playable {
            guard let place = index[item.skillID] else { continue }
            let fallback = IRT.defaultParameters(level: place.skill.level)
            // The lower asymptote comes from the item's type (1/k for a single choice among k), whatever the source
            // of a and b.
            var itemParameters = calibrated[item.id] ?? ItemParameters(
                difficulty: item.difficulty ?? fallback.difficulty,
                discrimination: item.discrimination ?? fallback.discrimination)
            itemParameters.guessing = IRT.guessing(for: item)
            parameters[item.id] = itemParameters
        }
        self.parameters = parameters
        let inScope = byID.values.filter { smartRandom.scope.contains($0.skillID) }.sorted { $0.id < $1.id }
        itemsInScope = inScope.count
        let candidates: [IRTCandidate] = settings.algorithm != .irt ? [] : inScope.compactMap { item in
            guard let place = index[item.skillID], let itemParameters = parameters[item.id] else { return nil }
            return IRTCandidate(itemID: item.id, competenceID: place.competenceID, parameters: itemParameters,
                                tubeID: settings.shorterPositioning ? place.tube.id : nil)
        }
        let decision = settings.shorterPositioning
            ? LevelDecision(cutScores: framework.cutScores ?? IRT.defaultCutScores, maxLevel: settings.maxLevel) : nil
        irtEngine = IRTEngine(candidates: candidates, targetStandardError: settings.targetStandardError,
                              maxLength: settings.maxLength, decision: decision,
                              correlation: settings.shorterPositioning ? IRTEngine.shorterCorrelation : 0,
                              capacityCap: settings.capacityCap,
                              edges: settings.extremeFocus == true ? AssessmentEngine.edges(cuts: framework.cutScores ?? IRT.defaultCutScores,
                                                                                            maxLevel: settings.maxLevel) : nil)
    }

    /// The cut scores next to the extreme levels: of level 2 (below it, a learner may be at 0) and of level
    /// maxLevel - 1 (above it, at maxLevel); nil when the framework has too few levels.
    static func edges(cuts: [Double], maxLevel: Int) -> ClosedRange<Double>? {
        let upperIndex = min(maxLevel, cuts.count) - 2
        guard cuts.count >= 2, upperIndex >= 1, cuts[1] <= cuts[upperIndex] else { return nil }
        return cuts[1]...cuts[upperIndex]
    }

    public func item(_ id: String) -> Item? { items[id] }

    public func parameters(of itemID: String) -> ItemParameters? { parameters[itemID] }

    /// The skills in scope (profile, playable items).
    public var scope: Set<String> { smartRandom.scope }

    /// The next item, or nil when the assessment is over. `exposure`: the share of earlier runs that showed each
    /// item, used in IRT mode when the settings set `maxExposure` (smart random ignores it).
    public func nextItem(answers: [AnsweredItem], elements: [KnowledgeElement], seed: String,
                         exposure: [String: Double] = [:]) -> Item? {
        switch settings.algorithm {
        case .smartRandom:
            return smartRandom.nextItem(answers: answers, elements: elements, seed: seed)
        case .irt:
            var random = SeededRandom(text: "\(seed)#\(answers.count)")
            let responses = answers.map { IRTResponse(itemID: $0.itemID, correct: $0.correct) }
            let control = settings.maxExposure.flatMap { exposure.isEmpty ? nil : ExposureControl(rates: exposure, maxRate: $0) }
            return irtEngine.nextItem(after: responses, exposure: control, using: &random).flatMap { items[$0.itemID] }
        }
    }

    /// What a run carrying knowledge over starts from, given the learner's earlier answers in this framework (oldest
    /// first, already limited to the delay): the latest answer to each item this engine can ask, in the order given,
    /// and the knowledge elements they add (with Pix's inference in smart random mode), so that those items are not
    /// asked again and the answers count in the result.
    public func carriedOver(_ earlier: [AnsweredItem]) -> (answers: [AnsweredItem], elements: [KnowledgeElement]) {
        var latest: [String: Int] = [:]
        for (position, answer) in earlier.enumerated() where items[answer.itemID] != nil && scope.contains(answer.skillID) {
            latest[answer.itemID] = position
        }
        var answers: [AnsweredItem] = []
        var elements: [KnowledgeElement] = []
        for (position, answer) in earlier.enumerated() where latest[answer.itemID] == position {
            guard let item = items[answer.itemID] else { continue }
            elements += self.elements(forAnswerOn: item, correct: answer.correct, existing: elements)
            answers.append(AnsweredItem(itemID: item.id, skillID: item.skillID, correct: answer.correct))
        }
        return (answers, elements)
    }

    /// An honest upper bound of the questions left.
    public func remainingAtMost(answers: [AnsweredItem], elements: [KnowledgeElement]) -> Int {
        let untested = smartRandom.remainingAtMost(answers: answers, elements: elements)
        switch settings.algorithm {
        case .smartRandom: return untested
        case .irt:
            let unanswered = itemsInScope - answers.count
            return max(0, min(settings.maxLength - answers.count, unanswered))
        }
    }

    /// The knowledge elements an answer adds (with Pix's inference in smart random mode).
    public func elements(forAnswerOn item: Item, correct: Bool, existing: [KnowledgeElement]) -> [KnowledgeElement] {
        let added = KnowledgeElements.elements(
            forAnswerOn: item.skillID, correct: correct, existing: existing, index: index, scope: scope,
            pixValue: scoring.pixValue)
        return settings.algorithm == .smartRandom ? added : Array(added.prefix(1))
    }

    public func result(answers: [AnsweredItem], elements: [KnowledgeElement]) -> AssessmentResult {
        var latest: [String: KnowledgeElement.Status] = [:]
        for element in elements { latest[element.skillID] = element.status }
        func skills(_ competenceID: String) -> (targeted: Int, validated: Int) {
            let inScope = framework.competence(id: competenceID)?.tubes.flatMap(\.skills).filter { scope.contains($0.id) } ?? []
            return (inScope.count, inScope.filter { latest[$0.id] == .validated }.count)
        }
        var answeredPerCompetence: [String: Int] = [:]
        for answer in answers {
            if let place = index[answer.skillID] { answeredPerCompetence[place.competenceID, default: 0] += 1 }
        }
        let mastery = settings.profile.map { scoring.mastery(elements, profile: $0) }
        switch settings.algorithm {
        case .smartRandom:
            let scores = Dictionary(uniqueKeysWithValues: scoring.scores(elements).map { ($0.competenceID, $0) })
            let competences = framework.competences.map { competence in
                CompetenceResult(competenceID: competence.id, title: competence.title,
                                 level: answeredPerCompetence[competence.id] == nil ? nil : scores[competence.id]?.level ?? 0,
                                 pix: scores[competence.id]?.pix ?? 0,
                                 theta: nil, standardError: nil, answered: answeredPerCompetence[competence.id] ?? 0,
                                 targetedSkills: skills(competence.id).targeted, validatedSkills: skills(competence.id).validated)
            }
            return AssessmentResult(frameworkID: framework.id, algorithm: .smartRandom, maxLevel: settings.maxLevel,
                                    competences: competences, totalPix: competences.compactMap(\.pix).reduce(0, +),
                                    mastery: mastery)
        case .irt:
            let estimates = irtEngine.estimates(answers.map { IRTResponse(itemID: $0.itemID, correct: $0.correct) })
            let cuts = framework.cutScores ?? IRT.defaultCutScores
            let competences = framework.competences.map { competence in
                let answered = answeredPerCompetence[competence.id] ?? 0
                let estimate = estimates[competence.id]
                return CompetenceResult(
                    competenceID: competence.id, title: competence.title,
                    level: answered == 0 ? nil : IRT.level(theta: estimate?.theta ?? 0, cutScores: cuts,
                                                           maxLevel: settings.maxLevel),
                    pix: nil, theta: answered == 0 ? nil : estimate?.theta,
                    standardError: answered == 0 ? nil : estimate?.standardError, answered: answered,
                    targetedSkills: skills(competence.id).targeted, validatedSkills: skills(competence.id).validated)
            }
            return AssessmentResult(frameworkID: framework.id, algorithm: .irt, maxLevel: settings.maxLevel,
                                    competences: competences, totalPix: nil, mastery: mastery)
        }
    }
}
