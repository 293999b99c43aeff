import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// Assessment pages and their JSON API.
///
/// Learner pages: `POST /positionnements/{assignment}/commencer`, `GET /positionnement/{run}`,
/// `POST /positionnement/{run}/reponse`, `GET /positionnement/{run}/resultat`,
/// `POST /positionnement/{run}/partager`. Trainer pages: `POST /formateur/cohortes/{cohort}/positionnements`,
/// `GET /formateur/positionnements/{assignment}`. API: `GET|POST /api/assessments`,
/// `GET /api/assessments/{run}`, `POST /api/assessments/{run}/answers`, `GET /api/assessments/{run}/result`,
/// `POST /api/assessments/{run}/share`.
extension WebApp {
    // MARK: API (learners)

    /// Runs an API action for the signed-in learner, turning failures into JSON errors.
    func assessmentAPI(_ context: RouteContext, _ body: (Learner) throws -> HTTPResponse) -> HTTPResponse {
        guard let learner = context.learner else {
            return apiError(401, "Connectez-vous avec votre code d'accès pour passer une évaluation.")
        }
        do {
            return try body(learner)
        } catch let failure as AssessmentService.Failure {
            switch failure {
            case .notFound: return apiError(404, "Évaluation introuvable.")
            case .conflict(let message): return apiError(409, message)
            case .invalidAnswer(let message): return apiError(400, "Réponse refusée : \(message).")
            case .unavailable(let message): return apiError(503, "Évaluation indisponible : \(message).")
            }
        } catch {
            return apiError(500, WebApp.serverTrouble)
        }
    }

    /// `GET /api/assessments`: the positionings given to the learner and where each stands.
    func apiAssessmentList(_ learner: Learner) throws -> HTTPResponse {
        let runs = try store.assessments(learnerID: learner.id)
        let list: [[String: Any]] = try store.assignments(for: learner, kind: .assessment).map { assignment in
            let run = runs.first { $0.assignmentID == assignment.id }
            return ["assignment": assignment.id, "title": assessments.title(frameworkID: assignment.contentID),
                    "run": run.map { $0.id as Any } ?? NSNull(), "state": run?.state.rawValue ?? "not-started"]
        }
        return json(["assessments": list])
    }

    /// `POST /api/assessments`: starts (or takes up) the run of a positioning given to the learner.
    func apiStartAssessment(_ request: HTTPRequest, _ learner: Learner) throws -> HTTPResponse {
        guard let body = try? JSONDecoder().decode(StartAssessmentBody.self, from: Data(request.body)) else {
            return apiError(400, "Requête invalide : indiquez « assignment », le numéro de l'évaluation attribuée.")
        }
        let run = try assessments.start(learner: learner, assignmentID: body.assignment)
        return try viewJSON(assessments.view(run))
    }

    /// `POST /api/assessments/{run}/answers`: an answer (or « Je passe »), then the next question.
    func apiAnswer(_ request: HTTPRequest, _ record: AssessmentRecord) throws -> HTTPResponse {
        guard let body = AssessmentAnswerBody.decode(request.body) else {
            return apiError(400, "Requête invalide : indiquez « item » et « answer » (par exemple {\"choice\": \"a\"}).")
        }
        let spent = body.timeSpentMs?.milliseconds ?? 0
        let next = if let answer = body.answer {
            try assessments.answer(record, itemID: body.item, answer: answer, timeSpentMs: spent).next
        } else {
            try assessments.skip(record, itemID: body.item, timeSpentMs: spent)
        }
        return try viewJSON(next)
    }

    /// `GET /api/assessments/{run}/result`: the profile and the missed questions of a finished run.
    func apiResult(_ record: AssessmentRecord) throws -> HTTPResponse {
        guard record.state == .completed else {
            return apiError(409, "L'évaluation n'est pas terminée : le résultat n'est pas encore disponible.")
        }
        let (result, missed) = try assessments.result(record)
        guard var object = try JSONSerialization.jsonObject(with: JSONEncoder.sorted.encode(result)) as? [String: Any] else {
            return apiError(500, WebApp.serverTrouble)
        }
        object["shared"] = record.sharedAt != nil
        object["missed"] = missed.map { ["item": $0.item.id, "prompt": $0.promptHTML, "feedback": $0.feedbackHTML] }
        return json(object)
    }

    func apiView(_ record: AssessmentRecord) throws -> HTTPResponse { try viewJSON(assessments.view(record)) }

