import Foundation
import HTTPServer
import PasserelleCore
import PasserelleStore

/// Who may use a route.
public enum Access: String, Sendable, CaseIterable {
    /// Anyone, signed in or not.
    case anyone
    /// A signed-in learner.
    case learner
    /// A signed-in trainer or administrator.
    case staff
    /// A signed-in administrator of the organisation.
    case admin
    /// A signed-in learner on their own sandbox attempt, or the person of a workshop (no account, a
    /// workshop cookie) on the workshop's attempt.
    case sandboxPlayer
    /// Anyone signed in who may open a workshop for a person they help: a learner (a mediator in training),
    /// a trainer or an administrator.
    case mediator
}

/// One route of the application: method, path pattern with typed parameters, who may use it, and the
/// handler. `{name}` matches one path segment; `{name:int}` a positive whole number; a segment may
/// end with a fixed suffix after the parameter (`{assignment:int}.csv`).
///
/// The router checks, before a handler runs: the method (405 otherwise), the role (`access`), that the
/// request comes from our own pages when it changes state (every method but GET and HEAD), and that
/// the ids in the path belong to the caller (see `Router.owns`). A handler cannot forget them.
public struct Route: Sendable {
    public let method: String
    public let pattern: String
    public let access: Access
    let segments: [Segment]
    let handler: @Sendable (WebApp, RouteContext) -> HTTPResponse
    /// The handler hashes a secret (argon2id, about 20 ms and 19 MiB): it runs off the server's request workers
    /// (`HTTPResponse.deferred`), so that the pages of everyone else are not held behind it.
    public let hashes: Bool

    /// Every method but GET (and HEAD) changes state and needs a same-origin request.
    public var changesState: Bool { method != "GET" }

    /// The names of the parameters, in order.
    public var parameters: [(name: String, isInteger: Bool)] {
        segments.compactMap { if case .parameter(let name, let isInteger, _) = $0 { (name, isInteger) } else { nil } }
    }

    enum Segment: Sendable {
        case literal(String)
        case parameter(name: String, isInteger: Bool, suffix: String)
    }

    init(_ method: String, _ pattern: String, _ access: Access, hashes: Bool = false,
         _ handler: @escaping @Sendable (WebApp, RouteContext) -> HTTPResponse) {
        self.method = method
        self.pattern = pattern
        self.access = access
        self.hashes = hashes
        self.handler = handler
        segments = pattern.split(separator: "/").map { part in
            guard part.hasPrefix("{"), let close = part.firstIndex(of: "}") else { return .literal(String(part)) }
            let inside = part[part.index(after: part.startIndex)..<close].split(separator: ":")
            return .parameter(name: String(inside.first ?? ""), isInteger: inside.count > 1 && inside[1] == "int",
                              suffix: String(part[part.index(after: close)...]))
        }
    }

    /// The parameters when `parts` (the path split on `/`) fits the pattern; nil otherwise.
    func match(_ parts: [Substring]) -> [String: String]? {
        guard parts.count == segments.count else { return nil }
        var values: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let text):
                guard part == text else { return nil }
            case .parameter(let name, let isInteger, let suffix):
                guard part.hasSuffix(suffix) else { return nil }
                let value = part.dropLast(suffix.count)
                guard !value.isEmpty, value.count <= 200 else { return nil }
                if isInteger {
                    guard value.count <= 18, value.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(value), number > 0 else {
                        return nil
                    }
                }
                values[name] = String(value)
            }
        }
        return values
    }
}

/// What a handler receives: the request, who sent it (checked against the route's access) and the
/// path parameters (checked for ownership).
public struct RouteContext: Sendable {
    public let request: HTTPRequest
    public let principal: Principal?
    public let parameters: [String: String]

    public func integer(_ name: String) -> Int64? { parameters[name].flatMap { Int64($0) } }

    /// A parameter of the route's pattern (always present once the route matched).
    public subscript(_ name: String) -> String { parameters[name] ?? "" }

    public var learner: Learner? { if case .learner(let learner)? = principal { learner } else { nil } }
    public var staff: StaffUser? { if case .staff(let user)? = principal { user } else { nil } }
}

