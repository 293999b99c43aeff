import Foundation
import PasserelleCore
import Yams

/// Everything the content folders hold, once validated.
public struct ContentCatalog: Sendable {
    public var frameworks: [Framework]
    /// Every item of the bank, whatever its status.
    public var items: [Item]
    public var modules: [Module]
    public var questionnaires: [Questionnaire]
    public var programmes: [Programme]
    /// Seed file name → how learners see it (« Curriculum/sources.yaml »).
    public var sourceLabels: [String: String] = [:]
    /// Tube → the lesson to read again after missing one of its questions (« Curriculum/revisions.yaml »).
    public var revisionLinks: [String: RevisionLink] = [:]
    /// Tubes that no lesson teaches yet (`aucune` in « Curriculum/revisions.yaml »).
    public var revisionGaps: Set<String> = []

    public init(frameworks: [Framework] = [], items: [Item] = [], modules: [Module] = [], questionnaires: [Questionnaire] = [],
                programmes: [Programme] = []) {
        self.frameworks = frameworks
        self.items = items
        self.modules = modules
        self.questionnaires = questionnaires
        self.programmes = programmes
    }

    public func programme(id: String) -> Programme? {
        programmes.first { $0.id == id }
    }

    public func questionnaire(id: String) -> Questionnaire? {
        questionnaires.first { $0.id == id }
    }

    public func module(id: String) -> Module? {
        modules.first { $0.id == id }
    }

    public func framework(id: String) -> Framework? {
        frameworks.first { $0.id == id }
    }

    public func item(id: String) -> Item? {
        items.first { $0.id == id }
    }

    /// The items of a framework's skills.
    public func items(of framework: Framework) -> [Item] {
        let skills = Set(framework.skills.map(\.id))
        return items.filter { skills.contains($0.skillID) }
    }
}

/// Reads and validates the content folders. Every problem is reported with its file and line.
public enum ContentLoader {
    /// Loads the catalog; throws a `ContentError` listing every problem when there is any.
    public static func load(_ root: ContentRoot) throws -> ContentCatalog {
        let (catalog, diagnostics) = check(root)
        guard diagnostics.isEmpty else { throw ContentError(diagnostics) }
        return catalog
    }

