import Foundation
import Testing
@testable import PasserelleCore

@Suite struct CSVTests {
    /// The exact bytes of a small French export: BOM, `;`, decimal comma, quoted text, injection guard.
    @Test func frenchConventionGolden() {
        let writer = CSVWriter()
        let text = writer.preamble
            + writer.line([.text("Nom"), .text("Prénom"), .text("Pix"), .text("Maîtrise")])
            + writer.line([.text("Dupont; Martin"), .text("Zoé \"Zaza\""), .integer(24), .number(0.5)])
            + writer.line([.text("=HYPERLINK(\"x\")"), .text("-2"), .empty, .number(12.345)])
            + writer.line([.text("+33 6"), .text("@moi"), .integer(-3), .number(-0.25)])
        let golden = "\u{FEFF}\"Nom\";\"Prénom\";\"Pix\";\"Maîtrise\"\r\n"
            + "\"Dupont; Martin\";\"Zoé \"\"Zaza\"\"\";24;0,50\r\n"
            + "\"'=HYPERLINK(\"\"x\"\")\";\"'-2\";;12,35\r\n"
            + "\"'+33 6\";\"'@moi\";-3;-0,25\r\n"
        #expect(text == golden)
        #expect(Array(text.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark")
    }

    @Test func rfc4180WithCommas() {
        let writer = CSVWriter(separator: ",")
        #expect(writer.preamble.isEmpty)
        #expect(writer.line([.text("a,b"), .number(1.5), .integer(2)]) == "\"a,b\",1.50,2\r\n")
    }
}
