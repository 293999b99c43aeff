import Foundation
import PasserelleCore
import PasserelleStore
import Testing
@testable import PasserelleWeb

/// Shared results decoded once per process (issue 12): the same result as decoding the stored JSON, and never
/// another run's result when a run id comes back after an erasure.
@Suite struct SharedResultsTests {
    static func json(level: Int) -> String {
        #"{"frameworkID":"numerique","algorithm":"smart-random","maxLevel":6,"competences":[{"competenceID":"1.1","title":"Mener une recherche","level":\#(level),"pix":\#(level * 8),"answered":5}]}"#
    }

    /// A finished, shared run of a new learner, as the store gives it back.
    static func sharedRun(_ store: Store, level: Int) throws -> AssessmentRecord {
        let org = try store.createOrganisation(name: "O\(UUID().uuidString.prefix(6))")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let learner = try store.createLearner(cohortID: cohort.id, firstName: "A", lastName: "B", codeSelector: nil, codeHash: nil)
        let run = try store.createAssessment(learnerID: learner.id, assignmentID: nil, frameworkID: "numerique",
                                             algorithm: "smart-random", settings: "{}", purpose: .free, seed: 1, firstItemID: "q1")
        try store.recordAnswer(assessmentID: run.id, itemID: "q1", skillID: "@s1", answer: "{}", correct: true,
                               timeSpentMs: 1000, elements: [], nextItemID: nil)
        try store.shareAssessment(id: run.id, result: json(level: level))
        return try #require(try store.assessment(id: run.id))
    }

    @Test func aSharedResultIsTheStoredOneAndARunIdUsedAgainGetsItsOwn() throws {
        let store = try Store(path: temporaryFolderPath() + "/shared.sqlite")
        let first = try Self.sharedRun(store, level: 3)
        let decoded = try JSONDecoder().decode(AssessmentResult.self, from: Data(Self.json(level: 3).utf8))
        #expect(SharedResults.result(of: first) == decoded)
        #expect(SharedResults.result(of: first) == decoded, "from memory the second time")
        // The same run id, shared at another moment with another result (a run erased, its id given again).
        var again = first
        again.sharedAt = "2099-01-01T00:00:00.000Z"
        again.sharedResult = Self.json(level: 5)
        #expect(SharedResults.result(of: again)?.competences.first?.level == 5)
        // Not shared, or unreadable: no result.
        var unshared = first
        unshared.sharedAt = nil
        unshared.sharedResult = nil
        #expect(SharedResults.result(of: unshared) == nil)
        var broken = first
        broken.sharedAt = "2099-02-01T00:00:00.000Z"
        broken.sharedResult = "{"
        #expect(SharedResults.result(of: broken) == nil)
    }
}
