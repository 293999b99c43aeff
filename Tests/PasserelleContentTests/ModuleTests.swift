import Foundation
import Testing
@testable import PasserelleContent
import PasserelleCore

let moduleYAML = """
    id: essai-module
    title: Module d'essai
    audience: [me-msn]
    summary: Un module pour les tests.
    objectives:
      - Comprendre.
    duration: 30
    prerequisites: []
    competences:
      - essai:1.1
    lessons:
      - 01-lecon.md
      - 02-suite.md
    activity_sets:
      - id: serie-1
        title: Première série
        after: 01-lecon.md
        file: activites.yaml
        mastery: { rule: m_of_n, m: 2, n: 3 }
    sources:
      - "000_f8ba0acd265ce9bc.txt, lignes 4290-4400"
    """

let lessonOne = """
    ---
    title: Première leçon
    duration: 10
    objectives: [Lire]
    ---
    # Première leçon

    Du texte. <script>alert("x")</script>

    [La suite](02-suite.md)
    """

let activitiesYAML = """
    activities:
      - id: q1
        type: qcu
        prompt: Que faire ?
        choices:
          - { id: a, text: Faire avec, correct: true }
          - { id: b, text: Faire à la place }
        feedback: Faire avec laisse la personne apprendre.
      - id: cas
        type: scenario
        title: Au guichet
        prompt: Mme D. arrive.
        start: debut
        steps:
          - id: debut
            text: Elle vous tend son téléphone.
            choices:
              - { id: a, text: Je le prends, feedback: Elle n'apprend rien., next: end, outcome: poor }
              - { id: b, text: Je lui montre, feedback: Elle garde la main., next: end, outcome: good }
      - id: auto
        type: self-assessment
        prompt: Situez-vous.
        scale: { min: 1, max: 8, min_label: Pas du tout, max_label: Tout à fait }
        statements:
          - { id: s1, text: Je sais créer une adresse e-mail. }
      - id: grille
        type: observation-grid
        prompt: Observez.
        parts:
          - title: Le lieu
            questions:
              - { id: g1, text: Comment le lieu est-il signalé ? }
      - id: reflexion
        type: reflection
        prompt: Racontez.
    """

func moduleFixture(module: String = moduleYAML, lesson: String = lessonOne, activities: String = activitiesYAML) throws -> ContentFixture {
    let fixture = try ContentFixture()
    try fixture.write("Assessments/frameworks/essai.yaml", validFramework)
    try fixture.write("Curriculum/essai-module/module.yaml", module)
    try fixture.write("Curriculum/essai-module/01-lecon.md", lesson)
    try fixture.write("Curriculum/essai-module/02-suite.md", "---\ntitle: Suite\nduration: 5\n---\n# Suite\n\nFin.\n")
    try fixture.write("Curriculum/essai-module/activites.yaml", activities)
    return fixture
}

