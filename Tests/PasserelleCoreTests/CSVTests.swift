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

    /// Percentages and numbers are written without `String(format:)`: the same text as `%.2f` for every ratio
    /// a result can hold (validated / targeted skills up to 600) and for numbers around every rounding edge.
    @Test func decimalsAreWhatFormatWrites() {
        func reference(_ writer: CSVWriter, _ value: Double, percent: Bool) -> String {
            var text = String(format: "%.2f", percent ? value * 100 : value)
            if percent {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
                if text == "-0" { text = "0" }
            }
            return (writer.separator == ";" ? String(text.map { $0 == "." ? "," : $0 }) : text) + (percent ? "%" : "")
        }
        var mismatches: [String] = []
        for writer in [CSVWriter(), CSVWriter(separator: ",")] {
            for targeted in 1...600 {
                for validated in 0...targeted {
                    let fraction = Double(validated) / Double(targeted)
                    let written = writer.format(.percent(fraction))
                    if written != reference(writer, fraction, percent: true) { mismatches.append("\(validated)/\(targeted): \(written)") }
                }
            }
            for hundredths in -20_000...20_000 {
                for offset in [-0.004, -0.0005, 0, 0.0005, 0.004] {
                    let value = Double(hundredths) / 100 + offset
                    let written = writer.format(.number(value))
                    if written != reference(writer, value, percent: false) { mismatches.append("\(value): \(written)") }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, first: \(mismatches.prefix(5))")
        #expect(CSVWriter().format(.percent(0.125)) == "12,5%")
        #expect(CSVWriter().format(.percent(1)) == "100%")
        #expect(CSVWriter().format(.percent(-0.00001)) == "0%")
        #expect(CSVWriter().format(.number(1e300)) == String(format: "%.2f", 1e300).replacingOccurrences(of: ".", with: ","))
    }
}

