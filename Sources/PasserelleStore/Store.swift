import Foundation
import GRDB
import PasserelleCore

/// Errors of the store, described in French for the people who meet them.
public enum StoreError: Error, LocalizedError, Equatable {
    case cannotOpen(path: String, reason: String)
    case duplicate(String)
    case notFound(String)
    case invalid(String)

    public var errorDescription: String? {
        switch self {
        case .cannotOpen(let path, let reason):
            return "impossible d'ouvrir la base de données « \(path) » : \(reason)"
        case .duplicate(let what): return "\(what) existe déjà"
        case .notFound(let what): return "\(what) est introuvable"
        case .invalid(let what): return what
        }
    }
}

/// The database of one Passerelle installation: one SQLite file in WAL mode, with foreign keys on
/// and `synchronous = FULL`, so that an answer the server acknowledged survives a crash or a power cut.
/// This is the only place in Passerelle that speaks SQL.
public final class Store: Sendable {
    public let path: String
    let pool: DatabasePool
    /// Session owners kept for a few seconds; emptied by any change to sessions, users or learners.
    let sessionCache = SessionCache()
    /// The histories of runs in progress; see `RunHistoryCache` for why they stay right.
    let runHistories = RunHistoryCache()
    /// `calibrationFingerprint()`, asked at every answer to find the engine: kept 5 s, or until a calibration.
    let calibrationFingerprints = CachedValue<String>(lifetime: 5)
    /// The most missed questions of shared runs, by the set of shared runs they come from (`missedItems`).
    let missedItemsCache = MissedItemsCache()
    /// Reports and other values computed from the data, until the data changes (`derived`).
    let derivedValues = DerivedCache()

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(path: String) throws {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
                  isDirectory.boolValue else {
                throw StoreError.cannotOpen(path: path, reason: "le dossier « \(directory) » n'existe pas")
            }
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        // The database holds learners' work: readable by the account that runs Passerelle only (0600),
        // with its -wal and -shm files, whatever the umask.
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            }
            // GRDB sets `synchronous = NORMAL` on the writer when it enables WAL, after
            // `prepareDatabase`: put FULL back, so that every acknowledged commit is on disk.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try Migrations.migrator().migrate(pool)
            let sessions = sessionCache
            pool.add(transactionObserver: TableChangeObserver(matching: {
                ["sessions", "users", "learners"].contains($0.tableName)
            }, onCommit: { sessions.removeAll() }), extent: .databaseLifetime)
            let histories = runHistories
            pool.add(transactionObserver: TableChangeObserver(matching: { event in
                guard case .delete(let table) = event else { return false }
                return ["learners", "assessments", "assessment_answers", "knowledge_elements"].contains(table)
            }, onCommit: { histories.removeAll() }), extent: .databaseLifetime)
            let fingerprints = calibrationFingerprints
            pool.add(transactionObserver: TableChangeObserver(matching: { $0.tableName == "item_parameters" },
                                                              onCommit: { fingerprints.invalidate() }), extent: .databaseLifetime)
            let derived = derivedValues
            pool.add(transactionObserver: TableChangeObserver(matching: { !DerivedCache.ignoredTables.contains($0.tableName) },
                                                              onCommit: { derived.removeAll() }), extent: .databaseLifetime)
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: Store.describe(error))
        }
    }

    /// Names of the migrations applied to this file, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { try Migrations.migrator().appliedMigrations($0) }
    }

    /// True when the database answers a query.
    public func isHealthy() -> Bool {
        (try? pool.read { try Int.fetchOne($0, sql: "SELECT 1") }) == 1
    }

    /// The value of a pragma as SQLite reports it on a writer connection (for checks and tests).
    public func pragma(_ name: String) throws -> String? {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { throw StoreError.invalid("pragma \(name)") }
        return try pool.write { try String.fetchOne($0, sql: "PRAGMA \(name)") }
    }

    static func describe(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_NOTADB: return "ce fichier n'est pas une base de données Passerelle"
        case .SQLITE_CANTOPEN: return "le fichier ne peut pas être ouvert (droits d'accès ?)"
        case .SQLITE_READONLY: return "le fichier est en lecture seule"
        case .SQLITE_FULL: return "le disque est plein"
        default: return error.message ?? "\(error.resultCode)"
        }
    }

    /// Runs a write, turning constraint failures into clear errors. Inside `batch`, it joins the batch's
    /// transaction instead of opening its own.
    func write<T>(_ duplicateMessage: String = "cet élément", _ body: (Database) throws -> T) throws -> T {
        do {
            if let batch = Store.currentBatch, batch.store == ObjectIdentifier(self) { return try body(batch.db) }
            return try pool.write(body)
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw StoreError.duplicate(duplicateMessage)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError.invalid("donnée refusée par la base : \(error.message ?? "contrainte")")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        if let batch = Store.currentBatch, batch.store == ObjectIdentifier(self) { return try body(batch.db) }
        return try pool.read(body)
    }

    /// Runs `body` with every call it makes to this store on the calling thread in one write transaction:
    /// one commit (one fsync) for all of it, all or nothing. Reads inside see the batch's own writes.
    /// For bulk loading (`passerelle bench seed`); never hold a batch across a request, since it blocks
    /// every other writer until it returns.
    public func batch<T>(_ body: () throws -> T) throws -> T {
        if let batch = Store.currentBatch, batch.store == ObjectIdentifier(self) { return try body() }
        return try pool.write { db in
            try Store.$currentBatch.withValue(Batch(store: ObjectIdentifier(self), db: db)) { try body() }
        }
    }

    /// The connection of the batch running on this thread, if any.
    @TaskLocal static var currentBatch: Batch?

    final class Batch: @unchecked Sendable {  // used only on the thread that runs the batch
        let store: ObjectIdentifier
        unowned let db: Database

        init(store: ObjectIdentifier, db: Database) {
            self.store = store
            self.db = db
        }
    }
}

