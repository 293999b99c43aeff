import Dispatch
import Foundation
import GRDB
import PasserelleCore
import Testing
@testable import PasserelleStore

/// `Store.batch` (one transaction for many Store calls, used by `passerelle bench seed`) and the shared
/// `Timestamp` formatter (one for the process instead of one per call).
@Suite struct BatchAndTimestampTests {
    @Test func aBatchCommitsEveryCallTogetherAndItsReadsSeeItsWrites() throws {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "CCAS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let count = try store.batch { () throws -> Int in
            for n in 1...5 {
                _ = try store.createLearner(cohortID: cohort.id, firstName: "A\(n)", lastName: "B", codeSelector: nil, codeHash: nil)
            }
            return try store.learnerCount(cohortID: cohort.id)  // a read inside the batch sees its writes
        }
        #expect(count == 5)
        #expect(try store.learnerCount(cohortID: cohort.id) == 5)
        // Nested batches join the outer one.
        try store.batch { try store.batch { _ = try store.createOrganisation(name: "Autre") } }
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM organisations") } == 2)
    }

    @Test func aFailedBatchLeavesNothingBehind() throws {
        let store = try Store(path: temporaryDatabasePath())
        let org = try store.createOrganisation(name: "CCAS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.batch {
                _ = try store.createLearner(cohortID: cohort.id, firstName: "A", lastName: "B", codeSelector: nil, codeHash: nil)
                throw Stop()
            }
        }
        #expect(try store.learnerCount(cohortID: cohort.id) == 0)
        // The store works normally afterwards, and a batch of another store is not joined.
        let other = try Store(path: temporaryDatabasePath())
        try store.batch {
            _ = try other.createOrganisation(name: "Ailleurs")
            _ = try store.createLearner(cohortID: cohort.id, firstName: "C", lastName: "D", codeSelector: nil, codeHash: nil)
        }
        #expect(try store.learnerCount(cohortID: cohort.id) == 1)
        #expect(try other.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM organisations") } == 1)
    }

    @Test func theSharedTimestampFormatterWritesWhatAFreshOneWrites() {
        let fresh = Timestamp.makeFormatter()
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_715_500_000.123),
                     Date(timeIntervalSince1970: 1_715_500_000.9996), Date(timeIntervalSince1970: 4_102_444_799.999)]
        var random = SeededRandom(seed: 7)
        for _ in 0..<500 { dates.append(Date(timeIntervalSince1970: random.nextUnit() * 4_000_000_000)) }
        for date in dates { #expect(Timestamp.string(date) == fresh.string(from: date)) }
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_715_500_000.123)) == "2024-05-12T07:46:40.123Z")
    }

    @Test func theSharedTimestampFormatterIsSafeOnManyThreads() {
        let fresh = Timestamp.makeFormatter()
        let dates = (0..<2_000).map { Date(timeIntervalSince1970: 1_700_000_000 + Double($0) * 3_601.537) }
        let expected = dates.map { fresh.string(from: $0) }
        let mismatches = Mismatches()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for (i, date) in dates.enumerated() where i % 8 == thread || i % 3 == 0 {
                if Timestamp.string(date) != expected[i] { mismatches.add() }
            }
        }
        #expect(mismatches.count == 0)
    }

    final class Mismatches: @unchecked Sendable {  // `lock` guards `count`
        private let lock = NSLock()
        private(set) var count = 0
        func add() { lock.lock(); count += 1; lock.unlock() }
    }
}
