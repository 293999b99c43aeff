import Foundation
import Testing
@testable import PasserelleCore

/// A small framework: competence C1 with tubes A (levels 1-5), B (1-3), E (1-2), F (1); C2 with tube D (1-4).
func sampleFramework() -> Framework {
    func tube(_ id: String, _ levels: ClosedRange<Int>) -> Tube {
        Tube(id: id, title: id, skills: levels.map { Skill(id: "@\(id)\($0)", level: $0, title: "\(id)\($0)") })
    }
    return Framework(id: "f", title: "F", description: "", domains: [
        Domain(id: "1", title: "D", competences: [
            Competence(id: "C1", title: "C1", tubes: [tube("A", 1...5), tube("B", 1...3), tube("E", 1...2), tube("F", 1...1)]),
            Competence(id: "C2", title: "C2", tubes: [tube("D", 1...4)]),
        ]),
    ])
}

/// One QCU per skill, whose right answer is "a".
func sampleItems(_ framework: Framework) -> [Item] {
    framework.skills.map { skill in
        Item(id: "item\(skill.id)", skillID: skill.id, type: .qcu, prompt: "?",
             choices: [Choice(id: "a", text: "Oui", correct: true), Choice(id: "b", text: "Non")], feedback: "f")
    }
}

@Suite struct KnowledgeElementTests {
    let index = SkillIndex([sampleFramework()])

    @Test func aRightAnswerValidatesTheUntestedEasierSkills() {
        let added = KnowledgeElements.elements(forAnswerOn: "@A3", correct: true, existing: [], index: index) { _ in 1 }
        #expect(added.map(\.skillID) == ["@A3", "@A1", "@A2"])
        #expect(added.map(\.source) == [.direct, .inferred, .inferred])
        #expect(added.allSatisfy { $0.status == .validated && $0.earnedPix == 1 && $0.competenceID == "C1" })
    }

    @Test func aWrongAnswerInvalidatesTheUntestedHarderSkills() {
        let added = KnowledgeElements.elements(forAnswerOn: "@A3", correct: false, existing: [], index: index) { _ in 1 }
        #expect(added.map(\.skillID) == ["@A3", "@A4", "@A5"])
        #expect(added.allSatisfy { $0.status == .invalidated && $0.earnedPix == 0 })
    }

    @Test func testedSkillsAreNotInferredAgain() {
        let first = KnowledgeElements.elements(forAnswerOn: "@A1", correct: false, existing: [], index: index) { _ in 1 }
        // @A1 wrong invalidated A2..A5; a later right answer on A4 infers nothing about A1..A3.
        let second = KnowledgeElements.elements(forAnswerOn: "@A4", correct: true, existing: first, index: index) { _ in 1 }
        #expect(second.map(\.skillID) == ["@A4"])
    }
}

@Suite struct ScoringTests {
    @Test func skillValuesAreEightOverNCappedAtFour() {
        let scoring = Scoring(framework: sampleFramework())
        #expect(scoring.pixValue("@A1") == 2)          // 4 skills at level 1 in C1
        #expect(abs(scoring.pixValue("@A2") - 8.0 / 3) < 1e-12)  // 3 skills at level 2
        #expect(scoring.pixValue("@A3") == 4)          // 2 skills at level 3
        #expect(scoring.pixValue("@A5") == 4)          // 1 skill: 8 capped at 4
        #expect(scoring.pixValue("@D1") == 4)
        // Only active skills count: without B1, E1, F1, A1 is alone at level 1.
        let fewer = Scoring(framework: sampleFramework(), activeSkills: ["@A1", "@A2"])
        #expect(fewer.pixValue("@A1") == 4)
        #expect(fewer.pixValue("@B1") == 0)
    }

