import Foundation
import Testing
@testable import PasserelleCore

@Suite struct BankCoverageTests {
    /// sampleFramework: C1 has tubes A (1-5), B (1-3), E (1-2), F (1); C2 has only tube D (1-4).
    func framework(_ requirements: BankRequirements) -> Framework {
        var framework = sampleFramework()
        framework.bank = requirements
        return framework
    }

    @Test func countsValidatedItemsPerSkillAndListsEveryShortfall() {
        let framework = framework(BankRequirements(minTubesPerCompetence: 2, minItemsPerLevel: [1: 2, 2: 1]))
        var items = sampleItems(framework)  // one QCU per skill
        items.append(Item(id: "second-A1", skillID: "@A1", type: .qroc, prompt: "Mot ?",
                          fields: [AnswerField(id: "m", label: "Mot", accepted: ["caf"])], feedback: "f"))
        items.append(Item(id: "draft-B1", skillID: "@B1", type: .qcu, status: .draft, prompt: "Brouillon ?",
                          choices: [Choice(id: "a", text: "Oui", correct: true), Choice(id: "b", text: "Non")], feedback: "f"))
        let coverage = BankCoverage(framework: framework, items: items)

        let a = coverage.tubes.first { $0.tubeID == "A" }
        #expect(a?.items(level: 1) == 2)
        #expect(a?.required(level: 1) == 2)
        #expect(a?.items(level: 3) == 1)
        #expect(a?.required(level: 3) == 0)
        #expect(a?.types == ["qcu": 5, "qroc": 1])
        #expect(coverage.tubes.first { $0.tubeID == "B" }?.items(level: 1) == 1, "drafts do not count")
        #expect(coverage.items == framework.skills.count + 1)
        // Level 1 needs 2 items: B1, E1, F1 and D1 have one each; C2 has one tube out of two; B, D, E, F are QCU only.
        #expect(coverage.shortfalls.sorted() == [
            "acquis @B1 (niveau 1) : 1 question(s) validée(s), il en faut 2",
            "acquis @D1 (niveau 1) : 1 question(s) validée(s), il en faut 2",
            "acquis @E1 (niveau 1) : 1 question(s) validée(s), il en faut 2",
            "acquis @F1 (niveau 1) : 1 question(s) validée(s), il en faut 2",
            "compétence C2 : 1 tube(s), il en faut 2",
            "tube B : uniquement des QCU, il faut varier les types",
            "tube D : uniquement des QCU, il faut varier les types",
            "tube E : uniquement des QCU, il faut varier les types",
            "tube F : uniquement des QCU, il faut varier les types",
        ])
    }

    @Test func aBankThatMeetsItsRequirementsHasNoShortfall() {
        let framework = framework(BankRequirements(minTubesPerCompetence: 1, minItemsPerLevel: [1: 1, 2: 1, 3: 1, 4: 1, 5: 1]))
        let items = sampleItems(framework).map { item -> Item in
            var item = item
            item.type = .qcm
            item.choices.append(Choice(id: "c", text: "Aussi", correct: true))
            return item
        }
        #expect(BankCoverage(framework: framework, items: items).shortfalls == [])
        #expect(BankCoverage(framework: framework, items: Array(items.dropFirst())).shortfalls == [
            "acquis @A1 (niveau 1) : 0 question(s) validée(s), il en faut 1",
        ])
    }
}

@Suite struct ItemRulesTests {
    func item(prompt: String = "Quel site est officiel ?", feedback: String = "Le site se termine par gouv.fr.",
              choices: [String] = ["impots.gouv.fr", "impots-declaration.com"]) -> Item {
        Item(id: "i", skillID: "@A1", type: .qcu, prompt: prompt,
             choices: choices.enumerated().map { Choice(id: "c\($0.offset)", text: $0.element, correct: $0.offset == 0) },
             feedback: feedback)
    }