@Suite struct ModuleLoadingTests {
    @Test func loadsAModuleWithEveryActivityType() throws {
        let fixture = try moduleFixture()
        defer { fixture.remove() }
        let catalog = try ContentLoader.load(fixture.root)
        let module = try #require(catalog.module(id: "essai-module"))
        #expect(module.lessons.map(\.id) == ["01-lecon", "02-suite"])
        #expect(module.activitySets.first?.mastery == .mOfN(m: 2, n: 3))
        #expect(module.activitySets.first?.activities.map(\.typeName)
                == ["qcu", "scenario", "self-assessment", "observation-grid", "reflection"])
        #expect(module.activitySets.first?.gradedActivityIDs == ["q1", "cas"])
    }

    @Test func lessonsAreRenderedOnceWithPageLinksAndNoSeedFileNames() throws {
        let cited = lessonOne.replacingOccurrences(
            of: "Du texte.", with: "Du texte (source : 000_f8ba0acd265ce9bc.txt, lignes 4290-4300) et un fait\u{00A0}(source : 004_6937f42b2ab514b1.txt, ligne 12).")
        let fixture = try moduleFixture(lesson: cited)
        let catalog = try ContentLoader.load(fixture.root)
        let lesson = try #require(catalog.module(id: "essai-module")?.lessons.first)
        #expect(lesson.html.contains(#"href="/modules/essai-module/lecons/02-suite""#))
        #expect(!lesson.html.contains(".md"))
        #expect(!lesson.html.contains(".txt") && !lesson.spokenText.contains(".txt"))
        #expect(!lesson.spokenText.contains("source"))
        #expect(lesson.html.contains("Du texte et un fait."))
        #expect(lesson.citedSources == ["000_f8ba0acd265ce9bc.txt", "004_6937f42b2ab514b1.txt"])
    }

    /// A link to a lesson of another module (`../module/lesson.md#part`) becomes that lesson's page, never a
    /// link to the content file (the crawler found one in a shipped lesson).
    @Test func linksToAnotherModulesLessonBecomePageLinks() throws {
        let linked = lessonOne.replacingOccurrences(
            of: "[La suite](02-suite.md)", with: "[La suite](02-suite.md) et [l'autre](../essai-module/02-suite.md#une-partie)")
        let fixture = try moduleFixture(lesson: linked)
        defer { fixture.remove() }
        let catalog = try ContentLoader.load(fixture.root)
        let lesson = try #require(catalog.module(id: "essai-module")?.lessons.first)
        #expect(lesson.html.contains(#"href="/modules/essai-module/lecons/02-suite#une-partie""#))
        #expect(!lesson.html.contains(".md"))
    }

    @Test(arguments: ["sous-dossier/02-suite.md", "../../Curriculum/essai-module/02-suite.md", "./02-suite.md"])
    func lessonLinksOfAnotherFormAreRefused(target: String) throws {
        let fixture = try moduleFixture(lesson: lessonOne.replacingOccurrences(of: "(02-suite.md)", with: "(\(target))"))
        defer { fixture.remove() }
        try fixture.write("Curriculum/essai-module/sous-dossier/02-suite.md", "# x\n")
        let (_, diagnostics) = ContentLoader.check(fixture.root)
        let found = diagnostics.first { $0.message.contains("lien interne « \(target) »") }
        #expect(found?.file == "Curriculum/essai-module/01-lecon.md", "\(diagnostics.map(\.description))")
        #expect(found?.line == 10)
    }

    @Test func seedReferencesAreLeftOutOfEveryRenderedText() {
        #expect(SourceReferences.strip("Vrai (source : 001_56252d1dd2fa8373.txt, lignes 1-2 et 3-4).") == "Vrai.")
        #expect(SourceReferences.strip("Une parenthèse (utile) reste.") == "Une parenthèse (utile) reste.")
        #expect(!Markdown.html("Un fait (source : 002_430bb2faa0f0d13b.txt, lignes 5-6).").contains("002_"))
    }

    /// The text read aloud and used for titles: tags become spaces (as the expression `<[^>]+>` made them), then
    /// entities and runs of spaces go.
    @Test func plainTextLeavesOutTagsOnly() {
        #expect(Markdown.withoutTags("<p>Un <em>mot</em></p>") == " Un  mot  ")
        #expect(Markdown.withoutTags("a <> b") == "a <> b", "« <> » is not a tag")
        #expect(Markdown.withoutTags("1 < 2 et 3 > 2") == "1   2", "from « < » to « > » is a tag, as for the expression")
        #expect(Markdown.withoutTags("fin <sans fermeture") == "fin <sans fermeture")
        #expect(Markdown.withoutTags("<<b>>") == " >", "the first « < » opens the tag")
        #expect(Markdown.withoutTags("é<br/>e\u{301}") == "é e\u{301}")
        #expect(Markdown.plainText("**Attention** : « Le code & le *mot* »") == "Attention : « Le code & le mot »")
    }

    /// Entities are decoded as replacing each in turn with Foundation did (`&amp;` last), including next to a
    /// combining mark, which Foundation does not split from the entity's « ; ».
    @Test func entitiesAreDecodedAsFoundationReplacedThem() {
        func replacedInTurn(_ text: String) -> String {
            var html = text
            for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
                html = html.replacingOccurrences(of: entity, with: character)
            }
            return html
        }
        #expect(Markdown.withEntitiesDecoded("a &amp;lt; b &lt;i&gt; &quot;c&quot; l&#39;d") == "a &lt; b <i> \"c\" l'd")
        #expect(Array(Markdown.withEntitiesDecoded("&amp;\u{301}").unicodeScalars) == Array("&amp;\u{301}".unicodeScalars))
        let pieces = ["&", "&lt;", "&gt;", "&quot;", "&#39;", "&amp;", "amp;", "lt;", ";", "#", "a", "é", "\u{301}", " ", "\u{600}"]
        var random = SeededRandom(seed: 7)
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...10, using: &random)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
            #expect(Array(Markdown.withEntitiesDecoded(text).unicodeScalars) == Array(replacedInTurn(text).unicodeScalars),
                    "\(text.debugDescription)")
        }
    }

    @Test func markdownIsRenderedSafely() {
        let html = Markdown.html(lessonOne)
        #expect(!html.contains("<script>"))
        #expect(html.contains("<h1>Première leçon</h1>"))
        #expect(!Markdown.html("[x](javascript:alert(1))").contains("javascript:"))
    }

    @Test(arguments: [
        ("module", moduleYAML.replacingOccurrences(of: "02-suite.md\n", with: "03-absente.md\n"), "Curriculum/essai-module/module.yaml", 13, "fichier de leçon introuvable « 03-absente.md »"),
        ("module", moduleYAML.replacingOccurrences(of: "essai:1.1", with: "essai:9.9"), "Curriculum/essai-module/module.yaml", 10, "compétence inconnue « essai:9.9 »"),
        ("module", moduleYAML.replacingOccurrences(of: "prerequisites: []", with: "prerequisites: [essai-module]"), "Curriculum/essai-module/module.yaml", 8, "prérequis en boucle"),
        ("module", moduleYAML.replacingOccurrences(of: "\nsources:\n  - \"000_f8ba0acd265ce9bc.txt, lignes 4290-4400\"", with: ""), "Curriculum/essai-module/module.yaml", 1, "le champ « sources » manque"),
        ("lesson", lessonOne.replacingOccurrences(of: "02-suite.md", with: "02-perdue.md"), "Curriculum/essai-module/01-lecon.md", 10, "lien interne cassé : « 02-perdue.md »"),
        ("activities", activitiesYAML.replacingOccurrences(of: "    feedback: Faire avec laisse la personne apprendre.\n", with: ""), "Curriculum/essai-module/activites.yaml", 2, "le champ « feedback » manque"),
        ("activities", activitiesYAML.replacingOccurrences(of: "feedback: Elle garde la main., ", with: ""), "Curriculum/essai-module/activites.yaml", 19, "le champ « feedback » manque"),
        ("activities", activitiesYAML.replacingOccurrences(of: "outcome: good", with: "outcome: poor"), "Curriculum/essai-module/activites.yaml", 15, "aucun choix ne termine le cas avec « outcome: good »"),
    ])
    func reportsModuleProblems(part: String, text: String, file: String, line: Int, message: String) throws {
        let fixture = try moduleFixture(module: part == "module" ? text : moduleYAML, lesson: part == "lesson" ? text : lessonOne,
                                        activities: part == "activities" ? text : activitiesYAML)
        defer { fixture.remove() }
        let (_, diagnostics) = ContentLoader.check(fixture.root)
        let found = diagnostics.first { $0.message.contains(message) }
        #expect(found != nil, "expected « \(message) » in \(diagnostics.map(\.description))")
        #expect(found?.file == file)
        #expect(found?.line == line, "\(diagnostics.map(\.description))")
    }
}


