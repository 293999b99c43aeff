import Foundation

/// A day as people type it in France: `31/12/2026` (also `31-12-2026`, `31.12.2026`, `1/2/2027`) or as a
/// date picker sends it, `2026-12-31`. Checked against the calendar (no 31 February), years 2000 to 2100.
public enum CalendarDay {
    /// The day as `yyyy-MM-dd`, or nil when the text is not a real day.
    public static func parse(_ typed: String) -> String? {
        let text = typed.trimmingCharacters(in: .whitespaces)
        guard text.count <= 10 else { return nil }
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        let (year, month, day): (Int?, Int?, Int?) = parts[0].count == 4
            ? (Int(parts[0]), Int(parts[1]), Int(parts[2]))  // 2026-12-31
            : (Int(parts[2]), Int(parts[1]), Int(parts[0]))  // 31/12/2026
        guard let year, let month, let day, (2000...2100).contains(year), (1...12).contains(month),
              (1...daysIn(month: month, year: year)).contains(day) else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
