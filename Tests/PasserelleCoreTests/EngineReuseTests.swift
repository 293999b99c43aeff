import Foundation
import Testing
@testable import PasserelleCore

/// The sample bank with more to choose from: a second item for every skill up to level 2, two items
/// flagged inaccessible, and one item that is not playable.
func richerSampleItems(_ framework: Framework) -> [Item] {
    var items = sampleItems(framework)
    for skill in framework.skills where skill.level <= 2 {
        items.append(Item(id: "second\(skill.id)", skillID: skill.id, type: .qcu, prompt: "?",
                          choices: [Choice(id: "a", text: "Oui", correct: true), Choice(id: "b", text: "Non")],
                          feedback: "f"))
    }
    for index in items.indices where ["item@A3", "second@D1"].contains(items[index].id) {
        items[index].accessible = false
    }
    items.append(Item(id: "draft@A4", skillID: "@A4", type: .qcu, status: .draft, prompt: "?",
                      choices: [Choice(id: "a", text: "Oui", correct: true)], feedback: "f"))
    return items
}

/// A whole run with answers drawn from the item and the seed: each entry is the item id, then + or -.
/// The result's levels, answer counts and validated skills follow.
func recordedRun(_ engine: AssessmentEngine, seed: String, limit: Int = 60) -> [String] {
    var answers: [AnsweredItem] = [], elements: [KnowledgeElement] = []
    while answers.count < limit, let item = engine.nextItem(answers: answers, elements: elements, seed: seed) {
        var random = SeededRandom(text: "\(seed)/answer/\(item.id)")
        let correct = random.nextUnit() < 0.55
        elements += engine.elements(forAnswerOn: item, correct: correct, existing: elements)
        answers.append(AnsweredItem(itemID: item.id, skillID: item.skillID, correct: correct))
    }
    let result = engine.result(answers: answers, elements: elements)
    return answers.map { "\($0.itemID)\($0.correct ? "+" : "-")" }
        + result.competences.map { "\($0.competenceID):\($0.level.map(String.init) ?? "-")/\($0.answered)/\($0.validatedSkills ?? -1)" }
}

@Suite struct EngineReuseTests {
    let framework = sampleFramework()
    let calibrated = ["item@A2": ItemParameters(difficulty: 0.3, discrimination: 1.7),
                      "item@D3": ItemParameters(difficulty: -0.2, discrimination: 0.6)]

    func engine(_ algorithm: AssessmentAlgorithm, profile: TargetProfile? = nil, accessibleOnly: Bool = false,
                calibrated: [String: ItemParameters] = [:]) -> AssessmentEngine {
        AssessmentEngine(framework: framework, items: richerSampleItems(framework),
                         settings: AssessmentSettings(frameworkID: "f", algorithm: algorithm, profile: profile,
                                                      maxLength: 12, accessibleOnly: accessibleOnly,
                                                      shorterPositioning: false),
                         calibrated: calibrated)
    }

    /// Runs recorded with the engine as it was before it was made to build its skill index once and keep its
    /// IRT candidates: the same choices, item by item, and the same results (IRT: the classic rule, not the
    /// shorter positioning).
    @Test func runsAreThoseOfTheEngineBeforeItWasOptimised() {
        let profile = TargetProfile(tubes: ["A": 4, "B": 2, "D": 3])
        #expect(recordedRun(engine(.smartRandom), seed: "golden") == [
            "second@B2+", "second@E2+", "item@F1-", "item@B3-", "item@A3-", "item@D2+", "item@D3-", "item@A2-",
            "item@A1-", "C1:1/7/4", "C2:1/2/2",
        ])
        #expect(recordedRun(engine(.smartRandom, profile: profile, accessibleOnly: true), seed: "golden") == [
            "second@B2+", "item@D3-", "item@D2+", "item@A2-", "item@A1-", "C1:0/3/2", "C2:1/2/2",
        ])
        #expect(recordedRun(engine(.smartRandom, calibrated: calibrated), seed: "golden") == [
            "second@B2+", "second@E2+", "item@F1-", "item@B3-", "item@A3-", "item@D2+", "item@D3-", "item@A2-",
            "item@A1-", "C1:1/7/4", "C2:1/2/2",
        ])
        // IRT runs recorded again when the model took the chance of guessing (1/2 on these two-choice items)
        // into account (issue 15).
        #expect(recordedRun(engine(.irt), seed: "golden") == [
            "item@B3-", "item@D1-", "second@D1-", "item@E2-", "item@D2+", "second@E2+", "item@D3-", "second@A2+",
            "second@B2+", "second@D2-", "item@B2-", "item@D4+", "C1:2/6/2", "C2:1/6/1",
        ])
        #expect(recordedRun(engine(.irt, profile: profile, accessibleOnly: true), seed: "golden") == [
            "item@B2-", "item@D1-", "item@D3-", "second@B2+", "item@A2-", "second@D2-", "item@B1-", "item@D2+",
            "second@B1+", "second@A1+", "second@A2+", "item@A4-", "C1:2/8/4", "C2:1/4/1",
        ])
        #expect(recordedRun(engine(.irt, calibrated: calibrated), seed: "golden") == [
            "item@A3-", "second@D1-", "item@D4+", "second@A2+", "item@D2+", "second@B2+", "item@D1-", "item@B2-",
            "second@D2-", "second@E2+", "item@B3-", "item@D3-", "C1:2/6/2", "C2:1/6/1",
        ])
    }

    /// Every choice of the engine, along whole runs, is the one a reference built from scratch at each step
    /// makes (its own skill index, playable items, smart random and IRT candidates, as the engine did before).
    @Test func everyChoiceIsTheReferenceChoice() {
        let items = richerSampleItems(framework)
        let profiles: [TargetProfile?] = [nil, TargetProfile(tubes: ["A": 3, "B": 3, "D": 4]), TargetProfile(tubes: ["D": 2])]
        var compared = 0
        for algorithm in AssessmentAlgorithm.allCases {
            for profile in profiles {
                for accessibleOnly in [false, true] {
                    let settings = AssessmentSettings(frameworkID: "f", algorithm: algorithm, profile: profile,
                                                      maxLength: 10, accessibleOnly: accessibleOnly,
                                                      shorterPositioning: false)
                    let engine = AssessmentEngine(framework: framework, items: items, settings: settings, calibrated: calibrated)
                    for seed in 0..<8 {
                        compared += compareWithReference(engine, items: items, calibrated: calibrated, seed: "r\(seed)")
                    }
                }
            }
        }
        #expect(compared > 300)
    }
}

