import CCMark
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

    /// The text of a Markdown snippet without its markup, for reading aloud and for titles.
    public static func plainText(_ markdown: String) -> String {
        var html = Markdown.html(markdown)
        html = html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            html = html.replacingOccurrences(of: entity, with: character)
        }
        return html.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
