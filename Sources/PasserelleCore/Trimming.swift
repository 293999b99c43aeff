import Foundation

extension String {
    /// The same text as `trimmingCharacters(in: .whitespacesAndNewlines)`, found scalar by scalar at both ends:
    /// Foundation's trimming goes through `NSString` at every call, even with nothing to trim (a seventh of
    /// the start-up, which trims every YAML value and every sentence of the items).
    public func trimmingSpacesAndNewlines() -> String {
        let scalars = unicodeScalars
        let spaces = CharacterSet.whitespacesAndNewlines
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, spaces.contains(scalars[start]) { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            guard spaces.contains(scalars[before]) else { break }
            end = before
        }
        if start == scalars.startIndex, end == scalars.endIndex { return self }
        return String(Substring(scalars[start..<end]))
    }
}
