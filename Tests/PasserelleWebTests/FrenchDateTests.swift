import Dispatch
import Foundation
import Testing
import TestSupport
@testable import PasserelleWeb

/// `French.date` keeps one parser and one formatter for the process: same text as formatters made per call,
/// from any number of threads at once.
@Suite struct FrenchDateTests {
    /// The formatting as it was, with new formatters for every date.
    static func reference(_ timestamp: String) -> String {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = parser.date(from: timestamp) else { return timestamp }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "dd/MM/yyyy HH:mm"
        return formatter.string(from: date)
    }

    static let samples = ["2026-01-15T09:05:00.000Z", "2026-07-14T22:30:00.123Z", "2026-03-29T00:59:59.999Z",
                          "2026-03-29T01:00:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z",
                          "2026-07-14T22:30:00Z", "pas une date", ""]

    @Test func parisTimeWithWinterAndSummerOffsets() {
        #expect(French.date("2026-01-15T09:05:00.000Z") == "15/01/2026 10:05")
        #expect(French.date("2026-07-14T22:30:00.123Z") == "15/07/2026 00:30")
        #expect(French.date("pas une date") == "pas une date")
        for sample in Self.samples { #expect(French.date(sample) == Self.reference(sample), "\(sample)") }
    }

    @Test func manyThreadsAtOnceGetTheSameText() {
        let expected = Self.samples.map(Self.reference)
        let mismatches = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<300 {
                let index = (thread + round) % Self.samples.count
                if French.date(Self.samples[index]) != expected[index] { mismatches.increment() }
            }
        }
        #expect(mismatches.value == 0)
    }
}
