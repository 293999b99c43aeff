import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// Module pages and their JSON API.
///
/// Pages: `GET /modules/{id}`, `GET /modules/{id}/lecons/{lesson}`, `POST /modules/{id}/lecons/{lesson}/lue`,
/// `GET /modules/{id}/activites/{set}`, `POST /modules/{id}/activites/{set}/{activity}`.
/// API: `GET /api/modules`, `GET /api/modules/{id}`, `POST /api/modules/{id}/lessons/{lesson}`,
/// `POST /api/modules/{id}/activities/{activity}`, `PUT /api/modules/{id}/drafts/{activity}`.
extension WebApp {
    var modulesService: ModuleService { ModuleService(store: store, catalog: catalog) }

    /// Runs `body` for the signed-in learner and the module named in the path (one the learner may see),
    /// and turns a failure into a page, or a JSON error on the API.
    func moduleAction(_ context: RouteContext, api: Bool = false,
                      _ body: (Learner, Module, ModuleService) throws -> HTTPResponse) -> HTTPResponse {
        guard let learner = context.learner else {
            return api ? apiError(401, "Connectez-vous avec votre code d'accès.") : .redirect(to: "/connexion")
        }
        let service = modulesService
        do {
            return try body(learner, try service.module(context["module"], for: learner), service)
        } catch let failure as ModuleService.Failure {
            let (status, message): (Int, String) = switch failure {
            case .notFound: (404, "Ce module, cette leçon ou cette activité n'existe pas ou ne vous est pas attribué.")
            case .locked(let text): (403, text)
            case .invalid(let text): (400, "Réponse refusée : \(text).")
            }
            return api ? apiError(status, message) : errorResponse(context.request, status: status, message: message)
        } catch {
            return api ? apiError(500, WebApp.serverTrouble) : errorResponse(context.request, status: 500, message: WebApp.serverTrouble)
        }
    }

    // MARK: API

    /// `GET /api/modules`: the learner's modules and their progress.
    func apiModules(_ context: RouteContext) -> HTTPResponse {
        guard let learner = context.learner else { return apiError(401, "Connectez-vous avec votre code d'accès.") }
        let service = modulesService
        do {
            return json(["modules": try service.modules(for: learner).map { entry in
                progressJSON(entry.module, try service.progress(learner, entry.module))
            }])
        } catch {
            return apiError(500, WebApp.serverTrouble)
        }
    }

