import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// Workshop mode (« atelier »): a mediator opens a mission for a person they help. The person has no
/// account: they join once, on their own device, with a one-time code (`WorkshopCode`), and play the mission
/// in the sandbox; the mediator follows the steps live (`GET /api/ateliers/{workshop}`, polled by
/// `atelier.js`); ending the workshop erases the person's attempt, its events and their session
/// (`Store.endWorkshop`), and so does expiry (3 hours). Nothing about the person is logged: the request
/// log has method, path and status only, and the audit log names the mediator, never the person.
extension WebApp {
    /// How long a workshop (and so its code) lives.
    static let workshopLifetime: TimeInterval = 3 * 3600
    /// The person's session cookie: separate from the staff and learner session.
    static let workshopCookie = "passerelle_atelier"

    /// The mediator of a signed-in principal (trainers, administrators and learners may all open workshops).
    static func mediator(_ principal: Principal?) -> Store.Mediator? {
        switch principal {
        case .staff(let user)?: return .user(user.id)
        case .learner(let learner)?: return .learner(learner.id)
        case nil: return nil
        }
    }

    static func opened(_ workshop: Store.Workshop, by mediator: Store.Mediator) -> Bool {
        switch mediator {
        case .user(let id): return workshop.openedByUserID == id
        case .learner(let id): return workshop.openedByLearnerID == id
        }
    }

    /// The person's workshop from their cookie (nil without one, or when it was ended or has expired).
    func guestWorkshop(_ request: HTTPRequest) throws -> Store.Workshop? {
        guard let token = request.cookies[WebApp.workshopCookie], !token.isEmpty, token.utf8.count <= 100 else { return nil }
        return try store.workshop(guestTokenHash: Credentials.digest(token))
    }

    func guestCookie(_ token: String) -> String {
        "\(WebApp.workshopCookie)=\(token); Path=/; HttpOnly; \(secureCookies ? "Secure; SameSite=Strict" : "SameSite=Lax"); Max-Age=\(Int(WebApp.workshopLifetime))"
    }

    func clearedGuestCookie() -> String {
        "\(WebApp.workshopCookie)=; Path=/; HttpOnly; \(secureCookies ? "Secure; SameSite=Strict" : "SameSite=Lax"); Max-Age=0"
    }

    /// What the person sees once the workshop is over: everything was erased; their cookie goes too.
    func workshopOverPage() -> HTTPResponse {
        HTTPResponse.html(templates.render("atelier-termine", ["title": "L'atelier est terminé"]), status: 410)
            .with(header: "Set-Cookie", clearedGuestCookie())
    }

    /// The missions a mediator may open: every mission of the catalogue for staff; for a learner, those
    /// of the modules meant for them.
    func workshopMissions(_ principal: Principal) throws -> [(module: Module, activity: Activity, mission: Mission)] {
        let modules: [Module]
        switch principal {
        case .staff: modules = catalog.modules
        case .learner(let learner): modules = try modulesService.modules(for: learner).map(\.module)
        }
        return modules.flatMap { module in
            module.activitySets.flatMap(\.activities).compactMap { activity in
                if case .mission(let mission) = activity.kind { return (module, activity, mission) }
                return nil
            }
        }
    }

    // MARK: The mediator's pages

    /// `GET /atelier`: open a workshop (one button per mission), and the mediator's workshops in progress.
    func workshopDesk(_ context: RouteContext, error: String? = nil, status: Int = 200) -> HTTPResponse {
        guard let principal = context.principal, let mediator = WebApp.mediator(principal) else { return .redirect(to: "/connexion") }
        do {
            // A GET changes nothing: expired workshops are already out of every read; they are erased by the
            // next POST about workshops (open, join, end) and at start-up.
            let missions = try workshopMissions(principal)
            let levels = Mission.Level.allCases
            let groups: [[String: Any]] = levels.compactMap { level in
                let items = missions.filter { $0.mission.level == level }
                guard !items.isEmpty else { return nil }
                return ["level": level.rawValue.prefix(1).uppercased() + level.rawValue.dropFirst(),
                        "missions": items.map { ["value": "\($0.module.id)/\($0.activity.id)", "title": $0.mission.title,
                                                 "summary": $0.mission.persona.name + " — " + $0.mission.persona.situation,
                                                 "id": "m-\($0.module.id)-\($0.activity.id)"] }]
            }
            let open: [[String: Any]] = try store.workshops(openedBy: mediator).map { workshop in
                ["id": workshop.id, "mission": missionTitle(workshop), "opened": WebApp.frenchTime(workshop.openedAt),
                 "joined": workshop.joined]
            }
            var page: [String: Any] = [
                "title": "Atelier avec une personne accompagnée", "home": WebApp.home(of: principal),
                "groups": groups, "hasMissions": !groups.isEmpty, "open": open, "hasOpen": !open.isEmpty,
                "ended": context.request.queryValue("termine") == "1",
            ]
            if let error { page["error"] = error }
            return .html(templates.render("atelier", page), status: status)
        } catch {
            return errorResponse(context.request, status: 500, message: WebApp.serverTrouble)
        }
    }

