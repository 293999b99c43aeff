import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// The trainer's view of a cohort: each learner's modules, time and last activity, who needs help,
/// the levels of the latest shared positioning (a learners x competences heat map), module completion,
/// the most missed items and the distribution of levels. Only shared results are used.
public struct CohortReport: Codable, Sendable {
    public struct Column: Codable, Sendable {
        public var key: String
        public var label: String
        public var title: String
        /// The title of the competence's framework (a cohort may be positioned on two).
        public var framework: String
    }
    public struct LearnerRow: Codable, Sendable {
        public var id: Int64
        public var name: String
        public var firstName: String
        public var lastName: String
        public var modules: [String: String]
        /// Module id -> share of the module done, 0 to 100.
        public var modulePercents: [String: Int]
        public var timeSpentMinutes: Int
        public var lastActivity: String?
        /// The last activity as stored (ISO 8601, UTC): what the tracker sorts on.
        public var lastActivityAt: String?
        /// « Module : activity set » where the learner needs help (`Mastery.needsHelp`), in the modules' order.
        public var needsHelp: [String]
        /// Module id -> the titles of its activity sets where the learner needs help.
        public var helpByModule: [String: [String]]
        /// Column key -> level, from the learner's latest shared result.
        public var levels: [String: Int]
    }
    public struct ModuleCompletion: Codable, Sendable {
        public var id: String
        public var title: String
        public var complete: Int
        public var inProgress: Int
        public var notStarted: Int
        public var locked: Int
    }
    public struct MissedItem: Codable, Sendable { public var itemID: String; public var prompt: String; public var wrong: Int; public var total: Int }
    public struct Distribution: Codable, Sendable { public var key: String; public var label: String; public var counts: [Int] }

    public var organisation: String
    public var cohort: String
    public var columns: [Column]
    public var learners: [LearnerRow]
    public var modules: [ModuleCompletion]
    public var missedItems: [MissedItem]
    public var distribution: [Distribution]

    public static func build(store: Store, catalog: ContentCatalog, cohortID: Int64) throws -> CohortReport {
        guard let cohort = try store.cohort(id: cohortID) else { throw StoreError.notFound("la cohorte \(cohortID)") }
        let learners = try store.learners(cohortID: cohortID)
        // The cohort's module work and runs in a few queries, not several per learner.
        let service = try ModuleService.CohortView(ModuleService(store: store, catalog: catalog), cohortID: cohortID)
        let runs = try store.assessments(cohortID: cohortID)
        let assignments = try store.assignments(cohortID: cohortID, kind: .assessment)
        var columns: [Column] = []
        for frameworkID in Array(Set(assignments.map(\.contentID))).sorted() {
            guard let framework = catalog.framework(id: frameworkID) else { continue }
            columns += framework.competences.map {
                Column(key: "\(framework.id):\($0.id)", label: $0.id, title: $0.title, framework: framework.title)
            }
        }
        let activity = try store.learnerActivity(cohortID: cohortID)
        var moduleIDs: [String] = []
        var completion: [String: ModuleCompletion] = [:]
        var rows: [LearnerRow] = []
        for learner in learners {
            var modules: [String: String] = [:], percents: [String: Int] = [:], help: [String] = []
            var helpByModule: [String: [String]] = [:]
            for (module, _) in service.modules(for: learner) {
                let progress = service.progress(learner, module)
                modules[module.id] = progress.state.rawValue
                percents[module.id] = Int((progress.fraction * 100).rounded())
                if !moduleIDs.contains(module.id) { moduleIDs.append(module.id) }
                var entry = completion[module.id] ?? ModuleCompletion(id: module.id, title: module.title, complete: 0,
                                                                      inProgress: 0, notStarted: 0, locked: 0)
                switch progress.state {
                case .complete: entry.complete += 1
                case .inProgress: entry.inProgress += 1
                case .notStarted: entry.notStarted += 1
                case .locked: entry.locked += 1
                }
                completion[module.id] = entry
                // In the module's order (a set's iteration order changes from one set to another).
                let struggling = module.activitySets.filter { progress.strugglingSets.contains($0.id) }.map(\.title)
                help += struggling.map { "\(module.title) : \($0)" }
                if !struggling.isEmpty { helpByModule[module.id] = struggling }
            }
            var levels: [String: Int] = [:]
            for run in (runs[learner.id] ?? []).reversed() {  // oldest first: later shares win
                guard let result = SharedResults.result(of: run) else { continue }
                for competence in result.competences where competence.answered > 0 || (competence.pix ?? 0) > 0 {
                    if let level = competence.level { levels["\(result.frameworkID):\(competence.competenceID)"] = level }
                }
            }
            rows.append(LearnerRow(id: learner.id, name: learner.displayName, firstName: learner.firstName, lastName: learner.lastName,
                                   modules: modules, modulePercents: percents,
                                   timeSpentMinutes: (activity[learner.id]?.timeSpentMs ?? 0) / 60_000,
                                   lastActivity: activity[learner.id]?.lastActivity.map(French.date),
                                   lastActivityAt: activity[learner.id]?.lastActivity, needsHelp: help,
                                   helpByModule: helpByModule, levels: levels))
        }
        let missed = try store.missedItems(assignmentIDs: assignments.map(\.id)).map { entry in
            MissedItem(itemID: entry.itemID, prompt: catalog.item(id: entry.itemID).map { Markdown.plainText($0.prompt) } ?? entry.itemID,
                       wrong: entry.wrong, total: entry.total)
        }
        let distribution = columns.map { column in
            var counts = [Int](repeating: 0, count: 9)
            for row in rows { if let level = row.levels[column.key] { counts[min(max(level, 0), 8)] += 1 } }
            return Distribution(key: column.key, label: "\(column.label) \(column.title)", counts: counts)
        }
        return CohortReport(organisation: try store.organisation(id: cohort.organisationID)?.name ?? "", cohort: cohort.name,
                            columns: columns, learners: rows, modules: moduleIDs.compactMap { completion[$0] },
                            missedItems: missed, distribution: distribution)
    }
}

/// A cohort's report with what every view of the tracker sorts on, kept while the data does not change.
struct TrackedCohort: Sendable {
    let report: CohortReport
    /// `TrackerQuery.nameKey` of each of `report.learners`, in the same order.
    let nameKeys: [String]
}

extension WebApp {
    /// The cohort's report, computed again only after a change to the data (`Store.derived`): the tracker, the
    /// modules page and the printable report read it at every view.
    func trackedCohort(_ cohortID: Int64) throws -> TrackedCohort {
        try store.derived("tracked-cohort:\(cohortID)") {
            let report = try CohortReport.build(store: store, catalog: catalog, cohortID: cohortID)
            return TrackedCohort(report: report, nameKeys: report.learners.map(TrackerQuery.nameKey))
        }
    }

    func cohortReport(_ cohortID: Int64) throws -> CohortReport { try trackedCohort(cohortID).report }
}
