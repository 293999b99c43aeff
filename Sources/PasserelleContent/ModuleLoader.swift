import Foundation
import PasserelleCore
import Yams

/// Reads a module folder (`Curriculum/<id>/`): `module.yaml`, its lessons and activity files, in the
/// format of docs/CONTENT-FORMAT.md. Cross-module rules (prerequisites, competences) are checked by
/// `ContentLoader`, which knows every module and framework.
enum ModuleLoader {
    struct Loaded {
        var module: Module
        /// Line of each prerequisite and competence entry in module.yaml, for messages.
        var prerequisiteLines: [String: Int]
        var competenceLines: [String: Int]
    }

    static let moduleKeys: Set<String> = [
        "id", "title", "audience", "summary", "objectives", "duration", "prerequisites", "competences", "lessons",
        "activity_sets", "sources",
    ]

    static func load(folder: URL, root: ContentRoot) -> (Loaded?, [Diagnostic]) {
        let file = folder.appendingPathComponent("module.yaml")
        let name = root.relative(file)
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            return (nil, [Diagnostic(file: name, line: 0, message: "fichier module.yaml manquant ou illisible")])
        }
        let reader = YAMLReader(file: name)
        guard let node = reader.parse(text), let map = reader.mapping(node, "module") else { return (nil, reader.diagnostics) }
        reader.rejectUnknownKeys(map, allowed: moduleKeys, in: "module")
        let id = reader.string(map, "id", in: "module", at: node)
        if let id, id != folder.lastPathComponent {
            reader.report(at: map["id"], "module : l'identifiant « \(id) » doit être le nom du dossier « \(folder.lastPathComponent) »")
        }
        let title = reader.string(map, "title", in: "module", at: node)
        let summary = reader.string(map, "summary", in: "module", at: node)
        var audience: [Audience] = []
        for value in reader.sequence(map, "audience", in: "module", at: node) {
            if let text = value.string, let known = Audience(rawValue: text) { audience.append(known) } else {
                reader.report(at: value, "module : public inconnu « \(value.string ?? "?") » (me-msn, travail-social)")
            }
        }
        let objectives = strings(reader, map, "objectives", "module", node, required: true)
        var duration = 0
        if let (value, valueNode) = reader.int(map, "duration", in: "module", at: node) {
            if value <= 0 { reader.report(at: valueNode, "module : la durée est un nombre de minutes positif") } else { duration = value }
        }
        var prerequisiteLines: [String: Int] = [:], competenceLines: [String: Int] = [:]
        for value in reader.sequence(map, "prerequisites", in: "module", at: node, required: false) {
            if let text = value.string { prerequisiteLines[text] = value.mark?.line ?? 0 }
        }
        for value in reader.sequence(map, "competences", in: "module", at: node, required: false) {
            if let text = value.string { competenceLines[text] = value.mark?.line ?? 0 }
        }
        let sources = strings(reader, map, "sources", "module", node, required: true)

        // Lessons
        var lessons: [Lesson] = []
        var diagnostics: [Diagnostic] = []
        for value in reader.sequence(map, "lessons", in: "module", at: node) {
            guard let fileName = value.string else { reader.report(at: value, "module : une leçon est un nom de fichier"); continue }
            let lessonFile = folder.appendingPathComponent(fileName)
            guard fileName.hasSuffix(".md"), !fileName.contains("/"),
                  let lessonText = try? String(contentsOf: lessonFile, encoding: .utf8) else {
                reader.report(at: value, "module : fichier de leçon introuvable « \(fileName) »")
                continue
            }
            let (lesson, problems) = loadLesson(lessonText, file: root.relative(lessonFile), id: String(fileName.dropLast(3)),
                                                folder: folder)
            diagnostics += problems
            if let lesson { lessons.append(lesson) }
        }
        lessons = lessons.map { rendered($0, moduleID: folder.lastPathComponent) }
        if Set(lessons.map(\.id)).count != lessons.count {
            reader.report(at: map["lessons"], "module : une leçon apparaît deux fois")
        }