    func missionTitle(_ workshop: Store.Workshop) -> String {
        guard let module = catalog.module(id: workshop.moduleID), let (_, activity) = module.activity(workshop.activityID),
              case .mission(let mission) = activity.kind else { return "Mission" }
        return mission.title
    }

    /// `POST /atelier`: opens a workshop for the mission chosen (`mission=module/activity`), then shows its page.
    func openWorkshop(_ context: RouteContext) -> HTTPResponse {
        guard let principal = context.principal, let mediator = WebApp.mediator(principal) else { return .redirect(to: "/connexion") }
        let chosen = String((context.request.formValue("mission") ?? "").prefix(200))
        do {
            try store.eraseExpiredWorkshops()
            guard let found = try workshopMissions(principal).first(where: { "\($0.module.id)/\($0.activity.id)" == chosen }) else {
                return workshopDesk(context, error: "Choisissez une mission dans la liste.", status: 400)
            }
            var shown: WorkshopCode?
            let workshop = try store.openWorkshop(by: mediator, moduleID: found.module.id, activityID: found.activity.id,
                                                  mailCode: WebApp.newMailCode(), lifetime: WebApp.workshopLifetime) {
                var generator = SodiumRandom()
                let code = WorkshopCode.generate(using: &generator)
                shown = code
                return (code.selector, try Credentials.hashPassword(code.secret))
            }
            if let shown { workshopCodes.remember(shown, for: workshop.id) }
            try auditWorkshop("workshop-opened", workshop.id, by: mediator)
            return .redirect(to: "/atelier/\(workshop.id)")
        } catch {
            return errorResponse(context.request, status: 500, message: WebApp.serverTrouble)
        }
    }

    /// One line of the audit log for a workshop, under its mediator's id (never anything about the person).
    func auditWorkshop(_ action: String, _ workshopID: Int64, by mediator: Store.Mediator) throws {
        switch mediator {
        case .user(let id): try store.audit(AuditEntry(action: action, actorUserID: id, targetType: "workshop", targetID: String(workshopID)))
        case .learner(let id): try store.audit(AuditEntry(action: action, actorLearnerID: id, targetType: "workshop", targetID: String(workshopID)))
        }
    }

    /// The workshop of the path (the router checked that the caller opened it and that it has not expired).
    func ownWorkshop(_ context: RouteContext) throws -> Store.Workshop? {
        guard let id = context.integer("workshop"), let mediator = WebApp.mediator(context.principal),
              let workshop = try store.workshop(id: id), WebApp.opened(workshop, by: mediator) else { return nil }
        return workshop
    }

    /// `GET /atelier/{workshop}`: the code to give (until it is used), then the person's steps, live.
    func workshopPage(_ context: RouteContext) -> HTTPResponse {
        do {
            guard let workshop = try ownWorkshop(context) else { return errorResponse(context.request, status: 404, message: WebApp.notYours) }
            let steps = try workshopSteps(workshop)
            var page: [String: Any] = [
                "title": "Atelier : \(missionTitle(workshop))", "id": workshop.id, "mission": missionTitle(workshop),
                "joined": workshop.joined, "steps": steps, "hasSteps": !steps.isEmpty, "count": steps.count,
                "expires": WebApp.instant(workshop.expiresAt).map { WebApp.parisFormatter("H 'h' mm").string(from: $0) } ?? "",
                "home": context.principal.map(WebApp.home) ?? "/",
            ]
            if !workshop.joined {
                if let code = workshopCodes.code(for: workshop.id) {
                    page["code"] = code.display
                    page["codeSpelled"] = code.value.map(String.init).joined(separator: " ")
                } else {
                    page["codeLost"] = true
                }
            }
            return .html(templates.render("atelier-suivi", page))
        } catch {
            return errorResponse(context.request, status: 500, message: WebApp.serverTrouble)
        }
    }

    /// The person's steps so far, in plain words (the same words as the trainer's timeline).
    func workshopSteps(_ workshop: Store.Workshop) throws -> [[String: Any]] {
        // The mission's opening is the mediator's own act, before the person joined: not one of their steps.
        try store.sandboxEvents(attemptID: workshop.attemptID).filter { $0.action != .missionOpened }.enumerated().map { index, event in
            let details = event.data.sorted { $0.key < $1.key }.filter { $0.key != "etape" }.map { WebApp.timelineDetail($0.key, $0.value) }
            var step: [String: Any] = ["number": index + 1, "time": WebApp.clock(event.at), "where": "\(event.service.title) — \(event.step)",
                                       "action": event.action.label, "outcome": WebApp.outcomeLabel(event),
                                       "refused": event.outcome == .refused, "risk": event.outcome == .risk]
            if !details.isEmpty { step["details"] = details.joined(separator: " ; ") }
            return step
        }
    }

