import Foundation
import Testing
@testable import PasserelleContent
import PasserelleCore

let validItems = """
    items:
      - id: mc1-a
        skill: "@motsCles1"
        type: qcu
        status: validated
        prompt: Que tapez-vous ?
        choices:
          - { id: a, text: CAF horaires, correct: true }
          - { id: b, text: Bonjour la CAF }
        feedback: Des mots-clés précis suffisent.
      - id: mc2-a
        skill: "@motsCles2"
        type: qrocm-dep
        status: validated
        prompt: Citez deux organismes.
        fields:
          - { id: a, label: Premier }
          - { id: b, label: Second }
        accepted: [CAF, CPAM, France Travail]
        normalisation: { t3: false }
        feedback: La CAF, la CPAM et France Travail sont des organismes.
    """

@Suite struct ItemLoadingTests {
    @Test func loadsValidItems() throws {
        let fixture = try ContentFixture()
        defer { fixture.remove() }
        try fixture.write("Assessments/frameworks/essai.yaml", validFramework)
        try fixture.write("Assessments/items/essai/motsCles.yaml", validItems)
        let catalog = try ContentLoader.load(fixture.root)
        #expect(catalog.items.map(\.id) == ["mc1-a", "mc2-a"])
        let dep = try #require(catalog.item(id: "mc2-a"))
        #expect(dep.type == .qrocmDep)
        #expect(dep.accepted == ["CAF", "CPAM", "France Travail"])
        #expect(dep.normalisation == Normalisation(t1: true, t2: true, t3: false))
        #expect(catalog.items(of: catalog.frameworks[0]).count == 2)
    }

    /// Item files are parsed on every core, then merged in path order: the first file keeps each id and
    /// prompt, every later copy is reported in its own file, in path order, whatever file finished first.
    @Test func filesParsedInParallelAreMergedInPathOrder() throws {
        let fixture = try ContentFixture()
        defer { fixture.remove() }
        try fixture.write("Assessments/frameworks/essai.yaml", validFramework)
        let names = (10..<40).map { "Assessments/items/essai/copie\($0).yaml" }
        for name in names { try fixture.write(name, validItems) }
        try fixture.write("Curriculum/m1/module.yaml", "id: m1\n")
        for _ in 0..<3 {
            let (catalog, diagnostics) = ContentLoader.check(fixture.root)
            #expect(catalog.items.map(\.id) == ["mc1-a", "mc2-a"])
            let repeated = diagnostics.filter { $0.message.contains("identifiant déjà utilisé") }
            #expect(repeated.map(\.file) == names.dropFirst().flatMap { [$0, $0] })
            #expect(repeated.allSatisfy { $0.message.contains("(Assessments/items/essai/copie10.yaml:") })
            // The module folder's problems come after every item file's.
            let lastItem = try #require(diagnostics.lastIndex { $0.file.hasPrefix("Assessments/items/") })
            let firstModule = try #require(diagnostics.firstIndex { $0.file.hasPrefix("Curriculum/m1/") })
            #expect(lastItem < firstModule)
        }
    }

    /// Each broken variant is reported in the item file at the item's line, with a clear message.
    static var itemProblemCases: [(String, Int, String)] {
        func broken(_ old: String, _ new: String, _ line: Int, _ message: String) -> (String, Int, String) {
            (validItems.replacingOccurrences(of: old, with: new), line, message)
        }
        return [
            broken("\"@motsCles1\"", "\"@inconnu1\"", 2, "acquis inconnu « @inconnu1 »"),
            broken("id: mc2-a", "id: mc1-a", 11, "identifiant déjà utilisé (Assessments/items/essai/motsCles.yaml:2)"),
            broken("text: Bonjour la CAF }", "text: Bonjour la CAF, correct: true }", 8, "exactement une bonne réponse (ici : 2)"),
            broken("feedback: Des mots-clés précis suffisent.", "feedback: \"\"", 10, "« feedback » est vide"),
            broken("type: qcu", "type: qcx", 4, "type inconnu « qcx »"),
            broken("accepted: [CAF, CPAM, France Travail]", "accepted: [CAF]", 19, "au moins autant de réponses acceptées"),
            broken("text: Bonjour la CAF", "text: CAF horaires", 8, "apparaît deux fois"),
            broken("text: Bonjour la CAF", "text: Toutes ces réponses", 2, "« toutes ces réponses »"),
            broken("prompt: Que tapez-vous ?", "prompt: Que ne tapez-vous pas ?", 2, "négation"),
            broken("prompt: Citez deux organismes.", "prompt: Que tapez-vous ?", 11, "même énoncé que la question Assessments/items/essai/motsCles.yaml:2 (mc1-a)"),
            broken("prompt: Citez deux organismes.", "prompt: " + String(repeating: "mot ", count: 61), 11, "l'énoncé a 61 mots (au plus 60"),
            broken("feedback: Des mots-clés précis suffisent.", "feedback: " + String(repeating: "mot ", count: 71), 2, "le retour a 71 mots"),
            broken("status: validated\n    prompt: Que", "status: validated\n    accessible: false\n    prompt: Que", 2, "une question non accessible dit pourquoi"),
        ]
    }