extension WebApp {
    /// The application's route table: every path the application answers, in one place. Static files
    /// (`/static/…`) and item images (`/contenu/images/…`) are served before it, to anyone.
    static let routes: [Route] = [
        // Anyone
        Route("GET", "/api/health", .anyone) { app, _ in app.health() },
        Route("GET", "/", .anyone) { app, context in
            if let principal = context.principal { return .redirect(to: WebApp.home(of: principal)) }
            // The person of a workshop (no account) goes back to the workshop's mission, not to a sign-in form.
            if let workshop = try? app.guestWorkshop(context.request) { return .redirect(to: "/bac-a-sable/\(workshop.attemptID)") }
            return .redirect(to: "/connexion")
        },
        Route("GET", "/connexion", .anyone) { app, context in
            if let principal = context.principal { return .redirect(to: WebApp.home(of: principal)) }
            return app.signInPage()
        },
        Route("POST", "/connexion/apprenant", .anyone, hashes: true) { app, context in app.formSignIn(context.request, learner: true) },
        Route("POST", "/connexion/formateur", .anyone, hashes: true) { app, context in app.formSignIn(context.request, learner: false) },
        Route("POST", "/deconnexion", .anyone) { app, context in
            app.auth.signOut(context.request)
            return HTTPResponse.redirect(to: "/connexion").with(header: "Set-Cookie", Authenticator.clearedCookie(secure: app.secureCookies))
        },
        Route("POST", "/api/session", .anyone, hashes: true) { app, context in app.apiSignIn(context.request) },
        Route("DELETE", "/api/session", .anyone) { app, context in
            app.auth.signOut(context.request)
            return HTTPResponse(status: 204).with(header: "Set-Cookie", Authenticator.clearedCookie(secure: app.secureCookies))
        },
        Route("GET", "/api/me", .anyone) { app, context in
            guard let principal = context.principal else { return app.apiError(401, "Vous n'êtes pas connecté.") }
            return app.json(["role": principal.role.rawValue, "name": WebApp.name(of: principal)])
        },

        // Learners
        Route("GET", "/apprenant", .learner) { app, context in
            guard let learner = context.learner else { return .redirect(to: "/connexion") }
            return app.learnerHome(learner, saved: context.request.query.contains { $0.name == "enregistre" })
        },
        Route("POST", "/apprenant/reglages", .learner) { app, context in app.saveLearnerSettings(context) },
        Route("GET", "/apprenant/mes-donnees", .learner) { app, context in
            guard let learner = context.learner else { return .redirect(to: "/connexion") }
            return app.learnerDataDownload(learner)
        },
        Route("GET", "/modules/{module}", .learner) { app, context in
            app.moduleAction(context) { learner, module, service in try app.modulePage(learner, module, service) }
        },
        Route("GET", "/modules/{module}/lecons/{lesson}", .learner) { app, context in
            app.moduleAction(context) { learner, module, service in try app.lessonPage(learner, module, context["lesson"], service) }
        },
        Route("POST", "/modules/{module}/lecons/{lesson}/lue", .learner) { app, context in
            app.moduleAction(context) { learner, module, service in
                try service.visitLesson(learner, module, context["lesson"], completed: true)
                return .redirect(to: app.nextPlace(after: context["lesson"], in: module))
            }
        },
        Route("GET", "/modules/{module}/activites/{set}", .learner) { app, context in
            app.moduleAction(context) { learner, module, service in
                try app.activitySetPage(learner, module, context["set"], service, request: context.request)
            }
        },
        Route("POST", "/modules/{module}/activites/{set}/{activity}", .learner) { app, context in
            app.moduleAction(context) { learner, module, service in
                try app.submitFromForm(context.request, learner, module, setID: context["set"], activityID: context["activity"], service)
            }
        },
        Route("GET", "/api/modules", .learner) { app, context in app.apiModules(context) },
        Route("GET", "/api/modules/{module}", .learner) { app, context in
            app.moduleAction(context, api: true) { learner, module, service in
                app.json(app.progressJSON(module, try service.progress(learner, module)))
            }
        },
        Route("POST", "/api/modules/{module}/lessons/{lesson}", .learner) { app, context in
            app.moduleAction(context, api: true) { try app.apiVisitLesson(context, $0, $1, $2) }
        },
        Route("POST", "/api/modules/{module}/activities/{activity}", .learner) { app, context in
            app.moduleAction(context, api: true) { try app.apiSubmitActivity(context, $0, $1, $2) }
        },
        Route("PUT", "/api/modules/{module}/drafts/{activity}", .learner) { app, context in
            app.moduleAction(context, api: true) { learner, module, service in
                try service.saveDraft(learner, module, activityID: context["activity"], content: try WebApp.jsonObject(context.request))
                return HTTPResponse(status: 204)
            }
        },
        Route("POST", "/positionnements/{assignment:int}/commencer", .learner) { app, context in
            app.failurePage(context.request) {
                guard let learner = context.learner, let id = context.integer("assignment") else { throw AssessmentService.Failure.notFound }
                return .redirect(to: "/positionnement/\(try app.assessments.start(learner: learner, assignmentID: id).id)")
            }
        },
        Route("GET", "/positionnement/{run:int}", .learner) { app, context in
            app.runPage(context) { record in try app.questionPage(record, request: context.request) }
        },
        Route("POST", "/positionnement/{run:int}/reponse", .learner) { app, context in
            app.runPage(context) { record in try app.answerFromForm(context.request, record) }
        },
        Route("GET", "/positionnement/{run:int}/resultat", .learner) { app, context in
            app.runPage(context) { record in
                guard let learner = context.learner else { throw AssessmentService.Failure.notFound }
                return try app.resultPage(record, learner: learner)
            }
        },
        Route("POST", "/positionnement/{run:int}/partager", .learner) { app, context in
            app.runPage(context) { record in
                try app.assessments.share(record)
                return .redirect(to: "/positionnement/\(record.id)/resultat")
            }
        },
        Route("GET", "/api/assessments", .learner) { app, context in app.assessmentAPI(context) { try app.apiAssessmentList($0) } },
        Route("POST", "/api/assessments", .learner) { app, context in
            app.assessmentAPI(context) { try app.apiStartAssessment(context.request, $0) }
        },
        Route("GET", "/api/assessments/{run:int}", .learner) { app, context in
            app.assessmentAPI(context) { try app.apiView(try app.ownRun(context, $0)) }
        },
        Route("POST", "/api/assessments/{run:int}/answers", .learner) { app, context in
            app.assessmentAPI(context) { try app.apiAnswer(context.request, try app.ownRun(context, $0)) }
        },
        Route("GET", "/api/assessments/{run:int}/result", .learner) { app, context in
            app.assessmentAPI(context) { try app.apiResult(try app.ownRun(context, $0)) }
        },
        Route("POST", "/api/assessments/{run:int}/share", .learner) { app, context in
            app.assessmentAPI(context) { learner in
                try app.assessments.share(try app.ownRun(context, learner))
                return app.json(["shared": true])
            }
        },
        // The practice sandbox (Sandbox+Web.swift): a learner's own attempts only.
        Route("POST", "/modules/{module}/missions/{activity}", .learner) { app, context in app.startMission(context) },
        Route("GET", "/bac-a-sable/{sandbox:int}", .sandboxPlayer) { app, context in app.sandboxAction(context) { app.sandboxHome($0) } },
        Route("GET", "/bac-a-sable/{sandbox:int}/caisse", .sandboxPlayer) { app, context in app.sandboxAction(context) { app.caisseHome($0) } },
        Route("POST", "/bac-a-sable/{sandbox:int}/caisse/connexion", .sandboxPlayer, hashes: true) { app, context in
            app.sandboxAction(context) { try app.caisseSignIn($0) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/caisse/navigateur", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.caisseSavePassword($0) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/caisse/deconnexion", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.caisseSignOut($0) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/caisse/inscription", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.caisseSignUp($0, post: false) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/caisse/inscription", .sandboxPlayer, hashes: true) { app, context in
            app.sandboxAction(context) { try app.caisseSignUp($0, post: true) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/caisse/confirmation", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.caisseConfirm($0, post: false) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/caisse/confirmation", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.caisseConfirm($0, post: true) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/caisse/declaration", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { app.declarationPage($0, step: Int(context.request.queryValue("etape") ?? "")) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/caisse/declaration/{step:int}", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.declarationStep($0, step: Int(context.integer("step") ?? 0)) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/caisse/justificatif", .sandboxPlayer) { app, context in
            app.sandboxAction(context) {
                app.proofPage($0, notice: context.request.queryValue("envoye") == "1" ? "Justificatif reçu. Merci." : nil)
            }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/caisse/justificatif", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.proofAction($0) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/caisse/messages", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { app.caisseMessages($0) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/caisse/messages/{message}", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.caisseMessage($0, context["message"], open: false) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/caisse/messages/{message}", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.caisseMessage($0, context["message"], open: true) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/messagerie", .sandboxPlayer) { app, context in app.sandboxAction(context) { app.mailbox($0) } },
        Route("GET", "/bac-a-sable/{sandbox:int}/messagerie/{message}", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.mailMessage($0, context["message"]) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/messagerie/{message}/lien", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.trapPage($0, context["message"]) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/messagerie/{message}/{action}", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.mailAction($0, context["message"], context["action"]) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/rendez-vous", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { app.appointmentHome($0) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/rendez-vous/portail", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { app.portalPage($0) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/rendez-vous/portail/{provider}", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.providerSignIn($0, context["provider"], post: false) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/rendez-vous/portail/{provider}", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.providerSignIn($0, context["provider"], post: true) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/rendez-vous/consentement", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.consentPage($0, post: false) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/rendez-vous/consentement", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.consentPage($0, post: true) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/rendez-vous/reserver", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.bookAppointment($0) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/rendez-vous/deconnexion", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.appointmentSignOut($0, post: false) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/rendez-vous/deconnexion", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.appointmentSignOut($0, post: true) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/emploi", .sandboxPlayer) { app, context in app.sandboxAction(context) { app.jobHome($0) } },
        Route("POST", "/bac-a-sable/{sandbox:int}/emploi/connexion", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.jobSignIn($0) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/emploi/deconnexion", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.jobSignOut($0) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/emploi/actualisation", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { app.jobDeclarationPage($0, step: Int(context.request.queryValue("etape") ?? "")) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/emploi/actualisation/{step:int}", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.jobDeclarationStep($0, step: Int(context.integer("step") ?? 0)) }
        },
        Route("POST", "/bac-a-sable/{sandbox:int}/terminer", .sandboxPlayer) { app, context in
            app.sandboxAction(context) { try app.finishMission($0) }
        },
        Route("GET", "/bac-a-sable/{sandbox:int}/bilan", .sandboxPlayer) { app, context in
            app.sandboxAction(context, evenIfEnded: true) { app.missionResult($0) }
        },
        Route("GET", "/questionnaires/{assignment:int}", .learner) { app, context in app.learnerQuestionnaire(context) },
        Route("POST", "/questionnaires/{assignment:int}", .learner) { app, context in app.learnerQuestionnaire(context) },

        // Trainers (their own or shared cohorts; administrators: every cohort of the organisation)
        Route("GET", "/formateur", .staff) { app, context in
            guard let user = context.staff else { return .redirect(to: "/connexion") }
            return app.staffHome(user)
        },
        Route("POST", "/formateur/cohortes", .staff) { app, context in
            guard let user = context.staff else { return .redirect(to: "/connexion") }
            return app.createCohort(context.request, user)
        },
        Route("GET", "/formateur/apprenants/{learner:int}", .staff) { app, context in
            app.staffAction(context, "learner") { user, id in app.learnerPage(context.request, user, learnerID: id) }
        },
        Route("GET", "/formateur/apprenants/{learner:int}/bac-a-sable", .staff) { app, context in
            app.staffAction(context, "learner") { _, id in app.sandboxTimeline(context.request, learnerID: id) }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/bac-a-sable", .staff) { app, context in
            app.cohortAction(context) { _, cohort in try app.cohortSandboxPage(cohort) }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/modules", .staff) { app, context in
            app.cohortAction(context) { _, cohort in try app.trainerModulesPage(cohort, request: context.request) }
        },
        Route("POST", "/formateur/cohortes/{cohort:int}/modules", .staff) { app, context in
            app.cohortAction(context) { user, cohort in try app.assignModules(context.request, user, cohort) }
        },
        Route("POST", "/formateur/cohortes/{cohort:int}/debloquer", .staff) { app, context in
            app.cohortAction(context) { user, cohort in try app.unlockModule(context.request, user, cohort) }
        },
        Route("POST", "/formateur/cohortes/{cohort:int}/relectures/{attempt:int}", .staff) { app, context in
            app.cohortAction(context) { user, cohort in
                try app.reviewWork(context.request, user, cohort, attemptID: context.integer("attempt") ?? 0)
            }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/export.csv", .staff) { app, context in
            app.cohortAction(context) { user, cohort in try app.cohortExport(context.request, user, cohort, csv: true) }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/export.json", .staff) { app, context in
            app.cohortAction(context) { user, cohort in try app.cohortExport(context.request, user, cohort, csv: false) }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/apprenants", .staff) { app, context in
            app.cohortAction(context) { _, cohort in
                try app.rosterPage(cohort, message: context.request.queryValue("efface") == "1" ? "Les données de l'apprenant sont effacées." : nil)
            }
        },
        Route("POST", "/formateur/cohortes/{cohort:int}/apprenants", .staff, hashes: true) { app, context in
            app.cohortAction(context) { user, cohort in try app.addLearners(context.request, user, cohort) }
        },
        Route("POST", "/formateur/cohortes/{cohort:int}/codes", .staff, hashes: true) { app, context in
            app.cohortAction(context) { user, cohort in try app.renewCodes(context.request, user, cohort) }
        },
        Route("POST", "/formateur/cohortes/{cohort:int}/apprenants/{learner:int}/code", .staff, hashes: true) { app, context in
            app.cohortAction(context) { user, cohort in
                try app.renewCode(context.request, user, cohort, learnerID: context.integer("learner") ?? 0)
            }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/suivi", .staff) { app, context in
            app.cohortAction(context) { _, cohort in try app.trackerPage(cohort, request: context.request) }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/rapport", .staff) { app, context in
            app.cohortAction(context) { _, cohort in try app.printableReport(cohort) }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/progression", .staff) { app, context in
            app.cohortAction(context) { _, cohort in try app.gainsPage(cohort, request: context.request) }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/progression.csv", .staff) { app, context in
            app.cohortAction(context) { _, cohort in try app.gainsCSV(cohort, request: context.request) }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/positionnements", .staff) { app, context in
            app.cohortAction(context) { _, cohort in try app.assessmentFormPage(context.request, cohort) }
        },
        Route("POST", "/formateur/cohortes/{cohort:int}/positionnements", .staff) { app, context in
            app.cohortAction(context) { user, cohort in try app.openAssessment(context.request, user, cohort) }
        },
        Route("GET", "/formateur/cohortes/{cohort:int}/positionnements/apercu", .staff) { app, context in
            app.cohortAction(context) { _, cohort in try app.assessmentPreview(context.request, cohort) }
        },
        Route("GET", "/formateur/positionnements/{assignment:int}", .staff) { app, context in
            app.failurePage(context.request) {
                guard let user = context.staff, let id = context.integer("assignment") else { throw AssessmentService.Failure.notFound }
                return try app.trainerAssessmentPage(assignmentID: id, user: user, opened: context.request.queryValue("ouvert") == "1")
            }
        },
        Route("POST", "/formateur/cohortes/{cohort:int}/questionnaires", .staff) { app, context in
            app.staffAction(context, "cohort") { user, id in app.openQuestionnaire(context.request, user, cohortID: id) }
        },
        Route("GET", "/formateur/questionnaires/{assignment:int}", .staff) { app, context in
            app.staffAction(context, "assignment") { user, id in app.questionnaireStatistics(context.request, user, assignmentID: id) }
        },
        Route("GET", "/formateur/questionnaires/{assignment:int}.csv", .staff) { app, context in
            app.staffAction(context, "assignment") { user, id in app.questionnaireCSV(context.request, user, assignmentID: id) }
        },

        // Administrators
        Route("POST", "/formateur/equipe", .admin, hashes: true) { app, context in
            guard let user = context.staff else { return .redirect(to: "/connexion") }
            return app.createTrainer(context.request, user)
        },
        Route("GET", "/formateur/export-organisation.csv", .admin) { app, context in
            guard let user = context.staff else { return .redirect(to: "/connexion") }
            return app.exportOrganisation(context.request, user)
        },
        Route("POST", "/formateur/apprenants/{learner:int}/effacer", .admin) { app, context in
            app.staffAction(context, "learner") { user, id in app.eraseLearner(context.request, user, learnerID: id) }
        },

        // Workshops (Workshop+Web.swift): the mediator who opened one, and the person who joined with its code.
        Route("GET", "/atelier", .mediator) { app, context in app.workshopDesk(context) },
        Route("POST", "/atelier", .mediator, hashes: true) { app, context in app.openWorkshop(context) },
        Route("GET", "/atelier/{workshop:int}", .mediator) { app, context in app.workshopPage(context) },
        Route("POST", "/atelier/{workshop:int}/terminer", .mediator) { app, context in app.endWorkshop(context) },
        Route("GET", "/api/ateliers/{workshop:int}", .mediator) { app, context in app.workshopAPI(context) },
        Route("GET", "/rejoindre", .anyone) { app, _ in app.joinPage() },
        Route("POST", "/rejoindre", .anyone, hashes: true) { app, context in app.joinWorkshop(context.request) },
    ]

    /// The learner's own run named in the path (the router has checked it is theirs).
    func ownRun(_ context: RouteContext, _ learner: Learner) throws -> AssessmentRecord {
        guard let id = context.integer("run") else { throw AssessmentService.Failure.notFound }
        return try assessments.run(id, of: learner)
    }

    /// Runs a learner's page about one of their runs, turning failures into French error pages.
    func runPage(_ context: RouteContext, _ body: (AssessmentRecord) throws -> HTTPResponse) -> HTTPResponse {
        guard let learner = context.learner else { return .redirect(to: "/connexion") }
        return failurePage(context.request) { try body(try ownRun(context, learner)) }
    }

    /// Runs a staff handler with the signed-in user and the id named `parameter` in the path.
    func staffAction(_ context: RouteContext, _ parameter: String, _ body: (StaffUser, Int64) -> HTTPResponse) -> HTTPResponse {
        guard let user = context.staff else { return .redirect(to: "/connexion") }
        guard let id = context.integer(parameter) else { return errorResponse(context.request, status: 404, message: WebApp.noSuchPage) }
        return body(user, id)
    }

    static let noSuchPage = "Cette page n'existe pas. Vérifiez l'adresse ou revenez à l'accueil."
    static let notYours = "Cette page n'existe pas ou ne vous est pas accessible."

    /// Finds the route, checks it, runs its handler.
    func dispatch(_ request: HTTPRequest) -> HTTPResponse {
        let parts = request.path.split(separator: "/")
        let method = request.method == "HEAD" ? "GET" : request.method
        var allowed: [String] = []
        var found: (Route, [String: String])?
        for route in WebApp.routes {
            guard let parameters = route.match(parts) else { continue }
            if route.method == method { found = (route, parameters); break }
            allowed.append(route.method)
        }
        guard let (route, parameters) = found else {
            if allowed.isEmpty { return errorResponse(request, status: 404, message: WebApp.noSuchPage) }
            let methods = Set(allowed + (allowed.contains("GET") ? ["HEAD"] : [])).sorted().joined(separator: ", ")
            return errorResponse(request, status: 405, message: "Cette adresse n'accepte pas cette méthode.")
                .with(header: "Allow", methods)
        }
        if route.changesState && !WebApp.sameOrigin(request) {
            return errorResponse(request, status: 403, message: "Cette action doit venir d'une page de Passerelle.")
        }
        // Without a session cookie this reads nothing; with one, one indexed read.
        let context = RouteContext(request: request, principal: auth.principal(for: request), parameters: parameters)
        if let refusal = refusal(route, context) { return refusal }
        if route.hashes { return .deferred { route.handler(self, context) } }
        return route.handler(self, context)
    }

    /// Why this caller may not use this route with these ids, or nil when they may.
    func refusal(_ route: Route, _ context: RouteContext) -> HTTPResponse? {
        let request = context.request
        let isAPI = request.path.hasPrefix("/api/")
        func signIn() -> HTTPResponse {
            isAPI ? apiError(401, "Connectez-vous pour continuer.") : .redirect(to: "/connexion")
        }
        switch route.access {
        case .anyone: return nil
        case .sandboxPlayer where context.learner == nil && request.cookies[WebApp.workshopCookie] != nil:
            // The person of a workshop: only the workshop's own attempt; once it is over, they are told so.
            do {
                guard let workshop = try guestWorkshop(request) else { return workshopOverPage() }
                return context.integer("sandbox") == workshop.attemptID ? nil : errorResponse(request, status: 404, message: WebApp.notYours)
            } catch {
                return errorResponse(request, status: 500, message: WebApp.serverTrouble)
            }
        case .mediator:
            guard context.principal != nil else { return signIn() }
        case .learner, .sandboxPlayer:
            guard context.principal != nil else { return signIn() }
            guard context.learner != nil else {
                return errorResponse(request, status: 403, message: "Cette page est réservée aux apprenants.")
            }
        case .staff, .admin:
            guard context.principal != nil else { return signIn() }
            guard let user = context.staff else {
                return errorResponse(request, status: 403, message: "Cette page est réservée aux formateurs.")
            }
            if route.access == .admin && user.role != .admin {
                return errorResponse(request, status: 403, message: "Cette action est réservée aux administrateurs de l'organisation.")
            }
        }
        do {
            guard try owns(context) else { return errorResponse(request, status: 404, message: WebApp.notYours) }
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
        return nil
    }

    /// Whether the ids in the path belong to the caller: a learner's own run or sandbox attempt, a module or an
    /// assignment meant for them; a cohort, learner or assignment of a cohort the trainer may see.
    func owns(_ context: RouteContext) throws -> Bool {
        // A workshop is its opener's only: not their trainer's, not another learner's.
        if let id = context.integer("workshop") {
            guard let mediator = WebApp.mediator(context.principal), let workshop = try store.workshop(id: id),
                  WebApp.opened(workshop, by: mediator) else { return false }
        }
        if let learner = context.learner {
            if let run = context.integer("run"), try store.assessment(id: run)?.learnerID != learner.id { return false }
            if let assignment = context.integer("assignment"), try store.assignment(id: assignment, for: learner) == nil { return false }
            if let sandbox = context.integer("sandbox"), try store.sandboxAttempt(id: sandbox)?.learnerID != learner.id { return false }
            if let module = context.parameters["module"],
               try !modulesService.modules(for: learner).contains(where: { $0.module.id == module }) { return false }
            return true
        }
        guard let user = context.staff else { return true }
        let needsCohorts = ["cohort", "learner", "assignment"].contains { context.parameters[$0] != nil }
        guard needsCohorts else { return true }
        let visible = Set(try store.cohorts(visibleTo: user).map(\.id))
        if let cohort = context.integer("cohort"), !visible.contains(cohort) { return false }
        if let id = context.integer("learner") {
            guard let learner = try store.learner(id: id), visible.contains(learner.cohortID) else { return false }
        }
        if let id = context.integer("assignment") {
            guard let assignment = try store.assignment(id: id) else { return false }
            let cohortID: Int64?
            if let cohort = assignment.cohortID { cohortID = cohort } else { cohortID = try assignment.learnerID.flatMap { try store.learner(id: $0) }?.cohortID }
            guard let cohortID, visible.contains(cohortID) else { return false }
        }
        return true
    }
}
