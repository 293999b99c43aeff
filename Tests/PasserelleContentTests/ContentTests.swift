import Foundation
import Testing
@testable import PasserelleContent
import PasserelleCore

/// A temporary content root with the three folders, and helpers to write files into it.
struct ContentFixture {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("content-\(UUID().uuidString)")
        for folder in ContentRoot.requiredFolders + ["Assessments/frameworks"] {
            try FileManager.default.createDirectory(at: url.appendingPathComponent(folder),
                                                    withIntermediateDirectories: true)
        }
    }

    func write(_ relative: String, _ text: String) throws {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: true, encoding: .utf8)
    }

    var root: ContentRoot { try! ContentRoot(validating: url.path) }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

let validFramework = """
    id: essai
    title: Référentiel d'essai
    domains:
      - id: "1"
        title: Domaine
        competences:
          - id: "1.1"
            title: Compétence
            tubes:
              - id: motsCles
                title: Choisir des mots-clés
                skills:
                  - id: "@motsCles2"
                    level: 2
                    title: Ajouter un mot-clé
                  - id: "@motsCles1"
                    level: 1
                    title: Taper un mot-clé
    """

@Suite struct FrameworkLoadingTests {
    @Test func loadsAValidFramework() throws {
        let (framework, diagnostics) = FrameworkLoader.load(text: validFramework, file: "f.yaml")
        #expect(diagnostics.isEmpty)
        let loaded = try #require(framework)
        #expect(loaded.id == "essai")
        #expect(loaded.competences.map(\.id) == ["1.1"])
        #expect(loaded.tubes.first?.skills.map(\.level) == [1, 2], "skills sorted by level")
    }

    /// Each broken variant must be reported at the right line with a message that says what is wrong.
    @Test(arguments: [
        (validFramework.replacingOccurrences(of: "level: 2", with: "level: 9"), 14, "hors de l'échelle"),
        (validFramework.replacingOccurrences(of: "level: 2", with: "level: deux"), 14, "nombre entier"),
        (validFramework.replacingOccurrences(of: "\"@motsCles2\"", with: "\"@motsCles1\""), 16, "déjà utilisé ligne 13"),
        (validFramework.replacingOccurrences(of: "level: 1\n", with: "level: 2\n"), 17, "déjà un acquis de niveau 2"),
        (validFramework.replacingOccurrences(of: "title: Compétence", with: "titre: Compétence"), 8, "champ inconnu « titre »"),
        (validFramework.replacingOccurrences(of: "title: Domaine", with: "title: [Domaine"), 6, "YAML invalide"),
        (validFramework.replacingOccurrences(of: "title: Taper un mot-clé", with: "title: \"\""), 18, "est vide"),
    ])
    func reportsProblemsWithTheirLine(text: String, line: Int, message: String) {
        let (framework, diagnostics) = FrameworkLoader.load(text: text, file: "Assessments/frameworks/essai.yaml")
        #expect(framework == nil)
        let found = diagnostics.first { $0.message.contains(message) }
        #expect(found != nil, "expected « \(message) » in \(diagnostics.map(\.description))")
        #expect(found?.line == line, "\(diagnostics.map(\.description))")
        #expect(found?.file == "Assessments/frameworks/essai.yaml")
    }

    @Test func missingFieldsAreNamed() {
        let (_, diagnostics) = FrameworkLoader.load(text: "title: Sans identifiant\n", file: "f.yaml")
        #expect(diagnostics.contains { $0.message.contains("« id » manque") })
        #expect(diagnostics.contains { $0.message.contains("« domains » manque") })
    }

    @Test func emptyFileIsAnError() {
        let (_, diagnostics) = FrameworkLoader.load(text: "", file: "f.yaml")
        #expect(diagnostics.map(\.message) == ["le fichier est vide"])
    }
}

