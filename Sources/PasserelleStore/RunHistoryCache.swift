import Foundation
import GRDB
import PasserelleCore

/// A run's answers and knowledge elements, as the engine needs them at every answer and every question shown.
public struct RunHistory: Sendable, Equatable {
    public var answers: [AnsweredItem]
    public var elements: [KnowledgeElement]
    /// The item the run shows after these answers (nil when it is finished).
    public var currentItemID: String?
}

/// The histories of the runs in progress, kept in memory between answers: reading them back from SQLite was
/// a third of an answer's time (issue 12).
///
/// Why it stays right:
/// - `recordAnswer` is the only code that adds answers or knowledge elements. After its commit (never inside
///   a `Store.batch`, whose commit comes later) it appends what it wrote to the run's entry.
/// - Every answer moves the run to a new current item (or ends it), and an entry is used only when its
///   current item is the run's current item as the caller read it. An answer written by anyone else, in this
///   process or another, changes that item, so a stale entry is never used.
/// - A deletion in `learners`, `assessments`, `assessment_answers` or `knowledge_elements` (an erased
///   learner, a removed run) empties the cache when it commits (a transaction observer on the writer), so a
///   run id used again cannot meet an old entry.
final class RunHistoryCache: GenerationalCache<Int64, RunHistory>, @unchecked Sendable {
    /// Runs kept at most (a run of 120 answers is some 40 KB); beyond it, one entry makes room.
    static let capacity = 512

    func history(_ runID: Int64, currentItemID: String?) -> RunHistory? {
        withEntries { entries, _ in
            guard let entry = entries[runID], entry.currentItemID == currentItemID else { return nil }
            return entry
        }
    }

    /// Keeps a history read from the database, unless the cache was emptied since `generation`.
    func remember(_ runID: Int64, _ history: RunHistory, generation: UInt64) {
        withEntries { entries, current in
            guard generation == current else { return }
            RunHistoryCache.store(runID, history, in: &entries)
        }
    }

    /// After `recordAnswer` committed: the answer, its elements and the next item join the run's entry, if
    /// the entry is the history the answer was given on.
    func append(_ runID: Int64, answeredItemID: String, answer: AnsweredItem, elements: [KnowledgeElement],
                nextItemID: String?, generation: UInt64) {
        withEntries { entries, current in
            guard generation == current, var entry = entries[runID], entry.currentItemID == answeredItemID else {
                entries[runID] = nil
                return
            }
            entry.answers.append(answer)
            entry.elements += elements
            entry.currentItemID = nextItemID
            RunHistoryCache.store(runID, entry, in: &entries)
        }
    }

    func forget(_ runID: Int64) {
        withEntries { entries, _ in entries[runID] = nil }
    }

    private static func store(_ runID: Int64, _ history: RunHistory, in entries: inout [Int64: RunHistory]) {
        // A finished run is read once more for its result, not at every answer: not worth the memory.
        guard history.currentItemID != nil else {
            entries[runID] = nil
            return
        }
        if entries[runID] == nil, entries.count >= capacity, let any = entries.keys.first {
            entries[any] = nil
        }
        entries[runID] = history
    }
}

/// Empties a cache when a transaction that changed some tables commits.
final class TableChangeObserver: TransactionObserver, @unchecked Sendable {  // state touched on the writer only
    private let matches: @Sendable (DatabaseEventKind) -> Bool
    private let onCommit: @Sendable () -> Void
    private var changed = false

    init(matching: @escaping @Sendable (DatabaseEventKind) -> Bool, onCommit: @escaping @Sendable () -> Void) {
        self.matches = matching
        self.onCommit = onCommit
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { matches(eventKind) }

    func databaseDidChange(with event: DatabaseEvent) {
        changed = true
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) {
        if changed { onCommit() }
        changed = false
    }

    func databaseDidRollback(_ db: Database) { changed = false }
}

extension Store {
    /// A run's history: from memory when it is the history of `currentItemID`, else read (and kept).
    public func history(assessmentID: Int64, currentItemID: String?) throws -> RunHistory {
        if let cached = runHistories.history(assessmentID, currentItemID: currentItemID) { return cached }
        let generation = runHistories.currentGeneration
        let history = try read { db in
            let current = try String.fetchOne(db.cachedStatement(sql: "SELECT current_item_id FROM assessments WHERE id = ?"),
                                              arguments: [assessmentID])
            return RunHistory(answers: try answeredItems(db, assessmentID), elements: try knowledgeElements(db, assessmentID),
                              currentItemID: current)
        }
        runHistories.remember(assessmentID, history, generation: generation)
        return history
    }
}

/// One value read from the database, kept for `lifetime` or until a change to its tables in this process
/// commits (`invalidate`, from a `TableChangeObserver`): the bound on another process's changes is `lifetime`.
final class CachedValue<Value: Sendable>: @unchecked Sendable {  // `lock` guards the three fields below
    let lifetime: TimeInterval
    private let lock = NSLock()
    private var value: Value?
    private var readAt: TimeInterval = 0
    private var generation: UInt64 = 0

    init(lifetime: TimeInterval) { self.lifetime = lifetime }

    func value(_ read: () throws -> Value) throws -> Value {
        let now = ProcessInfo.processInfo.systemUptime
        lock.lock()
        if let value, now >= readAt, now - readAt < lifetime {
            lock.unlock()
            return value
        }
        let before = generation
        lock.unlock()
        let fresh = try read()
        lock.lock()
        if generation == before {
            value = fresh
            readAt = now
        }
        lock.unlock()
        return fresh
    }

    func invalidate() {
        lock.lock()
        value = nil
        generation &+= 1
        lock.unlock()
    }
}
