import Foundation
import GRDB
import PasserelleCore

/// Who owns a session, kept in memory for a few seconds so that a signed-in page or an answer does not
/// read the sessions, users and learners tables on every request.
///
/// Safe because every change in this process to `sessions`, `users` or `learners` (sign-out, a disabled
/// account, an archived or erased learner, a renamed one) empties the cache when its transaction commits
/// (a GRDB transaction observer on the writer), and an entry is never used past its session's expiry.
/// Changes made by another process on the same file (a CLI command while the server runs) are seen
/// within `lifetime` at most.
final class SessionCache: GenerationalCache<String, SessionCache.Entry>, @unchecked Sendable {
    struct Entry {
        var principal: Principal
        var expiresAt: Date
        var cachedAt: Date
    }

    /// How long an entry is trusted without a read; the bound on another process's changes.
    static let lifetime: TimeInterval = 5
    /// Entries kept at most (one per signed-in device); beyond, the cache starts again empty.
    static let capacity = 10_000

    func principal(_ tokenHash: String, now: Date) -> Principal? {
        withEntries { entries, _ in
            guard let entry = entries[tokenHash] else { return nil }
            guard now < entry.expiresAt, now.timeIntervalSince(entry.cachedAt) < SessionCache.lifetime,
                  now >= entry.cachedAt else {
                entries[tokenHash] = nil
                return nil
            }
            return entry.principal
        }
    }

    /// Keeps what was read, unless the cache was emptied since `generation` (the read may be stale).
    func remember(_ tokenHash: String, _ principal: Principal, expiresAt: Date, now: Date, generation: UInt64) {
        withEntries { entries, current in
            guard generation == current else { return }
            if entries.count >= SessionCache.capacity { entries.removeAll(keepingCapacity: true) }
            entries[tokenHash] = Entry(principal: principal, expiresAt: expiresAt, cachedAt: now)
        }
    }
}

/// A dictionary under a lock, with a count of its emptyings: a value read from the database before an emptying
/// (which a committed change causes) must not be kept after it. The base of `SessionCache` and `RunHistoryCache`.
class GenerationalCache<Key: Hashable, Value>: @unchecked Sendable {  // `lock` guards `entries` and `generation`
    private let lock = NSLock()
    private var entries: [Key: Value] = [:]
    private var generation: UInt64 = 0

    var currentGeneration: UInt64 { lock.withLock { generation } }
    var count: Int { lock.withLock { entries.count } }

    /// Empties the cache; what was read before cannot be kept any more.
    func removeAll() {
        lock.withLock {
            entries.removeAll(keepingCapacity: true)
            generation &+= 1
        }
    }

    /// Runs `body` with the entries and the current generation, under the lock.
    func withEntries<T>(_ body: (inout [Key: Value], UInt64) -> T) -> T {
        lock.withLock { body(&entries, generation) }
    }
}