@Suite struct ProgrammeTests {
    @Test func programmesNameExistingModulesInOrder() throws {
        let fixture = try moduleFixture()
        defer { fixture.remove() }
        try fixture.write("Curriculum/programmes.yaml",
                          "programmes:\n  - id: p\n    title: P\n    audience: me-msn\n    modules: [essai-module, absent]\n")
        let (catalog, diagnostics) = ContentLoader.check(fixture.root)
        #expect(diagnostics.map(\.description) == ["Curriculum/programmes.yaml:5:29 : parcours p : module inconnu « absent »"])
        #expect(catalog.programme(id: "p")?.modules == ["essai-module"])
    }
}

@Suite struct SeedCitationTests {
    @Test func citationsMustPointToExistingLines() throws {
        let fixture = try moduleFixture(lesson: lessonOne + "\n\nUn fait (source : 000_f8ba0acd265ce9bc.txt, lignes 2-3) et un autre (source : 000_f8ba0acd265ce9bc.txt, lignes 9-12).\nEt (source : 999_0000000000000000.txt, lignes 1-2).\n")
        defer { fixture.remove() }
        let seeds = fixture.url.appendingPathComponent("seeds")
        try FileManager.default.createDirectory(at: seeds, withIntermediateDirectories: true)
        try "un\ndeux\ntrois\nquatre\ncinq\n".write(to: seeds.appendingPathComponent("000_f8ba0acd265ce9bc.txt"), atomically: true, encoding: .utf8)
        let diagnostics = SeedCitations.check(fixture.root, seeds: seeds)
        // module.yaml cites 4290-4400 (beyond 6 lines); the lesson's 2-3 is fine, 9-12 is not, 999_… does not exist.
        #expect(diagnostics.contains { $0.file == "Curriculum/essai-module/module.yaml" && $0.message.contains("4290-4400") })
        #expect(diagnostics.contains { $0.file == "Curriculum/essai-module/01-lecon.md" && $0.line == 12 && $0.message.contains("9-12") })
        #expect(diagnostics.contains { $0.message.contains("source inconnue « 999_0000000000000000.txt »") })
        #expect(!diagnostics.contains { $0.message.contains("lignes 2-3") })
    }

