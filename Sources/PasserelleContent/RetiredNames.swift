import Foundation
import Yams

/// A name that is no longer in use (an institution, a scheme, a label) and what replaced it, from
/// `Curriculum/retired-names.yaml` (docs/CONTENT-FORMAT.md, docs/CONTENT-CURRENCY.md).
public struct RetiredName: Sendable, Equatable {
    /// The name as authors write it, e.g. « Pôle emploi ».
    public var name: String
    /// Other spellings of the same name (« Pole emploi », « CMU-C »).
    public var variants: [String]
    /// The name in use today, e.g. « France Travail ».
    public var successor: String
    /// When the change happened, in French words: « 1er janvier 2024 », « 2018 ».
    public var since: String

    public init(name: String, variants: [String] = [], successor: String, since: String) {
        self.name = name
        self.variants = variants
        self.successor = successor
        self.since = since
    }
}

/// The currency rule of `content check`: a lesson or a feedback may name a retired body only in a
/// sentence that dates it (a year, « depuis », « ancien », « devenu », « remplacé », « jusqu'en »,
/// « avant »…); otherwise the learner reads an old name as today's.
public enum RetiredNames {
    /// Where the register lives, relative to the content root.
    public static let registerPath = "Curriculum/retired-names.yaml"

    // MARK: The register

