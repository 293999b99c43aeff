import Foundation
import Mustache
import Testing
@testable import PasserelleWeb

/// `{{value}}` in the templates is escaped by `ByteHTMLEscaping` (issue 12: the library's escaping was a quarter
/// of a lesson page). Same output as the library's HTML escaping, and safe where the library's was not.
@Suite struct TemplateEscapingTests {
    static let alphabet: [String] = ["a", "Z", " ", "<", ">", "&", "\"", "'", "é", "É", "\u{00A0}", "«", "»", "€", "😀",
                                     "👩🏽‍💻", "\n", "\t", "=", "/", ";", "#", "日"]

    @Test func sameOutputAsTheLibrarysEscapingOnTextWithoutCombiningMarks() throws {
        let library = try MustacheTemplate(string: "{{x}}")
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...40, using: &random)).map { _ in Self.alphabet.randomElement(using: &random) ?? "" }
                .joined()
            #expect(HTML.escapeText(text) == library.render(["x": text]), "\(text.debugDescription)")
        }
    }

    @Test func aQuoteFollowedByACombiningMarkIsEscapedToo() throws {
        let hostile = "\"\u{301} onmouseover=alert(1) x='\u{301}"
        // The library sees `"\u{301}` as one character, not a quote, and leaves it as it is…
        #expect(try MustacheTemplate(string: "{{x}}").render(["x": hostile]).utf8.contains(UInt8(ascii: "\"")))
        // …ours escapes every quote, so the value cannot end an attribute.
        let escaped = HTML.escapeText(hostile)
        #expect(!escaped.utf8.contains(UInt8(ascii: "\"")) && !escaped.utf8.contains(UInt8(ascii: "'")))
        #expect(escaped.hasPrefix("&quot;\u{301}"))
    }

    @Test func everyTemplateEscapesThisWay() throws {
        let templates = try Templates(folder: repositoryRoot.appendingPathComponent("Web/templates"))
        let page = templates.render("connexion", ["title": "Connexion", "username": "\"\u{301}><script>", "code": ""])
        #expect(page.contains("&quot;\u{301}&gt;&lt;script&gt;"))
        #expect(!page.contains("<script>"))
        // Layouts too: the title of an error page goes through the layout.
        let titled = templates.render("erreur", ["title": "A & B \"\u{301}", "message": "M"])
        #expect(titled.contains("<title>A &amp; B &quot;\u{301}"))
    }
}