    /// Every reference in the bundled content names lines that exist in the seed files.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: seedsFolder.path), "the seeds sit beside the repository (../shared/seeds)"))
    func theBundledContentCitesExistingLines() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let diagnostics = SeedCitations.check(try ContentRoot(validating: repository.path), seeds: seedsFolder)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
    }
}

let seedsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/seeds")

@Suite struct ProgrammeContentTests {
    /// The training programme's rules for every bundled module (issue: at least 3 lessons, 10 activities of
    /// several types, a scenario, sources, competences; both programmes list existing modules).
    @Test func everyBundledModuleMeetsTheProgrammeRules() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let catalog = try ContentLoader.load(try ContentRoot(validating: repository.path))
        #expect(catalog.modules.count >= 14)
        for module in catalog.modules {
            let activities = module.activitySets.flatMap(\.activities)
            #expect(module.lessons.count >= 3, "\(module.id): lessons")
            #expect(activities.count >= 10, "\(module.id): activities")
            #expect(Set(activities.map(\.typeName)).count >= 3, "\(module.id): several types")
            #expect(activities.contains { $0.typeName == "scenario" }, "\(module.id): a scenario")
            #expect(!module.sources.isEmpty && !module.objectives.isEmpty && !module.competences.isEmpty, "\(module.id)")
            for lesson in module.lessons {
                #expect(lesson.markdown.split(whereSeparator: \.isWhitespace).count >= 300, "\(module.id)/\(lesson.id): a lesson of substance")
            }
        }
        #expect(Set(catalog.programmes.map(\.id)) == ["me-msn", "travail-social"])
        #expect(catalog.programme(id: "me-msn")!.modules.count >= 10)
    }

    @Test func aModuleWithoutActivitiesIsRefused() throws {
        let fixture = try moduleFixture(module: moduleYAML.replacingOccurrences(
            of: "activity_sets:\n  - id: serie-1\n    title: Première série\n    after: 01-lecon.md\n    file: activites.yaml\n    mastery: { rule: m_of_n, m: 2, n: 3 }",
            with: "activity_sets: []"))
        defer { fixture.remove() }
        let (_, diagnostics) = ContentLoader.check(fixture.root)
        #expect(diagnostics.contains { $0.message.contains("« activity_sets » est vide") })
    }
}