        // Activity sets
        var sets: [ActivitySet] = []
        var activityIDs: [String: String] = [:]
        if map["activity_sets"]?.sequence?.isEmpty == true { reader.report(at: map["activity_sets"], "module : « activity_sets » est vide") }
        for setNode in reader.sequence(map, "activity_sets", in: "module", at: node, required: true) {
            guard let setMap = reader.mapping(setNode, "série d'activités") else { continue }
            reader.rejectUnknownKeys(setMap, allowed: ["id", "title", "after", "file", "mastery"], in: "série d'activités")
            let setID = reader.string(setMap, "id", in: "série d'activités", at: setNode)
            let what = "série \(setID ?? "?")"
            let setTitle = reader.string(setMap, "title", in: what, at: setNode)
            let after = reader.optionalString(setMap, "after", in: what)
            if !after.isEmpty && !lessons.contains(where: { $0.id + ".md" == after }) {
                reader.report(at: setMap["after"], "\(what) : « after » doit nommer une leçon du module (\(after))")
            }
            let mastery = loadMastery(setMap["mastery"], reader, what, setNode)
            guard let fileName = reader.string(setMap, "file", in: what, at: setNode) else { continue }
            let activityFile = folder.appendingPathComponent(fileName)
            guard !fileName.contains("/"), let activityText = try? String(contentsOf: activityFile, encoding: .utf8) else {
                reader.report(at: setMap["file"], "\(what) : fichier d'activités introuvable « \(fileName) »")
                continue
            }
            let (activities, problems) = loadActivities(activityText, file: root.relative(activityFile))
            diagnostics += problems
            diagnostics += missionProblems(activities, lessons: lessons, competences: Set(competenceLines.keys),
                                           file: root.relative(activityFile))
            for activity in activities {
                if let other = activityIDs[activity.id] {
                    diagnostics.append(Diagnostic(file: root.relative(activityFile), line: 0,
                                                  message: "activité \(activity.id) : identifiant déjà utilisé dans \(other)"))
                }
                activityIDs[activity.id] = fileName
            }
            if activities.isEmpty {
                reader.report(at: setMap["file"], "\(what) : aucune activité dans « \(fileName) »")
            }
            if let mastery {
                let graded = activities.filter(\.isGraded).count
                switch mastery {
                case .kInARow(let k) where k > graded:
                    reader.report(at: setMap["mastery"], "\(what) : \(k) réponses justes d'affilée demandées pour \(graded) activité(s) notée(s)")
                case .mOfN(let m, _) where m > graded:
                    reader.report(at: setMap["mastery"], "\(what) : \(m) réponses justes demandées pour \(graded) activité(s) notée(s)")
                default: break
                }
            }
            if let setID, let setTitle, let mastery {
                if sets.contains(where: { $0.id == setID }) {
                    reader.report(at: setMap["id"], "\(what) : identifiant déjà utilisé")
                }
                sets.append(ActivitySet(id: setID, title: setTitle, after: after.isEmpty ? nil : String(after.dropLast(3)),
                                        activities: activities, mastery: mastery))
            }
        }
        diagnostics = reader.diagnostics + diagnostics
        guard diagnostics.isEmpty, let id, let title, let summary else { return (nil, diagnostics) }
        let module = Module(id: id, title: title, audience: audience, summary: summary, objectives: objectives,
                            duration: duration, prerequisites: Array(prerequisiteLines.keys).sorted(),
                            competences: Array(competenceLines.keys).sorted(), lessons: lessons, activitySets: sets,
                            sources: sources)
        return (Loaded(module: module, prerequisiteLines: prerequisiteLines, competenceLines: competenceLines), [])
    }

    static func strings(_ reader: YAMLReader, _ map: Node.Mapping, _ key: String, _ what: String, _ node: Node,
                        required: Bool) -> [String] {
        let values = reader.sequence(map, key, in: what, at: node, required: required).compactMap { value -> String? in
            guard let text = value.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                reader.report(at: value, "\(what) : « \(key) » contient un élément vide ou qui n'est pas un texte")
                return nil
            }
            return text
        }
        if required && map[key] != nil && values.isEmpty { reader.report(at: map[key], "\(what) : « \(key) » est vide") }
        return values
    }

    static func loadMastery(_ node: Node?, _ reader: YAMLReader, _ what: String, _ owner: Node) -> MasteryRule? {
        guard let node else {
            reader.report(at: owner, "\(what) : le champ « mastery » manque")
            return nil
        }
        guard let map = reader.mapping(node, "\(what), mastery") else { return nil }
        reader.rejectUnknownKeys(map, allowed: ["rule", "k", "m", "n"], in: "\(what), mastery")
        switch reader.string(map, "rule", in: "\(what), mastery", at: node) {
        case "all_correct": return .allCorrect
        case "k_in_a_row":
            guard let (k, kNode) = reader.int(map, "k", in: "\(what), mastery", at: node) else { return nil }
            guard k >= 1 else { reader.report(at: kNode, "\(what) : k vaut au moins 1"); return nil }
            return .kInARow(k)
        case "m_of_n":
            guard let (m, mNode) = reader.int(map, "m", in: "\(what), mastery", at: node),
                  let (n, _) = reader.int(map, "n", in: "\(what), mastery", at: node) else { return nil }
            guard m >= 1, m <= n else { reader.report(at: mNode, "\(what) : il faut 1 ≤ m ≤ n"); return nil }
            return .mOfN(m: m, n: n)
        case let other?:
            reader.report(at: map["rule"], "\(what) : règle inconnue « \(other) » (all_correct, k_in_a_row, m_of_n)")
            return nil
        case nil: return nil
        }
    }

    /// A lesson: front matter (title, duration, objectives) and a Markdown body whose internal links
    /// must point to existing lessons.
    static func loadLesson(_ text: String, file: String, id: String, folder: URL) -> (Lesson?, [Diagnostic]) {
        let reader = YAMLReader(file: file)
        let (yaml, body, bodyLine) = FrontMatter.split(text)
        var problems = FrontMatter.check(text, file: file)
        guard problems.isEmpty else { return (nil, problems) }
        guard let yaml, let node = try? YAMLReader.compose(yaml), let map = node.mapping else {
            return (nil, [Diagnostic(file: file, line: 1, message: "leçon : l'en-tête YAML (title, duration, objectives) manque")])
        }
        reader.rejectUnknownKeys(map, allowed: ["title", "duration", "objectives"], in: "leçon")
        let title = reader.string(map, "title", in: "leçon", at: node)
        var duration = 0
        if let (value, _) = reader.int(map, "duration", in: "leçon", at: node) { duration = value }
        let objectives = strings(reader, map, "objectives", "leçon", node, required: false)
        // Front matter lines are counted from line 2 of the file.
        problems += reader.diagnostics.map { Diagnostic(file: $0.file, line: $0.line + 1, column: $0.column, message: $0.message) }
        if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(Diagnostic(file: file, line: bodyLine, message: "leçon : le texte de la leçon est vide"))
        }
        for (offset, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for target in internalLinks(in: String(line)) {
                let path = folder.appendingPathComponent(target).standardizedFileURL.path
                if !isLessonLink(target) {
                    // `rendered` turns only these two forms into lesson pages; anything else would send
                    // learners to a content file.
                    problems.append(Diagnostic(file: file, line: bodyLine + offset,
                                               message: "lien interne « \(target) » : écrivez « 02-lecon.md » pour une leçon du module, « ../autre-module/02-lecon.md » pour une leçon d'un autre module"))
                } else if !FileManager.default.fileExists(atPath: path) {
                    problems.append(Diagnostic(file: file, line: bodyLine + offset,
                                               message: "lien interne cassé : « \(target) » n'existe pas"))
                }
            }
        }
        guard problems.isEmpty, let title else { return (nil, problems) }
        return (Lesson(id: id, title: title, duration: duration, objectives: objectives, markdown: body), [])
    }

    /// Link patterns, compiled once (lessons are read on every core at start-up, line by line).
    static let sameModuleLink = try? NSRegularExpression(pattern: #"\]\(([A-Za-z0-9_-]+)\.md(#[^)\s]*)?\)"#)
    static let otherModuleLink = try? NSRegularExpression(pattern: #"\]\(\.\./([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)\.md(#[^)\s]*)?\)"#)
    static let markdownFileLink = try? NSRegularExpression(pattern: #"\]\(([^)\s#]+\.md)(#[^)\s]*)?\)"#)

    /// The lesson with its page rendered once: links to other lessons (`02-x.md`, `02-x.md#part`) point
    /// to their pages, seed references are left out of the text and listed apart.
    static func rendered(_ lesson: Lesson, moduleID: String) -> Lesson {
        var markdown = lesson.markdown
        if let regex = sameModuleLink {
            markdown = regex.stringByReplacingMatches(
                in: markdown, range: NSRange(markdown.startIndex..., in: markdown),
                withTemplate: "](/modules/\(moduleID)/lecons/$1$2)")
        }
        if let regex = otherModuleLink {
            markdown = regex.stringByReplacingMatches(
                in: markdown, range: NSRange(markdown.startIndex..., in: markdown),
                withTemplate: "](/modules/$1/lecons/$2$3)")
        }
        var lesson = lesson
        (lesson.html, lesson.sections) = Markdown.withHeadingAnchors(Markdown.html(markdown))
        lesson.spokenText = Markdown.plainText(markdown)
        lesson.citedSources = SourceReferences.files(in: markdown)
        return lesson
    }

    /// The two forms of link to a lesson that `rendered` turns into a page: `02-x.md` (same module) and
    /// `../module/02-x.md` (another module).
    static func isLessonLink(_ target: String) -> Bool {
        let parts = target.split(separator: "/", omittingEmptySubsequences: false)
        let name: (Substring) -> Bool = { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
        switch parts.count {
        case 1: return parts[0].hasSuffix(".md") && name(parts[0].dropLast(3))
        case 3: return parts[0] == ".." && name(parts[1]) && parts[2].hasSuffix(".md") && name(parts[2].dropLast(3))
        default: return false
        }
    }

    /// Targets of Markdown links to `.md` files (relative links only).
    static func internalLinks(in line: String) -> [String] {
        guard let regex = markdownFileLink else { return [] }
        let range = NSRange(line.startIndex..., in: line)
        return regex.matches(in: line, range: range).compactMap { match in
            Range(match.range(at: 1), in: line).map { String(line[$0]) }
        }.filter { !$0.contains("://") }
    }

    // MARK: Activities

    static func loadActivities(_ text: String, file: String) -> ([Activity], [Diagnostic]) {
        let reader = YAMLReader(file: file)
        guard let root = reader.parse(text), let top = reader.mapping(root, "fichier d'activités") else {
            return ([], reader.diagnostics)
        }
        reader.rejectUnknownKeys(top, allowed: ["activities"], in: "fichier d'activités")
        var activities: [Activity] = []
        for node in reader.sequence(top, "activities", in: "fichier d'activités", at: root) {
            guard let map = reader.mapping(node, "activité") else { continue }
            let typeName = map["type"]?.string ?? ""
            if ItemType(rawValue: typeName) != nil {
                if let item = ItemLoader.loadItem(node, reader, inModule: true) {
                    activities.append(Activity(id: item.id, kind: .item(item)))
                }
                continue
            }
            let id = reader.string(map, "id", in: "activité", at: node)
            let what = "activité \(id ?? "?")"
            let kind: Activity.Kind?
            switch typeName {
            case "scenario": kind = loadScenario(map, node, reader, what)
            case "self-assessment":
                reader.rejectUnknownKeys(map, allowed: ["id", "type", "prompt", "scale", "statements"], in: what)
                kind = loadSelfAssessment(map, node, reader, what)
            case "observation-grid":
                reader.rejectUnknownKeys(map, allowed: ["id", "type", "prompt", "parts"], in: what)
                let prompt = reader.string(map, "prompt", in: what, at: node)
                var parts: [GridPart] = []
                for partNode in reader.sequence(map, "parts", in: what, at: node) {
                    guard let part = reader.mapping(partNode, "\(what), partie") else { continue }
                    let title = reader.string(part, "title", in: "\(what), partie", at: partNode)
                    let questions = statements(part, "questions", partNode, reader, "\(what), partie \(title ?? "?")")
                    if let title { parts.append(GridPart(title: title, questions: questions)) }
                }
                if map["parts"] != nil && parts.isEmpty { reader.report(at: map["parts"], "\(what) : la grille n'a aucune partie") }
                kind = prompt.map { .observationGrid(prompt: $0, parts: parts) }
            case "mission": kind = loadMission(map, node, reader, what)
            case "reflection":
                reader.rejectUnknownKeys(map, allowed: ["id", "type", "prompt", "guidance"], in: what)
                let prompt = reader.string(map, "prompt", in: what, at: node)
                kind = prompt.map { .reflection(prompt: $0, guidance: reader.optionalString(map, "guidance", in: what)) }
            default:
                reader.report(at: map["type"] ?? node, "\(what) : type inconnu « \(typeName) » (types possibles : "
                              + (ItemType.allCases.map(\.rawValue) + ["scenario", "self-assessment", "observation-grid", "reflection", "mission"])
                                .joined(separator: ", ") + ")")
                kind = nil
            }
            if let id, let kind { activities.append(Activity(id: id, kind: kind)) }
        }
        return (reader.diagnostics.isEmpty ? activities : [], reader.diagnostics)
    }

    static func statements(_ map: Node.Mapping, _ key: String, _ node: Node, _ reader: YAMLReader, _ what: String) -> [Statement] {
        let values = reader.sequence(map, key, in: what, at: node).compactMap { value -> Statement? in
            guard let entry = reader.mapping(value, what) else { return nil }
            let id = reader.string(entry, "id", in: what, at: value)
            let text = reader.string(entry, "text", in: "\(what) \(id ?? "?")", at: value)
            guard let id, let text else { return nil }
            return Statement(id: id, text: text)
        }
        if map[key] != nil && values.isEmpty { reader.report(at: map[key], "\(what) : « \(key) » est vide") }
        if Set(values.map(\.id)).count != values.count { reader.report(at: map[key], "\(what) : un identifiant apparaît deux fois") }
        return values
    }

    static func loadSelfAssessment(_ map: Node.Mapping, _ node: Node, _ reader: YAMLReader, _ what: String) -> Activity.Kind? {
        let prompt = reader.string(map, "prompt", in: what, at: node)
        guard let scaleNode = map["scale"] else {
            reader.report(at: node, "\(what) : le champ « scale » manque")
            return nil
        }
        guard let scaleMap = reader.mapping(scaleNode, "\(what), scale") else { return nil }
        let low = reader.int(scaleMap, "min", in: "\(what), scale", at: scaleNode)
        let high = reader.int(scaleMap, "max", in: "\(what), scale", at: scaleNode)
        let lowLabel = reader.string(scaleMap, "min_label", in: "\(what), scale", at: scaleNode)
        let highLabel = reader.string(scaleMap, "max_label", in: "\(what), scale", at: scaleNode)
        if let low, let high, low.0 >= high.0 { reader.report(at: scaleNode, "\(what) : il faut min < max") }
        let items = statements(map, "statements", node, reader, what)
        guard let prompt, let low, let high, let lowLabel, let highLabel else { return nil }
        return .selfAssessment(prompt: prompt, scale: LikertScale(min: low.0, max: high.0, minLabel: lowLabel, maxLabel: highLabel),
                               statements: items)
    }

    static func loadScenario(_ map: Node.Mapping, _ node: Node, _ reader: YAMLReader, _ what: String) -> Activity.Kind? {
        reader.rejectUnknownKeys(map, allowed: ["id", "type", "title", "prompt", "start", "steps"], in: what)
        let title = reader.string(map, "title", in: what, at: node)
        let prompt = reader.string(map, "prompt", in: what, at: node)
        let start = reader.string(map, "start", in: what, at: node)
        var steps: [ScenarioStep] = []
        var nextLines: [(String, Node?)] = []
        for stepNode in reader.sequence(map, "steps", in: what, at: node) {
            guard let step = reader.mapping(stepNode, "\(what), étape") else { continue }
            reader.rejectUnknownKeys(step, allowed: ["id", "text", "choices"], in: "\(what), étape")
            let stepID = reader.string(step, "id", in: "\(what), étape", at: stepNode)
            let stepWhat = "\(what), étape \(stepID ?? "?")"
            let text = reader.string(step, "text", in: stepWhat, at: stepNode)
            var choices: [ScenarioChoice] = []
            for choiceNode in reader.sequence(step, "choices", in: stepWhat, at: stepNode) {
                guard let choice = reader.mapping(choiceNode, "\(stepWhat), choix") else { continue }
                reader.rejectUnknownKeys(choice, allowed: ["id", "text", "feedback", "consequence", "next", "outcome"],
                                         in: "\(stepWhat), choix")
                let choiceID = reader.string(choice, "id", in: "\(stepWhat), choix", at: choiceNode)
                let choiceWhat = "\(stepWhat), choix \(choiceID ?? "?")"
                let choiceText = reader.string(choice, "text", in: choiceWhat, at: choiceNode)
                let feedback = reader.string(choice, "feedback", in: choiceWhat, at: choiceNode)
                let next = reader.string(choice, "next", in: choiceWhat, at: choiceNode)
                let outcomeText = reader.optionalString(choice, "outcome", in: choiceWhat)
                let outcome = ScenarioChoice.Outcome(rawValue: outcomeText)
                if next == "end" && outcome == nil {
                    reader.report(at: choice["outcome"] ?? choiceNode, "\(choiceWhat) : un choix qui termine le cas a un « outcome » (good, neutral, poor)")
                }
                if let next, next != "end" { nextLines.append((next, choice["next"])) }
                if let choiceID, let choiceText, let feedback, let next {
                    choices.append(ScenarioChoice(id: choiceID, text: choiceText, feedback: feedback,
                                                  consequence: reader.optionalString(choice, "consequence", in: choiceWhat),
                                                  next: next == "end" ? nil : next, outcome: outcome))
                }
            }
            if choices.count < 2 && step["choices"] != nil { reader.report(at: stepNode, "\(stepWhat) : il faut au moins deux choix") }
            if let stepID, let text { steps.append(ScenarioStep(id: stepID, text: text, choices: choices)) }
        }
        let ids = Set(steps.map(\.id))
        if ids.count != steps.count { reader.report(at: map["steps"], "\(what) : un identifiant d'étape apparaît deux fois") }
        for (next, nextNode) in nextLines where !ids.contains(next) {
            reader.report(at: nextNode, "\(what) : étape inconnue « \(next) »")
        }
        guard let title, let prompt, let start else { return nil }
        if !ids.contains(start) { reader.report(at: map["start"], "\(what) : l'étape de départ « \(start) » n'existe pas") }
        let scenario = Scenario(title: title, prompt: prompt, start: start, steps: steps)
        let unreachable = ids.subtracting(scenario.reachableSteps())
        if ids.contains(start) && !unreachable.isEmpty {
            reader.report(at: map["steps"], "\(what) : étape(s) jamais atteinte(s) : \(unreachable.sorted().joined(separator: ", "))")
        }
        if !steps.flatMap(\.choices).contains(where: { $0.outcome == .good }) {
            reader.report(at: map["steps"], "\(what) : aucun choix ne termine le cas avec « outcome: good »")
        }
        return .scenario(scenario)
    }
}
