import Foundation
import PasserelleCore
import PasserelleStore

/// Adding learners to a cohort (one by one or from CSV) and handing out their access codes.
public struct CohortRoster: Sendable {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    public struct ImportReport: Sendable {
        /// Learners added, with their new access code (shown once: only its hash is kept).
        public var added: [(learner: Learner, code: AccessCode)]
        /// Lines of learners already in the cohort (same external id, or same names without one).
        public var alreadyThere: [Int]
        public var problems: [LearnerImport.Problem]
        /// False when problems stopped the import (nothing was added).
        public var imported: Bool
    }

    /// Imports learners from CSV. With problems, nothing is imported unless `skipInvalid`, which imports
    /// the good lines only. Importing the same file again adds nobody twice.
    public func importCSV(_ text: String, cohortID: Int64, skipInvalid: Bool,
                          progress: ((Int, Int) -> Void)? = nil) throws -> ImportReport {
        let (rows, problems) = LearnerImport.parse(text)
        guard problems.isEmpty || skipInvalid else {
            return ImportReport(added: [], alreadyThere: [], problems: problems, imported: false)
        }
        let existing = try store.learners(cohortID: cohortID)
        let externalIDs = Set(existing.compactMap(\.externalID))
        let names = Set(existing.filter { $0.externalID == nil }.map { ($0.lastName + "|" + $0.firstName).lowercased() })
        var alreadyThere: [Int] = []
        var fresh: [LearnerImport.Row] = []
        for row in rows {
            if let id = row.externalID, externalIDs.contains(id) { alreadyThere.append(row.line); continue }
            if row.externalID == nil, names.contains((row.lastName + "|" + row.firstName).lowercased()) {
                alreadyThere.append(row.line); continue
            }
            fresh.append(row)
        }
        for _ in 0..<5 {
            var codes: [AccessCode] = []
            var selectors = Set<String>()
            var batch: [Store.NewLearner] = []
            for (index, row) in fresh.enumerated() {
                var code = Credentials.newAccessCode()
                while !selectors.insert(code.selector).inserted { code = Credentials.newAccessCode() }
                codes.append(code)
                batch.append(Store.NewLearner(firstName: row.firstName, lastName: row.lastName, externalID: row.externalID,
                                              attributes: row.attributes, codeSelector: code.selector,
                                              codeHash: try Credentials.hashPassword(code.secret)))
                progress?(index + 1, fresh.count)
            }
            do {
                let learners = try store.createLearners(cohortID: cohortID, batch)
                return ImportReport(added: Array(zip(learners, codes)).map { ($0.0, $0.1) }, alreadyThere: alreadyThere,
                                    problems: problems, imported: true)
            } catch StoreError.duplicate {
                continue  // a selector clashed with another cohort's learner: draw again
            }
        }
        throw StoreError.invalid("impossible de tirer des codes d'accès libres ; réessayez")
    }

    /// New access codes for learners of the cohort (all when `learnerIDs` is nil); the old ones stop working.
    public func renewCodes(cohortID: Int64, learnerIDs: Set<Int64>? = nil) throws -> [(learner: Learner, code: AccessCode)] {
        try store.learners(cohortID: cohortID).filter { learnerIDs?.contains($0.id) ?? true }.map {
            ($0, try DemoSeeder.giveNewCode(to: $0, in: store))
        }
    }
}
