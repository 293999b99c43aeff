import Foundation

/// How hard a lesson's running text is to read: sentence length and long words. Measured on the
/// Markdown prose only (see `Readability.sentences(markdown:)`); pure computation, no I/O.
public struct ReadabilityMeasure: Sendable, Equatable, Codable {
    public var sentences: Int
    public var words: Int
    /// Mean words per sentence.
    public var meanSentenceLength: Double
    /// Words in the longest sentence.
    public var maxSentenceLength: Int
    /// Words of at least `Readability.longWordLetters` letters.
    public var longWords: Int
    /// `longWords / words`, from 0 to 1.
    public var longWordShare: Double
    /// The longest sentence (shortened), for the author to rewrite first.
    public var longestSentence: String

    public init(sentences: Int = 0, words: Int = 0, meanSentenceLength: Double = 0, maxSentenceLength: Int = 0,
                longWords: Int = 0, longWordShare: Double = 0, longestSentence: String = "") {
        self.sentences = sentences
        self.words = words
        self.meanSentenceLength = meanSentenceLength
        self.maxSentenceLength = maxSentenceLength
        self.longWords = longWords
        self.longWordShare = longWordShare
        self.longestSentence = longestSentence
    }
}

/// The limits every shipped lesson meets (docs/CONTENT-FORMAT.md, « Readability »). A lesson over one
/// of them is much harder to read than the others: split sentences, prefer short everyday words.
public struct ReadabilityLimits: Sendable, Equatable, Codable {
    public var maxMeanSentenceLength: Double
    public var maxSentenceLength: Int
    public var maxLongWordShare: Double

    public init(maxMeanSentenceLength: Double, maxSentenceLength: Int, maxLongWordShare: Double) {
        self.maxMeanSentenceLength = maxMeanSentenceLength
        self.maxSentenceLength = maxSentenceLength
        self.maxLongWordShare = maxLongWordShare
    }

    /// The limits of the shipped lessons.
    public static let lessons = ReadabilityLimits(maxMeanSentenceLength: 15, maxSentenceLength: 40, maxLongWordShare: 0.07)

    /// What a measure exceeds, in French; empty when the text is within the limits.
    public func problems(_ measure: ReadabilityMeasure) -> [String] {
        var problems: [String] = []
        if measure.meanSentenceLength > maxMeanSentenceLength {
            problems.append("phrases trop longues en moyenne : \(Readability.format(measure.meanSentenceLength)) mots "
                            + "(au plus \(Readability.format(maxMeanSentenceLength)))")
        }
        if measure.maxSentenceLength > maxSentenceLength {
            problems.append("une phrase de \(measure.maxSentenceLength) mots (au plus \(maxSentenceLength)) : « \(measure.longestSentence) »")
        }
        if measure.longWordShare > maxLongWordShare {
            problems.append("trop de mots longs : \(Readability.percent(measure.longWordShare)) "
                            + "(au plus \(Readability.percent(maxLongWordShare)))")
        }
        return problems
    }
}

public enum Readability {
    /// A word is long when one of its parts (split at apostrophes and hyphens: « l'administration »,
    /// « porte-monnaie ») has at least this many letters.
    public static let longWordLetters = 12

    /// The sentences measured: the lesson's prose (`Prose.sentences`: no headings, block quotes, code,
    /// tables or seed references), without a final « Sources » section (a list of documents, not prose).
    public static func sentences(markdown: String) -> [ProseSentence] {
        var kept: [Substring] = []
        var skippingLevel: Int?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            let level = trimmed.prefix { $0 == "#" }.count
            if level > 0 && trimmed.dropFirst(level).first == " " {
                if let skipping = skippingLevel, level > skipping { continue }
                let title = trimmed.dropFirst(level).trimmingCharacters(in: .whitespaces).lowercased()
                skippingLevel = title == "sources" || title == "les sources" || title == "sources de la leçon" ? level : nil
            }
            if skippingLevel != nil {
                kept.append("")   // keeps line numbers
                continue
            }
            kept.append(line)
        }
        return Prose.sentences(markdown: kept.joined(separator: "\n"))
    }

    public static func measure(markdown: String) -> ReadabilityMeasure {
        measure(sentences(markdown: markdown))
    }

    public static func measure(_ sentences: [ProseSentence]) -> ReadabilityMeasure {
        let lengths = sentences.map { $0.words.count }
        let words = lengths.reduce(0, +)
        let longWords = sentences.reduce(0) { $0 + $1.words.filter(isLong).count }
        guard let longest = lengths.indices.max(by: { lengths[$0] < lengths[$1] }), words > 0 else {
            return ReadabilityMeasure()
        }
        let text = sentences[longest].text
        return ReadabilityMeasure(
            sentences: sentences.count, words: words,
            meanSentenceLength: Double(words) / Double(sentences.count),
            maxSentenceLength: lengths[longest],
            longWords: longWords, longWordShare: Double(longWords) / Double(words),
            longestSentence: text.count > 100 ? String(text.prefix(99)) + "…" : text)
    }

    /// True when a part of the word has at least `longWordLetters` letters.
    public static func isLong(_ word: Substring) -> Bool {
        word.split(whereSeparator: { $0 == "'" || $0 == "’" || $0 == "-" || $0 == "‑" })
            .contains { part in part.filter(\.isLetter).count >= longWordLetters }
    }

    /// « 12,5 »: one decimal, French comma.
    public static func format(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10),\(tenths % 10)"
    }

    /// « 4,2 % ».
    public static func percent(_ share: Double) -> String {
        format(share * 100) + " %"
    }
}