@Suite struct ContentCheckTests {
    @Test func theBundledContentIsValid() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let catalog = try ContentLoader.load(try ContentRoot(validating: repository.path))
        let numerique = try #require(catalog.framework(id: "numerique"))
        #expect(numerique.domains.count == 5)
        #expect(numerique.competences.count == 16)
    }

    @Test func checkNamesEveryBrokenFile() throws {
        let fixture = try ContentFixture()
        defer { fixture.remove() }
        try fixture.write("Assessments/frameworks/ok.yaml", validFramework)
        try fixture.write("Assessments/frameworks/copy.yaml", validFramework)
        try fixture.write("Assessments/items/broken.yaml", "items:\n  - id: a\n   bad: indentation\n")
        try fixture.write("Curriculum/m1/lecon.md", "---\ntitle: [pas fermé\n---\n# Leçon\n")
        try fixture.write("Curriculum/m1/ouverte.md", "---\ntitle: x\n# pas de fin\n")
        let (catalog, diagnostics) = ContentLoader.check(fixture.root)
        #expect(catalog.frameworks.count == 1)
        let byFile = Dictionary(grouping: diagnostics, by: \.file)
        // Files are read in path order: the second definition of the same id is the one reported.
        #expect(byFile["Assessments/frameworks/ok.yaml"]?.first?.message.contains("déjà défini") == true)
        #expect(byFile["Assessments/items/broken.yaml"]?.first?.line == 3)
        #expect(byFile["Curriculum/m1/lecon.md"]?.first?.line == 3)
        #expect(byFile["Curriculum/m1/ouverte.md"]?.first?.message.contains("jamais fermé") == true)
        #expect(byFile["Curriculum/m1/module.yaml"]?.first?.message.contains("module.yaml manquant") == true)
        #expect(throws: ContentError.self) { try ContentLoader.load(fixture.root) }
    }

    @Test func frontMatterIsSplitFromTheBody() {
        let (yaml, body, line) = FrontMatter.split("---\ntitle: A\n---\n# Titre\ntexte")
        #expect(yaml == "title: A")
        #expect(body == "# Titre\ntexte")
        #expect(line == 4)
        #expect(FrontMatter.split("# Sans en-tête").yaml == nil)
    }
}

@Suite struct ContentRootTests {
    @Test func explicitRootMustBeValidAndIsNamedInTheError() throws {
        let fixture = try ContentFixture()
        defer { fixture.remove() }
        #expect(try ContentRoot.locate(explicit: fixture.url.path, environment: [:]).url.path == fixture.url.path)
        try FileManager.default.removeItem(at: fixture.url.appendingPathComponent("Web"))
        do {
            _ = try ContentRoot.locate(explicit: fixture.url.path, environment: [:])
            Issue.record("an invalid root was accepted")
        } catch let error as ContentRoot.Failure {
            #expect(error.localizedDescription.contains(fixture.url.path))
            #expect(error.localizedDescription.contains("Web/"))
        }
    }

    @Test func searchOrderIsOptionThenVariableThenExecutableThenWorkingDirectory() throws {
        let a = try ContentFixture(), b = try ContentFixture(), c = try ContentFixture()
        defer { [a, b, c].forEach { $0.remove() } }
        let binary = c.url.appendingPathComponent(".build/debug/passerelle").path
        #expect(try ContentRoot.locate(explicit: a.url.path, environment: ["PASSERELLE_ROOT": b.url.path],
                                       executablePath: binary, workingDirectory: "/").url.path == a.url.standardizedFileURL.path)
        #expect(try ContentRoot.locate(explicit: nil, environment: ["PASSERELLE_ROOT": b.url.path],
                                       executablePath: binary, workingDirectory: "/").url.path == b.url.standardizedFileURL.path)
        #expect(try ContentRoot.locate(explicit: nil, environment: [:], executablePath: binary,
                                       workingDirectory: "/").url.path == c.url.standardizedFileURL.path)
        #expect(try ContentRoot.locate(explicit: nil, environment: [:], executablePath: "",
                                       workingDirectory: a.url.path).url.path == a.url.standardizedFileURL.path)
        #expect(throws: ContentRoot.Failure.self) {
            try ContentRoot.locate(explicit: nil, environment: [:], executablePath: "/usr/bin/true", workingDirectory: "/")
        }
    }
}