    @Test func competencePixAndLevelWithTheCap() {
        let framework = sampleFramework()
        let index = SkillIndex([framework])
        let scoring = Scoring(framework: framework)
        let validated = ["@A1", "@B1", "@E1", "@F1", "@A2", "@B2", "@E2", "@A3"].map { id in
            KnowledgeElement(skillID: id, tubeID: index[id]!.tube.id, competenceID: "C1", status: .validated,
                             source: .direct, earnedPix: scoring.pixValue(id))
        }
        // 4 x 2 + 3 x 8/3 + 4 = 20 pix: level 2.
        #expect(scoring.scores(validated).first == CompetenceScore(competenceID: "C1", pix: 20, level: 2))
        #expect(scoring.total(validated) == 20)
        let capped = Scoring(framework: framework, maxLevel: 1)
        #expect(capped.scores(validated).first == CompetenceScore(competenceID: "C1", pix: 8, level: 1))
        // The latest element of a skill wins.
        let reset = validated + [KnowledgeElement(skillID: "@A3", tubeID: "A", competenceID: "C1", status: .reset,
                                                  source: .direct, earnedPix: 0)]
        #expect(scoring.scores(reset).first?.pix == 16)
        let profile = TargetProfile(tubes: ["A": 2, "D": 4])
        #expect(scoring.mastery(validated, profile: profile) == 2.0 / 6)
    }
}

@Suite struct SmartRandomTests {
    let framework = sampleFramework()
    var engine: SmartRandom { SmartRandom(framework: framework, items: sampleItems(framework)) }

    @Test func levelEstimateOnTheHalfGrid() {
        // Anchors only: 1 - s(L) - s(L - 7) = 0 at L = 3.5.
        #expect(SmartRandom.estimateLevel([]) == 3.5)
        // One right answer at level 2: |sum| is 0.0110 at 4.5, 0.0898 at 4 and 0.0651 at 5 (by hand).
        #expect(SmartRandom.estimateLevel([(level: 2, correct: true)]) == 4.5)
        // One wrong answer at level 2: |sum| is 0.0025 at 1.0, 0.1936 at 0.5 and 0.1992 at 1.5 (by hand).
        #expect(SmartRandom.estimateLevel([(level: 2, correct: false)]) == 1.0)
    }

    @Test func firstItemIsFromAnEasyTubeAtLevelTwo() {
        let (skills, _) = engine.candidateSkills(answers: [], elements: [])
        #expect(skills == ["@B2", "@E2"])  // A (5 levels) and D (4 levels) are not easy tubes
        let first = engine.nextItem(answers: [], elements: [], seed: "s")
        #expect(["item@B2", "item@E2"].contains(first?.id))
    }

    @Test func rewardValuesByHand() {
        let untested = Set(framework.skills.map(\.id))
        // L = 2, A3: P = s(-1) = 0.268941; 2 easier, 2 harder: 0.268941 x 2 + 0.731059 x 2 = 2.
        #expect(abs(engine.reward("@A3", level: 2, untested: untested) - 2.0) < 1e-9)
        // A1: P = s(1) = 0.731059; 0 easier, 4 harder: 0.268941 x 4 = 1.075765.
        #expect(abs(engine.reward("@A1", level: 2, untested: untested) - 1.075765) < 1e-6)
        // A5: P = s(-3) = 0.047426; 4 easier: 0.189704.
        #expect(abs(engine.reward("@A5", level: 2, untested: untested) - 0.189704) < 1e-6)
    }

    @Test func tooDifficultSkillsAreFilteredAndEasyTubesComeFirst() {
        // A wrong answer at level 1 of D: the estimate drops, so no skill above estimate + 2 is offered.
        let index = SkillIndex([framework])
        let answers = [AnsweredItem(itemID: "item@D1", skillID: "@D1", correct: false)]
        let elements = KnowledgeElements.elements(forAnswerOn: "@D1", correct: false, existing: [], index: index) { _ in 0 }
        let (skills, level) = engine.candidateSkills(answers: answers, elements: elements)
        #expect(!skills.isEmpty)
        for skill in skills {
            #expect(Double(index[skill]!.skill.level) - level <= 2)
            #expect(["B", "E", "F"].contains(index[skill]!.tube.id), "easy tubes first")
        }
    }