/// The next item as the engine chose it before it kept its skill index and IRT candidates: everything
/// rebuilt from the bank for this one choice.
func referenceNextItem(framework: Framework, items: [Item], settings: AssessmentSettings,
                       calibrated: [String: ItemParameters], answers: [AnsweredItem],
                       elements: [KnowledgeElement], seed: String) -> Item? {
    let index = SkillIndex([framework])
    let playable = items.filter { $0.isPlayable && index[$0.skillID] != nil && ($0.accessible || !settings.accessibleOnly) }
    let smartRandom = SmartRandom(framework: framework, items: playable, profile: settings.profile)
    switch settings.algorithm {
    case .smartRandom:
        return smartRandom.nextItem(answers: answers, elements: elements, seed: seed)
    case .irt:
        let byID = Dictionary(playable.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let candidates = byID.values.filter { smartRandom.scope.contains($0.skillID) }.sorted { $0.id < $1.id }.map { item in
            let fallback = IRT.defaultParameters(level: index[item.skillID]!.skill.level)
            var parameters = calibrated[item.id] ?? ItemParameters(
                difficulty: item.difficulty ?? fallback.difficulty, discrimination: item.discrimination ?? fallback.discrimination)
            parameters.guessing = IRT.guessing(for: item)
            return IRTCandidate(itemID: item.id, competenceID: index[item.skillID]!.competenceID, parameters: parameters)
        }
        let irt = IRTEngine(candidates: candidates, targetStandardError: settings.targetStandardError,
                            maxLength: settings.maxLength, capacityCap: settings.capacityCap)
        var random = SeededRandom(text: "\(seed)#\(answers.count)")
        return irt.nextItem(after: answers.map { IRTResponse(itemID: $0.itemID, correct: $0.correct) }, using: &random)
            .flatMap { byID[$0.itemID] }
    }
}

/// Runs the engine with answers drawn from the seed and checks each choice against the reference;
/// returns the number of choices compared.
@discardableResult
func compareWithReference(_ engine: AssessmentEngine, items: [Item], calibrated: [String: ItemParameters],
                          seed: String, limit: Int = 200) -> Int {
    var answers: [AnsweredItem] = [], elements: [KnowledgeElement] = []
    var random = SeededRandom(text: seed)
    var compared = 0
    while answers.count < limit {
        let next = engine.nextItem(answers: answers, elements: elements, seed: seed)
        let expected = referenceNextItem(framework: engine.framework, items: items, settings: engine.settings,
                                         calibrated: calibrated, answers: answers, elements: elements, seed: seed)
        compared += 1
        #expect(next?.id == expected?.id, "\(engine.settings.algorithm) \(seed), answer \(answers.count)")
        guard let item = next, next?.id == expected?.id else { break }
        let correct = random.nextUnit() < 0.5
        elements += engine.elements(forAnswerOn: item, correct: correct, existing: elements)
        answers.append(AnsweredItem(itemID: item.id, skillID: item.skillID, correct: correct))
    }
    #expect(engine.remainingAtMost(answers: answers, elements: elements) >= 0)
    return compared
}
