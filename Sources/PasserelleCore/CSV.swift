import Foundation

/// CSV for French spreadsheets, as Pix Orga writes it: UTF-8 with a byte-order mark, `;` between
/// cells, decimal comma, numbers unquoted, text quoted, and text cells that a spreadsheet would run
/// as a formula (starting with = + - @, a tab or a carriage return) prefixed with a quote.
/// With `,` as separator it writes plain RFC 4180 CSV (decimal point) for other tools.
public struct CSVWriter: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
        /// A fraction (0.06) written as a percentage that spreadsheets read as a number shown in percent:
        /// `6%`, `12,5%` (`12.5%` with `,` between cells). LibreOffice and Excel both read `6%` as 0.06 with
        /// a percent format; a bare 0,06 would show as 0,06, and 0,06 in a percent-formatted column as 6 %
        /// only if someone formats it.
        case percent(Double)
        case integer(Int)
        case empty
    }

    public let separator: Character
    /// Digits after the decimal separator for `.number`.
    public let fractionDigits: Int

    public init(separator: Character = ";", fractionDigits: Int = 2) {
        self.separator = separator
        self.fractionDigits = fractionDigits
    }

    /// What opens the file (the byte-order mark for the French convention).
    public var preamble: String { separator == ";" ? "\u{FEFF}" : "" }

    public func line(_ cells: [Cell]) -> String {
        cells.map(format).joined(separator: String(separator)) + "\r\n"
    }

    func format(_ cell: Cell) -> String {
        switch cell {
        case .empty: return ""
        case .integer(let value): return String(value)
        case .number(let value):
            guard value.isFinite else { return "" }
            let text = String(format: "%.\(fractionDigits)f", value)
            // (Character work: Foundation's replacingOccurrences was a tenth of a large export.)
            return separator == ";" ? String(text.map { $0 == "." ? "," : $0 }) : text
        case .percent(let fraction):
            guard fraction.isFinite else { return "" }
            var text = String(format: "%.2f", fraction * 100)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            if text == "-0" { text = "0" }
            return (separator == ";" ? String(text.map { $0 == "." ? "," : $0 }) : text) + "%"
        case .text(let value):
            var text = value
            if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
            guard text.contains("\"") else { return "\"" + text + "\"" }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