    /// Pix's filter order: untested skills, then easy tubes first, then too-hard skills dropped. When the easy
    /// tubes still hold untested skills that are all too hard, nothing is left and the run ends; it does not fall
    /// back to a harder tube (which the old order, too-hard first and easy tubes second, did).
    @Test func easyTubePriorityComesBeforeDroppingTooHardSkills() {
        let index = SkillIndex([framework])
        var answers: [AnsweredItem] = []
        var elements: [KnowledgeElement] = []
        for (skill, correct) in [("@B2", true), ("@E1", false), ("@F1", false), ("@A1", false)] {
            answers.append(AnsweredItem(itemID: "item\(skill)", skillID: skill, correct: correct))
            elements += KnowledgeElements.elements(forAnswerOn: skill, correct: correct, existing: elements, index: index) { _ in 1 }
        }
        // Untested: @B3 (easy tube B, too hard at L = 0.5) and @D1...@D4 (tube D is not easy).
        let (skills, level) = engine.candidateSkills(answers: answers, elements: elements)
        #expect(level == 0.5)
        #expect(skills.isEmpty, "the easy tube's skill is too hard: Pix stops here, got \(skills)")
        #expect(engine.nextItem(answers: answers, elements: elements, seed: "s") == nil)
    }

    /// A competence with no answer is « non évalué » (no level), not level 0, in both modes.
    @Test func aCompetenceWithNoAnswerHasNoLevel() {
        let items = sampleItems(framework)
        for algorithm in AssessmentAlgorithm.allCases {
            let engine = AssessmentEngine(framework: framework, items: items,
                                          settings: AssessmentSettings(frameworkID: "f", algorithm: algorithm))
            let answers = [AnsweredItem(itemID: "item@B2", skillID: "@B2", correct: false)]
            let elements = engine.elements(forAnswerOn: items.first { $0.id == "item@B2" }!, correct: false, existing: [])
            let result = engine.result(answers: answers, elements: elements)
            let c1 = result.competences.first { $0.competenceID == "C1" }
            let c2 = result.competences.first { $0.competenceID == "C2" }
            #expect(c1?.level != nil, "\(algorithm): answered, so placed")
            #expect(c2?.answered == 0)
            #expect(c2?.level == nil, "\(algorithm): not evaluated, not level 0")
        }
    }

    @Test func aWholeRunStopsWhenNothingIsLeftAndIsReproducible() {
        func run(seed: String, rightUpTo: Int) -> [String] {
            let index = SkillIndex([framework])
            var answers: [AnsweredItem] = [], elements: [KnowledgeElement] = []
            while let item = engine.nextItem(answers: answers, elements: elements, seed: seed) {
                let correct = index[item.skillID]!.skill.level <= rightUpTo
                answers.append(AnsweredItem(itemID: item.id, skillID: item.skillID, correct: correct))
                elements += KnowledgeElements.elements(forAnswerOn: item.skillID, correct: correct, existing: elements,
                                                       index: index) { _ in 1 }
                #expect(answers.count <= framework.skills.count)
            }
            #expect(Set(answers.map(\.itemID)).count == answers.count, "no item twice")
            return answers.map(\.itemID)
        }
        let a = run(seed: "x", rightUpTo: 3), b = run(seed: "x", rightUpTo: 3)
        #expect(a == b)
        #expect(a.count < framework.skills.count, "inference spares questions")
        #expect(run(seed: "x", rightUpTo: 8).count > 0)
    }

    @Test func aTargetProfileRestrictsTheSkills() {
        let restricted = SmartRandom(framework: framework, items: sampleItems(framework),
                                     profile: TargetProfile(tubes: ["D": 2]))
        #expect(restricted.scope == ["@D1", "@D2"])
        let first = restricted.nextItem(answers: [], elements: [], seed: "s")
        #expect(first?.skillID == "@D2")
    }
}
