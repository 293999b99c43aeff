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
            return decimal(value, digits: fractionDigits, trimmingZeros: false)
        case .percent(let fraction):
            guard fraction.isFinite else { return "" }
            return decimal(fraction * 100, digits: 2, trimmingZeros: true) + "%"
        case .text(let value):
            var text = value
            if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
            guard text.contains("\"") else { return "\"" + text + "\"" }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    /// `value` with `digits` decimals, the same text as `%.Nf` (the exact binary value rounded to nearest, ties to
    /// even), with the decimal comma for French spreadsheets and, when `trimmingZeros`, no trailing zeros
    /// (« 12,5 », « 6 »). Integer arithmetic: `String(format:)` was most of a large export's formatting (30
    /// percentages per row). Values too large for it, or more than 9 digits, go through `String(format:)`;
    /// `CSVTests` compares both on every ratio a result can hold and around every rounding edge.
    func decimal(_ value: Double, digits: Int, trimmingZeros: Bool) -> String {
        let point: Character = separator == ";" ? "," : "."
        var scale = 1.0
        for _ in 0..<max(0, min(digits, 9)) { scale *= 10 }
        let product = value.magnitude * scale
        guard (0...9).contains(digits), product < 1e15 else {
            var text = String(format: "%.\(digits)f", value)
            if trimmingZeros, text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            if trimmingZeros, text == "-0" { text = "0" }
            return point == "." ? text : String(text.map { $0 == "." ? point : $0 })
        }
        // The product's rounding error, exactly (a fused multiply-add), decides the halves the product hides.
        let error = (-product).addingProduct(value.magnitude, scale)
        let below = product.rounded(.down)
        let rest = product - below
        let units: UInt64
        if rest > 0.5 || (rest == 0.5 && error > 0) {
            units = UInt64(below) + 1
        } else if rest < 0.5 || (rest == 0.5 && error < 0) {
            units = UInt64(below)
        } else {
            units = UInt64(below) % 2 == 0 ? UInt64(below) : UInt64(below) + 1
        }
        let power = UInt64(scale)
        var text = value.sign == .minus ? "-" : ""
        text += String(units / power)
        if digits > 0 {
            let digitsText = String(units % power)
            var fraction = String(repeating: "0", count: digits - digitsText.count) + digitsText
            if trimmingZeros { while fraction.hasSuffix("0") { fraction.removeLast() } }
            if !fraction.isEmpty { text += String(point) + fraction }
        }
        if trimmingZeros, text == "-0" { text = "0" }
        return text
    }
}
