import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// Routes HTTP requests to pages and to the JSON API. Pure request-to-response: the server, the
/// database and the content are given to it.
public final class WebApp: Sendable {
    let store: Store
    let catalog: ContentCatalog
    let templates: Templates
    let staticFiles: StaticFiles
    /// Item images: only `Assessments/images/` is ever served, never the item files themselves.
    let contentImages: StaticFiles?
    let auth: Authenticator
    let assessments: AssessmentService
    let log: (@Sendable (String) -> Void)?
    /// Served over HTTPS: session cookies are `Secure` and `SameSite=Strict`.
    let secureCookies: Bool
    /// The database check behind `/api/health`, made at most once a second.
    let healthProbe = HealthProbe()
    /// The codes of workshops not joined yet, for their opener's page only (Workshop+Web.swift).
    let workshopCodes = WorkshopCodes()

    public init(
        store: Store, catalog: ContentCatalog, root: ContentRoot, throttle: SignInThrottle = SignInThrottle(),
        log: (@Sendable (String) -> Void)? = nil, secureCookies: Bool = false,
        newSeed: @escaping @Sendable () -> Int64 = { Int64.random(in: 1...Int64(Int32.max)) }
    ) throws {
        self.store = store
        self.catalog = catalog
        self.templates = try Templates(folder: root.web.appendingPathComponent("templates"))
        self.staticFiles = try StaticFiles(root: root.web.appendingPathComponent("static").path, preload: true)
        self.contentImages = try? StaticFiles(root: root.assessments.appendingPathComponent("images").path, preload: true)
        self.auth = Authenticator(store: store, throttle: throttle)
        self.assessments = AssessmentService(store: store, catalog: catalog, newSeed: newSeed)
        self.log = log
        self.secureCookies = secureCookies
        // Workshops left open past their expiry are erased at start-up (and whenever workshops are used).
        _ = try? store.eraseExpiredWorkshops()
    }

