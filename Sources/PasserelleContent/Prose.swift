import Foundation

/// A sentence of running text and the line of the file where it starts.
public struct ProseSentence: Sendable, Equatable {
    /// The sentence as a learner reads it: no Markdown markup, no seed reference.
    public var text: String
    /// 1-based line in the file.
    public var line: Int

    public init(text: String, line: Int) {
        self.text = text
        self.line = line
    }

    /// Words: whitespace-separated tokens holding at least one letter or digit (« l'agent » is one word,
    /// « c'est-à-dire » too; a lone « – » or « ? » is none).
    public var words: [Substring] {
        text.split(whereSeparator: \.isWhitespace).filter { token in token.contains { $0.isLetter || $0.isNumber } }
    }
}

/// The running text of lessons and feedback, split into sentences: what the currency rule and the
/// readability report read. Pure text processing, no I/O.
public enum Prose {
    /// The sentences of a Markdown text, leaving out headings, block quotes (citations), code (fenced
    /// blocks and inline spans), tables, raw HTML lines, images and seed references. List items and
    /// paragraphs are blocks: a sentence never runs across two of them. `firstLine` is the file line of
    /// the text's first line.
    public static func sentences(markdown: String, firstLine: Int = 1) -> [ProseSentence] {
        var result: [ProseSentence] = []
        var block: [String] = []
        var blockLine = firstLine
        var inFence = false
        var fence = ""
        func flush() {
            if !block.isEmpty { result += sentences(inBlock: block.joined(separator: "\n"), firstLine: blockLine) }
            block = []
        }
        let lines = markdown.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, raw) in lines.enumerated() {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if inFence {
                if trimmed.hasPrefix(fence) { inFence = false }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                flush()
                inFence = true
                fence = String(trimmed.prefix(3))
                continue
            }
            let indented = line.hasPrefix("    ") || line.hasPrefix("\t")
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(">") || trimmed.hasPrefix("|")
                || trimmed.hasPrefix("<") || isThematicBreak(trimmed) || (indented && block.isEmpty && !isListItem(trimmed)) {
                flush()
                continue
            }
            if let item = listItemText(trimmed) {
                flush()
                block = [item]
                blockLine = firstLine + offset
                continue
            }
            if block.isEmpty { blockLine = firstLine + offset }
            block.append(trimmed)
        }
        flush()
        return result
    }

    /// The sentences of a plain text (a feedback, say) that may hold inline Markdown; every line of it
    /// belongs to one block.
    public static func sentences(text: String, firstLine: Int = 1) -> [ProseSentence] {
        sentences(inBlock: text, firstLine: firstLine)
    }

    /// Splits a block into sentences: after `.`, `!`, `?` or `…` (and any closing quote or bracket),
    /// when a space follows and the next word starts with a capital letter, a digit or an opening quote.
    /// A single capital letter before the full stop is an initial (« A. Ben Youssef »), not an end.
    static func sentences(inBlock block: String, firstLine: Int) -> [ProseSentence] {
        let characters = Array(block)
        return spans(characters).compactMap { span in
            let text = clean(String(characters[span]))
            guard text.contains(where: { $0.isLetter || $0.isNumber }) else { return nil }
            return ProseSentence(text: text, line: firstLine + characters[..<span.lowerBound].filter { $0 == "\n" }.count)
        }
    }

    /// The character ranges of the sentences of a block (leading spaces excluded).
    static func spans(_ characters: [Character]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = characters.firstIndex { !$0.isWhitespace } ?? characters.count
        var index = start
        while index < characters.count {
            let character = characters[index]
            guard character == "." || character == "!" || character == "?" || character == "…" else {
                index += 1
                continue
            }
            var end = index + 1
            while end < characters.count, "»\")]*_’'".contains(characters[end]) { end += 1 }
            var next = end
            while next < characters.count, characters[next].isWhitespace { next += 1 }
            let opensSentence = next < characters.count
                && (characters[next].isUppercase || characters[next].isNumber || "«\"*[(".contains(characters[next]))
            if next > end && opensSentence && !(character == "." && isInitial(characters, before: index)) {
                result.append(start..<end)
                start = next
                index = next
            } else {
                index = end
            }
        }
        if start < characters.count { result.append(start..<characters.count) }
        return result
    }

    /// A single capital letter, alone, before a full stop: an initial.
    static func isInitial(_ characters: [Character], before index: Int) -> Bool {
        guard index >= 1, characters[index - 1].isUppercase else { return false }
        return index == 1 || !(characters[index - 2].isLetter || characters[index - 2].isNumber)
    }

    static func isListItem(_ trimmed: String) -> Bool { listItemText(trimmed) != nil }

    /// The text of a list item line (`- `, `* `, `+ `, `1. `, `1) `) without its marker.
    static func listItemText(_ trimmed: String) -> String? {
        for marker in ["- ", "* ", "+ "] where trimmed.hasPrefix(marker) {
            return String(trimmed.dropFirst(marker.count))
        }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 3 else { return nil }
        let rest = trimmed.dropFirst(digits.count)
        guard rest.hasPrefix(". ") || rest.hasPrefix(") ") else { return nil }
        return String(rest.dropFirst(2))
    }

    static func isThematicBreak(_ trimmed: String) -> Bool {
        let compact = trimmed.filter { !$0.isWhitespace }
        return compact.count >= 3 && (Set(compact) == ["-"] || Set(compact) == ["*"] || Set(compact) == ["_"])
    }

    static let inlineCode = try? NSRegularExpression(pattern: "`[^`]*`")
    static let image = try? NSRegularExpression(pattern: #"!\[[^\]]*\]\([^)]*\)"#)
    static let link = try? NSRegularExpression(pattern: #"\[([^\]]*)\]\([^)]*\)"#)
    static let emphasis = try? NSRegularExpression(pattern: #"(\*+|(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}]))"#)

    /// A sentence as read: seed references, inline code and images removed, links reduced to their
    /// text, emphasis marks dropped, spaces collapsed.
    static func clean(_ raw: String) -> String {
        var text = SourceReferences.strip(raw)
        for (regex, template) in [(inlineCode, ""), (image, ""), (link, "$1"), (emphasis, "")] {
            guard let regex else { continue }
            text = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
