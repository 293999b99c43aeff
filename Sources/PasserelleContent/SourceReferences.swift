import Foundation

/// Authors cite the seed documents inline as « (source : 000_….txt, lignes a-b) » so that
/// `content check --seeds` can verify them. Learners never see those references: they are taken out
/// of every text before it is shown or read aloud, and a lesson lists its sources in plain words instead.
public enum SourceReferences {
    /// A seed document's file name: three digits, an underscore, sixteen hex digits, `.txt`.
    static let fileName = #"[0-9]{3}_[0-9a-f]{16}\.txt"#
    /// A parenthesised reference holding at least one seed file name, with the spaces before it.
    static let reference: NSRegularExpression? = try? NSRegularExpression(
        pattern: #"[ \t\x{00A0}]*\([^()]*"# + fileName + #"[^()]*\)"#)
    static let file: NSRegularExpression? = try? NSRegularExpression(pattern: fileName)

    /// The text without its seed references.
    public static func strip(_ text: String) -> String {
        guard text.contains(".txt"), let reference else { return text }
        let range = NSRange(text.startIndex..., in: text)
        return reference.stringByReplacingMatches(in: text, range: range, withTemplate: "")
    }

    /// The seed files cited in `text`, in order of first citation, without repeats.
    public static func files(in text: String) -> [String] {
        guard text.contains(".txt"), let file else { return [] }
        var seen: [String] = []
        for match in file.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            let name = String(text[range])
            if !seen.contains(name) { seen.append(name) }
        }
        return seen
    }
}
