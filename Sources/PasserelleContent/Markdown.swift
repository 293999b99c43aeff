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
        var html = rendered
        html = html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            html = html.replacingOccurrences(of: entity, with: character)
        }
        return html.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
