import CCMark
import PasserelleCore
import Foundation

/// CommonMark to HTML with cmark, in safe mode: raw HTML in content never reaches a page. Seed
/// references (« (source : 000_….txt, lignes …) ») are for authors and are left out.
public enum Markdown {
    public static func html(_ markdown: String) -> String {
        let markdown = SourceReferences.strip(markdown)
        let length = markdown.utf8.count
        guard let rendered = passerelle_markdown_to_html(markdown, length) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// Gives each `<h2>` and `<h3>` of rendered HTML an `id` (its anchor, made unique in the page) and
    /// returns the sections found, so that links can point to a part of a lesson.
    public static func withHeadingAnchors(_ html: String) -> (html: String, sections: [LessonSection]) {
        guard let regex = try? NSRegularExpression(pattern: "<h([23])>(.*?)</h\\1>", options: [.dotMatchesLineSeparators]) else {
            return (html, [])
        }
        var output = ""
        var sections: [LessonSection] = []
        var used: [String: Int] = [:]
        var cursor = html.startIndex
        for match in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            guard let whole = Range(match.range, in: html), let level = Range(match.range(at: 1), in: html),
                  let inner = Range(match.range(at: 2), in: html) else { continue }
            let title = plainTextOfHTML(String(html[inner]))
            var id = LessonSection.anchor(title)
            let count = used[id, default: 0]
            used[id] = count + 1
            if count > 0 { id += "-\(count + 1)" }
            sections.append(LessonSection(id: id, title: title))
            output += html[cursor..<whole.lowerBound]
            output += "<h\(html[level]) id=\"\(id)\">\(html[inner])</h\(html[level])>"
            cursor = whole.upperBound
        }
        output += html[cursor...]
        return (output, sections)
    }

    /// The text of a Markdown snippet without its markup, for reading aloud and for titles.
    public static func plainText(_ markdown: String) -> String {
        plainTextOfHTML(Markdown.html(markdown))
    }

    static func plainTextOfHTML(_ rendered: String) -> String {
        withEntitiesDecoded(withoutTags(rendered)).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// `html` with each tag (`<`, at least one character other than `>`, then `>`) replaced by a space, as the
    /// regular expression `<[^>]+>` did: found byte by byte (with the five
    /// entity replacements below, the expression made a seventh of the start-up's profile).
    static func withoutTags(_ html: String) -> String {
        var html = html
        return html.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var index = 0, copied = 0
            while index < bytes.count {
                guard bytes[index] == UInt8(ascii: "<") else { index += 1; continue }
                var end = index + 1
                while end < bytes.count, bytes[end] != UInt8(ascii: ">") { end += 1 }
                guard end < bytes.count else { break }  // no `>` after this `<`: nothing after it is a tag
                guard end > index + 1 else { index += 1; continue }  // `<>` is not a tag
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<index]))
                output.append(UInt8(ascii: " "))
                index = end + 1
                copied = index
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<bytes.count]))
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// The five entities cmark writes (`&lt;` `&gt;` `&quot;` `&#39;` `&amp;`) as their characters: the same text as
    /// replacing each in turn with Foundation, `&amp;` last, found in one pass from left to right (no character
    /// an entity becomes can start or complete another one) instead of five passes through `NSString`.
    /// Foundation compares characters, not bytes: an entity next to a combining mark (or any non-ASCII scalar
    /// that could join it) is left to Foundation, so that the text stays the same.
    static func withEntitiesDecoded(_ text: String) -> String {
        var copy = text
        let decoded: String? = copy.withUTF8 { bytes in
            guard bytes.contains(UInt8(ascii: "&")) else { return text }
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var index = 0
            next: while index < bytes.count {
                if bytes[index] == UInt8(ascii: "&") {
                    for entity in entities where index + entity.name.count <= bytes.count
                        && entity.name.indices.allSatisfy({ bytes[index + $0] == entity.name[$0] }) {
                        let after = index + entity.name.count
                        if (index > 0 && bytes[index - 1] >= 0x80) || (after < bytes.count && bytes[after] >= 0x80) { return nil }
                        output.append(entity.byte)
                        index = after
                        continue next
                    }
                }
                output.append(bytes[index])
                index += 1
            }
            return String(decoding: output, as: UTF8.self)
        }
        if let decoded { return decoded }
        var html = text
        for entity in entities {
            html = html.replacingOccurrences(of: String(decoding: entity.name, as: UTF8.self),
                                             with: String(decoding: [entity.byte], as: UTF8.self))
        }
        return html
    }

    private static let entities: [(name: [UInt8], byte: UInt8)] = [
        (Array("&lt;".utf8), UInt8(ascii: "<")), (Array("&gt;".utf8), UInt8(ascii: ">")),
        (Array("&quot;".utf8), UInt8(ascii: "\"")), (Array("&#39;".utf8), UInt8(ascii: "'")),
        (Array("&amp;".utf8), UInt8(ascii: "&")),
    ]
}
