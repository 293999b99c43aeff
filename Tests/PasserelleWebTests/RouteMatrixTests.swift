import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// Every route of the table × every role, with the ids of someone else: the router must refuse before
/// any handler runs, and no refusal may show the other person's data (issue 11).
@Suite(.serialized) struct RouteMatrixTests {
    /// Two organisations; in A, a trainer with cohort A1 (learner Ana Zébulon, a positioning, a questionnaire
    /// and a module meant for group G1), a colleague with cohort A2 and an administrator; in B, a trainer and
    /// a learner.
    final class World {
        let store: Store
        let server: HTTPServer
        let folder: URL
        var cookies: [String: String] = [:]
        var ids: [String: String] = [:]

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("matrix-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
            let root = try ContentRoot(validating: repositoryRoot.path)
            let catalog = try ContentLoader.load(root)
            let orgA = try store.createOrganisation(name: "A"), orgB = try store.createOrganisation(name: "B")
            let trainer = try store.createUser(organisationID: orgA.id, username: "ta", displayName: "TA", role: .trainer, passwordHash: "x")
            let colleague = try store.createUser(organisationID: orgA.id, username: "ta2", displayName: "TA2", role: .trainer, passwordHash: "x")
            let admin = try store.createUser(organisationID: orgA.id, username: "aa", displayName: "AA", role: .admin, passwordHash: "x")
            let outsider = try store.createUser(organisationID: orgB.id, username: "tb", displayName: "TB", role: .trainer, passwordHash: "x")
            let cohortA1 = try store.createCohort(organisationID: orgA.id, name: "A1", ownerID: trainer.id)
            _ = try store.createCohort(organisationID: orgA.id, name: "A2", ownerID: colleague.id)
            let cohortB = try store.createCohort(organisationID: orgB.id, name: "B1", ownerID: outsider.id)
            let ana = try store.createLearner(cohortID: cohortA1.id, firstName: "Ana", lastName: "Zébulon",
                                              attributes: [Store.groupAttribute: "G1"], codeSelector: nil, codeHash: nil)
            let other = try store.createLearner(cohortID: cohortB.id, firstName: "Bob", lastName: "Dupuis", codeSelector: nil, codeHash: nil)
            let chosen = AssessmentAssignment(settings: AssessmentSettings(frameworkID: "numerique"), purpose: .initial)
            let positioning = try store.createAssignment(
                cohortID: cohortA1.id, group: "G1", kind: .assessment, contentID: "numerique",
                settings: String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self))
            let questionnaire = try store.createAssignment(cohortID: cohortA1.id, group: "G1", kind: .questionnaire,
                                                           contentID: "aisance-numerique", settings: #"{"administration":"unique"}"#)
            _ = try store.createAssignment(cohortID: cohortA1.id, group: "G1", kind: .module, contentID: "culture-numerique")
            _ = try store.createAssignment(cohortID: cohortB.id, kind: .module, contentID: "mise-en-confiance")
            let run = try store.createAssessment(learnerID: ana.id, assignmentID: positioning, frameworkID: "numerique",
                                                 algorithm: "smart-random",
                                                 settings: String(decoding: try JSONEncoder().encode(chosen.settings), as: UTF8.self),
                                                 purpose: .initial, seed: 1, firstItemID: nil)
            let attempt = try store.recordAttempt(learnerID: ana.id, moduleID: "culture-numerique", activitySetID: "culture-1",
                                                  activityID: "x", answer: "{}", result: "submitted", timeSpentMs: 0)
            // A sandbox attempt of Ana's (a mission of a module meant for her group).
            _ = try store.createAssignment(cohortID: cohortA1.id, group: "G1", kind: .module, contentID: "sites-a-blanc")
            let sandbox = try store.startSandboxAttempt(learnerID: ana.id, moduleID: "sites-a-blanc",
                                                        activityID: "mission-sms-douteux", mailCode: "123456")
            // A workshop Ana opened as a mediator in training: hers only (not her trainer's, not anyone else's).
            let workshop = try store.openWorkshop(by: .learner(ana.id), moduleID: "sites-a-blanc", activityID: "mission-sms-douteux",
                                                  mailCode: "123456", lifetime: 3600) { ("ACDE", "h") }
            ids = ["workshop": String(workshop.id), "sandbox": String(sandbox), "step": "1", "message": "fausse-amende", "action": "signaler",
                   "cohort": String(cohortA1.id), "learner": String(ana.id), "assignment-assessment": String(positioning),
                   "assignment-questionnaire": String(questionnaire), "run": String(run.id), "module": "culture-numerique",
                   "attempt": String(attempt)]
            for (role, principal) in [("learner", Principal.learner(ana)), ("otherLearner", .learner(other)), ("trainer", .staff(trainer)),
                                      ("colleague", .staff(colleague)), ("admin", .staff(admin)), ("outsider", .staff(outsider))] {
                let token = "jeton-\(role)-\(UUID().uuidString)"
                try store.createSession(tokenHash: Credentials.digest(token), principal: principal, expiresAt: Date().addingTimeInterval(3600))
                cookies[role] = "\(Authenticator.cookieName)=\(token)"
            }
            let app = try WebApp(store: store, catalog: catalog, root: root)
            var configuration = HTTPServer.Configuration()
            configuration.port = 0
            server = HTTPServer(configuration: configuration, handler: app.handle)
            try server.start()
        }

