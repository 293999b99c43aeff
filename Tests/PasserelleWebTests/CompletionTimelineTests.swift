import Foundation
import GRDB
import PasserelleContent
import PasserelleCore
import Testing
@testable import PasserelleStore
@testable import PasserelleWeb

/// The report's « modules terminés, semaine après semaine »: module work replayed week by week through the
/// tracker's own rules, so the last week gives the tracker's count.
@Suite struct CompletionTimelineTests {
    @Test func modulesCompletedCountInTheWeekTheirWorkWasDone() throws {
        let catalog = TrackerBatchTests.catalog
        let store = try Store(path: temporaryFolderPath() + "/timeline.sqlite")
        let org = try store.createOrganisation(name: "CCAS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let module = try #require(catalog.modules.first { $0.prerequisites.isEmpty && !$0.activitySets.isEmpty })
        try store.createAssignment(cohortID: cohort.id, kind: .module, contentID: module.id)
        var learners: [Learner] = []
        for n in 0..<3 {
            learners.append(try store.createLearner(cohortID: cohort.id, firstName: "L\(n)", lastName: "N", codeSelector: nil, codeHash: nil))
        }
        // Learners 0 and 1 do the whole module, learner 2 reads one lesson.
        for learner in learners.prefix(2) {
            for lesson in module.lessons {
                try store.recordLessonVisit(learnerID: learner.id, moduleID: module.id, lessonID: lesson.id, completed: true)
            }
            for set in module.activitySets {
                for activity in set.activities {
                    for _ in 0..<(activity.isGraded ? 10 : 1) {
                        _ = try store.recordAttempt(learnerID: learner.id, moduleID: module.id, activitySetID: set.id, activityID: activity.id,
                                                    answer: "{}", result: activity.isGraded ? "correct" : "submitted", timeSpentMs: 1000)
                    }
                }
            }
        }
        try store.recordLessonVisit(learnerID: learners[2].id, moduleID: module.id, lessonID: module.lessons[0].id, completed: true)
        let service = ModuleService(store: store, catalog: catalog)
        #expect(try service.progress(learners[0], module).state == .complete)

        // Back in time: the assignment 5 weeks ago, learner 0's work 3 weeks ago, learner 1's this week.
        let day = 86_400.0, now = Date()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        try store.write { db in
            try db.execute(sql: "UPDATE assignments SET created_at = ?", arguments: [formatter.string(from: now - 35 * day)])
            for table in ["activity_attempts"] {
                try db.execute(sql: "UPDATE \(table) SET created_at = ? WHERE learner_id = ?",
                               arguments: [formatter.string(from: now - 21 * day), learners[0].id])
            }
            try db.execute(sql: "UPDATE lesson_progress SET completed_at = ? WHERE learner_id = ?",
                           arguments: [formatter.string(from: now - 21 * day), learners[0].id])
        }
        let timeline = try CompletionTimeline.build(service: service, cohortID: cohort.id, now: now)
        #expect(timeline.assigned == 3)
        // From the week before the assignment's: 7 weeks, ending with this one.
        #expect(timeline.weeks.count == 7)
        let counts = timeline.weeks.map(\.completed)
        #expect(counts == [0, 0, 0, 1, 1, 1, 2], "\(counts)")
        let calendar = CompletionTimeline.calendar
        #expect(calendar.component(.weekday, from: timeline.weeks[0].start) == 2, "weeks start on Monday")
        #expect(calendar.isDate(timeline.weeks[6].start, equalTo: now, toGranularity: .weekOfYear))

        // The last week agrees with the tracker.
        let report = try CohortReport.build(store: store, catalog: catalog, cohortID: cohort.id)
        #expect(report.modules.first?.complete == counts.last)

        // A long history keeps the last 26 weeks.
        try store.write { db in
            try db.execute(sql: "UPDATE assignments SET created_at = ?", arguments: [formatter.string(from: now - 400 * day)])
        }
        let long = try CompletionTimeline.build(service: service, cohortID: cohort.id, now: now)
        #expect(long.weeks.count == 26 && long.weeks.last?.completed == 2)
        // The figure: a chart and its table.
        let figure = WebApp.completionFigure(timeline, id: "modules")
        let chart = try #require(figure["chart"] as? String)
        #expect(chart.contains("3 modules attribués en tout") && chart.contains("<div class=\"chart-scroll\"") && chart.contains("<svg"))
        #expect((figure["numbers"] as? String)?.contains("Voir les chiffres") == true)
    }

    @Test func aCohortWithoutModulesGivesASentence() throws {
        let store = try Store(path: temporaryFolderPath() + "/empty.sqlite")
        let org = try store.createOrganisation(name: "CCAS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let service = ModuleService(store: store, catalog: TrackerBatchTests.catalog)
        let timeline = try CompletionTimeline.build(service: service, cohortID: cohort.id)
        #expect(timeline.assigned == 0 && timeline.weeks.isEmpty)
        let figure = WebApp.completionFigure(timeline, id: "modules")
        #expect(figure["chart"] as? String == "<p class=\"chart-empty\">Aucun module n&#39;est encore attribué à cette cohorte.</p>")
        #expect(figure["numbers"] as? String == "")
    }
}
