import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// The trainer's module pages: assign a module to a cohort, follow each learner, unlock a module,
/// and review submitted observation grids and reflections.
///
/// `GET|POST /formateur/cohortes/{cohort}/modules`, `POST /formateur/cohortes/{cohort}/debloquer`,
/// `POST /formateur/cohortes/{cohort}/relectures/{attempt}`.
extension WebApp {
    func trainerModuleRoute(_ request: HTTPRequest) -> HTTPResponse? {
        let parts = request.path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0] == "formateur", parts[1] == "cohortes", let cohortID = Int64(parts[2]),
              ["modules", "debloquer", "relectures", "export.csv", "export.json"].contains(parts[3]) else { return nil }
        guard case .staff(let user)? = auth.principal(for: request) else { return .redirect(to: "/connexion") }
        guard let cohort = (try? store.cohorts(visibleTo: user))?.first(where: { $0.id == cohortID }) else {
            return errorResponse(request, status: 404, message: "Cette cohorte n'existe pas ou ne vous est pas confiée.")
        }
        let back = "/formateur/cohortes/\(cohort.id)/modules"
        do {
            switch (request.method, parts.count, parts[3]) {
            case ("GET", 4, "modules"), ("HEAD", 4, "modules"):
                return try trainerModulesPage(cohort)
            case ("POST", 4, "modules"):
                let moduleID = request.formValue("module") ?? ""
                guard catalog.module(id: moduleID) != nil else {
                    return errorResponse(request, status: 400, message: "Choisissez un module de la liste.")
                }
                let due = (request.formValue("echeance") ?? "").trimmingCharacters(in: .whitespaces)
                guard due.isEmpty || due.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil else {
                    return errorResponse(request, status: 400, message: "La date d'échéance s'écrit comme 2026-12-31.")
                }
                let id = try store.createAssignment(cohortID: cohort.id, kind: .module, contentID: moduleID,
                                                    dueDate: due.isEmpty ? nil : due, createdBy: user.id)
                try store.audit(AuditEntry(action: "module-assign", actorUserID: user.id, targetType: "assignment", targetID: String(id)))
                return .redirect(to: back)
            case ("GET", 4, "export.csv"), ("GET", 4, "export.json"):
                let format: CohortExport.Format = parts[3] == "export.csv" ? .csv : .json
                var body = ""
                try CohortExport(store: store, catalog: catalog).write(
                    cohortID: cohort.id, format: format, pseudonymize: request.queryValue("pseudonymes") == "1") { body += $0 }
                try store.audit(AuditEntry(action: "export", actorUserID: user.id, targetType: "cohort", targetID: String(cohort.id)))
                let name = "passerelle-cohorte-\(cohort.id).\(format.rawValue)"
                return HTTPResponse(status: 200, headers: [
                    HTTPField(name: "Content-Type", value: format == .csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8"),
                    HTTPField(name: "Content-Disposition", value: "attachment; filename=\"\(name)\""),
                    HTTPField(name: "Cache-Control", value: "no-store"),
                ], body: .bytes(Array(body.utf8)))
            case ("POST", 4, "debloquer"):
                guard let learnerID = Int64(request.formValue("apprenant") ?? ""),
                      try store.learners(cohortID: cohort.id).contains(where: { $0.id == learnerID }),
                      let moduleID = request.formValue("module"), catalog.module(id: moduleID) != nil else {
                    return errorResponse(request, status: 400, message: "Apprenant ou module inconnu.")
                }
                try store.unlockModule(learnerID: learnerID, moduleID: moduleID, by: user.id)
                try store.audit(AuditEntry(action: "module-unlock", actorUserID: user.id, targetType: "learner", targetID: String(learnerID)))
                return .redirect(to: back)
            case ("POST", 5, "relectures"):
                let comment = (request.formValue("commentaire") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !comment.isEmpty, comment.count <= 5000 else {
                    return errorResponse(request, status: 400, message: "Écrivez un commentaire (5 000 caractères au plus).")
                }
                guard let attemptID = Int64(parts[4]),
                      try store.addReview(attemptID: attemptID, cohortID: cohort.id, reviewerID: user.id, comment: comment) else {
                    return errorResponse(request, status: 404, message: "Ce travail n'existe pas dans cette cohorte.")
                }
                return .redirect(to: back + "#relectures")
            default:
                return errorResponse(request, status: 404, message: "Cette page n'existe pas.")
            }
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
    }

    private func trainerModulesPage(_ cohort: Cohort) throws -> HTTPResponse {
        let service = modulesService
        let learners = try store.learners(cohortID: cohort.id)
        var moduleIDs: [String] = []
        for learner in learners {
            for entry in try service.modules(for: learner) where !moduleIDs.contains(entry.module.id) {
                moduleIDs.append(entry.module.id)
            }
        }
        let modules: [[String: Any]] = try moduleIDs.compactMap { catalog.module(id: $0) }.map { module in
            ["title": module.title, "id": module.id, "rows": try learners.map { learner -> [String: Any] in
                let progress = try service.progress(learner, module)
                return ["learnerID": learner.id, "name": learner.displayName, "moduleID": module.id,
                        "state": WebApp.stateLabel(progress.state), "percent": Int((progress.fraction * 100).rounded()),
                        "locked": progress.state == .locked,
                        "help": progress.strugglingSets.isEmpty ? "" : "A besoin d'aide"]
            }]
        }
        let names = Dictionary(learners.map { ($0.id, $0.displayName) }, uniquingKeysWith: { a, _ in a })
        let submissions: [[String: Any]] = try store.submissions(cohortID: cohort.id).compactMap { submission in
            guard let module = catalog.module(id: submission.moduleID), let names = names[submission.learnerID],
                  let (_, activity) = module.activity(submission.activityID) else { return nil }
            let answer = (try? JSONSerialization.jsonObject(with: Data(submission.answer.utf8))) as? [String: Any] ?? [:]
            var lines: [[String: String]] = []
            switch activity.kind {
            case .reflection(let prompt, _):
                lines = [["question": Markdown.plainText(prompt), "answer": answer["text"] as? String ?? ""]]
            case .observationGrid(_, let parts):
                let answers = answer["answers"] as? [String: String] ?? [:]
                lines = parts.flatMap(\.questions).map { ["question": $0.text, "answer": answers[$0.id] ?? ""] }
                    .filter { !($0["answer"] ?? "").isEmpty }
            case .selfAssessment(_, _, let statements):
                let values = answer["values"] as? [String: Any] ?? [:]
                lines = statements.map { ["question": $0.text, "answer": "\(values[$0.id] ?? "—")"] }
            default: return nil
            }
            return ["attemptID": submission.attemptID, "learner": names, "module": module.title,
                    "activity": activity.typeName == "reflection" ? "Réflexion" : activity.typeName == "observation-grid"
                        ? "Grille d'observation" : "Auto-positionnement",
                    "date": String(submission.createdAt.prefix(10)), "lines": lines, "reviews": submission.reviews,
                    "reviewable": activity.typeName != "self-assessment"]
        }
        return .html(templates.render("formateur-modules", [
            "title": "Modules — \(cohort.name)", "cohort": cohort.name, "cohortID": cohort.id,
            "catalog": catalog.modules.map { ["id": $0.id, "title": $0.title] },
            "modules": modules, "hasModules": !modules.isEmpty,
            "submissions": submissions, "hasSubmissions": !submissions.isEmpty,
        ]))
    }
}