        /// The route's path with A's ids (Ana's run, cohort A1…).
        func path(_ route: Route) -> String {
            route.pattern.split(separator: "/").map { part -> String in
                guard part.hasPrefix("{"), let close = part.firstIndex(of: "}") else { return String(part) }
                let name = part[part.index(after: part.startIndex)..<close].split(separator: ":")[0]
                let suffix = part[part.index(after: close)...]
                let key = name == "assignment" ? (route.pattern.contains("questionnaire") ? "assignment-questionnaire" : "assignment-assessment")
                    : String(name)
                return (ids[key] ?? "x") + suffix
            }.reduce("") { $0 + "/" + $1 }.replacingOccurrences(of: "//", with: "/")
        }

        func request(_ route: Route, as role: String?, crossSite: Bool = false) throws -> RawHTTPClient.Response {
            var headers = ["Sec-Fetch-Site": crossSite ? "cross-site" : "same-origin", "Content-Type": "application/x-www-form-urlencoded"]
            if let role, let cookie = cookies[role] { headers["Cookie"] = cookie }
            let path = path(route) == "" ? "/" : path(route)
            return try RawHTTPClient(port: server.port).request(route.method, path, headers: headers, body: [])
        }

        func stop() {
            server.stop()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    @Test func theTableIsWellFormed() {
        var seen = Set<String>()
        for route in WebApp.routes {
            #expect(seen.insert("\(route.method) \(route.pattern)").inserted, "declared twice: \(route.method) \(route.pattern)")
            #expect(["GET", "POST", "PUT", "DELETE"].contains(route.method))
            // Every id in a path is one the router knows how to check.
            for parameter in route.parameters {
                #expect(["cohort", "learner", "assignment", "run", "module", "lesson", "set", "activity", "attempt", "sandbox", "step",
                         "message", "action", "provider", "workshop"].contains(parameter.name),
                        "unchecked parameter \(parameter.name) in \(route.pattern)")
            }
        }
    }

    @Test func everyRoleGetsWhatTheTableSaysAndNoOneSeesAnothersData() throws {
        let world = try World()
        defer { world.stop() }
        var problems: [String] = []
        func check(_ condition: Bool, _ message: @autoclosure () -> String) { if !condition { problems.append(message()) } }

        for route in WebApp.routes {
            let name = "\(route.method) \(world.path(route))"
            let isAPI = route.pattern.hasPrefix("/api/")
            // Anonymous: sign in first.
            if route.access != .anyone {
                let response = try world.request(route, as: nil)
                check(response.status == (isAPI ? 401 : 303), "anonymous \(name) → \(response.status)")
            }
            // Cross-site state changes are refused for everyone, before any handler.
            if route.changesState {
                for role in [nil, "learner", "trainer", "admin"] {
                    let response = try world.request(route, as: role, crossSite: true)
                    check(response.status == 403, "cross-site \(role ?? "anonymous") \(name) → \(response.status)")
                }
            }
            let hasIDs = route.parameters.contains { ["cohort", "learner", "assignment", "run", "module", "sandbox", "workshop"].contains($0.name) }
            let isWorkshop = route.parameters.contains { $0.name == "workshop" }
            for role in ["learner", "otherLearner", "trainer", "colleague", "admin", "outsider"] {
                let isOwner = isWorkshop ? role == "learner" : ["learner", "trainer", "admin"].contains(role)
                // Owners use state-changing routes for real elsewhere; here, only reads. Routes open to anyone
                // (sign-in, sign-out) are checked above and by their own tests: signing out here would end the session.
                if isOwner && route.changesState || route.access == .anyone && route.changesState { continue }
                let response = try world.request(route, as: role)
                let body = response.text
                let staffRole = !role.hasSuffix("earner")
                let expected: Set<Int>
                switch (route.access, staffRole) {
                case (.anyone, _): expected = []
                case (.learner, true), (.sandboxPlayer, true), (.staff, false), (.admin, false): expected = [403]
                case (.admin, true) where role != "admin": expected = [403]
                default: expected = hasIDs && !isOwner ? [404] : []
                }
                if route.access == .anyone {
                    check(response.status < 500, "\(role) \(name) → \(response.status)")
                } else if expected.isEmpty {
                    check(![401, 403].contains(response.status) && response.status < 500, "\(role) \(name) → \(response.status)")
                } else {
                    check(expected.contains(response.status), "\(role) \(name) → \(response.status), expected \(expected.sorted())")
                }
                if !isOwner || !expected.isEmpty {
                    check(!body.contains("Zébulon") && !body.contains("Z&#233;bulon"), "\(role) \(name) shows Ana's name")
                }
            }
        }
        let report = "\(problems.count) problem(s):\n" + problems.prefix(40).joined(separator: "\n")
        #expect(problems.isEmpty, "\(report)")
        // Nothing of A was changed by the refused requests.
        #expect(try world.store.learner(id: Int64(world.ids["learner"] ?? "0") ?? 0) != nil)
    }
}
