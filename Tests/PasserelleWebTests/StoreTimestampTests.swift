import Foundation
import PasserelleCore
import Testing
@testable import PasserelleWeb

/// `French.storeTimestamp` reads the store's timestamps without Foundation's ISO 8601 parser: the same dates,
/// and nil (so that the parser decides, as before) for anything else.
@Suite struct StoreTimestampTests {
    static func iso(_ text: String) -> Date? {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return parser.date(from: text)
    }

    @Test func readsWhatTheISOParserReadsAndFrenchDatesAreUnchanged() throws {
        var random = SeededRandom(seed: 2026)
        var samples = ["1970-01-01T00:00:00.000Z", "2024-02-29T23:59:59.999Z", "2026-03-29T00:59:59.999Z",
                       "2026-03-29T01:00:00.000Z", "2026-10-25T00:30:00.000Z", "2100-12-31T12:00:00.500Z"]
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for _ in 0..<2_000 { samples.append(formatter.string(from: Date(timeIntervalSince1970: random.nextUnit() * 4_100_000_000))) }
        for sample in samples {
            let fast = try #require(French.storeTimestamp(sample), "\(sample)")
            let reference = try #require(Self.iso(sample))
            #expect(abs(fast.timeIntervalSince(reference)) < 0.000_5, "\(sample)")
            #expect(French.date(sample) == FrenchDateTests.reference(sample), "\(sample)")
        }
    }

    @Test func leavesEverythingElseToTheParser() {
        for text in ["2026-13-01T00:00:00.000Z", "2026-02-29T00:00:00.000Z", "2026-04-31T10:00:00.000Z",
                     "1969-12-31T23:59:59.999Z", "2026-01-01T24:00:00.000Z", "2026-01-01T10:60:00.000Z",
                     "2026-01-01T10:00:60.000Z", "2026-01-01T10:00:00Z", "2026-01-01 10:00:00.000Z",
                     "2026-01-01T10:00:00.000+01:00", "2026-0a-01T10:00:00.000Z", "pas une date", ""] {
            #expect(French.storeTimestamp(text) == nil, "\(text)")
            #expect(French.date(text) == FrenchDateTests.reference(text), "\(text)")
        }
    }
}
