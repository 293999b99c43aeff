/// A learner's personal access code, handed out by the trainer.
///
/// Ten characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B)
/// — 23 characters, shown as
/// two groups of five (`ACDEF-HJK34`). The first four characters are a public *selector* that finds
/// the learner; the last six are the *secret*, stored only as a slow salted hash. Typed codes are
/// forgiving: case, spaces and dashes do not matter.
public struct AccessCode: Sendable, Equatable, CustomStringConvertible {
    public static let alphabet: [Character] = Array("ACDEFHJKMNPQRTUVWXY3479")
    public static let length = 10
    public static let selectorLength = 4

    /// The ten characters, without separators.
    public let value: String

    /// Reads what a person typed; nil when it cannot be a valid code.
    public init?(typed: String) {
        let cleaned = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
        guard cleaned.count == AccessCode.length, cleaned.allSatisfy(AccessCode.alphabet.contains) else {
            return nil
        }
        value = cleaned
    }

    /// A new random code.
    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> AccessCode {
        let characters = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
        return AccessCode(typed: String(characters))!
    }

    public static func generate() -> AccessCode {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// The public part that finds the learner.
    public var selector: String { String(value.prefix(AccessCode.selectorLength)) }
    /// The secret part, checked against a hash.
    public var secret: String { String(value.dropFirst(AccessCode.selectorLength)) }
    /// How the code is printed for people: two groups of five.
    public var display: String { "\(value.prefix(5))-\(value.dropFirst(5))" }
    public var description: String { display }
}
