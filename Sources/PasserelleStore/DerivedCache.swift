import Foundation
import GRDB

/// Values computed from the database (a cohort's report: 125 ms of queries and computing for 1,000 learners,
/// issue 12), kept in memory until the data may have changed.
///
/// Why it stays right:
/// - Any commit in this process that changes a table, sessions and the audit log aside, empties the cache
///   (a transaction observer on the writer), so a value is never used after a write it did not see. A value
///   computed while such a commit happens is not kept: the generation read before computing no longer matches.
/// - Changes made by another process on the same file (a CLI command while the server runs) are not seen by
///   the observer: an entry is used for `lifetime` at most, like the session cache.
/// - What a value shows must depend on the database only, not on the clock or the request.
final class DerivedCache: GenerationalCache<String, DerivedCache.Entry>, @unchecked Sendable {
    struct Entry {
        var value: any Sendable
        var madeAt: TimeInterval
    }

    /// Values kept at most; beyond, one entry makes room.
    static let capacity = 64
    /// Tables whose changes no derived value reads: every page view of a signed-in person may write them.
    static let ignoredTables: Set<String> = ["sessions", "audit_log"]

    func value<Value: Sendable>(_ key: String, lifetime: TimeInterval, now: TimeInterval,
                                make: () throws -> Value) rethrows -> Value {
        let known: (value: Value?, generation: UInt64) = withEntries { entries, generation in
            guard let entry = entries[key], now >= entry.madeAt, now - entry.madeAt < lifetime,
                  let value = entry.value as? Value else { return (nil, generation) }
            return (value, generation)
        }
        if let value = known.value { return value }
        let fresh = try make()
        withEntries { entries, generation in
            guard generation == known.generation else { return }
            if entries[key] == nil, entries.count >= DerivedCache.capacity, let any = entries.keys.first {
                entries[any] = nil
            }
            entries[key] = Entry(value: fresh, madeAt: now)
        }
        return fresh
    }
}

extension Store {
    /// How long a derived value is used without computing it again, when nothing in this process wrote:
    /// the bound on how late another process's changes are seen.
    public static let derivedLifetime: TimeInterval = 5

    /// The value `make` computes from this store, from memory when no commit changed the data since it was
    /// made (`DerivedCache` says why that holds). `key` names the value and everything it depends on.
    public func derived<Value: Sendable>(_ key: String, lifetime: TimeInterval = Store.derivedLifetime,
                                         _ make: () throws -> Value) rethrows -> Value {
        // Inside a batch, its own uncommitted writes are visible and no commit has emptied the cache yet.
        if let batch = Store.currentBatch, batch.store == ObjectIdentifier(self) { return try make() }
        return try derivedValues.value(key, lifetime: lifetime, now: ProcessInfo.processInfo.systemUptime, make: make)
    }
}