    /// Loads what can be loaded and lists every problem found.
    public static func check(_ root: ContentRoot) -> (ContentCatalog, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var catalog = ContentCatalog()

        let frameworkFolder = root.assessments.appendingPathComponent("frameworks")
        for file in files(in: frameworkFolder, extensions: ["yaml", "yml"]) {
            let name = root.relative(file)
            guard let text = read(file, name, &diagnostics) else { continue }
            let (framework, problems) = FrameworkLoader.load(text: text, file: name)
            diagnostics += problems
            guard let framework else { continue }
            if let other = catalog.frameworks.first(where: { $0.id == framework.id }) {
                diagnostics.append(Diagnostic(
                    file: name, line: 1,
                    message: "le référentiel « \(framework.id) » est déjà défini (titre : \(other.title))"))
                continue
            }
            catalog.frameworks.append(framework)
        }

        // Tube ids are global: items name skills, and skills belong to exactly one tube.
        var tubeOwners: [String: String] = [:]
        for framework in catalog.frameworks {
            for tube in framework.tubes {
                if let other = tubeOwners[tube.id] {
                    diagnostics.append(Diagnostic(
                        file: "Assessments/frameworks", line: 0,
                        message: "le tube « \(tube.id) » est défini dans « \(other) » et dans « \(framework.id) »"))
                }
                tubeOwners[tube.id] = framework.id
            }
        }

        let itemFolder = root.assessments.appendingPathComponent("items")
        let skills = SkillIndex(catalog.frameworks)
        var firstPlace: [String: String] = [:]
        var firstPrompt: [String: String] = [:]
        let bankOf = Dictionary(catalog.frameworks.flatMap { framework in
            framework.bank.map { bank in framework.skills.map { ($0.id, bank) } } ?? []
        }, uniquingKeysWith: { _, last in last })
        // Item files and module folders are parsed and checked on every core (each on its own); what
        // needs the whole catalog (duplicates, prerequisites) is then done in order, so the diagnostics are
        // the same, in the same order, as one file after the other.
        let itemFiles = files(in: itemFolder, extensions: ["yaml", "yml"])
        let folders = ((try? FileManager.default.contentsOfDirectory(at: root.curriculum, includingPropertiesForKeys: [.isDirectoryKey])) ?? [])
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true && !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let parsedItems = ParallelSlots<ParsedItemFile>(count: itemFiles.count)
        let parsedModules = ParallelSlots<(ModuleLoader.Loaded?, [Diagnostic])>(count: folders.count)
        DispatchQueue.concurrentPerform(iterations: itemFiles.count + folders.count) { index in
            if index < itemFiles.count {
                parsedItems.set(index, ParsedItemFile(itemFiles[index], root: root, bankOf: bankOf))
            } else {
                let folder = folders[index - itemFiles.count]
                parsedModules.set(index - itemFiles.count, ModuleLoader.load(folder: folder, root: root))
            }
        }
        for parsed in parsedItems.values {
            guard let parsed else { continue }
            let name = parsed.name
            diagnostics += parsed.diagnostics
            for (located, checks) in zip(parsed.items, parsed.checks) {
                let item = located.item
                if let first = firstPlace[item.id] {
                    diagnostics.append(Diagnostic(file: name, line: located.line,
                                                  message: "question \(item.id) : identifiant déjà utilisé (\(first))"))
                    continue
                }
                firstPlace[item.id] = "\(name):\(located.line)"
                guard skills[item.skillID] != nil else {
                    diagnostics.append(Diagnostic(file: name, line: located.line,
                                                  message: "question \(item.id) : acquis inconnu « \(item.skillID) »"))
                    continue
                }
                if let image = item.image, !image.src.hasPrefix("images/") || image.src.contains("..") {
                    diagnostics.append(Diagnostic(file: name, line: located.line,
                                                  message: "question \(item.id) : une image se range dans Assessments/images/ (src: images/…)"))
                } else if let image = item.image,
                   !FileManager.default.fileExists(atPath: root.assessments.appendingPathComponent(image.src).path) {
                    diagnostics.append(Diagnostic(file: name, line: located.line,
                                                  message: "question \(item.id) : image introuvable « \(image.src) »"))
                }
                if let checks {
                    for problem in checks.problems {
                        diagnostics.append(Diagnostic(file: name, line: located.line, message: "question \(item.id) : \(problem)"))
                    }
                    let key = checks.promptKey
                    if let first = firstPrompt[key] {
                        diagnostics.append(Diagnostic(file: name, line: located.line,
                                                      message: "question \(item.id) : même énoncé que la question \(first)"))
                    } else {
                        firstPrompt[key] = "\(firstPlace[item.id]!) (\(item.id))"
                    }
                }
                catalog.items.append(item)
            }
        }

        let questionnaireFolder = root.assessments.appendingPathComponent("questionnaires")
        for file in files(in: questionnaireFolder, extensions: ["yaml", "yml"]) {
            let name = root.relative(file)
            guard let text = read(file, name, &diagnostics) else { continue }
            let (questionnaire, problems) = QuestionnaireLoader.load(text: text, file: name)
            diagnostics += problems
            guard let questionnaire else { continue }
            if catalog.questionnaire(id: questionnaire.id) != nil {
                diagnostics.append(Diagnostic(file: name, line: 1, message: "le questionnaire « \(questionnaire.id) » est déjà défini"))
                continue
            }
            catalog.questionnaires.append(questionnaire)
        }

        // Modules: one folder each below Curriculum/.
        var moduleLines: [String: (file: String, prerequisites: [String: Int], competences: [String: Int])] = [:]
        let competenceIDs = Set(catalog.frameworks.flatMap { framework in framework.competences.map { "\(framework.id):\($0.id)" } })
        for (folder, parsed) in zip(folders, parsedModules.values) {
            guard let (loaded, problems) = parsed else { continue }
            diagnostics += problems
            guard let loaded else { continue }
            let file = root.relative(folder.appendingPathComponent("module.yaml"))
            for (competence, line) in loaded.competenceLines where !competenceIDs.contains(competence) {
                diagnostics.append(Diagnostic(file: file, line: line,
                                              message: "module : compétence inconnue « \(competence) » (forme : referentiel:competence, par exemple mediation:M4)"))
            }
            moduleLines[loaded.module.id] = (file, loaded.prerequisiteLines, loaded.competenceLines)
            catalog.modules.append(loaded.module)
        }
        let moduleIDs = Set(catalog.modules.map(\.id))
        for module in catalog.modules {
            for prerequisite in module.prerequisites where !moduleIDs.contains(prerequisite) {
                diagnostics.append(Diagnostic(file: moduleLines[module.id]!.file, line: moduleLines[module.id]!.prerequisites[prerequisite] ?? 0,
                                              message: "module : prérequis inconnu « \(prerequisite) »"))
            }
        }
        if let cycle = Mastery.prerequisiteCycle(catalog.modules) {
            let first = cycle[0]
            diagnostics.append(Diagnostic(file: moduleLines[first]?.file ?? "Curriculum", line: moduleLines[first]?.prerequisites[cycle[1]] ?? 0,
                                          message: "prérequis en boucle : \(cycle.joined(separator: " → "))"))
        }
        // Programmes: ordered paths of modules.
        let programmesFile = root.curriculum.appendingPathComponent("programmes.yaml")
        if FileManager.default.fileExists(atPath: programmesFile.path), let text = read(programmesFile, root.relative(programmesFile), &diagnostics) {
            let reader = YAMLReader(file: root.relative(programmesFile))
            if let node = reader.parse(text), let map = reader.mapping(node, "programmes") {
                reader.rejectUnknownKeys(map, allowed: ["programmes"], in: "programmes")
                for entryNode in reader.sequence(map, "programmes", in: "programmes", at: node) {
                    guard let entry = reader.mapping(entryNode, "parcours") else { continue }
                    reader.rejectUnknownKeys(entry, allowed: ["id", "title", "audience", "modules"], in: "parcours")
                    let id = reader.string(entry, "id", in: "parcours", at: entryNode)
                    let title = reader.string(entry, "title", in: "parcours \(id ?? "?")", at: entryNode)
                    let audienceText = reader.string(entry, "audience", in: "parcours \(id ?? "?")", at: entryNode)
                    let audience = audienceText.flatMap(Audience.init(rawValue:))
                    if audienceText != nil && audience == nil {
                        reader.report(at: entry["audience"], "parcours : public inconnu « \(audienceText!) » (me-msn, travail-social)")
                    }
                    var modules: [String] = []
                    for moduleNode in reader.sequence(entry, "modules", in: "parcours \(id ?? "?")", at: entryNode) {
                        guard let moduleID = moduleNode.string else { continue }
                        if !catalog.modules.contains(where: { $0.id == moduleID }) {
                            reader.report(at: moduleNode, "parcours \(id ?? "?") : module inconnu « \(moduleID) »")
                        } else if modules.contains(moduleID) {
                            reader.report(at: moduleNode, "parcours \(id ?? "?") : le module « \(moduleID) » apparaît deux fois")
                        } else {
                            modules.append(moduleID)
                        }
                    }
                    if let id, let title, let audience { catalog.programmes.append(Programme(id: id, title: title, audience: audience, modules: modules)) }
                }
            }
            diagnostics += reader.diagnostics
        }

        // Sources: the plain words learners see for each seed document a lesson cites.
        let sourcesFile = root.curriculum.appendingPathComponent("sources.yaml")
        if FileManager.default.fileExists(atPath: sourcesFile.path), let text = read(sourcesFile, root.relative(sourcesFile), &diagnostics) {
            let reader = YAMLReader(file: root.relative(sourcesFile))
            if let node = reader.parse(text), let map = reader.mapping(node, "sources") {
                reader.rejectUnknownKeys(map, allowed: ["sources"], in: "sources")
                if let entries = map["sources"]?.mapping {
                    for (key, value) in entries {
                        guard let file = key.string, let label = value.string,
                              !label.trimmingCharacters(in: .whitespaces).isEmpty else {
                            reader.report(at: value, "sources : chaque document a un intitulé en toutes lettres")
                            continue
                        }
                        catalog.sourceLabels[file] = label
                    }
                } else {
                    reader.report(at: map["sources"] ?? node, "sources : « sources » associe chaque fichier à son intitulé")
                }
            }
            diagnostics += reader.diagnostics
        }
        if !catalog.sourceLabels.isEmpty {
            for module in catalog.modules {
                for lesson in module.lessons {
                    for file in lesson.citedSources where catalog.sourceLabels[file] == nil {
                        diagnostics.append(Diagnostic(
                            file: "Curriculum/\(module.id)/\(lesson.id).md", line: 1,
                            message: "leçon : la source « \(file) » n'a pas d'intitulé dans Curriculum/sources.yaml"))
                    }
                }
            }
        }

        // Revisions: the lesson to read again after a missed question, per tube.
        let revisionsFile = root.url.appendingPathComponent(Revisions.path)
        if FileManager.default.fileExists(atPath: revisionsFile.path), let text = read(revisionsFile, Revisions.path, &diagnostics) {
            diagnostics += Revisions.load(text, into: &catalog)
        }

        let loadedFolders = folders.filter { folder in catalog.modules.contains { $0.id == folder.lastPathComponent } }
        let moduleFiles = Set(loadedFolders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []).map(\.standardizedFileURL.path)
        })

        // Every other YAML file must at least be well-formed until its format is checked in full.
        let checked = Set((files(in: frameworkFolder, extensions: ["yaml", "yml"])
            + files(in: itemFolder, extensions: ["yaml", "yml"])
            + files(in: questionnaireFolder, extensions: ["yaml", "yml"])).map(\.standardizedFileURL.path)).union(moduleFiles)
            .union([programmesFile.standardizedFileURL.path, sourcesFile.standardizedFileURL.path, revisionsFile.standardizedFileURL.path,
                    root.url.appendingPathComponent(RetiredNames.registerPath).standardizedFileURL.path])
        for folder in [root.assessments, root.curriculum] {
            for file in files(in: folder, extensions: ["yaml", "yml"]) where !checked.contains(file.standardizedFileURL.path) {
                let name = root.relative(file)
                guard let text = read(file, name, &diagnostics) else { continue }
                let reader = YAMLReader(file: name)
                _ = reader.parse(text)
                diagnostics += reader.diagnostics
            }
            for file in files(in: folder, extensions: ["md"])
            where file.lastPathComponent != "README.md" && !checked.contains(file.standardizedFileURL.path) {
                let name = root.relative(file)
                guard let text = read(file, name, &diagnostics) else { continue }
                diagnostics += FrontMatter.check(text, file: name)
            }
        }
        return (catalog, diagnostics)
    }

    /// Regular files below `folder` with one of the extensions, sorted by path.
    static func files(in folder: URL, extensions: Set<String>) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(
            at: folder, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]) else {
            return []
        }
        var found: [URL] = []
        for case let url as URL in enumerator where extensions.contains(url.pathExtension.lowercased()) {
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                found.append(url)
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    static func read(_ url: URL, _ name: String, _ diagnostics: inout [Diagnostic]) -> String? {
        guard let data = try? Data(contentsOf: url) else {
            diagnostics.append(Diagnostic(file: name, line: 0, message: "fichier illisible"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            diagnostics.append(Diagnostic(file: name, line: 0, message: "le fichier n'est pas encodé en UTF-8"))
            return nil
        }
        return text
    }
}

/// The YAML block that may open a Markdown file, between two `---` lines.
enum FrontMatter {
    /// Splits a Markdown text into its front matter (if any) and body, with the body's first line.
    static func split(_ text: String) -> (yaml: String?, body: String, bodyLine: Int) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return (nil, text, 1) }
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            return ("", text, 1)
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        return (yaml, body, end + 2)
    }

    static func check(_ text: String, file: String) -> [Diagnostic] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return [] }
        guard lines.dropFirst().contains(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            return [Diagnostic(file: file, line: 1, message: "l'en-tête YAML ouvert par « --- » n'est jamais fermé")]
        }
        let (yaml, _, _) = split(text)
        let reader = YAMLReader(file: file)
        do {
            _ = try YAMLReader.compose(yaml ?? "")
        } catch let error as YamlError {
            let (mark, problem) = YAMLReader.locate(error)
            // The front matter starts on line 2 of the file.
            reader.report(line: (mark?.line ?? 0) + 1, column: mark?.column ?? 0, "en-tête YAML invalide : \(problem)")
        } catch {
            reader.report(line: 1, "en-tête YAML illisible")
        }
        return reader.diagnostics
    }
}

/// One item file read, parsed and checked on its own (the rules that need no other file).
struct ParsedItemFile {
    /// The writing rules' verdict on an item that is not archived, and the key of its prompt.
    struct Checks {
        var problems: [String]
        var promptKey: String
    }

    var name: String
    /// Reading and parsing problems, in the order the sequential loader reported them.
    var diagnostics: [Diagnostic] = []
    var items: [ItemLoader.Located] = []
    /// One entry per item: nil for an archived one.
    var checks: [Checks?] = []

    init(_ file: URL, root: ContentRoot, bankOf: [String: BankRequirements]) {
        name = root.relative(file)
        guard let text = ContentLoader.read(file, name, &diagnostics) else { return }
        let (items, problems) = ItemLoader.load(text: text, file: name)
        diagnostics += problems
        self.items = items
        checks = items.map { located in
            let item = located.item
            guard item.status != .archived else { return nil }
            return Checks(problems: ItemRules.problems(item, sourceRequired: bankOf[item.skillID]?.sourceRequired ?? false),
                          promptKey: ItemRules.promptKey(item))
        }
    }
}