    /// The JSON object of a request body; a failure the learner can read otherwise.
    static func jsonObject(_ request: HTTPRequest) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
            throw ModuleService.Failure.invalid("un objet JSON est attendu")
        }
        return object
    }

    /// `POST /api/modules/{module}/lessons/{lesson}`: a lesson opened (`{"completed": false}`) or read.
    func apiVisitLesson(_ context: RouteContext, _ learner: Learner, _ module: Module, _ service: ModuleService) throws -> HTTPResponse {
        let completed = (try? WebApp.jsonObject(context.request))?["completed"] as? Bool ?? true
        try service.visitLesson(learner, module, context["lesson"], completed: completed)
        return json(progressJSON(module, try service.progress(learner, module)))
    }

    /// `POST /api/modules/{module}/activities/{activity}`: one answer, its feedback and the new progress.
    func apiSubmitActivity(_ context: RouteContext, _ learner: Learner, _ module: Module, _ service: ModuleService) throws -> HTTPResponse {
        let payload = try WebApp.jsonObject(context.request)
        let spent = RequestBounds.milliseconds(payload["timeSpentMs"])
        let outcome = try service.submit(learner, module, activityID: context["activity"],
                                         payload: payload["answer"] as? [String: Any] ?? payload, timeSpentMs: spent)
        var object: [String: Any] = ["feedback": outcome.feedbackHTML, "parts": outcome.parts, "over": outcome.scenarioOver]
        object["correct"] = outcome.correct.map { $0 as Any } ?? NSNull()
        object["progress"] = progressJSON(module, try service.progress(learner, module))
        return json(object)
    }

    func progressJSON(_ module: Module, _ progress: ModuleProgress) -> [String: Any] {
        ["id": module.id, "title": module.title, "state": progress.state.rawValue,
         "progress": (progress.fraction * 100).rounded() / 100, "masteredSets": progress.masteredSets.sorted(),
         "needsHelp": progress.strugglingSets.sorted()]
    }

    // MARK: Pages

    /// Today in Europe/Paris, as `yyyy-MM-dd`.
    static func today() -> String { French.today() }

    /// True when a due date (`yyyy-MM-dd`) has passed and the work is not done.
    static func isOverdue(_ due: String?, done: Bool, today: String = WebApp.today()) -> Bool {
        guard let due, !done else { return false }
        return due < today
    }

    /// `2026-12-31` as `31/12/2026` (`French.day`, the one format of every page).
    static func frenchDay(_ day: String) -> String { French.day(day) }

    public static func stateLabel(_ state: ModuleState) -> String {
        switch state {
        case .locked: return "Verrouillé"
        case .notStarted: return "Pas commencé"
        case .inProgress: return "En cours"
        case .complete: return "Terminé"
        }
    }

    /// Where « Continuer » / « Reprendre » leads in a module: the lesson last opened, or the activity last
    /// answered (its set's page, at that activity), whichever is the most recent; nil before any visit.
    func resumePlace(_ learner: Learner, _ module: Module) -> (href: String, title: String)? {
        guard let place = try? store.lastPlace(learnerID: learner.id, moduleID: module.id) else { return nil }
        if place.isLesson, let lesson = module.lessons.first(where: { $0.id == place.id }) {
            return ("/modules/\(module.id)/lecons/\(lesson.id)", "Leçon : \(lesson.title)")
        }
        if let set = module.activitySets.first(where: { $0.id == place.id }) {
            return ("/modules/\(module.id)/activites/\(set.id)" + (place.activityID.map { "#activite-\($0)" } ?? ""),
                    "Activités : \(set.title)")
        }
        return nil
    }

    /// Cards for the learner's home page, in the order to work: in progress, to do, locked, done.
    func moduleRows(for learner: Learner) -> [[String: Any]] {
        let service = modulesService
        let entries = ((try? service.modules(for: learner)) ?? []).enumerated().map { index, entry in
            (index, entry, try? service.progress(learner, entry.module))
        }
        let today = WebApp.today()  // once for all the cards
        func rank(_ state: ModuleState?) -> Int {
            switch state {
            case .inProgress?: return 0
            case .notStarted?, nil: return 1
            case .locked?: return 2
            case .complete?: return 3
            }
        }
        return entries.sorted { (rank($0.2?.state), $0.0) < (rank($1.2?.state), $1.0) }.map { _, entry, progress in
            let state = progress?.state ?? .notStarted
            let percent = Int(((progress?.fraction ?? 0) * 100).rounded())
            var row: [String: Any] = [
                "id": entry.module.id, "title": entry.module.title, "state": WebApp.stateLabel(state),
                "percent": percent,
                "overdue": WebApp.isOverdue(entry.dueDate, done: state == .complete, today: today),
                "locked": state == .locked, "complete": state == .complete, "inProgress": state == .inProgress,
            ]
            if let due = entry.dueDate { row["due"] = "À terminer avant le \(French.day(due))" }
            if entry.module.duration > 0 { row["duration"] = entry.module.duration }
            if state == .locked {
                let titles = entry.module.prerequisites.compactMap { catalog.module(id: $0)?.title }
                row["lockReason"] = "S'ouvrira quand vous aurez terminé : \(titles.joined(separator: ", "))."
            }
            return row
        }
    }

    /// The one thing to do next on the home page: a positioning in progress, else the module in progress
    /// (at the exact place), else the first module to start; nil when everything is done.
    func nextStep(for learner: Learner, modules rows: [[String: Any]], assessments: [[String: Any]]) -> [String: Any]? {
        if let run = assessments.first(where: { $0["inProgress"] as? Bool == true }), let id = run["runID"] {
            return ["label": "Reprendre le positionnement", "title": run["title"] ?? "", "href": "/positionnement/\(id)"]
        }
        let service = modulesService
        let open = rows.compactMap { row -> Module? in
            guard row["locked"] as? Bool == false, row["complete"] as? Bool == false, let id = row["id"] as? String else { return nil }
            return try? service.module(id, for: learner)
        }
        // The module already begun (in the order of the rows: in progress first), at the exact place…
        for module in open {
            if let place = resumePlace(learner, module) {
                return ["label": "Continuer", "title": module.title, "detail": place.title, "href": place.href]
            }
        }
        // …else the first one to start.
        if let module = open.first {
            return ["label": "Commencer", "title": module.title, "href": "/modules/\(module.id)"]
        }
        if let run = assessments.first(where: { $0["notStarted"] as? Bool == true }), let title = run["title"] {
            return ["label": "Voir le positionnement à passer", "title": title, "href": "#titre-evaluations"]
        }
        return nil
    }

    func modulePage(_ learner: Learner, _ module: Module, _ service: ModuleService) throws -> HTTPResponse {
        let progress = try service.progress(learner, module)
        let record = try service.record(learner, module)
        let lessons: [[String: Any]] = module.lessons.enumerated().map { index, lesson in
            ["id": lesson.id, "number": index + 1, "title": lesson.title, "duration": lesson.duration,
             "read": record.lessonsRead.contains(lesson.id)]
        }
        let sets: [[String: Any]] = module.activitySets.map { set in
            ["id": set.id, "title": set.title, "count": set.activities.count, "rule": set.mastery.label,
             "mastered": progress.masteredSets.contains(set.id),
             "percent": Int(((progress.setProgress[set.id] ?? 0) * 100).rounded())]
        }
        var context: [String: Any] = [
            "title": module.title, "id": module.id, "moduleID": module.id, "summary": module.summary, "objectives": module.objectives,
            "duration": module.duration, "state": WebApp.stateLabel(progress.state),
            "percent": Int((progress.fraction * 100).rounded()), "lessons": lessons, "sets": sets,
            "locked": progress.state == .locked, "complete": progress.state == .complete,
        ]
        if progress.state == .locked {
            context["lockMessage"] = "Ce module s'ouvrira quand vous aurez terminé : "
                + module.prerequisites.compactMap { catalog.module(id: $0)?.title }.joined(separator: ", ")
                + ". Votre formateur peut aussi l'ouvrir."
        }
        if let place = resumePlace(learner, module) {
            context["resume"] = ["href": place.href, "title": place.title]
        }
        return .html(templates.render("module", context))
    }

    func lessonPage(_ learner: Learner, _ module: Module, _ lessonID: String, _ service: ModuleService) throws -> HTTPResponse {
        guard let index = module.lessons.firstIndex(where: { $0.id == lessonID }) else { throw ModuleService.Failure.notFound }
        // Reading changes nothing: the page's script records the visit with a POST (lecon.js).
        let record = try service.record(learner, module)
        try service.requireOpen(learner, module, record: record)
        let lesson = module.lessons[index]
        let read = record.lessonsRead.contains(lessonID)
        var context: [String: Any] = [
            "title": "\(lesson.title) — \(module.title)", "module": module.title, "moduleID": module.id,
            "lessonID": lesson.id, "lessonTitle": lesson.title, "duration": lesson.duration,
            "objectives": lesson.objectives, "html": lesson.html,
            "spokenText": lesson.spokenText, "number": index + 1, "total": module.lessons.count,
            "read": read,
        ]
        let sources = lesson.citedSources.compactMap { catalog.sourceLabels[$0] }
        if !sources.isEmpty {
            context["sources"] = sources
            context["hasSources"] = true
        }
        if index > 0 { context["previous"] = ["id": module.lessons[index - 1].id, "title": module.lessons[index - 1].title] }
        if index + 1 < module.lessons.count {
            context["next"] = ["id": module.lessons[index + 1].id, "title": module.lessons[index + 1].title]
        }
        if let set = module.activitySets.first(where: { $0.after == lesson.id }) {
            context["practice"] = ["id": set.id, "title": set.title]
        }
        return .html(templates.render("lecon", context))
    }

    /// Where to go once a lesson is read: its activities, else the next lesson, else the module page.
    func nextPlace(after lessonID: String, in module: Module) -> String {
        if let set = module.activitySets.first(where: { $0.after == lessonID }) {
            return "/modules/\(module.id)/activites/\(set.id)"
        }
        if let index = module.lessons.firstIndex(where: { $0.id == lessonID }), index + 1 < module.lessons.count {
            return "/modules/\(module.id)/lecons/\(module.lessons[index + 1].id)"
        }
        return "/modules/\(module.id)"
    }

    func activitySetPage(_ learner: Learner, _ module: Module, _ setID: String, _ service: ModuleService,
                                 request: HTTPRequest, problem: (activityID: String, message: String)? = nil,
                                 status: Int = 200) throws -> HTTPResponse {
        guard let set = module.activitySet(setID) else { throw ModuleService.Failure.notFound }
        try service.requireOpen(learner, module)
        let progress = try service.progress(learner, module)
        let attempts = try store.attempts(learnerID: learner.id, moduleID: module.id)
        let done = request.queryValue("fait")
        let reviews = try store.reviews(learnerID: learner.id, moduleID: module.id)
        let activities: [[String: Any]] = try set.activities.enumerated().map { index, activity in
            var entry: [String: Any] = ["id": activity.id, "activityID": activity.id, "number": index + 1, "setID": set.id,
                                        "moduleID": module.id]
            let latest = attempts.last { $0.activityID == activity.id }
            if let latest {
                entry["status"] = latest.result == "correct" ? "Réussie" : latest.result == "incorrect" ? "À retravailler" : "Envoyée"
            }
            if activity.id == done, let latest {
                var result: [String: Any] = ["correct": latest.result == "correct", "wrong": latest.result == "incorrect",
                                             "submitted": latest.result == "submitted", "isMission": activity.typeName == "mission"]
                result["feedback"] = feedbackHTML(for: activity, attempt: latest)
                entry["result"] = result
            }
            if let problem, problem.activityID == activity.id { entry["error"] = problem.message }
            if let comments = reviews[activity.id] { entry["reviews"] = comments }
            // A refused answer, back after post/redirect/get: the message at the activity, the input kept.
            let refused = request.queryValue("refus") == activity.id ? ItemForm.keptFields(request.query) : []
            switch activity.kind {
            case .item(let item):
                if request.queryValue("refus") == activity.id, case .failure(let problem) = ItemForm.answer(for: item, from: refused) {
                    entry["error"] = problem.message
                }
                let view = ItemView(item, seed: "\(learner.id)-\(attempts.count)")
                entry["item"] = ItemForm.context(view, prefix: "\(activity.id)-", describedBy: "consigne-\(activity.id)", given: refused)
                    .merging(["promptHTML": view.promptHTML, "spokenText": view.spokenText]) { a, _ in a }
            case .scenario(let scenario):
                let path = try service.scenarioPath(learner, module, activity.id)
                let walk = try (try? scenario.walk(path)) ?? scenario.walk([])
                entry["scenario"] = [
                    "title": scenario.title, "promptHTML": Markdown.html(scenario.prompt),
                    "past": walk.path.map { ["step": $0.step.text, "choice": $0.choice.text,
                                             "feedback": Markdown.html($0.choice.feedback),
                                             "consequence": $0.choice.consequence] },
                    "current": walk.current.map { step in
                        ["id": step.id, "text": step.text, "choices": step.choices.map { ["id": $0.id, "text": $0.text] }]
                    } as Any,
                ]
            case .selfAssessment(let prompt, let scale, let statements):
                let draft = service.draft(learner, module, activityID: activity.id)["values"] as? [String: Any] ?? [:]
                entry["likert"] = [
                    "promptHTML": Markdown.html(prompt), "minLabel": scale.minLabel, "maxLabel": scale.maxLabel,
                    "statements": statements.map { statement in
                        ["id": statement.id, "text": statement.text,
                         "values": (scale.min...scale.max).map { value in
                             ["value": value, "checked": "\(draft[statement.id] ?? "")" == "\(value)"] }]
                    },
                ]
            case .observationGrid(let prompt, let parts):
                // What was last sent stays visible to its author, with the trainer's comments above it.
                if let latest, latest.result == "submitted",
                   let sent = (try? JSONSerialization.jsonObject(with: Data(latest.answer.utf8)) as? [String: Any])?["answers"] as? [String: Any] {
                    let lines = parts.flatMap(\.questions).compactMap { question -> String? in
                        guard let text = sent[question.id] as? String, !text.isEmpty else { return nil }
                        return "\(question.text) — \(text)"
                    }
                    if !lines.isEmpty { entry["sent"] = lines; entry["hasSent"] = true }
                }
                let draft = service.draft(learner, module, activityID: activity.id)["answers"] as? [String: Any] ?? [:]
                entry["grid"] = ["promptHTML": Markdown.html(prompt), "parts": parts.map { part in
                    ["title": part.title, "questions": part.questions.map {
                        ["id": $0.id, "text": $0.text, "draft": draft[$0.id] as? String ?? ""] }]
                }]
            case .mission(let mission):
                entry["mission"] = try missionEntry(learner, module, activityID: activity.id, mission)
            case .reflection(let prompt, let guidance):
                if let latest, latest.result == "submitted",
                   let text = (try? JSONSerialization.jsonObject(with: Data(latest.answer.utf8)) as? [String: Any])?["text"] as? String,
                   !text.isEmpty {
                    entry["sent"] = [text]
                    entry["hasSent"] = true
                }
                let draft = service.draft(learner, module, activityID: activity.id)["text"] as? String ?? ""
                entry["reflection"] = ["promptHTML": Markdown.html(prompt), "guidance": guidance, "draft": draft]
            }
            return entry
        }
        var context: [String: Any] = [
            "title": "\(set.title) — \(module.title)", "module": module.title, "moduleID": module.id,
            "setTitle": set.title, "rule": set.mastery.label, "activities": activities,
            "mastered": progress.masteredSets.contains(set.id),
            "percent": Int(((progress.setProgress[set.id] ?? 0) * 100).rounded()),
            "needsHelp": progress.strugglingSets.contains(set.id),
            "started": Int(Date().timeIntervalSince1970 * 1000),
        ]
        // The way on: the lesson after the one these activities practise.
        if let index = module.lessons.firstIndex(where: { $0.id + ".md" == set.after || $0.id == set.after }),
           index + 1 < module.lessons.count {
            context["nextLesson"] = ["id": module.lessons[index + 1].id, "title": module.lessons[index + 1].title]
        }
        return .html(templates.render("activites", context), status: status)
    }

    private func feedbackHTML(for activity: Activity, attempt: Store.AttemptRecord) -> String {
        let text: String
        switch activity.kind {
        case .item(let item):
            if let answer = try? JSONSerialization.jsonObject(with: Data(attempt.answer.utf8)) as? [String: Any],
               let id = answer["choice"] as? String, let chosen = item.choices.first(where: { $0.id == id }),
               !chosen.feedback.isEmpty {
                text = chosen.feedback + "\n\n" + item.feedback
            } else {
                text = item.feedback
            }
            return Markdown.html(text) + sourcesHTML(cited: text)
        case .scenario(let scenario):
            guard let answer = try? JSONSerialization.jsonObject(with: Data(attempt.answer.utf8)) as? [String: Any],
                  let path = answer["path"] as? [String], let walk = try? scenario.walk(path) else { return "" }
            return walk.path.map { Markdown.html("**\($0.choice.text)** — \($0.choice.feedback)") }.joined()
                + sourcesHTML(cited: walk.path.map(\.choice.feedback).joined(separator: " "))
        case .mission: return Markdown.html("Le bilan de chaque essai se relit avec les liens « Vos essais » ci-dessous.")
        case .selfAssessment: return Markdown.html("Merci : vos réponses sont enregistrées.")
        case .observationGrid, .reflection: return Markdown.html("Envoyé à votre formateur, qui le relira.")
        }
    }

    /// « D'après : … » under a feedback, naming in plain words the documents its text cites (never the files).
    private func sourcesHTML(cited text: String) -> String {
        let labels = SourceReferences.files(in: text).compactMap { catalog.sourceLabels[$0] }
        guard !labels.isEmpty else { return "" }
        return "<p class=\"feedback-sources\" data-no-read>D'après : " + labels.map(HTML.escape).joined(separator: " ; ") + ".</p>"
    }

    func submitFromForm(_ request: HTTPRequest, _ learner: Learner, _ module: Module, setID: String,
                                activityID: String, _ service: ModuleService) throws -> HTTPResponse {
        guard let (set, activity) = module.activity(activityID), set.id == setID else { throw ModuleService.Failure.notFound }
        let fields = request.formFields()
        func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
        let payload: [String: Any]
        switch activity.kind {
        case .item(let item):
            switch ItemForm.answer(for: item, from: fields) {
            case .success(let answer):
                payload = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(answer)) as? [String: Any]) ?? [:]
            case .failure:
                // Post/redirect/get: back to the page, at the activity, with what was entered; the page
                // works out the message again from those fields.
                return .redirect(to: "/modules/\(module.id)/activites/\(setID)" + ItemForm.refusalQuery(activityID, fields)
                                 + "#activite-\(activityID)")
            }
        case .scenario:
            payload = ["step": value("etape") ?? "", "choice": value("choix") ?? ""]
        case .selfAssessment(_, _, let statements):
            payload = ["values": Dictionary(statements.map { ($0.id, value("note_\($0.id)") ?? "") }, uniquingKeysWith: { a, _ in a })]
        case .observationGrid(_, let parts):
            payload = ["answers": Dictionary(parts.flatMap(\.questions).map { ($0.id, value("obs_\($0.id)") ?? "") },
                                             uniquingKeysWith: { a, _ in a })]
        case .reflection:
            payload = ["text": value("texte") ?? ""]
        case .mission:
            // A mission is started by its own route; a form posted here opens it too.
            try service.requireOpen(learner, module)
            let id = try store.startSandboxAttempt(learnerID: learner.id, moduleID: module.id, activityID: activity.id,
                                                   mailCode: WebApp.newMailCode())
            return .redirect(to: "/bac-a-sable/\(id)")
        }
        do {
            let started = Int(value("debut") ?? "") ?? 0
            let spent = started > 0 ? RequestBounds.clampedMilliseconds(Date().timeIntervalSince1970 * 1000 - Double(started)) : 0
            let outcome = try service.submit(learner, module, activityID: activityID, payload: payload, timeSpentMs: spent)
            let anchor = "#activite-\(activityID)"
            if !outcome.scenarioOver { return .redirect(to: "/modules/\(module.id)/activites/\(setID)\(anchor)") }
            return .redirect(to: "/modules/\(module.id)/activites/\(setID)?fait=\(activityID)\(anchor)")
        } catch ModuleService.Failure.invalid(let message) {
            return try activitySetPage(learner, module, setID, service, request: request,
                                       problem: (activityID, "Réponse refusée : \(message)."), status: 400)
        }
    }
}