    @Test func aPlainItemBreaksNoRule() {
        #expect(ItemRules.problems(item()) == [])
        #expect(ItemRules.problems(item(prompt: "Vous ne trouvez pas le formulaire. Où cherchez-vous ?")) == [],
                "a negation outside the question is fine")
    }

    @Test func eachRuleIsReported() {
        #expect(ItemRules.problems(item(prompt: "Quel site n'est pas officiel ?")).count == 1)
        #expect(ItemRules.problems(item(prompt: "Que ne faut-il jamais faire ?")).count == 1)
        #expect(ItemRules.problems(item(choices: ["impots.gouv.fr", "Aucune de ces réponses"])).count == 1)
        #expect(ItemRules.problems(item(prompt: String(repeating: "mot ", count: 60) + "?")) == [])
        #expect(ItemRules.problems(item(prompt: String(repeating: "mot ", count: 61) + "?")).count == 1)
        #expect(ItemRules.problems(item(feedback: String(repeating: "mot ", count: 71))).count == 1)
        #expect(ItemRules.problems(item(), sourceRequired: true) == ["la source manque (« source: » : document et lignes)"])
        var qcm = item(prompt: "Quels sites sont officiels ?", choices: ["impots.gouv.fr", "caf.fr", "impots-aide.com"])
        qcm.type = .qcm
        qcm.choices[1].correct = true
        #expect(ItemRules.problems(qcm) == ["une QCM le dit dans son énoncé : « (plusieurs réponses) »"])
        qcm.prompt += "\n(plusieurs réponses)"
        #expect(ItemRules.problems(qcm) == [])
        var inaccessible = item()
        inaccessible.accessible = false
        #expect(ItemRules.problems(inaccessible).count == 1)
        inaccessible.accessibilityNote = "Il faut distinguer des couleurs."
        #expect(ItemRules.problems(inaccessible) == [])
    }

    @Test func feedbackHasOneOrTwoSentences() {
        #expect(ItemRules.sentences("Le site se termine par gouv.fr.") == ["Le site se termine par gouv.fr."])
        #expect(ItemRules.sentences("C'est la CAF ! Elle verse l'APL.").count == 2)
        #expect(ItemRules.sentences("Voir l'art. L311-3-1 du code. M. Martin le confirme.").count == 2)
        #expect(ItemRules.sentences("Un. Deux. « Trois »").count == 3)
        #expect(ItemRules.sentences("Il dit : « On ne vous entend pas. » Que faites-vous ?") ==
                ["Il dit : « On ne vous entend pas. »", "Que faites-vous ?"])
        #expect(ItemRules.sentences("Il vaut 1,5 Mo ; 2 Mo font environ 2 000 Ko.").count == 1)
        #expect(ItemRules.problems(item(feedback: "Un. Deux. Trois.")) == ["le retour a 3 phrases (une ou deux)"])
        #expect(ItemRules.problems(item(feedback: "Un : deux. Trois.")) == [])
    }

    @Test func promptsAreComparedWithoutCaseOrSpacing() {
        #expect(ItemRules.promptKey(item(prompt: "Quel  site est OFFICIEL ?")) == ItemRules.promptKey(item()))
        #expect(ItemRules.promptKey(item(prompt: "Quel site est payant ?")) != ItemRules.promptKey(item()))
    }

    @Test func textKeysKeepLettersAndDigitsWithoutCaseOrAccents() {
        #expect(ItemRules.textKey("Élève, ÇA coûte 12 € !") == "elevecacoute12")
        // « œ » is a letter of its own, not an « o » with a mark: kept, as the answer checker keeps it.
        #expect(ItemRules.textKey("« Noël »\u{00A0}: l'Œuvre") == "noellœuvre")
        #expect(AnswerChecker.normalise("« Noël »\u{00A0}: l'Œuvre", .all) == "noellœuvre")
        // A combining accent typed after its letter is dropped like a precomposed one.
        #expect(ItemRules.textKey("e\u{301}te\u{301}") == ItemRules.textKey("été"))
        #expect(ItemRules.textKey("été") == AnswerChecker.normalise("été", .all))
        #expect(ItemRules.textKey("Quel site ?") != ItemRules.textKey("Quel sites ?"))
    }
}

@Suite struct AccessibleItemsTests {
    /// Every item of tube A is flagged inaccessible: a learner who asked for accessible items never sees one.
    @Test func inaccessibleItemsAreNeverAskedToThoseWhoAskedForAccessibleItems() {
        let framework = sampleFramework()
        let items = sampleItems(framework).map { item -> Item in
            var item = item
            if item.skillID.hasPrefix("@A") {
                item.accessible = false
                item.accessibilityNote = "Image sans équivalent textuel."
            }
            return item
        }
        func asked(accessibleOnly: Bool, algorithm: AssessmentAlgorithm) -> [String] {
            let engine = AssessmentEngine(framework: framework, items: items,
                                          settings: AssessmentSettings(frameworkID: "f", algorithm: algorithm,
                                                                       accessibleOnly: accessibleOnly))
            var answers: [AnsweredItem] = [], elements: [KnowledgeElement] = []
            while let item = engine.nextItem(answers: answers, elements: elements, seed: "s"), answers.count < 50 {
                answers.append(AnsweredItem(itemID: item.id, skillID: item.skillID, correct: true))
                elements += engine.elements(forAnswerOn: item, correct: true, existing: elements)
            }
            return answers.map(\.skillID)
        }
        for algorithm in AssessmentAlgorithm.allCases {
            #expect(asked(accessibleOnly: false, algorithm: algorithm).contains { $0.hasPrefix("@A") })
            let accessible = asked(accessibleOnly: true, algorithm: algorithm)
            #expect(!accessible.isEmpty)
            #expect(!accessible.contains { $0.hasPrefix("@A") }, "\(algorithm): \(accessible)")
        }
    }

    @Test func settingsStoredBeforeTheFlagExistedStillRead() throws {
        let old = #"{"algorithm":"irt","frameworkID":"numerique","maxLength":40,"maxLevel":6,"targetStandardError":0.3}"#
        let settings = try JSONDecoder().decode(AssessmentSettings.self, from: Data(old.utf8))
        // Stored before the shorter positioning existed: the run goes on with the rule it began with.
        // Stored before the cap, exposure control and carry-over existed: none of them.
        #expect(settings == AssessmentSettings(frameworkID: "numerique", algorithm: .irt, shorterPositioning: false,
                                               capacityCap: nil, maxExposure: nil, carryOverDays: nil, extremeFocus: nil))
        let current = AssessmentSettings(frameworkID: "numerique", algorithm: .irt)
        #expect(current.shorterPositioning)
        #expect(current.capacityCap == nil && current.maxExposure == 0.35 && current.carryOverDays == nil)
        #expect(try JSONDecoder().decode(AssessmentSettings.self, from: JSONEncoder().encode(current)) == current)
        var flagged = settings
        flagged.accessibleOnly = true
        let again = try JSONDecoder().decode(AssessmentSettings.self, from: JSONEncoder().encode(flagged))
        #expect(again.accessibleOnly)
    }
}
