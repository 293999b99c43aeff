/// The one-time code that lets a person join a workshop (« atelier ») without an account.
///
/// Eight characters from the access codes' alphabet without look-alikes, shown as two groups of four
/// (`ACDE-FHJK`): short enough to read aloud or copy from a phone. The first four are a public selector
/// that finds the workshop; the last four the secret, stored only as a slow salted hash and removed
/// once used. Guessing is throttled per selector and per address like the access-code sign-in, and the
/// code lives at most as long as the workshop (3 hours).
public struct WorkshopCode: Sendable, Equatable, CustomStringConvertible {
    public static let length = 8
    public static let selectorLength = 4

    /// The eight characters, without separators.
    public let value: String

    /// Reads what a person typed; nil when it cannot be a valid code. Case, spaces, dashes and dots do
    /// not matter; a very long input is refused without being scanned whole.
    public init?(typed: String) {
        guard typed.utf8.count <= 64 else { return nil }
        let cleaned = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
        guard cleaned.count == WorkshopCode.length, cleaned.allSatisfy(AccessCode.alphabet.contains) else { return nil }
        value = cleaned
    }

    /// A new random code.
    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> WorkshopCode {
        var characters = ""
        for _ in 0..<length {
            characters.append(AccessCode.alphabet[Int.random(in: 0..<AccessCode.alphabet.count, using: &generator)])
        }
        // Eight characters of the alphabet always make a valid code.
        return WorkshopCode(valid: characters)
    }

    private init(valid: String) { value = valid }

    public var selector: String { String(value.prefix(WorkshopCode.selectorLength)) }
    public var secret: String { String(value.dropFirst(WorkshopCode.selectorLength)) }
    /// How the code is shown: two groups of four.
    public var display: String { "\(value.prefix(4))-\(value.dropFirst(4))" }
    public var description: String { display }
}
