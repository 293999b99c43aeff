import Foundation
import GRDB
import PasserelleCore
import Testing
@testable import PasserelleStore

/// The in-memory caches of the store (issue 12): session owners, runs' histories, the calibration fingerprint.
/// What they keep must always be what the database says; these tests change the database behind them, from
/// this store and from a second store on the same file (another process), and compare.
@Suite struct CacheTests {
    struct Fixture {
        let store: Store
        let learner: Learner
        init() throws {
            store = try Store(path: temporaryDatabasePath())
            let org = try store.createOrganisation(name: "IRTS")
            let cohort = try store.createCohort(organisationID: org.id, name: "C")
            learner = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "Diaz",
                                              codeSelector: "ACDE", codeHash: "h")
        }

        /// A run of the learner showing `items[0]` first.
        func newRun(_ items: [String]) throws -> AssessmentRecord {
            try store.createAssessment(learnerID: learner.id, assignmentID: nil, frameworkID: "numerique",
                                       algorithm: "smart-random", settings: "{}", purpose: .free, seed: 1, firstItemID: items[0])
        }
    }

    @Test func aSessionOwnerFollowsEveryChangeMadeByTheSameStore() throws {
        let fixture = try Fixture()
        let store = fixture.store
        try store.createSession(tokenHash: "s", principal: .learner(fixture.learner), expiresAt: Date().addingTimeInterval(600))
        guard case .learner(let first)? = try store.principal(sessionTokenHash: "s") else { Issue.record("no learner"); return }
        #expect(!first.accessibleItems)
        #expect(store.sessionCache.count == 1)
        // A change to the learner shows at the next request, not 5 s later.
        try store.setAccessibleItems(learnerID: fixture.learner.id, true)
        guard case .learner(let changed)? = try store.principal(sessionTokenHash: "s") else { Issue.record("no learner"); return }
        #expect(changed.accessibleItems)
        // Signing out ends the session at once.
        try store.deleteSession(tokenHash: "s")
        #expect(try store.principal(sessionTokenHash: "s") == nil)
    }

    @Test func aSessionEndedByAnotherProcessEndsWithinTheCacheLifetime() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let other = try Store(path: store.path)
        let now = Date()
        try store.createSession(tokenHash: "s", principal: .learner(fixture.learner), expiresAt: now.addingTimeInterval(600))
        #expect(try store.principal(sessionTokenHash: "s", now: now) != nil)
        try other.deleteSession(tokenHash: "s")
        // Within the lifetime the cached owner may still answer; past it, the database does.
        let later = now.addingTimeInterval(SessionCache.lifetime + 0.5)
        #expect(try store.principal(sessionTokenHash: "s", now: later) == nil)
        // A session is never taken past its expiry, cached or not.
        try store.createSession(tokenHash: "t", principal: .learner(fixture.learner), expiresAt: now.addingTimeInterval(2))
        #expect(try store.principal(sessionTokenHash: "t", now: now) != nil)
        #expect(try store.principal(sessionTokenHash: "t", now: now.addingTimeInterval(3)) == nil)
    }

    /// Answers a run of `count` items, giving two knowledge elements per answer, returning the history read
    /// from the database at each step beside the store's (cached) history.
    func answer(_ store: Store, run: AssessmentRecord, items: [String], from start: Int, count: Int) throws {
        for index in start..<(start + count) {
            let item = items[index]
            let next = index + 1 < items.count ? items[index + 1] : nil
            let elements = [KnowledgeElement(skillID: "@s\(index)", tubeID: "t\(index)", competenceID: "1.1",
                                             status: index % 2 == 0 ? .validated : .invalidated, source: .direct,
                                             earnedPix: index % 2 == 0 ? 2 : 0),
                            KnowledgeElement(skillID: "@s\(index)b", tubeID: "t\(index)", competenceID: "1.1",
                                             status: .invalidated, source: .inferred, earnedPix: 0)]
            try store.recordAnswer(assessmentID: run.id, itemID: item, skillID: "@s\(index)", answer: "{}",
                                   correct: index % 2 == 0, timeSpentMs: 1000, elements: elements, nextItemID: next,
                                   skipped: index % 5 == 4)
        }
    }

    func expectHistoryMatchesTheDatabase(_ store: Store, _ runID: Int64) throws {
        let current = try #require(try store.assessment(id: runID))
        let history = try store.history(assessmentID: runID, currentItemID: current.currentItemID)
        #expect(history.answers == (try store.answeredItems(assessmentID: runID)))
        #expect(history.elements == (try store.knowledgeElements(assessmentID: runID)))
        #expect(history.currentItemID == current.currentItemID)
    }

    @Test func aRunsHistoryInMemoryIsTheHistoryOnDiskAtEveryAnswer() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let items = (0..<12).map { "q\($0)" }
        let run = try fixture.newRun(items)
        try expectHistoryMatchesTheDatabase(store, run.id)
        for index in 0..<10 {
            try answer(store, run: run, items: items, from: index, count: 1)
            try expectHistoryMatchesTheDatabase(store, run.id)
            #expect(store.runHistories.count == 1, "kept and extended, not read again")
        }
        // An answer recorded by another process: the run's current item moved, so the old entry is not used.
        let other = try Store(path: store.path)
        try answer(other, run: run, items: items, from: 10, count: 1)
        try expectHistoryMatchesTheDatabase(store, run.id)
        // A finished run is not kept.
        try answer(store, run: run, items: items, from: 11, count: 1)
        try expectHistoryMatchesTheDatabase(store, run.id)
        #expect(store.runHistories.count == 0)
    }

    @Test func erasingALearnerEmptiesTheHistories() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let items = (0..<6).map { "q\($0)" }
        let run = try fixture.newRun(items)
        try answer(store, run: run, items: items, from: 0, count: 3)
        try expectHistoryMatchesTheDatabase(store, run.id)
        #expect(store.runHistories.count == 1)
        #expect(try store.eraseLearner(learnerID: fixture.learner.id, by: nil))
        #expect(store.runHistories.count == 0)
    }

    @Test func answersInABatchAreReadBackAfterItsCommit() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let items = (0..<6).map { "q\($0)" }
        let run = try fixture.newRun(items)
        try expectHistoryMatchesTheDatabase(store, run.id)
        struct Stop: Error {}
        // A batch that rolls back leaves neither the database nor the cache with its answers.
        #expect(throws: Stop.self) {
            try store.batch {
                try answer(store, run: run, items: items, from: 0, count: 2)
                throw Stop()
            }
        }
        try expectHistoryMatchesTheDatabase(store, run.id)
        #expect(try store.answeredItems(assessmentID: run.id).isEmpty)
        try store.batch { try answer(store, run: run, items: items, from: 0, count: 2) }
        try expectHistoryMatchesTheDatabase(store, run.id)
    }

    @Test func theCalibrationFingerprintChangesWithACalibration() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let before = try store.calibrationFingerprint()
        #expect(try store.calibrationFingerprint() == before)
        try store.saveItemParameters([Store.StoredItemParameters(itemID: "q1", difficulty: 0.5, discrimination: 1.2,
                                                           answerCount: 40, model: "2pl", fit: nil)])
        #expect(try store.calibrationFingerprint() != before)
    }

    /// The most missed questions are kept by the set of shared runs they come from: a new shared run, or an
    /// erased learner, gives the new figures at once.
    @Test func missedItemsFollowTheSharedRuns() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let assignment = try store.createAssignment(cohortID: fixture.learner.cohortID, kind: .assessment, contentID: "numerique")
        func sharedRun(_ learner: Learner, wrong: [String]) throws {
            let items = ["q1", "q2", "q3"]
            let run = try store.createAssessment(learnerID: learner.id, assignmentID: assignment, frameworkID: "numerique",
                                                 algorithm: "smart-random", settings: "{}", purpose: .initial, seed: 1,
                                                 firstItemID: items[0])
            for (index, item) in items.enumerated() {
                try store.recordAnswer(assessmentID: run.id, itemID: item, skillID: "@\(item)", answer: "{}",
                                       correct: !wrong.contains(item), timeSpentMs: 1000, elements: [],
                                       nextItemID: index + 1 < items.count ? items[index + 1] : nil)
            }
            try store.shareAssessment(id: run.id, result: "{}")
        }
        func missed() throws -> [String] {
            try store.missedItems(assignmentIDs: [assignment]).map { "\($0.itemID):\($0.wrong)/\($0.total)" }
        }
        try sharedRun(fixture.learner, wrong: ["q2"])
        #expect(try missed() == ["q2:1/1"])
        #expect(try missed() == ["q2:1/1"], "from memory")
        let other = try store.createLearner(cohortID: fixture.learner.cohortID, firstName: "Bo", lastName: "E",
                                            codeSelector: nil, codeHash: nil)
        try sharedRun(other, wrong: ["q2", "q3"])
        #expect(try missed() == ["q2:2/2", "q3:1/2"])
        #expect(try store.eraseLearner(learnerID: other.id, by: nil))
        #expect(try missed() == ["q2:1/1"])
    }

    // MARK: Derived values (`Store.derived`)

    /// Counts the calls of `make` behind `store.derived`.
    final class Counter: @unchecked Sendable { var made = 0 }

    func derivedAccessible(_ store: Store, _ learner: Learner, _ counter: Counter, lifetime: TimeInterval = 60) throws -> Bool {
        try store.derived("accessible:\(learner.id)", lifetime: lifetime) {
            counter.made += 1
            return try store.learner(id: learner.id)?.accessibleItems ?? false
        }
    }

    @Test func aDerivedValueIsKeptUntilACommitChangesTheData() throws {
        let fixture = try Fixture()
        let store = fixture.store, counter = Counter()
        #expect(try derivedAccessible(store, fixture.learner, counter) == false)
        #expect(try derivedAccessible(store, fixture.learner, counter) == false)
        #expect(counter.made == 1, "the second call reads memory")
        // A sign-in writes a session: no derived value reads sessions.
        try store.createSession(tokenHash: "s", principal: .learner(fixture.learner), expiresAt: Date().addingTimeInterval(600))
        _ = try derivedAccessible(store, fixture.learner, counter)
        #expect(counter.made == 1)
        // A change to the data is seen at the next call.
        try store.setAccessibleItems(learnerID: fixture.learner.id, true)
        #expect(try derivedAccessible(store, fixture.learner, counter) == true)
        #expect(counter.made == 2)
        // A change to any other table empties it too.
        try store.createCohort(organisationID: try #require(try store.cohort(id: fixture.learner.cohortID)).organisationID, name: "D")
        _ = try derivedAccessible(store, fixture.learner, counter)
        #expect(counter.made == 3)
    }

    @Test func aDerivedValueMadeWhileACommitHappensIsNotKept() throws {
        let fixture = try Fixture()
        let store = fixture.store, counter = Counter()
        // The write commits after the value was read: the value is returned but not kept.
        let first = try store.derived("accessible", lifetime: 60) { () -> Bool in
            counter.made += 1
            let value = try store.learner(id: fixture.learner.id)?.accessibleItems ?? false
            try store.setAccessibleItems(learnerID: fixture.learner.id, true)
            return value
        }
        #expect(first == false)
        #expect(try derivedAccessible(store, fixture.learner, counter) == true, "made again, with the write")
        #expect(counter.made == 2)
    }

    @Test func anotherProcessesChangeIsSeenWithinTheLifetime() throws {
        let fixture = try Fixture()
        let store = fixture.store, counter = Counter()
        let other = try Store(path: store.path)
        #expect(try derivedAccessible(store, fixture.learner, counter, lifetime: 0.2) == false)
        try other.setAccessibleItems(learnerID: fixture.learner.id, true)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try derivedAccessible(store, fixture.learner, counter, lifetime: 0.2) == true)
        #expect(counter.made == 2)
        // At the cache's level, with a given clock: used until `lifetime`, made again at it.
        let cache = DerivedCache()
        #expect(cache.value("k", lifetime: 5, now: 100) { 1 } == 1)
        #expect(cache.value("k", lifetime: 5, now: 104.9) { 2 } == 1)
        #expect(cache.value("k", lifetime: 5, now: 105) { 3 } == 3)
        #expect(cache.value("k", lifetime: 5, now: 99) { 4 } == 4, "a clock that went back is not trusted")
    }

    @Test func insideABatchDerivedValuesAreAlwaysMade() throws {
        let fixture = try Fixture()
        let store = fixture.store, counter = Counter()
        try store.batch {
            _ = try derivedAccessible(store, fixture.learner, counter)
            try store.setAccessibleItems(learnerID: fixture.learner.id, true)
            #expect(try derivedAccessible(store, fixture.learner, counter) == true, "the batch's own write is seen")
        }
        #expect(counter.made == 2)
        #expect(try derivedAccessible(store, fixture.learner, counter) == true)
        #expect(counter.made == 3, "nothing made inside the batch was kept")
    }

    @Test func derivedValuesAreBoundedInNumber() throws {
        let cache = DerivedCache()
        for index in 0..<(DerivedCache.capacity * 3) { _ = cache.value("k\(index)", lifetime: 60, now: 1) { index } }
        #expect(cache.count == DerivedCache.capacity)
    }
}
