import Foundation

/// The one way pages show dates: the day as `31/01/2027`, a moment as `31/01/2027 14:05`, both in Europe/Paris
/// time. The same numbers as the exports (docs/EXPORTS.md) and as trainers type them in forms (`CalendarDay`).
extension French {
    /// A day as the store keeps it (`2027-01-31`), or a stored UTC timestamp, as the day in Paris: `31/01/2027`.
    /// Text that is neither is given back unchanged.
    static func day(_ text: String) -> String {
        let bytes = Array(text.utf8)
        if bytes.count == 10, bytes[4] == 45, bytes[7] == 45,
           bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }) {
            return "\(text.suffix(2))/\(text.dropFirst(5).prefix(2))/\(text.prefix(4))"
        }
        let moment = date(text)
        return moment == text ? text : String(moment.prefix(10))
    }

    /// Today in Paris as the store writes days (`yyyy-MM-dd`).
    static func today(_ now: Date = Date()) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 3600) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return String(format: "%04d-%02d-%02d", parts.year ?? 2000, parts.month ?? 1, parts.day ?? 1)
    }
}