    /// The handler to give to `HTTPServer`.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let start = Date()
        let response = route(request)
        if let work = response.deferredWork {  // a route that hashes: finished where the server makes it
            return .deferred { self.finish(request, work(), since: start) }
        }
        return finish(request, response, since: start)
    }

    private func finish(_ request: HTTPRequest, _ routed: HTTPResponse, since start: Date) -> HTTPResponse {
        let response = WebApp.secured(routed)
        if let log {
            // Method, path and status only: never the query, the body or the cookies.
            let milliseconds = Int(Date().timeIntervalSince(start) * 1000)
            log("\(request.method) \(request.path) \(response.status) \(milliseconds) ms")
        }
        return response
    }

    private func route(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        if path.hasPrefix("/static/") {
            return staticFiles.response(for: request, relativePath: String(path.dropFirst("/static/".count)))
        }
        if path.hasPrefix("/contenu/images/") {
            guard let contentImages else { return errorResponse(request, status: 404, message: "Image introuvable.") }
            return contentImages.response(for: request, relativePath: String(path.dropFirst("/contenu/images/".count)))
        }
        return dispatch(request)
    }

    /// `POST /apprenant/reglages`: the learner's preferences.
    func saveLearnerSettings(_ context: RouteContext) -> HTTPResponse {
        guard let learner = context.learner else { return .redirect(to: "/connexion") }
        do {
            try store.setAccessibleItems(learnerID: learner.id, context.request.formValue("questions_accessibles") == "1")
        } catch {
            return errorResponse(context.request, status: 500, message: WebApp.serverTrouble)
        }
        return .redirect(to: "/apprenant?enregistre=1")
    }

    // MARK: Pages

    func signInPage(error: String? = nil, username: String = "", code: String = "", status: Int = 200) -> HTTPResponse {
        // What was typed stays in the field (a code of at most 20 characters), so that it can be checked.
        var context: [String: Any] = ["title": "Connexion", "username": username, "code": String(code.prefix(20))]
        if let error { context["error"] = error }
        return .html(templates.render("connexion", context), status: status)
    }

    func formSignIn(_ request: HTTPRequest, learner: Bool) -> HTTPResponse {
        let outcome: Authenticator.Outcome
        do {
            if learner {
                outcome = try auth.signInLearner(code: request.formValue("code") ?? "", from: request.peerAddress)
            } else {
                outcome = try auth.signInStaff(username: request.formValue("identifiant") ?? "",
                                               password: request.formValue("mot_de_passe") ?? "",
                                               from: request.peerAddress)
            }
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
        switch outcome {
        case .signedIn(let principal, let token):
            return HTTPResponse.redirect(to: WebApp.home(of: principal))
                .with(header: "Set-Cookie", Authenticator.sessionCookie(token, secure: secureCookies))
        case .rejected:
            return signInPage(error: learner ? WebApp.unknownCode : WebApp.wrongPassword,
                              username: learner ? "" : request.formValue("identifiant") ?? "",
                              code: learner ? request.formValue("code") ?? "" : "", status: 401)
        case .throttled:
            return signInPage(error: WebApp.tooManyTries, status: 429)
        }
    }

    func learnerHome(_ learner: Learner, saved: Bool = false) -> HTTPResponse {
        let runs = (try? store.assessments(learnerID: learner.id)) ?? []
        let assigned: [[String: Any]] = ((try? store.assignments(for: learner, kind: .assessment)) ?? []).map { assignment in
            let chosen = try? JSONDecoder().decode(AssessmentAssignment.self, from: Data(assignment.settings.utf8))
            let run = runs.first { $0.assignmentID == assignment.id && $0.state != .abandoned }
            var entry: [String: Any] = [
                "assignmentID": assignment.id,
                "title": assessments.title(frameworkID: assignment.contentID),
                "purpose": (chosen?.purposeLabel ?? "positionnement").prefix(1).uppercased() + (chosen?.purposeLabel ?? "positionnement").dropFirst(),
                "overdue": WebApp.isOverdue(assignment.dueDate, done: run?.state == .completed),
            ]
            if let due = assignment.dueDate { entry["due"] = "À faire avant le \(French.day(due))" }
            if let run {
                switch run.state {
                case .started:
                    let answered = (try? store.answers(assessmentID: run.id).count) ?? 0
                    entry["state"] = answered == 0 ? "Commencé" : answered == 1 ? "En cours : 1 réponse enregistrée"
                        : "En cours : \(answered) réponses enregistrées"
                    entry["inProgress"] = true
                case .completed, .abandoned:
                    entry["state"] = run.sharedAt == nil ? "Terminé" : "Terminé et partagé avec votre formateur"
                    entry["done"] = true
                }
                entry["runID"] = run.id
            } else {
                entry["state"] = "À commencer"
                entry["notStarted"] = true
            }
            return entry
        }
        let modules = moduleRows(for: learner), questionnaires = questionnaireRows(for: learner)
        var context: [String: Any] = [
            "title": "Mon espace", "name": learner.displayName,
            "firstName": learner.firstName.isEmpty ? learner.displayName : learner.firstName,
            "assessments": assigned, "hasAssessments": !assigned.isEmpty,
            "modules": modules, "hasModules": !modules.isEmpty,
            "questionnaires": questionnaires, "hasQuestionnaires": !questionnaires.isEmpty,
            "accessibleItems": learner.accessibleItems, "saved": saved,
            "modulesDone": modules.filter { $0["complete"] as? Bool == true }.count, "modulesTotal": modules.count,
            // The first three cards show; the others fold, so that a phone does not scroll through a wall.
            "modulesNow": Array(modules.prefix(3)), "modulesLater": Array(modules.dropFirst(3)),
            "hasModulesLater": modules.count > 3, "laterCount": max(0, modules.count - 3),
        ]
        if let next = nextStep(for: learner, modules: modules, assessments: assigned) { context["next"] = next }
        return .html(templates.render("apprenant", context))
    }

    /// Everything stored about the signed-in learner, as a JSON file to keep (RGPD, right of access and
    /// portability; the sections are described in docs/PRIVACY.md).
    func learnerDataDownload(_ learner: Learner) -> HTTPResponse {
        guard let data = try? store.learnerData(learnerID: learner.id),
              let body = try? JSONSerialization.data(withJSONObject: [
                  "format": "passerelle-donnees-apprenant", "version": 1,
                  "exporte_le": ISO8601DateFormatter().string(from: Date()), "donnees": data,
              ], options: [.sortedKeys, .prettyPrinted]) else {
            return .html(templates.render("erreur", ["title": "Action impossible", "message": WebApp.serverTrouble]), status: 500)
        }
        try? store.audit(AuditEntry(action: "learner-data-download", actorLearnerID: learner.id, targetType: "learner",
                                    targetID: String(learner.id)))
        return HTTPResponse.json(body)
            .with(header: "Content-Disposition", "attachment; filename=\"mes-donnees-passerelle.json\"")
    }

    func staffHome(_ user: StaffUser) -> HTTPResponse {
        let cohorts = (try? store.cohorts(visibleTo: user)) ?? []
        let rows: [[String: Any]] = cohorts.map { cohort in
            let count = (try? store.learnerCount(cohortID: cohort.id)) ?? 0
            let questionnaireAssignments = (try? store.assignments(cohortID: cohort.id, kind: .questionnaire)) ?? []
            let opened: [[String: Any]] = ((try? store.assignments(cohortID: cohort.id, kind: .assessment)) ?? []).map {
                let chosen = try? JSONDecoder().decode(AssessmentAssignment.self, from: Data($0.settings.utf8))
                var row: [String: Any] = ["id": $0.id, "title": assessments.title(frameworkID: $0.contentID),
                                          "purpose": chosen?.purposeLabel ?? "positionnement", "date": French.day($0.createdAt)]
                if let due = $0.dueDate { row["due"] = French.day(due) }
                return row
            }
            var row: [String: Any] = ["id": cohort.id, "name": cohort.name,
                    "learners": count == 1 ? "1 apprenant" : "\(count) apprenants",
                    "assessments": opened, "hasAssessments": !opened.isEmpty,
                    "hasQuestionnaires": !questionnaireAssignments.isEmpty,
                    "questionnaires": questionnaireAssignments.map { assignment -> [String: Any] in
                        let settings = try? JSONDecoder().decode(QuestionnaireSettings.self, from: Data(assignment.settings.utf8))
                        return ["id": assignment.id, "title": catalog.questionnaire(id: assignment.contentID)?.title ?? assignment.contentID,
                                "administration": WebApp.administrationLabel(settings?.administration ?? "unique")]
                    },
                    "catalogQuestionnaires": catalog.questionnaires.map { ["id": $0.id, "title": $0.title] },
                    "targets": WebApp.assignmentTargets((try? store.learners(cohortID: cohort.id)) ?? []),
                    "hasCatalogQuestionnaires": !catalog.questionnaires.isEmpty]
            if let year = cohort.year { row["year"] = String(year) }
            return row
        }
        var context: [String: Any] = [
            "title": "Espace formateur", "name": user.displayName, "role": user.role.label,
            "cohorts": rows, "hasCohorts": !rows.isEmpty,
        ]
        if user.role == .admin {
            context["admin"] = ["staff": ((try? store.staff(organisationID: user.organisationID)) ?? []).map {
                ["name": $0.displayName, "username": $0.username, "role": $0.role.label]
            }]
        }
        return .html(templates.render("formateur", context))
    }

    func errorResponse(_ request: HTTPRequest, status: Int, message: String) -> HTTPResponse {
        if request.path.hasPrefix("/api/") { return apiError(status, message) }
        let title = status == 404 ? "Page introuvable" : "Action impossible"
        return .html(templates.render("erreur", ["title": title, "message": message]), status: status)
    }

    // MARK: JSON API

    func health() -> HTTPResponse {
        // No version number: an anonymous caller learns only whether the service is up.
        healthProbe.healthy { store.isHealthy() } ? WebApp.healthy : WebApp.degraded
    }

    /// The two answers of `/api/health`, made once (serialising them was a third of the request's time).
    static let healthy = HTTPResponse.json(Data(#"{"database":"ok","status":"ok"}"#.utf8), status: 200)
    static let degraded = HTTPResponse.json(Data(#"{"database":"error","status":"degraded"}"#.utf8), status: 503)

    func apiSignIn(_ request: HTTPRequest) -> HTTPResponse {
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
            return apiError(400, "Requête invalide : un objet JSON avec « code », ou « username » et « password », est attendu.")
        }
        let outcome: Authenticator.Outcome
        do {
            if let code = object["code"] as? String {
                outcome = try auth.signInLearner(code: code, from: request.peerAddress)
            } else if let username = object["username"] as? String, let password = object["password"] as? String {
                outcome = try auth.signInStaff(username: username, password: password, from: request.peerAddress)
            } else {
                return apiError(400, "Requête invalide : indiquez « code », ou « username » et « password ».")
            }
        } catch {
            return apiError(500, WebApp.serverTrouble)
        }
        switch outcome {
        case .signedIn(let principal, let token):
            return json(["role": principal.role.rawValue, "name": WebApp.name(of: principal),
                         "home": WebApp.home(of: principal)])
                .with(header: "Set-Cookie", Authenticator.sessionCookie(token, secure: secureCookies))
        case .rejected:
            return apiError(401, object["code"] != nil ? WebApp.unknownCode : WebApp.wrongPassword)
        case .throttled:
            return apiError(429, WebApp.tooManyTries)
        }
    }

    func json(_ object: [String: Any], status: Int = 200) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return .json(data, status: status)
    }

    func apiError(_ status: Int, _ message: String) -> HTTPResponse {
        json(["error": message], status: status)
    }

    // MARK: Helpers

    static let unknownCode = "Ce code d'accès n'est pas reconnu. Vérifiez chaque caractère, ou demandez votre code à votre formateur."
    static let wrongPassword = "Identifiant ou mot de passe incorrect."
    static let tooManyTries = "Trop d'essais en peu de temps. Attendez quelques minutes, puis réessayez."
    static let serverTrouble = "Le serveur a rencontré un problème. Réessayez dans un instant ; si cela continue, prévenez votre formateur."

    static func home(of principal: Principal) -> String {
        switch principal {
        case .learner: return "/apprenant"
        case .staff: return "/formateur"
        }
    }

    static func name(of principal: Principal) -> String {
        switch principal {
        case .learner(let learner): return learner.displayName
        case .staff(let user): return user.displayName
        }
    }

    /// A state-changing request must come from our own pages, and say so: browsers send
    /// `Sec-Fetch-Site` (modern ones), `Origin` (on every POST since 2020) or at least `Referer` (our
    /// pages' `Referrer-Policy: same-origin` keeps it for our own requests). A request that says none of
    /// them is refused too: a forged form in an old browser, or a script that should say where it comes
    /// from (`Origin: http://host`).
    static func sameOrigin(_ request: HTTPRequest) -> Bool {
        if let site = request.header("sec-fetch-site") {
            return site == "same-origin" || site == "none"
        }
        guard let host = request.header("host"), !host.isEmpty else { return false }
        let ours = ["http://\(host)", "https://\(host)"]
        if let origin = request.header("origin") {
            return ours.contains(origin)
        }
        if let referer = request.header("referer") {
            return ours.contains { referer == $0 || referer.hasPrefix($0 + "/") }
        }
        return false
    }

    /// Headers every response carries: no external resource can load, no framing, no sniffing.
    static func secured(_ response: HTTPResponse) -> HTTPResponse {
        var secured = response
        let present = Set(response.headers.map { $0.name.lowercased() })
        let defaults = [
            ("Content-Security-Policy",
             "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("X-Frame-Options", "DENY"),
        ]
        for (name, value) in defaults where !present.contains(name.lowercased()) {
            secured.headers.append(HTTPField(name: name, value: value))
        }
        if response.header("Content-Type")?.hasPrefix("text/html") == true || response.header("Content-Type")?
            .hasPrefix("application/json") == true, !present.contains("cache-control") {
            secured.headers.append(HTTPField(name: "Cache-Control", value: "no-store"))
        }
        return secured
    }
}

/// The answer of the last database check, reused for `interval`: a monitor or a load balancer polling
/// `/api/health` costs at most one query a second, however often it asks.
final class HealthProbe: @unchecked Sendable {  // `lock` guards `checkedAt` and `lastAnswer`
    static let interval: TimeInterval = 1
    private let lock = NSLock()
    private var checkedAt: TimeInterval?
    private var lastAnswer = false

    /// `check()` runs when the last answer is older than `interval` (monotonic clock), under the lock: callers
    /// arriving meanwhile wait for that one check rather than making their own.
    func healthy(_ check: () -> Bool) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let now = ProcessInfo.processInfo.systemUptime
        if let checkedAt, now >= checkedAt, now - checkedAt < HealthProbe.interval { return lastAnswer }
        lastAnswer = check()
        checkedAt = now
        return lastAnswer
    }
}
