import Foundation
import Testing
import PasserelleCore

/// `trimmingSpacesAndNewlines` must give what Foundation's trimming gives, scalar for scalar: it replaced it on
/// the start-up's path (every YAML value, every sentence of the items).
@Suite struct TrimmingTests {
    @Test func theTextIsFoundationsTrimming() {
        #expect("  Bonjour \n".trimmingSpacesAndNewlines() == "Bonjour")
        #expect("\u{A0}«\u{202F}oui\u{202F}»\u{A0}".trimmingSpacesAndNewlines() == "«\u{202F}oui\u{202F}»")
        #expect(" \u{301}a".trimmingSpacesAndNewlines().unicodeScalars.first == "\u{301}", "a combining mark stays")
        #expect(" \n\t ".trimmingSpacesAndNewlines() == "")
        let pieces = [" ", "\n", "\t", "\r\n", "\u{A0}", "\u{202F}", "\u{2028}", "\u{85}", "\u{3000}", "\u{200B}", "\u{FEFF}",
                      "\u{301}", "a", "é", "e\u{301}", "🙂", "x y"]
        var random = SeededRandom(seed: 12)
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
            #expect(Array(text.trimmingSpacesAndNewlines().unicodeScalars)
                    == Array(text.trimmingCharacters(in: .whitespacesAndNewlines).unicodeScalars), "\(text.debugDescription)")
        }
    }
}
