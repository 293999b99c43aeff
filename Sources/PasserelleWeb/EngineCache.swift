import Foundation
import PasserelleCore

/// Assessment engines built once per set of settings (framework, algorithm, target profile, maximum level,
/// IRT length and precision, accessible items only) and calibration, then shared by every request:
/// an engine is immutable, and building one walks the whole bank.
///
/// Engines built from another calibration are dropped when a new one is seen; past `capacity` distinct
/// settings, everything is dropped (settings come from what trainers opened, so this is rare).
final class EngineCache: @unchecked Sendable {  // `lock` guards every stored var
    struct Key: Hashable {
        var settings: AssessmentSettings
        /// `Store.calibrationFingerprint()` when the engine was built.
        var calibration: String
    }

    let capacity: Int
    private let lock = NSLock()
    private var engines: [Key: AssessmentEngine] = [:]
    private var calibration: String?
    private var buildCount = 0

    init(capacity: Int = 64) {
        self.capacity = max(1, capacity)
    }

    /// Engines built so far (for tests: a lookup that finds its engine builds nothing).
    var builds: Int {
        lock.lock()
        defer { lock.unlock() }
        return buildCount
    }

    /// The engine for these settings and this calibration, built by `build` the first time only.
    /// Concurrent first requests wait for one build rather than each building their own.
    func engine(settings: AssessmentSettings, calibration: String,
                build: () throws -> AssessmentEngine) rethrows -> AssessmentEngine {
        let key = Key(settings: settings, calibration: calibration)
        lock.lock()
        defer { lock.unlock() }
        if let engine = engines[key] { return engine }
        if self.calibration != calibration {
            engines = engines.filter { $0.key.calibration == calibration }
            self.calibration = calibration
        }
        let engine = try build()
        buildCount += 1
        if engines.count >= capacity { engines.removeAll() }
        engines[key] = engine
        return engine
    }
}

/// The share of runs that showed each item, per framework: read from the store at most every `lifetime` seconds,
/// in the background, so that no request waits for it (the first requests see no rates, as a new platform would).
final class ExposureRates: @unchecked Sendable {  // `lock` guards `known` and `refreshing`
    let lifetime: TimeInterval
    private let lock = NSLock()
    private var known: [String: (rates: [String: Double], readAt: TimeInterval)] = [:]
    private var refreshing: Set<String> = []

    init(lifetime: TimeInterval = 300) { self.lifetime = lifetime }

    func value(_ frameworkID: String, read: @escaping @Sendable () -> [String: Double]) -> [String: Double] {
        let now = ProcessInfo.processInfo.systemUptime
        lock.lock()
        defer { lock.unlock() }
        let current = known[frameworkID]
        if current.map({ now - $0.readAt >= lifetime }) ?? true, refreshing.insert(frameworkID).inserted {
            DispatchQueue.global(qos: .utility).async { [self] in
                let rates = read()
                lock.lock()
                known[frameworkID] = (rates, ProcessInfo.processInfo.systemUptime)
                refreshing.remove(frameworkID)
                lock.unlock()
            }
        }
        return current?.rates ?? [:]
    }
}

/// The answers a run carries over from the learner's earlier runs, per run id: fixed once the run has started
/// (only answers given before it count), so read once. Past `capacity` runs, everything is dropped.
final class CarriedAnswers: @unchecked Sendable {  // `lock` guards `runs`
    typealias Carried = (answers: [AnsweredItem], elements: [KnowledgeElement])
    let capacity: Int
    private let lock = NSLock()
    private var runs: [Int64: Carried] = [:]

    init(capacity: Int = 4096) { self.capacity = max(1, capacity) }

    func value(_ runID: Int64, read: () throws -> Carried) rethrows -> Carried {
        lock.lock()
        let known = runs[runID]
        lock.unlock()
        if let known { return known }
        let value = try read()
        lock.lock()
        if runs.count >= capacity { runs.removeAll() }
        runs[runID] = value
        lock.unlock()
        return value
    }
}