    /// A run's state and its current question, encoded straight from the view (once, without a dictionary).
    private func viewJSON(_ view: AssessmentView) throws -> HTTPResponse {
        struct Body: Encodable {
            var id: Int64
            var state: String
            var title: String
            var questionNumber: Int
            var answered: Int
            var remainingAtMost: Int
            var item: ItemView?
        }
        let body = Body(id: view.record.id, state: view.record.state.rawValue, title: view.title,
                        questionNumber: view.questionNumber, answered: view.answered,
                        remainingAtMost: view.remainingAtMost, item: view.itemView)
        return .json(try JSONEncoder.sorted.encode(body))
    }

    // MARK: Learner pages

    /// Runs a page action, turning service failures into French error pages.
    func failurePage(_ request: HTTPRequest, _ body: () throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try body()
        } catch let failure as AssessmentService.Failure {
            switch failure {
            case .notFound:
                return errorResponse(request, status: 404, message: "Cette évaluation n'existe pas ou ne vous est pas attribuée.")
            case .conflict(let message): return errorResponse(request, status: 409, message: message)
            case .invalidAnswer(let message): return errorResponse(request, status: 400, message: "Réponse refusée : \(message).")
            case .unavailable(let message):
                return errorResponse(request, status: 503, message: "Évaluation indisponible : \(message).")
            }
        } catch let error as StoreError {
            return errorResponse(request, status: 400, message: error.localizedDescription)
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
    }

    func questionPage(_ record: AssessmentRecord, error: String? = nil, status: Int = 200,
                              request: HTTPRequest? = nil) throws -> HTTPResponse {
        guard record.state == .started else { return .redirect(to: "/positionnement/\(record.id)/resultat") }
        let view = try assessments.view(record)
        guard let item = view.itemView else { return .redirect(to: "/positionnement/\(record.id)/resultat") }
        // A realistic indication, never the worst case: « environ N questions » from the engine's typical run.
        let typical = (try? assessments.settings(record)).flatMap { assessments.typicalLength($0) }
        let progressText: String
        let progressMax: Int
        if view.remainingAtMost <= 1 {
            progressText = "C'est peut-être la dernière question."
            progressMax = view.answered + 1
        } else if let typical, typical > view.answered {
            progressText = "Environ \(typical) questions en tout. Le test s'arrête dès qu'il en sait assez."
            progressMax = min(typical, view.answered + view.remainingAtMost)
        } else if typical != nil {
            progressText = "Encore quelques questions : le test s'arrête dès qu'il en sait assez."
            progressMax = view.answered + min(3, view.remainingAtMost)
        } else {
            progressText = "Le test s'arrête dès qu'il en sait assez sur vous."
            progressMax = view.answered + view.remainingAtMost
        }
        var context: [String: Any] = [
            "title": "Question \(view.questionNumber) — \(view.title)", "heading": view.title, "runID": record.id,
            "number": view.questionNumber, "remaining": view.remainingAtMost,
            "remainingText": progressText,
            "progressValue": view.answered, "progressMax": max(progressMax, 1),
            "itemID": item.id, "promptHTML": item.promptHTML, "spokenText": item.spokenText,
            "started": Int(Date().timeIntervalSince1970 * 1000),
        ]
        if let image = item.image { context["image"] = ["src": "/contenu/\(image.src)", "alt": image.alt] }
        // A refused answer, back after post/redirect/get: the message again, and what was entered.
        var given: [HTTPField] = []
        var message = error
        if let request, request.queryValue("refus") == item.id, let full = try? assessments.engine(try assessments.settings(record)).item(item.id) {
            given = ItemForm.keptFields(request.query)
            if case .failure(let problem) = ItemForm.answer(for: full, from: given) { message = problem.message }
        }
        context.merge(ItemForm.context(item, describedBy: "enonce", given: given)) { _, new in new }
        if let message { context["error"] = message }
        return .html(templates.render("question", context), status: status)
    }

    /// Reads the answer form of the current item's type.
    func answerFromForm(_ request: HTTPRequest, _ record: AssessmentRecord) throws -> HTTPResponse {
        let fields = request.formFields()
        func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
        guard let itemID = value("item") else { return try questionPage(record, error: "Réponse incomplète.", status: 400) }
        let started = Int(value("debut") ?? "") ?? 0
        let spent = started > 0 ? max(0, Int(Date().timeIntervalSince1970 * 1000) - started) : 0
        if value("passer") == "1" {
            try assessments.skip(record, itemID: itemID, timeSpentMs: RequestBounds.clampedMilliseconds(Double(spent)))
            return .redirect(to: "/positionnement/\(record.id)")
        }
        let engine = try assessments.engine(try assessments.settings(record))
        guard let item = engine.item(itemID) else { throw AssessmentService.Failure.conflict("Cette question n'existe plus.") }
        let answer: ItemAnswer
        switch ItemForm.answer(for: item, from: fields) {
        case .success(let read): answer = read
        case .failure: return .redirect(to: "/positionnement/\(record.id)" + ItemForm.refusalQuery(itemID, fields))
        }
        try assessments.answer(record, itemID: itemID, answer: answer, timeSpentMs: RequestBounds.clampedMilliseconds(Double(spent)))
        return .redirect(to: "/positionnement/\(record.id)")
    }

