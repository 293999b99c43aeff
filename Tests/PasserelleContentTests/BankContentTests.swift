import Foundation
import PasserelleCore
import Testing
@testable import PasserelleContent

/// The shipped bank meets what each framework's `bank:` section asks (docs/ITEM-WRITING.md).
@Suite struct BankContentTests {
    static func catalog() throws -> ContentCatalog {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return try ContentLoader.load(try ContentRoot(validating: repository.path))
    }

    @Test(arguments: ["numerique", "mediation"])
    func theShippedBankCoversEverySkillItMust(frameworkID: String) throws {
        let catalog = try Self.catalog()
        let framework = try #require(catalog.framework(id: frameworkID))
        let requirements = try #require(framework.bank, "the framework states its bank requirements")
        let coverage = BankCoverage(framework: framework, items: catalog.items(of: framework))
        #expect(coverage.shortfalls == [])
        #expect(framework.competences.allSatisfy { $0.tubes.count >= requirements.minTubesPerCompetence })
        #expect(requirements.minItemsPerLevel[1] == 3, "levels 1-3 need three items each")
    }

    /// The authoring key used at start-up (`ItemRules.textKey`) keeps what the answer checker's full
    /// normalisation keeps, on every prompt and choice of the bank.
    @Test func textKeysAgreeWithTheAnswerCheckersNormalisationOnEveryShippedText() throws {
        let catalog = try Self.catalog()
        var texts = 0
        for item in catalog.items {
            for text in [item.prompt] + item.choices.map(\.text) {
                #expect(ItemRules.textKey(text) == AnswerChecker.normalise(text, .all), "\(item.id): « \(text) »")
                texts += 1
            }
        }
        #expect(texts > 3000)
    }

    @Test func noValidatedItemBreaksAWritingRule() throws {
        let catalog = try Self.catalog()
        let index = SkillIndex(catalog.frameworks)
        var prompts: [String: String] = [:]
        for item in catalog.items where item.isPlayable {
            let framework = catalog.frameworks.first { $0.tubes.contains { $0.id == index[item.skillID]?.tube.id } }
            let problems = ItemRules.problems(item, sourceRequired: framework?.bank?.sourceRequired ?? false)
            #expect(problems.isEmpty, "\(item.id): \(problems)")
            let key = ItemRules.promptKey(item)
            #expect(prompts[key] == nil, "\(item.id) repeats the prompt of \(prompts[key] ?? "")")
            prompts[key] = item.id
        }
    }
}
