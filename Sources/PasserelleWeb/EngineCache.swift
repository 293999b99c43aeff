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