    @Test(arguments: itemProblemCases)
    func reportsItemProblems(text: String, line: Int, message: String) throws {
        let fixture = try ContentFixture()
        defer { fixture.remove() }
        try fixture.write("Assessments/frameworks/essai.yaml", validFramework)
        try fixture.write("Assessments/items/essai/motsCles.yaml", text)
        let (_, diagnostics) = ContentLoader.check(fixture.root)
        let found = diagnostics.first { $0.message.contains(message) }
        #expect(found != nil, "expected « \(message) » in \(diagnostics.map(\.description))")
        #expect(found?.file == "Assessments/items/essai/motsCles.yaml")
        #expect(found?.line == line, "\(diagnostics.map(\.description))")
    }

    /// With `source_required`, an item without `source:` is refused; the negation rule only reads the question.
    @Test func frameworkBankRequirementsApplyToItems() throws {
        let fixture = try ContentFixture()
        defer { fixture.remove() }
        try fixture.write("Assessments/frameworks/essai.yaml", validFramework.replacingOccurrences(
            of: "domains:", with: "bank:\n  min_tubes_per_competence: 2\n  min_items_per_skill: { 1: 3, 2: 1 }\n  source_required: true\ndomains:"))
        try fixture.write("Assessments/items/essai/motsCles.yaml", validItems.replacingOccurrences(
            of: "prompt: Que tapez-vous ?", with: "prompt: Vous ne trouvez pas la page. Que tapez-vous ?"))
        let (catalog, diagnostics) = ContentLoader.check(fixture.root)
        #expect(catalog.frameworks.first?.bank == BankRequirements(minTubesPerCompetence: 2, minItemsPerLevel: [1: 3, 2: 1],
                                                                    sourceRequired: true))
        #expect(diagnostics.filter { $0.message.contains("la source manque") }.map(\.line) == [2, 11])
        #expect(!diagnostics.contains { $0.message.contains("négation") })
    }

    @Test func badBankRequirementsAreReported() {
        let (_, diagnostics) = FrameworkLoader.load(text: validFramework.replacingOccurrences(
            of: "domains:", with: "bank:\n  min_items_per_skill: { 9: 3 }\n  source_required: peut-être\ndomains:"), file: "f.yaml")
        #expect(diagnostics.contains { $0.message.contains("associe un niveau (1 à 8)") && $0.line == 4 })
        #expect(diagnostics.contains { $0.message.contains("« source_required » vaut true ou false") && $0.line == 5 })
    }

    @Test func inaccessibleItemsKeepTheirReason() throws {
        let fixture = try ContentFixture()
        defer { fixture.remove() }
        try fixture.write("Assessments/frameworks/essai.yaml", validFramework)
        try fixture.write("Assessments/items/essai/motsCles.yaml", validItems.replacingOccurrences(
            of: "status: validated\n    prompt: Que",
            with: "status: validated\n    accessible: false\n    accessibility_note: Il faut voir la couleur des liens.\n    prompt: Que"))
        let catalog = try ContentLoader.load(fixture.root)
        let item = try #require(catalog.item(id: "mc1-a"))
        #expect(!item.accessible)
        #expect(item.accessibilityNote == "Il faut voir la couleur des liens.")
        #expect(catalog.item(id: "mc2-a")?.accessible == true)
    }

    @Test func frameworkLevelsAndSkillIdsAreChecked() throws {
        let (_, diagnostics) = FrameworkLoader.load(
            text: validFramework.replacingOccurrences(of: "\"@motsCles2\"", with: "\"@motsCles9\""), file: "f.yaml")
        #expect(diagnostics.contains { $0.message.contains("doit être « @motsCles2 »") && $0.line == 13 })
    }
}
