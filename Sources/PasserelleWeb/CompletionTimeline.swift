import Foundation
import PasserelleCore
import PasserelleStore

/// How many of the modules assigned to a cohort's learners were complete at the end of each week (Monday to
/// Sunday, Paris time), from the week before the first assignment or piece of work to this week: the cohort's
/// module work replayed in time through the same rules as the tracker (`Mastery`, prerequisites, unlocks), so
/// the last week gives the tracker's count of « Terminé ».
struct CompletionTimeline {
    struct Week { var start: Date; var completed: Int }

    var weeks: [Week]
    /// Modules assigned, summed over the learners (a module assigned to 12 learners counts 12).
    var assigned: Int

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .current
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        return calendar
    }()

    static func build(service: ModuleService, cohortID: Int64, now: Date = Date(), maximumWeeks: Int = 26) throws -> CompletionTimeline {
        let view = try ModuleService.CohortView(service, cohortID: cohortID)
        let learners = try service.store.learners(cohortID: cohortID)
        let events = try service.store.moduleEvents(cohortID: cohortID)
        let calendar = CompletionTimeline.calendar
        func weekStart(_ date: Date) -> Date { calendar.dateInterval(of: .weekOfYear, for: date)?.start ?? date }
        let dates = (view.assignments.map(\.createdAt) + events.map(\.at)).compactMap(French.storeTimestamp)
        let thisWeek = weekStart(now)
        guard let first = dates.min() else { return CompletionTimeline(weeks: [], assigned: 0) }
        // The week before the first date: the chart starts from nothing done.
        var start = calendar.date(byAdding: .weekOfYear, value: -1, to: weekStart(min(first, now))) ?? thisWeek
        if let earliest = calendar.date(byAdding: .weekOfYear, value: -(maximumWeeks - 1), to: thisWeek), start < earliest { start = earliest }
        var starts: [Date] = []
        var week = start
        while week <= thisWeek, starts.count < maximumWeeks {
            starts.append(week)
            guard let next = calendar.date(byAdding: .weekOfYear, value: 1, to: week) else { break }
            week = next
        }
        // The end of each week as the store writes timestamps: events before it belong to the week or an earlier one.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let ends = starts.map { calendar.date(byAdding: .weekOfYear, value: 1, to: $0).map(formatter.string) ?? "9999" }

        var completed = [Int](repeating: 0, count: starts.count)
        var assigned = 0
        let byLearner = Dictionary(grouping: events, by: \.learnerID)
        for learner in learners {
            let modules = view.modules(for: learner).map(\.module)
            assigned += modules.count
            guard !modules.isEmpty else { continue }
            let own = byLearner[learner.id] ?? []
            var lessons: [String: Set<String>] = [:]
            var attempts: [String: [(setID: String, activityID: String, result: String)]] = [:]
            var unlocked: Set<String> = []
            var next = 0, count = 0
            for (index, end) in ends.enumerated() {
                let before = next
                while next < own.count, own[next].at < end {
                    let event = own[next]
                    switch event.kind {
                    case .lessonRead(let lesson): lessons[event.moduleID, default: []].insert(lesson)
                    case .attempt(let outcome):
                        attempts[event.moduleID, default: []].append((outcome.activitySetID, outcome.activityID, outcome.result))
                    case .unlock: unlocked.insert(event.moduleID)
                    }
                    next += 1
                }
                if next != before {
                    count = modules.filter { module in
                        service.progress(module, unlocked: unlocked.contains(module.id)) { module in
                            ModuleService.record(lessonsRead: lessons[module.id] ?? [], attempts: attempts[module.id] ?? [])
                        }.state == .complete
                    }.count
                }
                completed[index] += count
            }
        }
        return CompletionTimeline(weeks: zip(starts, completed).map { Week(start: $0, completed: $1) }, assigned: assigned)
    }

    /// « 30/11 »: the Monday a week starts.
    static func label(_ date: Date) -> String {
        let parts = calendar.dateComponents([.day, .month], from: date)
        return String(format: "%02d/%02d", parts.day ?? 0, parts.month ?? 0)
    }
}
