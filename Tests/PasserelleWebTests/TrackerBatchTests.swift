import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
@testable import PasserelleWeb

/// The tracker loads a cohort's module work and runs in a few queries (`ModuleService.CohortView`,
/// `Store.assessments(cohortID:)`) instead of several queries per learner: it must give exactly what the
/// per-learner functions give.
@Suite struct TrackerBatchTests {
    static let catalog: ContentCatalog = try! ContentLoader.load(try! ContentRoot(validating: repositoryRoot.path))

    @Test func theCohortWideTrackerGivesWhatThePerLearnerFunctionsGive() throws {
        let catalog = TrackerBatchTests.catalog
        let store = try Store(path: temporaryFolderPath() + "/t.sqlite")
        let org = try store.createOrganisation(name: "CCAS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let other = try store.createCohort(organisationID: org.id, name: "Autre")
        let groups: [String?] = ["A", "B", nil, "A", nil, "B"]
        var learners: [Learner] = []
        for (n, group) in groups.enumerated() {
            learners.append(try store.createLearner(cohortID: cohort.id, firstName: "L\(n)", lastName: "N",
                                                    attributes: group.map { [Store.groupAttribute: $0] } ?? [:],
                                                    codeSelector: nil, codeHash: nil))
        }
        let outsider = try store.createLearner(cohortID: other.id, firstName: "X", lastName: "Y", codeSelector: nil, codeHash: nil)
        // A module with a prerequisite for everyone (twice), its prerequisite for group A, one module for L2 alone,
        // one for the other cohort.
        let dependent = try #require(catalog.modules.first { !$0.prerequisites.isEmpty && catalog.module(id: $0.prerequisites[0]) != nil })
        let prerequisite = try #require(catalog.module(id: dependent.prerequisites[0]))
        let single = try #require(catalog.modules.first { $0.id != dependent.id && $0.id != prerequisite.id && !$0.activitySets.isEmpty })
        try store.createAssignment(cohortID: cohort.id, kind: .module, contentID: dependent.id)
        try store.createAssignment(cohortID: cohort.id, group: "A", kind: .module, contentID: prerequisite.id, dueDate: "2030-01-01")
        try store.createAssignment(cohortID: cohort.id, kind: .module, contentID: dependent.id)
        try store.createAssignment(cohortID: nil, learnerID: learners[2].id, kind: .module, contentID: single.id)
        try store.createAssignment(cohortID: other.id, kind: .module, contentID: single.id)
        // Work: lessons (read or only opened), attempts right, wrong and submitted, an unlock; the outsider's too.
        for (n, learner) in (learners + [outsider]).enumerated() {
            for module in [dependent, prerequisite, single] {
                for (k, lesson) in module.lessons.enumerated() where (k + n) % 2 == 0 {
                    try store.recordLessonVisit(learnerID: learner.id, moduleID: module.id, lessonID: lesson.id, completed: (k + n) % 3 != 0)
                }
                for (s, set) in module.activitySets.enumerated() where (s + n) % 3 != 2 {
                    for (a, activity) in set.activities.enumerated() {
                        let result = activity.isGraded ? ((a + n + s) % 4 == 0 ? "incorrect" : "correct") : "submitted"
                        try store.recordAttempt(learnerID: learner.id, moduleID: module.id, activitySetID: set.id,
                                                activityID: activity.id, answer: "{}", result: result, timeSpentMs: 1000)
                        if n % 2 == 1, activity.isGraded {  // a second, wrong, attempt for some
                            try store.recordAttempt(learnerID: learner.id, moduleID: module.id, activitySetID: set.id,
                                                    activityID: activity.id, answer: "{}", result: "incorrect", timeSpentMs: 1000)
                        }
                    }
                }
            }
        }
        try store.unlockModule(learnerID: learners[4].id, moduleID: dependent.id, by: nil)
        // Shared runs: an older and a newer one for some learners (later shares win), one unshared, one unreadable.
        let framework = try #require(catalog.framework(id: "numerique"))
        let chosen = AssessmentAssignment(settings: AssessmentSettings(frameworkID: framework.id), purpose: .initial)
        let assignment = try store.createAssignment(cohortID: cohort.id, kind: .assessment, contentID: framework.id,
                                                    settings: String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self))
        func result(_ level: Int, _ competences: ArraySlice<Competence>) throws -> String {
            let object: [String: Any] = [
                "frameworkID": framework.id, "algorithm": "smart-random", "maxLevel": 8,
                "competences": competences.enumerated().map { k, competence -> [String: Any] in
                    ["competenceID": competence.id, "title": competence.title, "level": level, "pix": k == 1 ? 0 : level * 8,
                     "answered": k == 1 ? 0 : level, "targetedSkills": 10, "validatedSkills": level]
                },
            ]
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        for (n, learner) in learners.enumerated() where n != 5 {
            for (round, level) in [(0, 1 + n % 3), (1, 3 + n % 4)] where round == 0 || n % 2 == 0 {
                let run = try store.createAssessment(learnerID: learner.id, assignmentID: assignment, frameworkID: framework.id,
                                                     algorithm: "smart-random", settings: "{}", purpose: .initial, seed: 1, firstItemID: nil)
                if n == 3 && round == 0 { continue }  // completed, never shared
                let text = n == 1 && round == 0 ? "{\"unreadable\": true}" : try result(level, framework.competences.prefix(round == 0 ? 4 : 2 + n))
                try store.shareAssessment(id: run.id, result: text)
            }
        }

        let report = try CohortReport.build(store: store, catalog: catalog, cohortID: cohort.id)
        let service = ModuleService(store: store, catalog: catalog)
        #expect(report.learners.map(\.id) == learners.map(\.id))
        var states = Set<String>()
        for row in report.learners {
            let learner = try #require(learners.first { $0.id == row.id })
            var modules: [String: String] = [:], help: [String] = []
            for (module, _) in try service.modules(for: learner) {
                let progress = try service.progress(learner, module)
                modules[module.id] = progress.state.rawValue
                help += progress.strugglingSets.compactMap { id in module.activitySet(id).map { "\(module.title) : \($0.title)" } }
            }
            var levels: [String: Int] = [:]
            for run in try store.assessments(learnerID: learner.id).reversed() {
                guard let shared = run.sharedResult,
                      let result = try? JSONDecoder().decode(AssessmentResult.self, from: Data(shared.utf8)) else { continue }
                for competence in result.competences where competence.answered > 0 || (competence.pix ?? 0) > 0 {
                    levels["\(result.frameworkID):\(competence.competenceID)"] = competence.level
                }
            }
            #expect(row.modules == modules, "modules of \(learner.firstName)")
            #expect(row.needsHelp.sorted() == help.sorted(), "help of \(learner.firstName)")  // the report lists them in the modules' order
            #expect(row.levels == levels, "levels of \(learner.firstName)")
            states.formUnion(modules.values)
        }
        #expect(states.count >= 2, "the fixture reaches several module states: \(states)")
        #expect(report.learners.contains { !$0.levels.isEmpty }, "the fixture has shared levels")

        // The cohort view itself, learner by learner, against the per-learner functions (due dates included).
        let view = try ModuleService.CohortView(service, cohortID: cohort.id)
        for learner in learners {
            let expected = try service.modules(for: learner)
            let got = view.modules(for: learner)
            #expect(got.map(\.module.id) == expected.map(\.module.id))
            #expect(got.map(\.dueDate) == expected.map(\.dueDate))
            for (module, _) in expected { #expect(view.progress(learner, module) == (try service.progress(learner, module))) }
        }
    }

    @Test func inTheDemoEveryLearnerSeesTheProgrammesModules() throws {
        let catalog = TrackerBatchTests.catalog
        let store = try Store(path: temporaryFolderPath() + "/d.sqlite")
        let demo = try DemoSeeder.seed(store, catalog: catalog)
        let service = ModuleService(store: store, catalog: catalog)
        let view = try ModuleService.CohortView(service, cohortID: demo.cohort.id)
        let learner = try #require(try store.learners(cohortID: demo.cohort.id).first)
        #expect(view.modules(for: learner).map(\.module.id) == (try service.modules(for: learner)).map(\.module.id))
        #expect(view.modules(for: learner).map(\.module.id) == catalog.programme(id: DemoSeeder.demoProgramme)?.modules)
    }
}
