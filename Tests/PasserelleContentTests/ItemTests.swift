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

    /// Each broken variant is reported in the item file at the item's line, with a clear message.
    @Test(arguments: [
        (validItems.replacingOccurrences(of: "\"@motsCles1\"", with: "\"@inconnu1\""), 2, "acquis inconnu « @inconnu1 »"),
        (validItems.replacingOccurrences(of: "id: mc2-a", with: "id: mc1-a"), 11, "identifiant déjà utilisé (Assessments/items/essai/motsCles.yaml:2)"),
        (validItems.replacingOccurrences(of: "text: Bonjour la CAF }", with: "text: Bonjour la CAF, correct: true }"), 8, "exactement une bonne réponse (ici : 2)"),
        (validItems.replacingOccurrences(of: "feedback: Des mots-clés précis suffisent.", with: "feedback: \"\""), 10, "« feedback » est vide"),
        (validItems.replacingOccurrences(of: "type: qcu", with: "type: qcx"), 4, "type inconnu « qcx »"),
        (validItems.replacingOccurrences(of: "accepted: [CAF, CPAM, France Travail]", with: "accepted: [CAF]"), 19, "au moins autant de réponses acceptées"),
        (validItems.replacingOccurrences(of: "text: Bonjour la CAF", with: "text: CAF horaires"), 8, "apparaît deux fois"),
    ])
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

    @Test func frameworkLevelsAndSkillIdsAreChecked() throws {
        let (_, diagnostics) = FrameworkLoader.load(
            text: validFramework.replacingOccurrences(of: "\"@motsCles2\"", with: "\"@motsCles9\""), file: "f.yaml")
        #expect(diagnostics.contains { $0.message.contains("doit être « @motsCles2 »") && $0.line == 13 })
    }
}
