import Testing
@testable import PasserelleCore

/// A deterministic generator for tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct AccessCodeTests {
    @Test func alphabetHasNoLookAlikes() {
        let alphabet = Set(AccessCode.alphabet)
        for confusable in "0O1IL2Z5S6G8B" {
            #expect(!alphabet.contains(confusable), "\(confusable) can be mistaken for another character")
        }
        #expect(alphabet.count == AccessCode.alphabet.count, "no character twice")
        #expect(AccessCode.length >= 10)
    }

    @Test func generatedCodesAreValidAndVaried() {
        var generator = SeededGenerator(state: 42)
        var seen = Set<String>()
        for _ in 0..<500 {
            let code = AccessCode.generate(using: &generator)
            #expect(code.value.count == AccessCode.length)
            #expect(AccessCode(typed: code.display) == code)
            seen.insert(code.value)
        }
        #expect(seen.count == 500)
    }

    @Test func typingIsForgiving() {
        let code = AccessCode(typed: "ACDEF-HJK34")
        #expect(code?.value == "ACDEFHJK34")
        #expect(AccessCode(typed: " acdef hjk34 ") == code)
        #expect(AccessCode(typed: "acd.ef-hjk-34") == code)
        #expect(code?.selector == "ACDE")
        #expect(code?.secret == "FHJK34")
        #expect(code?.display == "ACDEF-HJK34")
    }

    @Test(arguments: ["", "ACDEF", "ACDEF-HJK345", "ACDEF-HJK30", "ACDEF-HJKO4", "ÉCDEF-HJK34", "<script>"])
    func rejectsWhatCannotBeACode(_ typed: String) {
        #expect(AccessCode(typed: typed) == nil)
    }
}