/// Timestamps as SQLite writes them (`strftime('%Y-%m-%dT%H:%M:%fZ')`), so that text order is time order.
/// Every session lookup formats one, so the formatter is made once for the process (creating one per call was
/// most of a timestamp's cost) and used under a lock, since Foundation does not promise that one formatter is
/// safe on several threads at once.
enum Timestamp {
    static func string(_ date: Date) -> String {
        shared.lock.lock()
        defer { shared.lock.unlock() }
        return shared.formatter.string(from: date)
    }

    /// The date of a timestamp `string` wrote (or SQLite's `strftime` above); nil for anything else.
    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        shared.lock.lock()
        defer { shared.lock.unlock() }
        return shared.formatter.date(from: text)
    }

    /// A new formatter with the options `string` uses (what it did on every call before; kept for the tests).
    static func makeFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    private static let shared = Shared()

    private final class Shared: @unchecked Sendable {  // `lock` guards `formatter`
        let lock = NSLock()
        let formatter = Timestamp.makeFormatter()
    }
}

extension Store {
    /// A per-installation setting; `make` creates it on first use (atomically).
    public func setting(_ key: String, make: () -> String) throws -> String {
        try write { db in
            if let value = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) {
                return value
            }
            let value = make()
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, ?)", arguments: [key, value])
            return value
        }
    }

    public func organisation(id: Int64) throws -> Organisation? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT id, name FROM organisations WHERE id = ?", arguments: [id])
                .map { Organisation(id: $0["id"], name: $0["name"]) }
        }
    }

    public func cohort(id: Int64) throws -> Cohort? {
        try read { try Row.fetchOne($0, sql: "SELECT * FROM cohorts WHERE id = ?", arguments: [id]).map(Store.cohort) }
    }
}

extension Store {
    /// Longest time recorded for one answer: 2 hours.
    public static let maximumTimeSpentMs = 7_200_000

    static func boundedTimeSpent(_ milliseconds: Int) -> Int {
        min(max(0, milliseconds), maximumTimeSpentMs)
    }
}
