import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// Everything a trainer may see about one learner: shared profiles, modules, time, help needed, answers to
/// questionnaires, and the comments on their submitted work. Results the learner did not share stay out.
public struct LearnerReport: Codable, Sendable {
    public struct Profile: Codable, Sendable {
        public var framework: String
        /// « positionnement initial », « final » or « libre ».
        public var purpose: String = ""
        public var started: String
        public var state: String
        /// The shared result; nil until the learner shares it.
        public var result: AssessmentResult?
    }
    public struct ModuleLine: Codable, Sendable { public var id: String; public var title: String; public var state: String; public var progress: Double; public var needsHelp: [String] }
    public struct Answer: Codable, Sendable { public var questionnaire: String; public var statement: String; public var value: String }
    public struct Review: Codable, Sendable { public var activity: String; public var module: String; public var submitted: String; public var comments: [String] }

    public var id: Int64
    public var name: String
    public var cohort: String
    public var externalID: String?
    public var attributes: [String: String]
    public var timeSpentMinutes: Int
    public var lastActivity: String?
    public var profiles: [Profile]
    public var modules: [ModuleLine]
    public var answers: [Answer]
    public var reviews: [Review]

    public static func build(store: Store, catalog: ContentCatalog, learner: Learner) throws -> LearnerReport {
        let cohort = try store.cohort(id: learner.cohortID)
        let service = ModuleService(store: store, catalog: catalog)
        let profiles = try store.assessments(learnerID: learner.id).map { run in
            Profile(framework: catalog.framework(id: run.frameworkID)?.title ?? run.frameworkID,
                    purpose: "positionnement " + (run.purpose == .initial ? "initial" : run.purpose == .final ? "final" : "libre"),
                    started: French.date(run.startedAt),
                    state: run.state == .completed ? (run.sharedAt == nil ? "terminé, non partagé" : "partagé") : "en cours",
                    result: SharedResults.result(of: run))
        }
        let modules = try service.modules(for: learner).map { entry -> ModuleLine in
            let progress = try service.progress(learner, entry.module)
            return ModuleLine(id: entry.module.id, title: entry.module.title, state: progress.state.rawValue, progress: progress.fraction,
                              needsHelp: progress.strugglingSets.compactMap { entry.module.activitySet($0)?.title })
        }
        var answers: [Answer] = []
        for assignment in try store.assignments(for: learner, kind: .questionnaire) {
            guard let questionnaire = catalog.questionnaire(id: assignment.contentID) else { continue }
            let given = try store.questionnaireAnswers(assignmentID: assignment.id).filter { $0.learner == learner.id }
            for statement in questionnaire.statements {
                guard let value = given.first(where: { $0.statement == statement.id })?.value else { continue }
                let administration = (try? JSONDecoder().decode(WebApp.QuestionnaireSettings.self, from: Data(assignment.settings.utf8)))?
                    .administration ?? "unique"
                answers.append(Answer(questionnaire: "\(questionnaire.title) (\(WebApp.administrationLabel(administration)))", statement: statement.text,
                                      value: statement.kind == .yesNo ? (value == 1 ? "oui" : "non") : String(Int(value))))
            }
        }
        let reviews = try store.submissions(cohortID: learner.cohortID).filter { $0.learnerID == learner.id }.map { submission in
            let module = catalog.module(id: submission.moduleID)
            let activity = module?.activity(submission.activityID)?.activity
            let kind = activity?.typeName == "reflection" ? "Réflexion" : activity?.typeName == "observation-grid" ? "Grille d'observation"
                : "Auto-positionnement"
            return Review(activity: kind, module: module?.title ?? submission.moduleID, submitted: French.date(submission.createdAt),
                          comments: submission.reviews)
        }
        let activity = try store.learnerActivity(cohortID: learner.cohortID)[learner.id]
        return LearnerReport(id: learner.id, name: learner.displayName, cohort: cohort?.name ?? "", externalID: learner.externalID,
                             attributes: learner.attributes, timeSpentMinutes: (activity?.timeSpentMs ?? 0) / 60_000,
                             lastActivity: activity?.lastActivity.map(French.date), profiles: profiles, modules: modules,
                             answers: answers, reviews: reviews)
    }
}