    /// Where to read again after missing a question of `skillID`: the lesson of its tube
    /// (`Curriculum/revisions.yaml`), as a link when the learner may open that module, else named.
    func revision(forSkill skillID: String, frameworkID: String, openModules: Set<String>) -> [String: Any]? {
        guard let framework = catalog.framework(id: frameworkID),
              let tube = framework.competences.flatMap(\.tubes).first(where: { $0.skills.contains { $0.id == skillID } }),
              let link = catalog.revisionLinks[tube.id], let module = catalog.module(id: link.moduleID),
              let lesson = module.lessons.first(where: { $0.id == link.lessonID }) else { return nil }
        let section = link.sectionID.flatMap { id in lesson.sections.first { $0.id == id }?.title }
        let title = section.map { "« \($0) », dans la leçon « \(lesson.title) »" } ?? "la leçon « \(lesson.title) »"
        var entry: [String: Any] = ["title": title, "module": module.title]
        if openModules.contains(module.id) { entry["href"] = link.path }
        return entry
    }

    func resultPage(_ record: AssessmentRecord, learner: Learner) throws -> HTTPResponse {
        guard record.state == .completed else { return .redirect(to: "/positionnement/\(record.id)") }
        let (result, missed) = try assessments.result(record)
        let service = modulesService
        let openModules = Set(try service.modules(for: learner).filter { entry in
            (try? service.progress(learner, entry.module).state) != .locked
        }.map(\.module.id))
        let rows: [[String: Any]] = result.competences.map { competence in
            var row: [String: Any] = ["id": competence.competenceID, "title": competence.title,
                                      "level": competence.level.map { "\($0)" } ?? "non évalué",
                                      "answered": competence.answered]
            row["pix"] = competence.pix.map { "\($0)" } ?? "—"
            return row
        }
        // Missed questions, grouped by competence and folded: the profile comes first on a phone.
        let stored = Dictionary((try store.answers(assessmentID: record.id)).map { ($0.itemID, $0.answer) }) { first, _ in first }
        var competenceOf: [String: (id: String, title: String)] = [:]
        for competence in catalog.framework(id: record.frameworkID)?.competences ?? [] {
            for skill in competence.tubes.flatMap(\.skills) { competenceOf[skill.id] = (competence.id, competence.title) }
        }
        var groups: [(id: String, title: String, items: [[String: Any]])] = []
        for entry in missed {
            let competence = competenceOf[entry.item.skillID] ?? ("", "Autres questions")
            var row: [String: Any] = [
                "prompt": entry.promptHTML, "feedback": entry.feedbackHTML,
                "yours": AnswerExplanation.yours(entry.item, storedAnswer: stored[entry.item.id] ?? "{}"),
                "right": AnswerExplanation.right(entry.item),
            ]
            if let revision = revision(forSkill: entry.item.skillID, frameworkID: record.frameworkID, openModules: openModules) {
                row["revision"] = revision
            }
            if let index = groups.firstIndex(where: { $0.id == competence.id }) { groups[index].items.append(row) } else {
                groups.append((competence.id, competence.title, [row]))
            }
        }
        return .html(templates.render("resultat", [
            "title": "Mon profil — \(assessments.title(frameworkID: record.frameworkID))",
            "heading": assessments.title(frameworkID: record.frameworkID), "runID": record.id,
            "chart": ProfileChart.svg(result), "rows": rows, "maxLevel": result.maxLevel,
            "totalPix": result.totalPix.map { "\($0)" } ?? "", "hasPix": result.totalPix != nil,
            "groups": groups.map { group in
                ["id": group.id, "title": group.title, "items": group.items,
                 "count": group.items.count == 1 ? "1 question à revoir" : "\(group.items.count) questions à revoir"] as [String: Any]
            },
            "hasMissed": !missed.isEmpty, "shared": record.sharedAt != nil,
        ]))
    }

    // MARK: Trainer pages

    private func visibleCohort(_ cohortID: Int64, to user: StaffUser) throws -> Cohort {
        guard let cohort = try store.cohorts(visibleTo: user).first(where: { $0.id == cohortID }) else {
            throw AssessmentService.Failure.notFound
        }
        return cohort
    }

