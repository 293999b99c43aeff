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
    /// Runs a handler for the signed-in staff member and the cohort named in the path (the router has
    /// checked the cohort is visible to them), turning failures into an error page.
    func cohortAction(_ context: RouteContext, _ body: (StaffUser, Cohort) throws -> HTTPResponse) -> HTTPResponse {
        guard let user = context.staff else { return .redirect(to: "/connexion") }
        do {
            guard let id = context.integer("cohort"), let cohort = try store.cohort(id: id) else {
                return errorResponse(context.request, status: 404, message: "Cette cohorte n'existe pas ou ne vous est pas confiée.")
            }
            return try body(user, cohort)
        } catch {
            return errorResponse(context.request, status: 500, message: WebApp.serverTrouble)
        }
    }

    static func modulesPage(of cohort: Cohort) -> String { "/formateur/cohortes/\(cohort.id)/modules" }

    /// `POST /formateur/cohortes/{cohort}/modules`: a module, or a whole programme, for the cohort, a group or a learner.
    func assignModules(_ request: HTTPRequest, _ user: StaffUser, _ cohort: Cohort) throws -> HTTPResponse {
        let back = WebApp.modulesPage(of: cohort)
        let choice = request.formValue("module") ?? ""
        // A module, or a whole programme ("parcours:<id>") assigned module by module, in order.
        let moduleIDs = choice.hasPrefix("parcours:") ? catalog.programme(id: String(choice.dropFirst("parcours:".count)))?.modules ?? []
            : (catalog.module(id: choice) != nil ? [choice] : [])
        // Refused: the same page again, the message at the form and what was chosen kept (nothing is saved).
        guard !moduleIDs.isEmpty else {
            return try trainerModulesPage(cohort, request: request, refusal: ("Choisissez un module ou un parcours de la liste : "
                                                                              + "rien n'a été enregistré.", false))
        }
        guard let due = WebApp.dueDate(request.formValue("echeance")) else {
            // A date picker cannot show a day that does not exist: the message repeats what was typed.
            let typed = String((request.formValue("echeance") ?? "").prefix(20))
            return try trainerModulesPage(cohort, request: request, refusal: ("Date non reconnue : « \(typed) ». " + WebApp.dateHelp, true))
        }
        guard let target = try assignmentTarget(request, cohort) else {
            return try trainerModulesPage(cohort, request: request, refusal: ("Ce groupe ou cet apprenant n'est pas dans la cohorte : "
                                                                              + "rien n'a été enregistré.", false))
        }
        for moduleID in moduleIDs {
            let id = try store.createAssignment(cohortID: target.learnerID == nil ? cohort.id : nil, learnerID: target.learnerID,
                                                group: target.group, kind: .module, contentID: moduleID, dueDate: due,
                                                createdBy: user.id)
            try store.audit(AuditEntry(action: "module-assign", actorUserID: user.id, targetType: "assignment", targetID: String(id)))
        }
        return .redirect(to: back)
    }

    /// `GET /formateur/cohortes/{cohort}/export.csv|json`.
    func cohortExport(_ request: HTTPRequest, _ user: StaffUser, _ cohort: Cohort, csv: Bool) throws -> HTTPResponse {
        let format: CohortExport.Format = csv ? .csv : .json
        try store.audit(AuditEntry(action: "export", actorUserID: user.id, targetType: "cohort", targetID: String(cohort.id)))
        return try WebApp.streamedDownload(
            name: "passerelle-cohorte-\(cohort.id).\(format.rawValue)",
            type: format == .csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8") { emit in
            try CohortExport(store: store, catalog: catalog, assessments: assessments).write(
                cohortID: cohort.id, format: format, pseudonymize: request.queryValue("pseudonymes") == "1", emit: emit)
        }
    }

    /// `POST /formateur/cohortes/{cohort}/apprenants`: one learner typed in, or a list pasted or chosen as a file.
    func addLearners(_ request: HTTPRequest, _ user: StaffUser, _ cohort: Cohort) throws -> HTTPResponse {
        if request.formValue("csv") != nil { return try importLearners(request, user, cohort) }
        let last = (request.formValue("nom") ?? "").trimmingCharacters(in: .whitespaces)
        let first = (request.formValue("prenom") ?? "").trimmingCharacters(in: .whitespaces)
        let external = (request.formValue("identifiant") ?? "").trimmingCharacters(in: .whitespaces)
        guard !(last + first).isEmpty, last.count <= 200, first.count <= 200, external.count <= 200 else {
            return try rosterPage(cohort, message: "Donnez au moins un nom ou un prénom (200 caractères au plus).", status: 400)
        }
        let learner: Learner
        do {
            learner = try store.createLearner(cohortID: cohort.id, firstName: first, lastName: last,
                                              externalID: external.isEmpty ? nil : external, codeSelector: nil, codeHash: nil)
        } catch StoreError.duplicate {
            return try rosterPage(cohort, message: "L'identifiant externe « \(external) » est déjà utilisé dans cette cohorte.", status: 400)
        }
        let code = try DemoSeeder.giveNewCode(to: learner, in: store)
        try store.audit(AuditEntry(action: "learner-add", actorUserID: user.id, targetType: "learner", targetID: String(learner.id)))
        return codesPage(cohort, [(learner, code)], note: "\(learner.displayName) est ajouté(e).", problems: [], request: request)
    }

    private func importLearners(_ request: HTTPRequest, _ user: StaffUser, _ cohort: Cohort) throws -> HTTPResponse {
        let csv = request.formValue("csv") ?? ""
        guard !csv.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return try rosterPage(cohort, message: "Collez la liste ou choisissez un fichier CSV.", status: 400)
        }
        let report = try CohortRoster(store: store).importCSV(csv, cohortID: cohort.id,
                                                             skipInvalid: request.formValue("ignorer") == "1")
        try store.audit(AuditEntry(action: "learners-import", actorUserID: user.id, targetType: "cohort", targetID: String(cohort.id)))
        guard report.imported else {
            return try rosterPage(cohort, message: "Rien n'a été importé : corrigez ces lignes, ou cochez « Importer seulement les bonnes lignes ».",
                                  problems: report.problems.map(\.description), csv: csv, status: 400)
        }
        return codesPage(cohort, report.added, note: "\(report.added.count) apprenant(s) ajouté(s), "
                         + "\(report.alreadyThere.count) déjà présent(s), \(report.problems.count) ligne(s) ignorée(s).",
                         problems: report.problems.map(\.description), request: request)
    }

    /// `POST /formateur/cohortes/{cohort}/apprenants/{learner}/code`: one learner's new code (a lost slip).
    func renewCode(_ request: HTTPRequest, _ user: StaffUser, _ cohort: Cohort, learnerID: Int64) throws -> HTTPResponse {
        // One learner's new code (a lost slip): the others keep theirs.
        guard let learner = try store.learners(cohortID: cohort.id).first(where: { $0.id == learnerID }) else {
            return errorResponse(request, status: 404, message: "Cet apprenant n'est pas dans cette cohorte.")
        }
        let code = try DemoSeeder.giveNewCode(to: learner, in: store)
        try store.audit(AuditEntry(action: "code-renew", actorUserID: user.id, targetType: "learner", targetID: String(learner.id)))
        return codesPage(cohort, [(learner, code)],
                         note: "Nouveau code pour \(learner.displayName) : l'ancien ne fonctionne plus. Les autres gardent le leur.",
                         problems: [], request: request)
    }

    /// `POST /formateur/cohortes/{cohort}/codes`: new codes for the whole cohort.
    func renewCodes(_ request: HTTPRequest, _ user: StaffUser, _ cohort: Cohort) throws -> HTTPResponse {
        let renewed = try CohortRoster(store: store).renewCodes(cohortID: cohort.id)
        try store.audit(AuditEntry(action: "codes-renew", actorUserID: user.id, targetType: "cohort", targetID: String(cohort.id)))
        return codesPage(cohort, renewed, note: "Nouveaux codes : les anciens ne fonctionnent plus.", problems: [], request: request)
    }

    /// `POST /formateur/cohortes/{cohort}/debloquer`: opens a locked module for one learner.
    func unlockModule(_ request: HTTPRequest, _ user: StaffUser, _ cohort: Cohort) throws -> HTTPResponse {
        let back = WebApp.modulesPage(of: cohort)
        guard let learnerID = Int64(request.formValue("apprenant") ?? ""),
              try store.learners(cohortID: cohort.id).contains(where: { $0.id == learnerID }),
              let moduleID = request.formValue("module"), catalog.module(id: moduleID) != nil else {
            return errorResponse(request, status: 400, message: "Apprenant ou module inconnu.")
        }
        try store.unlockModule(learnerID: learnerID, moduleID: moduleID, by: user.id)
        try store.audit(AuditEntry(action: "module-unlock", actorUserID: user.id, targetType: "learner", targetID: String(learnerID)))
        return .redirect(to: back)
    }

    /// `POST /formateur/cohortes/{cohort}/relectures/{attempt}`: a comment on a learner's reflection or grid.
    func reviewWork(_ request: HTTPRequest, _ user: StaffUser, _ cohort: Cohort, attemptID: Int64) throws -> HTTPResponse {
        let back = WebApp.modulesPage(of: cohort)
        let comment = (request.formValue("commentaire") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !comment.isEmpty, comment.count <= 5000 else {
            return errorResponse(request, status: 400, message: "Écrivez un commentaire (5 000 caractères au plus).")
        }
        guard try store.addReview(attemptID: attemptID, cohortID: cohort.id, reviewerID: user.id, comment: comment) else {
            return errorResponse(request, status: 404, message: "Ce travail n'existe pas dans cette cohorte.")
        }
        return .redirect(to: back + "#relectures")
    }

    /// Submitted works shown at once on the modules page, of those to review and of the others.
    static let reviewsShown = 30

    /// `GET /formateur/cohortes/{cohort}/modules[?tri=…&page=…]`: the work to review first, then the learners x
    /// modules grid (one page of learners), then the forms to assign and to open a module.
    /// The cohort's modules page; with `refusal`, answered 400 after a refused assignment form, the form showing the
    /// message (and marking the date when it is the date) with the module, the target and the date kept.
    func trainerModulesPage(_ cohort: Cohort, request: HTTPRequest, refusal: (message: String, dueDate: Bool)? = nil) throws
        -> HTTPResponse {
        let learners = try store.learners(cohortID: cohort.id)
        let tracked = try trackedCohort(cohort.id)
        let report = tracked.report
        var query = TrackerQuery({ request.queryValue($0) }, columns: [])
        query.view = .modules
        let names = Dictionary(learners.map { ($0.id, $0.displayName) }, uniquingKeysWith: { a, _ in a })
        var unreviewed: [[String: Any]] = [], others: [[String: Any]] = []
        for submission in try store.submissions(cohortID: cohort.id) {
            guard let module = catalog.module(id: submission.moduleID), let name = names[submission.learnerID],
                  let (_, activity) = module.activity(submission.activityID) else { continue }
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
            default: continue
            }
            let reviewable = WebApp.isReviewable(activity)
            let entry: [String: Any] = [
                "attemptID": submission.attemptID, "learner": name, "module": module.title,
                "activity": activity.typeName == "reflection" ? "Réflexion" : activity.typeName == "observation-grid"
                    ? "Grille d'observation" : "Auto-positionnement",
                "date": French.day(submission.createdAt), "lines": lines, "reviews": submission.reviews,
                "reviewable": reviewable,
            ]
            if reviewable && submission.reviews.isEmpty { unreviewed.append(entry) } else { others.append(entry) }
        }
        let page = TrackerPage(cohortID: cohort.id, report: report, nameKeys: tracked.nameKeys, query: query,
                               toReview: unreviewed.count,
                               path: WebApp.modulesPage(of: cohort))
        var context = page.context()
        // A large cohort can send hundreds of texts: the oldest first, a few at a time (the next ones come up as
        // these are commented), and only the latest of the others.
        let shownUnreviewed = Array(unreviewed.reversed().prefix(WebApp.reviewsShown))
        let shownOthers = Array(others.prefix(WebApp.reviewsShown))
        if unreviewed.count > shownUnreviewed.count {
            context["moreToReview"] = "Les \(shownUnreviewed.count) plus anciens des \(French.count(unreviewed.count, "", "")) travaux à relire "
                + "sont affichés ; les suivants apparaîtront quand vous les aurez commentés."
        }
        // Who has a locked module, and which modules are locked for someone: the « open a module » form.
        let lockedLearners = report.learners.filter { $0.modules.values.contains(ModuleState.locked.rawValue) }
        let lockedModules = report.modules.filter { $0.locked > 0 }
        context.merge([
            "title": "Modules — \(cohort.name)", "cohort": cohort.name, "targets": WebApp.assignmentTargets(learners),
            "catalog": catalog.programmes.map { ["id": "parcours:\($0.id)", "title": "Parcours : \($0.title) (\($0.modules.count) modules)"] }
                + catalog.modules.map { ["id": $0.id, "title": $0.title] },
            "hasToReview": !unreviewed.isEmpty, "toReviewLabel": "\(French.count(unreviewed.count, "travail", "travaux")) à relire",
            "unreviewed": shownUnreviewed, "reviewed": shownOthers, "hasReviewed": !others.isEmpty,
            "reviewedCount": others.count > shownOthers.count ? "les \(shownOthers.count) plus récents sur \(French.count(others.count, "", ""))"
                : "\(others.count)",
            "hasSubmissions": !(unreviewed.isEmpty && others.isEmpty),
            "hasLocked": !lockedModules.isEmpty,
            "lockedLearners": lockedLearners.sorted { TrackerQuery.nameKey($0) < TrackerQuery.nameKey($1) }
                .map { ["id": $0.id, "name": TrackerPage.listName($0)] as [String: Any] },
            "lockedModules": lockedModules.map { ["id": $0.id, "title": $0.title] },
        ]) { _, new in new }
        if let refusal {
            let module = request.formValue("module"), target = request.formValue("pour")
            context["assignError"] = refusal.message
            context["dueDateRefused"] = refusal.dueDate
            context["typedDueDate"] = String((request.formValue("echeance") ?? "").prefix(20))
            context["catalog"] = (context["catalog"] as? [[String: Any]] ?? []).map { option in
                option.merging(["selected": option["id"] as? String == module]) { _, new in new }
            }
            context["targets"] = (context["targets"] as? [[String: Any]] ?? []).map { option in
                option.merging(["selected": option["value"] as? String == target]) { _, new in new }
            }
            return .html(templates.render("formateur-modules", context), status: 400)
        }
        return .html(templates.render("formateur-modules", context))
    }

    /// A file to download (never cached: it holds learner data).
    static func download(_ body: String, name: String, type: String = "text/csv; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: 200, headers: [
            HTTPField(name: "Content-Type", value: type),
            HTTPField(name: "Content-Disposition", value: "attachment; filename=\"\(name)\""),
            HTTPField(name: "Cache-Control", value: "no-store"),
        ], body: .bytes(Array(body.utf8)))
    }

    /// A download written piece by piece to a private temporary file, then streamed from disk by the server
    /// (which removes the file): memory stays flat however large the export.
    static func streamedDownload(name: String, type: String = "text/csv; charset=utf-8",
                                 write: ((String) throws -> Void) throws -> Void) throws -> HTTPResponse {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("passerelle-\(UUID().uuidString).tmp").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else { throw StoreError.invalid("fichier temporaire impossible à créer") }
        var buffer = Data()
        do {
            try write { piece in
                buffer.append(contentsOf: piece.utf8)
                if buffer.count >= 64 * 1024 { handle.write(buffer); buffer.removeAll(keepingCapacity: true) }
            }
            handle.write(buffer)
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return HTTPResponse(status: 200, headers: [
            HTTPField(name: "Content-Type", value: type),
            HTTPField(name: "Content-Disposition", value: "attachment; filename=\"\(name)\""),
            HTTPField(name: "Cache-Control", value: "no-store"),
        ], body: .temporaryFile(path: path))
    }

    /// The choices "whole cohort", "one group" (attribute `groupe`) and "one learner" of the assignment forms.
    static func assignmentTargets(_ learners: [Learner]) -> [[String: Any]] {
        let groups = Array(Set(learners.compactMap { $0.attributes[Store.groupAttribute] })).sorted()
        return [["value": "cohorte", "label": "Toute la cohorte"]]
            + groups.map { ["value": "groupe:\($0)", "label": "Le groupe « \($0) »"] }
            + learners.map { ["value": "apprenant:\($0.id)", "label": $0.displayName] }
    }

    /// Reads the form's `pour` ("cohorte", "groupe:<name>" or "apprenant:<id>"); nil when it names nobody in the cohort.
    func assignmentTarget(_ request: HTTPRequest, _ cohort: Cohort) throws -> (group: String?, learnerID: Int64?)? {
        let target = request.formValue("pour") ?? "cohorte"
        let learners = try store.learners(cohortID: cohort.id)
        if target.hasPrefix("groupe:") {
            let group = String(target.dropFirst("groupe:".count))
            return learners.contains { $0.attributes[Store.groupAttribute] == group } ? (group, nil) : nil
        }
        if target.hasPrefix("apprenant:") {
            let id = Int64(target.dropFirst("apprenant:".count))
            return learners.contains { $0.id == id } ? (nil, id) : nil
        }
        return (nil, nil)
    }

    /// A due date typed by a trainer: empty (none) or `yyyy-MM-dd`; nil when it is neither.
    /// A due date as typed (JJ/MM/AAAA, or AAAA-MM-JJ from a date picker): `.some(nil)` when empty, nil when
    /// it is not a real day.
    static func dueDate(_ typed: String?) -> String?? {
        let text = (typed ?? "").trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .some(nil) }
        return CalendarDay.parse(text).map { .some($0) } ?? nil
    }

    static let dateHelp = "La date s'écrit jour/mois/année, par exemple 31/12/2026 : rien n'a été enregistré."

    // MARK: One learner

    /// An administrator erases a learner everywhere (RGPD, right to erasure), after ticking a confirmation.
    /// `POST /formateur/apprenants/{learner}/effacer` (administrators): erases a learner everywhere.
    func eraseLearner(_ request: HTTPRequest, _ user: StaffUser, learnerID: Int64) -> HTTPResponse {
        do {
            let visible = try store.cohorts(visibleTo: user)
            guard let learner = try store.learner(id: learnerID), let cohort = visible.first(where: { $0.id == learner.cohortID }) else {
                return errorResponse(request, status: 404, message: "Cet apprenant n'existe pas ou n'est pas dans vos cohortes.")
            }
            guard request.formValue("confirmer") == "1" else {
                return errorResponse(request, status: 400,
                                     message: "Cochez la case de confirmation pour effacer les données de cet apprenant : rien n'a été effacé.")
            }
            try store.eraseLearner(learnerID: learner.id, by: user.id)
            return .redirect(to: "/formateur/cohortes/\(cohort.id)/apprenants?efface=1")
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
    }

    /// Everything about one learner for their trainer: shared profiles, modules, time, help, answers to
    /// questionnaires and the comments on their submitted work. Unshared results stay hidden.
    /// `GET /formateur/apprenants/{learner}`: a learner's report for the trainers of their cohort.
    func learnerPage(_ request: HTTPRequest, _ user: StaffUser, learnerID: Int64) -> HTTPResponse {
        do {
            let visible = try store.cohorts(visibleTo: user)
            guard let learner = try visible.lazy.flatMap({ try self.store.learners(cohortID: $0.id) }).first(where: { $0.id == learnerID }),
                  let cohort = visible.first(where: { $0.id == learner.cohortID }) else {
                return errorResponse(request, status: 404, message: "Cet apprenant n'existe pas ou n'est pas dans vos cohortes.")
            }
            let report = try LearnerReport.build(store: store, catalog: catalog, learner: learner)
            try store.audit(AuditEntry(action: "learner-view", actorUserID: user.id, targetType: "learner", targetID: String(learner.id)))
            let profiles: [[String: Any]] = report.profiles.map { profile in
                var entry: [String: Any] = ["title": profile.purpose.isEmpty ? profile.framework : "\(profile.framework) — \(profile.purpose)",
                                            "date": profile.started, "state": profile.state]
                if let result = profile.result {
                    let competences = result.competences.filter { $0.answered > 0 || ($0.pix ?? 0) > 0 }.map {
                        ["label": "\($0.competenceID) \($0.title)", "level": $0.level.map { "\($0)" } ?? "non évalué", "pix": $0.pix.map(String.init) ?? "—"] as [String: Any]
                    }
                    entry["competences"] = competences
                    entry["hasCompetences"] = !competences.isEmpty
                    entry["chart"] = ProfileChart.svg(result)
                }
                return entry
            }
            let modules: [[String: Any]] = report.modules.map { line in
                let state = ModuleState(rawValue: line.state) ?? .notStarted
                var row: [String: Any] = ["title": line.title, "state": WebApp.stateLabel(state)]
                if state == .inProgress { row["percent"] = Int((line.progress * 100).rounded()) }
                // Help only for work begun: a module never started needs no help yet.
                if state != .notStarted, state != .locked, !line.needsHelp.isEmpty { row["help"] = line.needsHelp.joined(separator: ", ") }
                return row
            }
            let byQuestionnaire = Dictionary(grouping: report.answers, by: \.questionnaire)
            let answers: [[String: Any]] = byQuestionnaire.sorted { $0.key < $1.key }.map { title, rows in
                ["title": title, "rows": rows.map { ["text": $0.statement, "value": $0.value] }]
            }
            let attributes = learner.attributes.filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }
                .sorted { $0.key < $1.key }.map { ["key": $0.key.prefix(1).uppercased() + $0.key.dropFirst(), "value": $0.value] }
            var context: [String: Any] = [
                "title": "\(learner.displayName) — \(cohort.name)", "name": learner.displayName, "cohort": cohort.name,
                "cohortID": cohort.id, "attributes": attributes,
                "profiles": profiles, "hasProfiles": !profiles.isEmpty, "modules": modules, "hasModules": !modules.isEmpty,
                "answers": answers, "hasAnswers": !answers.isEmpty,
                "reviews": report.reviews.map { ["activity": $0.activity, "module": $0.module, "date": $0.submitted,
                                                  "comments": $0.comments, "hasComments": !$0.comments.isEmpty] as [String: Any] },
                "hasReviews": !report.reviews.isEmpty, "learnerID": learner.id, "canErase": user.role == .admin,
            ]
            if let external = learner.externalID, !external.trimmingCharacters(in: .whitespaces).isEmpty { context["external"] = external }
            if report.timeSpentMinutes > 0 { context["time"] = report.timeSpentMinutes }
            if let last = report.lastActivity { context["last"] = last }
            return .html(templates.render("formateur-apprenant", context))
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
    }

    // MARK: Administrators

    /// Administrators add trainers and export every cohort; trainers get 403.
    /// `GET /formateur/export-organisation.csv` (administrators): every cohort of the organisation.
    func exportOrganisation(_ request: HTTPRequest, _ user: StaffUser) -> HTTPResponse {
        do {
            let cohorts = try store.cohorts(organisationID: user.organisationID).map(\.id)
            try store.audit(AuditEntry(action: "export-organisation", actorUserID: user.id))
            return try WebApp.streamedDownload(name: "passerelle-organisation.csv") { emit in
                try CohortExport(store: store, catalog: catalog, assessments: assessments).write(
                    cohortIDs: cohorts, format: .csv, pseudonymize: request.queryValue("pseudonymes") == "1", emit: emit)
            }
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
    }

    /// `POST /formateur/equipe` (administrators): a new trainer account with a provisional password.
    func createTrainer(_ request: HTTPRequest, _ user: StaffUser) -> HTTPResponse {
        do {
            let username = (request.formValue("identifiant") ?? "").trimmingCharacters(in: .whitespaces)
            let name = (request.formValue("nom") ?? "").trimmingCharacters(in: .whitespaces)
            guard !username.isEmpty, !name.isEmpty, username.count <= 100, name.count <= 200 else {
                return errorResponse(request, status: 400, message: "Donnez un identifiant et un nom.")
            }
            guard username.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                return errorResponse(request, status: 400, message: "L'identifiant ne peut contenir que des lettres, des chiffres, « . », « - » et « _ ».")
            }
            let password = Credentials.newPassword()
            let hash = try Credentials.hashPassword(password)
            // User names are unique across organisations. So that an administrator cannot learn which
            // names exist elsewhere, the identifier is always the wished one plus a random number: the
            // answer is the same whether the wished name is taken or not.
            var created: StaffUser?
            for attempt in 0..<30 where created == nil {
                let digits = attempt < 20 ? 100...999 : 10_000...99_999
                let candidate = "\(username).\(Int.random(in: digits))"
                do {
                    created = try store.createUser(organisationID: user.organisationID, username: candidate, displayName: name,
                                                   role: .trainer, passwordHash: hash)
                } catch StoreError.duplicate {
                    continue
                }
            }
            guard let created else { return errorResponse(request, status: 503, message: WebApp.serverTrouble) }
            try store.audit(AuditEntry(action: "create-staff", actorUserID: user.id, targetType: "user", targetID: String(created.id)))
            return .html(templates.render("erreur", [
                "title": "Compte créé",
                "message": "Le compte de \(name) est créé. Identifiant : \(created.username). Mot de passe provisoire : \(password) — notez-les et "
                    + "transmettez-les : le mot de passe ne sera plus affiché.",
            ]))
        } catch let error as StoreError {
            return errorResponse(request, status: 400, message: error.localizedDescription.prefix(1).uppercased()
                                 + error.localizedDescription.dropFirst() + ".")
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
    }

    // MARK: Cohorts and learners

    /// `POST /formateur/cohortes`: a new cohort owned by the trainer.
    func createCohort(_ request: HTTPRequest, _ user: StaffUser) -> HTTPResponse {
        let name = (request.formValue("nom") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let yearText = (request.formValue("annee") ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200 else {
            return errorResponse(request, status: 400, message: "Donnez un nom à la cohorte (200 caractères au plus).")
        }
        guard yearText.isEmpty || Int(yearText).map({ (2000...2100).contains($0) }) == true else {
            return errorResponse(request, status: 400, message: "L'année s'écrit avec quatre chiffres, par exemple 2026.")
        }
        do {
            let cohort = try store.createCohort(organisationID: user.organisationID, name: name, year: Int(yearText),
                                                description: request.formValue("description") ?? "", ownerID: user.id)
            try store.audit(AuditEntry(action: "cohort-create", actorUserID: user.id, targetType: "cohort", targetID: String(cohort.id)))
            return .redirect(to: "/formateur/cohortes/\(cohort.id)/apprenants")
        } catch let error as StoreError {
            return errorResponse(request, status: 400, message: error.localizedDescription.prefix(1).uppercased()
                                 + error.localizedDescription.dropFirst() + ".")
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
    }

    func rosterPage(_ cohort: Cohort, message: String? = nil, problems: [String] = [], csv: String = "",
                            status: Int = 200) throws -> HTTPResponse {
        let learners = try store.learners(cohortID: cohort.id).map { learner -> [String: Any] in
            ["id": learner.id, "name": learner.displayName, "external": learner.externalID ?? "",
             "attributes": learner.attributes.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
                .map { "\($0.key.prefix(1).uppercased() + $0.key.dropFirst()) : \($0.value)" }.joined(separator: ", ")]
        }
        var context: [String: Any] = ["title": "Apprenants — \(cohort.name)", "cohort": cohort.name, "cohortID": cohort.id,
                                      "learners": learners, "hasLearners": !learners.isEmpty, "csv": csv,
                                      "problems": problems, "hasProblems": !problems.isEmpty]
        if let message { context["message"] = message }
        return .html(templates.render("formateur-apprenants", context), status: status)
    }

    /// The address learners type to reach this server, as the trainer's browser reached it.
    func siteAddress(_ request: HTTPRequest?) -> String {
        guard let host = request?.header("host"), !host.isEmpty else { return "l'adresse de Passerelle donnée par votre formateur" }
        return "\(secureCookies ? "https" : "http")://\(host)"
    }

    func codesPage(_ cohort: Cohort, _ codes: [(learner: Learner, code: AccessCode)], note: String,
                           problems: [String], request: HTTPRequest? = nil) -> HTTPResponse {
        .html(templates.render("codes", [
            "title": "Codes d'accès — \(cohort.name)", "cohort": cohort.name, "cohortID": cohort.id, "note": note,
            "address": siteAddress(request),
            "codes": codes.map { ["name": $0.learner.displayName, "code": $0.code.display] }, "hasCodes": !codes.isEmpty,
            "problems": problems, "hasProblems": !problems.isEmpty,
        ]))
    }

    // MARK: Tracker

    /// `GET /formateur/cohortes/{cohort}/suivi[?vue=modules&tri=…&ordre=…&page=…]`: the competences heat map or
    /// the learners x modules grid, one page of learners in the asked order.
    func trackerPage(_ cohort: Cohort, request: HTTPRequest) throws -> HTTPResponse {
        let tracked = try trackedCohort(cohort.id)
        let report = tracked.report
        let query = TrackerQuery({ request.queryValue($0) }, columns: report.columns.map(\.key))
        let page = TrackerPage(cohortID: cohort.id, report: report, nameKeys: tracked.nameKeys, query: query,
                               toReview: try workToReview(cohort).count,
                               path: TrackerPage.trackerPath(cohort.id))
        var context = page.context()
        context["title"] = "Suivi — \(cohort.name)"
        context["cohort"] = cohort.name
        return .html(templates.render("formateur-suivi", context))
    }

    /// Submitted reflections and observation grids of the cohort that no trainer has commented yet
    /// (self-assessments are not reviewed).
    /// Read again only after a change to the data (`Store.derived`): the tracker shows its count at every view.
    func workToReview(_ cohort: Cohort) throws -> [(moduleID: String, activityID: String)] {
        try store.derived("work-to-review:\(cohort.id)") {
            try store.uncommentedSubmissions(cohortID: cohort.id).filter { submission in
                guard let (_, activity) = catalog.module(id: submission.moduleID)?.activity(submission.activityID) else { return false }
                return WebApp.isReviewable(activity)
            }
        }
    }

    static func isReviewable(_ activity: Activity) -> Bool {
        switch activity.kind {
        case .reflection, .observationGrid: true
        default: false
        }
    }

    // MARK: Gains between two positionings

    /// Per competence, the gains between two positionings of the same framework (shared results only).
    func cohortGains(_ first: AssignmentRecord, _ second: AssignmentRecord, _ framework: Framework) throws -> [CompetenceGain] {
        func measures(_ assignment: AssignmentRecord) throws -> [Int64: Gains.Measure] {
            var result: [Int64: Gains.Measure] = [:]
            for run in try store.assessments(assignmentID: assignment.id) {
                guard let value = SharedResults.result(of: run) else { continue }
                var measure: Gains.Measure = [:]
                for competence in value.competences where competence.answered > 0 || competence.pix ?? 0 > 0 {
                    let level = competence.level ?? 0
                    measure[competence.competenceID] = (competence.pix ?? level * 8, level)
                }
                result[run.learnerID] = measure
            }
            return result
        }
        return Gains.cohort(before: try measures(first), after: try measures(second), competences: framework.competences.map(\.id))
    }

    /// One row per learner: before, after and gain (pix and level) per competence, shared results only.
    func gainsCSV(_ cohort: Cohort, request: HTTPRequest) throws -> HTTPResponse {
        let assignments = try store.assignments(cohortID: cohort.id, kind: .assessment)
        guard let first = assignments.first(where: { $0.id == Int64(request.queryValue("avant") ?? "") }),
              let second = assignments.first(where: { $0.id == Int64(request.queryValue("apres") ?? "") }),
              first.contentID == second.contentID, let framework = catalog.framework(id: first.contentID) else {
            return errorResponse(request, status: 400, message: "Choisissez deux positionnements du même référentiel.")
        }
        func shared(_ assignment: AssignmentRecord) throws -> [Int64: AssessmentResult] {
            var result: [Int64: AssessmentResult] = [:]
            for run in try store.assessments(assignmentID: assignment.id) {
                if let value = SharedResults.result(of: run) {
                    result[run.learnerID] = value
                }
            }
            return result
        }
        let before = try shared(first), after = try shared(second)
        let csv = CSVWriter()
        var header: [CSVWriter.Cell] = [.text("Nom"), .text("Prénom"), .text("Identifiant externe")]
        for competence in framework.competences {
            for what in ["pix avant", "pix après", "gain pix", "niveau avant", "niveau après", "gain niveau"] {
                header.append(.text("\(competence.id) \(what)"))
            }
        }
        var body = csv.preamble + csv.line(header)
        for learner in try store.learners(cohortID: cohort.id) {
            var cells: [CSVWriter.Cell] = [.text(learner.lastName), .text(learner.firstName), .text(learner.externalID ?? "")]
            for competence in framework.competences {
                let b = before[learner.id]?.competences.first { $0.competenceID == competence.id }
                let a = after[learner.id]?.competences.first { $0.competenceID == competence.id }
                func cell(_ value: Int?) -> CSVWriter.Cell { value.map { .integer($0) } ?? .empty }
                let gainPix = b?.pix.flatMap { old in a?.pix.map { $0 - old } }
                let gainLevel = b?.level.flatMap { old in a?.level.map { $0 - old } }
                cells += [cell(b?.pix), cell(a?.pix), cell(gainPix), cell(b?.level), cell(a?.level), cell(gainLevel)]
            }
            body += csv.line(cells)
        }
        return WebApp.download(body, name: "passerelle-progression-\(cohort.id).csv")
    }
}