    /// `GET /api/ateliers/{workshop}`: whether the person joined, and their steps (polled by `atelier.js`).
    func workshopAPI(_ context: RouteContext) -> HTTPResponse {
        do {
            guard let workshop = try ownWorkshop(context) else { return apiError(404, WebApp.notYours) }
            return json(["joined": workshop.joined, "steps": try workshopSteps(workshop)])
        } catch {
            return apiError(500, WebApp.serverTrouble)
        }
    }

    /// `POST /atelier/{workshop}/terminer`: erases everything the person did and ends their session.
    func endWorkshop(_ context: RouteContext) -> HTTPResponse {
        do {
            guard let workshop = try ownWorkshop(context), let mediator = WebApp.mediator(context.principal) else {
                return errorResponse(context.request, status: 404, message: WebApp.notYours)
            }
            try store.endWorkshop(id: workshop.id)
            try store.eraseExpiredWorkshops()
            workshopCodes.forget(workshop.id)
            try auditWorkshop("workshop-ended", workshop.id, by: mediator)
            return .redirect(to: "/atelier?termine=1")
        } catch {
            return errorResponse(context.request, status: 500, message: WebApp.serverTrouble)
        }
    }

    // MARK: The person's pages

    /// `GET /rejoindre`: the form where the person types the code.
    func joinPage(error: String? = nil, status: Int = 200) -> HTTPResponse {
        var page: [String: Any] = ["title": "Rejoindre un atelier"]
        if let error { page["error"] = error }
        return .html(templates.render("atelier-rejoindre", page), status: status)
    }

    static let unknownWorkshopCode = "Ce code ne marche pas. Vérifiez chaque lettre et chaque chiffre. Un code ne sert qu'une fois."

    /// `POST /rejoindre`: checks the code (throttled like the access-code sign-in), uses it up, opens the
    /// person's session and sends them to the mission.
    func joinWorkshop(_ request: HTTPRequest) -> HTTPResponse {
        let typed = String((request.formValue("code") ?? "").prefix(64))
        let code = WorkshopCode(typed: typed)
        let account = "atelier:" + (code?.selector ?? "?")
        let throttle = auth.throttle
        guard throttle.allows(account: account, peer: request.peerAddress) else {
            return joinPage(error: "Trop d'essais en peu de temps. Attendez quelques minutes, puis réessayez.", status: 429)
        }
        do {
            try store.eraseExpiredWorkshops()
            let found = try code.flatMap { try store.workshopToJoin(selector: $0.selector) }
            // An unknown selector costs the same time as a wrong secret.
            let verified = Credentials.verifyPassword(code?.secret ?? "", hash: found?.codeHash ?? WebApp.dummyWorkshopHash)
            guard let found, verified else {
                throttle.recordFailure(account: account, peer: request.peerAddress)
                return joinPage(error: WebApp.unknownWorkshopCode, status: 400)
            }
            let token = Credentials.newToken()
            guard try store.joinWorkshop(id: found.workshop.id, guestTokenHash: Credentials.digest(token)) else {
                throttle.recordFailure(account: account, peer: request.peerAddress)
                return joinPage(error: WebApp.unknownWorkshopCode, status: 400)
            }
            throttle.recordSuccess(account: account)
            workshopCodes.forget(found.workshop.id)
            return HTTPResponse.redirect(to: "/bac-a-sable/\(found.workshop.attemptID)").with(header: "Set-Cookie", guestCookie(token))
        } catch {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
    }

    private static let dummyWorkshopHash: String = (try? Credentials.hashPassword(Credentials.newToken())) ?? ""
}

/// The codes of workshops not joined yet, in memory only, so that their opener can read them again on the
/// workshop's page (the database keeps only the hash of the secret). Lost on restart: the page then says to
/// open a new workshop.
final class WorkshopCodes: @unchecked Sendable {
    private let lock = NSLock()
    private var codes: [Int64: WorkshopCode] = [:]

    func remember(_ code: WorkshopCode, for workshop: Int64) {
        lock.lock()
        if codes.count > 10_000 { codes.removeAll() }  // bound memory
        codes[workshop] = code
        lock.unlock()
    }

    func code(for workshop: Int64) -> WorkshopCode? {
        lock.lock()
        defer { lock.unlock() }
        return codes[workshop]
    }

    func forget(_ workshop: Int64) {
        lock.lock()
        codes[workshop] = nil
        lock.unlock()
    }
}
