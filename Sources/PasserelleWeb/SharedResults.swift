import Foundation
import PasserelleCore
import PasserelleStore

/// The result a learner shared, decoded from its JSON once per process: a shared result never changes (a run is
/// shared once), and decoding 2,000 of them was a quarter of the 1,000-learner tracker at every request.
///
/// Keyed by run, checked against the moment of sharing (`sharedAt`), so a run id met again after an erasure
/// cannot find the old result. At most `capacity` results are kept (about the runs of two 1,000-learner
/// cohorts); past it, results are decoded as before and not kept, so an export of 50,000 learners does not
/// grow in memory.
enum SharedResults {
    static let capacity = 4_096

    static func result(of run: AssessmentRecord) -> AssessmentResult? {
        guard let text = run.sharedResult, let sharedAt = run.sharedAt else { return nil }
        if let known = cache.result(run.id, sharedAt: sharedAt) { return known }
        guard let result = try? JSONDecoder().decode(AssessmentResult.self, from: Data(text.utf8)) else { return nil }
        cache.keep(run.id, sharedAt: sharedAt, result)
        return result
    }

    private static let cache = Cache()

    private final class Cache: @unchecked Sendable {  // `lock` guards `entries`
        private let lock = NSLock()
        private var entries: [Int64: (sharedAt: String, result: AssessmentResult)] = [:]

        func result(_ runID: Int64, sharedAt: String) -> AssessmentResult? {
            lock.lock()
            defer { lock.unlock() }
            guard let entry = entries[runID], entry.sharedAt == sharedAt else { return nil }
            return entry.result
        }

        func keep(_ runID: Int64, sharedAt: String, _ result: AssessmentResult) {
            lock.lock()
            defer { lock.unlock() }
            guard entries.count < SharedResults.capacity || entries[runID] != nil else { return }
            entries[runID] = (sharedAt, result)
        }
    }
}