    /// Progress of every learner; results only once shared.
    func trainerAssessmentPage(assignmentID: Int64, user: StaffUser, opened: Bool = false) throws -> HTTPResponse {
        guard let assignment = try store.assignment(id: assignmentID), assignment.kind == .assessment,
              let cohortID = assignment.cohortID else { throw AssessmentService.Failure.notFound }
        let cohort = try visibleCohort(cohortID, to: user)
        let runs = try store.assessments(assignmentID: assignmentID)
        let framework = catalog.framework(id: assignment.contentID)
        let rows: [[String: Any]] = try store.learners(cohortID: cohort.id).map { learner in
            let run = runs.first { $0.learnerID == learner.id }
            var row: [String: Any] = ["name": learner.displayName, "link": "/formateur/apprenants/\(learner.id)"]
            if let run {
                switch run.state {
                case .started:
                    let answered = try store.answers(assessmentID: run.id).count
                    row["state"] = answered == 1 ? "En cours (1 réponse)" : "En cours (\(answered) réponses)"
                case .completed, .abandoned:
                    row["state"] = run.sharedAt == nil ? "Terminé, non partagé" : "Terminé et partagé"
                }
            } else {
                row["state"] = "Pas commencé"
            }
            if let run, let result = SharedResults.result(of: run) {
                let levels = result.competences.filter { $0.answered > 0 }
                    .map { "\($0.competenceID) : " + ($0.level.map { "niveau \($0)" } ?? "non évalué") }
                if !levels.isEmpty { row["levels"] = levels.joined(separator: " · ") }
            } else if run?.state == .completed {
                row["notShared"] = true
            }
            return row
        }
        let chosen = try? JSONDecoder().decode(AssessmentAssignment.self, from: Data(assignment.settings.utf8))
        let targeted = chosen?.settings.profile.map { profile in
            (framework?.competences ?? []).filter { competence in competence.tubes.contains { profile.tubes[$0.id] != nil } }
                .map { "\($0.id) \($0.title)" }.joined(separator: ", ")
        }
        var context: [String: Any] = [
            "title": "Suivi du positionnement", "cohort": cohort.name, "cohortID": cohort.id,
            "framework": framework?.title ?? assignment.contentID,
            "profile": targeted.flatMap { $0.isEmpty ? nil : $0 } ?? "toutes les compétences",
            "purpose": (chosen?.purposeLabel ?? "positionnement").prefix(1).uppercased() + (chosen?.purposeLabel ?? "positionnement").dropFirst(),
            "opened": French.day(assignment.createdAt), "rows": rows,
        ]
        if let algorithm = chosen?.settings.algorithm { context["algorithm"] = algorithm.label }
        if opened { context["justOpened"] = true }
        if let due = assignment.dueDate { context["due"] = French.day(due) }
        if let settings = chosen?.settings, let typical = assessments.typicalLength(settings) { context["typical"] = typical }
        if let days = chosen?.settings.carryOverDays { context["carryOverDays"] = days }
        return .html(templates.render("formateur-positionnement", context))
    }
}

/// The learner's profile as an SVG bar chart (levels per competence). The page also gives a table.
enum ProfileChart {
    /// One row per competence: its code and name on a line, the level bar under it (names, not only codes,
    /// so that the chart reads on its own; the table beside it gives the same figures).
    static func svg(_ result: AssessmentResult) -> String {
        let labelHeight = 18, barHeight = 18, gap = 12, chartWidth = 300
        let rows = result.competences
        let rowHeight = labelHeight + barHeight + gap
        let height = rows.count * rowHeight + 10
        func short(_ text: String) -> String { text.count <= 46 ? text : String(text.prefix(45)) + "…" }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(chartWidth + 40) \(height)\" "
            + "role=\"img\" aria-labelledby=\"graphique-titre\" class=\"chart\">"
            + "<title id=\"graphique-titre\">Niveau atteint dans chaque compétence, sur \(result.maxLevel)</title>"
        for (index, competence) in rows.enumerated() {
            let y = index * rowHeight + 4
            let width = result.maxLevel == 0 ? 0 : chartWidth * (competence.level ?? 0) / result.maxLevel
            svg += "<text x=\"0\" y=\"\(y + 13)\" class=\"chart-label\">\(HTML.escape(short("\(competence.competenceID) \(competence.title)")))</text>"
            svg += "<rect x=\"0\" y=\"\(y + labelHeight)\" width=\"\(chartWidth)\" height=\"\(barHeight)\" class=\"chart-track\"/>"
            svg += "<rect x=\"0\" y=\"\(y + labelHeight)\" width=\"\(width)\" height=\"\(barHeight)\" class=\"chart-bar\"/>"
            svg += "<text x=\"\(chartWidth + 8)\" y=\"\(y + labelHeight + 14)\" class=\"chart-value\">\(competence.level.map { "\($0)" } ?? "non évalué")</text>"
        }
        return svg + "</svg>"
    }
}