    /// Reads the register; a missing file means no rule (an empty list and no diagnostic).
    public static func register(_ root: ContentRoot) -> ([RetiredName], [Diagnostic]) {
        let url = root.url.appendingPathComponent(registerPath)
        guard FileManager.default.fileExists(atPath: url.path) else { return ([], []) }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            return ([], [Diagnostic(file: registerPath, line: 0, message: "fichier illisible ou qui n'est pas en UTF-8")])
        }
        return register(text: text, file: registerPath)
    }

    /// Parses the register's text (format in docs/CONTENT-FORMAT.md).
    public static func register(text: String, file: String) -> ([RetiredName], [Diagnostic]) {
        let reader = YAMLReader(file: file)
        guard let node = reader.parse(text), let map = reader.mapping(node, "noms retirés") else { return ([], reader.diagnostics) }
        reader.rejectUnknownKeys(map, allowed: ["checked", "names"], in: "noms retirés")
        if let checked = reader.string(map, "checked", in: "noms retirés", at: node),
           checked.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil {
            reader.report(at: map["checked"], "noms retirés : « checked » est la date de la dernière vérification (AAAA-MM-JJ)")
        }
        var names: [RetiredName] = []
        var seen: [String: Int] = [:]
        for entryNode in reader.sequence(map, "names", in: "noms retirés", at: node) {
            guard let entry = reader.mapping(entryNode, "nom retiré") else { continue }
            reader.rejectUnknownKeys(entry, allowed: ["name", "variants", "successor", "since"], in: "nom retiré")
            let name = reader.string(entry, "name", in: "nom retiré", at: entryNode)
            let what = "nom retiré « \(name ?? "?") »"
            let successor = reader.string(entry, "successor", in: what, at: entryNode)
            let since = reader.string(entry, "since", in: what, at: entryNode)
            let variants = ModuleLoader.strings(reader, entry, "variants", what, entryNode, required: false)
            for spelling in [name].compactMap({ $0 }) + variants {
                let key = normalised(spelling)
                if let line = seen[key] {
                    reader.report(at: entryNode, "\(what) : « \(spelling) » figure déjà ligne \(line)")
                }
                seen[key] = entryNode.mark?.line ?? 0
            }
            if let name, let successor, let since {
                names.append(RetiredName(name: name, variants: variants, successor: successor, since: since))
            }
        }
        if map["names"]?.sequence?.isEmpty == true { reader.report(at: map["names"], "noms retirés : « names » est vide") }
        return (reader.diagnostics.isEmpty ? names : [], reader.diagnostics)
    }

    // MARK: The rule

    /// Every sentence of the lessons (`Curriculum/<module>/*.md`) and of the feedback of activities and
    /// items (`feedback`, `consequence` in `Curriculum/<module>/*.yaml` and `Assessments/items/`) that
    /// names a retired body without dating it; plus the register's own problems.
    public static func check(_ root: ContentRoot) -> [Diagnostic] {
        let (names, problems) = register(root)
        guard !names.isEmpty else { return problems }
        let matcher = Matcher(names)
        var diagnostics = problems
        let modules = ((try? FileManager.default.contentsOfDirectory(at: root.curriculum, includingPropertiesForKeys: nil)) ?? [])
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("module.yaml").path) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        for folder in modules {
            for file in ContentLoader.files(in: folder, extensions: ["md"]) where file.lastPathComponent != "README.md" {
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                diagnostics += lesson(text, file: root.relative(file), matcher: matcher)
            }
            for file in ContentLoader.files(in: folder, extensions: ["yaml", "yml"]) where file.lastPathComponent != "module.yaml" {
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                diagnostics += feedback(text, file: root.relative(file), what: "activité", matcher: matcher)
            }
        }
        for file in ContentLoader.files(in: root.assessments.appendingPathComponent("items"), extensions: ["yaml", "yml"]) {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            diagnostics += feedback(text, file: root.relative(file), what: "question", matcher: matcher)
        }
        return diagnostics
    }

    /// The undated retired names of a lesson (front matter left out).
    public static func lesson(_ text: String, file: String, names: [RetiredName]) -> [Diagnostic] {
        lesson(text, file: file, matcher: Matcher(names))
    }

    /// The undated retired names in the `feedback` and `consequence` texts of an activity or item file.
    /// `what` names the entries in messages (« activité », « question »).
    public static func feedback(_ text: String, file: String, what: String, names: [RetiredName]) -> [Diagnostic] {
        feedback(text, file: file, what: what, matcher: Matcher(names))
    }

    static func lesson(_ text: String, file: String, matcher: Matcher) -> [Diagnostic] {
        let (_, body, bodyLine) = FrontMatter.split(text.replacingOccurrences(of: "\r\n", with: "\n"))
        return Prose.sentences(markdown: body, firstLine: bodyLine).flatMap { sentence in
            matcher.undated(in: sentence.text).map { name in
                Diagnostic(file: file, line: sentence.line, message: "leçon : " + message(name, sentence.text))
            }
        }
    }

    static let feedbackKeys: Set<String> = ["feedback", "consequence"]

    static func feedback(_ text: String, file: String, what: String, matcher: Matcher) -> [Diagnostic] {
        guard let root = try? YAMLReader.compose(text) else { return [] }   // syntax errors are reported by the loader
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var diagnostics: [Diagnostic] = []
        func visit(_ node: Node, owner: String?) {
            switch node {
            case .mapping(let mapping):
                let owner = owner ?? mapping["id"]?.string
                for (key, value) in mapping {
                    if let name = key.string, feedbackKeys.contains(name), let scalar = value.scalar {
                        diagnostics += check(scalar, lines: lines, file: file, what: "\(what) \(owner ?? "?")", matcher: matcher)
                    } else {
                        visit(value, owner: owner)
                    }
                }
            case .sequence(let sequence):
                for child in sequence { visit(child, owner: owner) }
            default:
                break
            }
        }
        visit(root, owner: nil)
        return diagnostics
    }

    /// The undated names of one YAML text, each reported on the file line where its sentence starts.
    static func check(_ scalar: Node.Scalar, lines: [Substring], file: String, what: String, matcher: Matcher) -> [Diagnostic] {
        let characters = Array(scalar.string)
        return Prose.spans(characters).flatMap { span -> [Diagnostic] in
            let sentence = Prose.clean(String(characters[span]))
            let found = matcher.undated(in: sentence)
            guard !found.isEmpty else { return [] }
            let wordsBefore = String(characters[..<span.lowerBound]).split(whereSeparator: \.isWhitespace).count
            let line = fileLine(ofWord: wordsBefore, in: scalar, lines: lines)
            return found.map { Diagnostic(file: file, line: line, message: "\(what), retour : " + message($0, sentence)) }
        }
    }

    /// The file line holding the value's word number `index` (0-based): folding and line breaks change
    /// the spaces of a YAML text, never its words.
    static func fileLine(ofWord index: Int, in scalar: Node.Scalar, lines: [Substring]) -> Int {
        guard let mark = scalar.mark else { return 0 }
        let block = scalar.style == .literal || scalar.style == .folded
        var lineNumber = block ? mark.line + 1 : mark.line
        var count = 0
        while lineNumber >= 1 && lineNumber <= lines.count {
            var line = lines[lineNumber - 1]
            if !block && lineNumber == mark.line { line = line.dropFirst(max(0, mark.column - 1)) }
            count += line.split(whereSeparator: \.isWhitespace).count
            if count > index { return lineNumber }
            lineNumber += 1
        }
        return mark.line
    }

    static func message(_ name: RetiredName, _ sentence: String) -> String {
        let excerpt = sentence.count > 80 ? String(sentence.prefix(79)) + "…" : sentence
        return "« \(name.name) » n'est plus en usage (aujourd'hui : \(name.successor) ; \(name.since)). "
            + "Datez la phrase (une année, « depuis », « ancien », « devenu », « remplacé »…) ou employez le nom actuel : « \(excerpt) »"
    }

    // MARK: Matching

    /// Lower case, no accents, one kind of apostrophe, hyphen and space: how names and sentences are compared.
    static func normalised(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
            .replacingOccurrences(of: "’", with: "'")
            .replacingOccurrences(of: "\u{2011}", with: "-")
            .replacingOccurrences(of: "\u{2010}", with: "-")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// What dates a sentence: a year, or a word that places the name in the past.
    static let dating: NSRegularExpression? = try? NSRegularExpression(
        pattern: #"(?<![\p{L}\p{N}])(1[89]\d{2}|20\d{2})(?!\p{N})"#
            + #"|(?<!\p{L})(depuis|anciens?|anciennes?|anciennement|devenue?s?|remplacée?s?|fusionnée?s?|renommée?s?"#
            + #"|rebaptisée?s?|jusqu'(en|au|à)|avant|auparavant|autrefois|à l'époque|alors appelée?s?)(?!\p{L})"#
            + #"|(?<!\p{L})ex-(?=\p{L})"#,
        options: [.caseInsensitive])

    /// True when the sentence dates what it says.
    public static func isDated(_ sentence: String) -> Bool {
        guard let dating else { return false }
        let text = sentence.replacingOccurrences(of: "’", with: "'").replacingOccurrences(of: "\u{2011}", with: "-")
        return dating.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    struct Matcher {
        let patterns: [(name: RetiredName, regexes: [NSRegularExpression])]

        init(_ names: [RetiredName]) {
            patterns = names.map { name in
                (name, ([name.name] + name.variants).compactMap { spelling in
                    let escaped = NSRegularExpression.escapedPattern(for: RetiredNames.normalised(spelling))
                    return try? NSRegularExpression(pattern: #"(?<![\p{L}\p{N}])"# + escaped + #"(?![\p{L}\p{N}])"#)
                })
            }
        }

        /// The retired names the sentence uses without dating them. A name found only inside another
        /// one (« CMU » in « CMU complémentaire ») counts once, as the longer name.
        func undated(in sentence: String) -> [RetiredName] {
            guard !RetiredNames.isDated(sentence) else { return [] }
            let text = RetiredNames.normalised(sentence)
            let range = NSRange(text.startIndex..., in: text)
            var found: [(name: RetiredName, ranges: [NSRange])] = []
            for (name, regexes) in patterns {
                let ranges = regexes.flatMap { $0.matches(in: text, range: range).map(\.range) }
                if !ranges.isEmpty { found.append((name, ranges)) }
            }
            return found.filter { candidate in
                !candidate.ranges.allSatisfy { inner in
                    found.contains { other in
                        other.name != candidate.name && other.ranges.contains { outer in
                            outer.length > inner.length && NSIntersectionRange(outer, inner).length == inner.length
                        }
                    }
                }
            }.map(\.name)
        }
    }
}
