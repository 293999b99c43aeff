import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// Issue 11's findings, each through the real server where it was found.
@Suite struct SecurityTests {
    let jsonHeaders = ["Content-Type": "application/json"]

    /// A cohort with two groups, a learner in each, and a positioning and a questionnaire meant for group A only.
    func setUp(_ store: Store) throws -> (a: AccessCode, b: AccessCode, assessment: Int64, questionnaire: Int64, learnerA: Learner) {
        let org = try store.createOrganisation(name: "IRTS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        let learnerA = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "A",
                                               attributes: [Store.groupAttribute: "A"], codeSelector: nil, codeHash: nil)
        let learnerB = try store.createLearner(cohortID: cohort.id, firstName: "Bob", lastName: "B",
                                               attributes: [Store.groupAttribute: "B"], codeSelector: nil, codeHash: nil)
        let chosen = AssessmentAssignment(settings: AssessmentSettings(frameworkID: "essai"), purpose: .initial)
        let assessment = try store.createAssignment(
            cohortID: cohort.id, group: "A", kind: .assessment, contentID: "essai",
            settings: String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self))
        let questionnaire = try store.createAssignment(
            cohortID: cohort.id, group: "A", kind: .questionnaire, contentID: "aisance-numerique", settings: #"{"administration":"unique"}"#)
        return (try DemoSeeder.giveNewCode(to: learnerA, in: store), try DemoSeeder.giveNewCode(to: learnerB, in: store),
                assessment, questionnaire, learnerA)
    }

    func withServer(_ body: (AssessmentServer, Store) throws -> Void) throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        let questionnaires = fixture.root.appendingPathComponent("Assessments/questionnaires")
        try FileManager.default.createDirectory(at: questionnaires, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Assessments/questionnaires/aisance-numerique.yaml"),
                                         to: questionnaires.appendingPathComponent("aisance-numerique.yaml"))
        let store = try Store(path: fixture.root.appendingPathComponent("db.sqlite").path)
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }
        try body(server, store)
    }

    func signIn(_ server: AssessmentServer, _ code: AccessCode) throws -> String {
        let response = try server.client().request("POST", "/api/session", headers: jsonHeaders,
                                                   body: Array(#"{"code":"\#(code.value)"}"#.utf8))
        return try #require(sessionCookie(response))
    }

    /// `POST /api/assessments` for an assignment, as the learner of `cookie`.
    func start(_ client: RawHTTPClient, _ assignment: Int64, _ cookie: String) throws -> RawHTTPClient.Response {
        try client.request("POST", "/api/assessments", headers: jsonHeaders.merging(["Cookie": cookie]) { a, _ in a },
                           body: Array(#"{"assignment": \#(assignment)}"#.utf8))
    }

    /// Finding 1: an answer that is not an object (false, "a", 1, null…) stopped the process.
    @Test func malformedAnswersGetA400AndTheServerLives() throws {
        try withServer { server, store in
            let codes = try setUp(store)
            let cookie = try signIn(server, codes.a)
            let client = try server.client()
            let started = try start(client, codes.assessment, cookie)
            #expect(started.status == 200)
            let run = try #require((try JSONSerialization.jsonObject(with: Data(started.body)) as? [String: Any])?["id"] as? Int)
            let bodies = [
                #"{"item": "qA2", "answer": false}"#, #"{"item": "qA2", "answer": "a"}"#, #"{"item": "qA2", "answer": 1}"#,
                #"{"item": "qA2", "answer": null}"#, #"{"item": "qA2", "answer": [[[]]]}"#, #"{"item": 3, "answer": {"choice": "a"}}"#,
                #"{"item": "qA2", "answer": {"choice": "a"}, "timeSpentMs": "x"}"#, #"[1, 2]"#, #"false"#, #"nul"#, "",
                #"{"item": "qA2", "answer": {"choice": "\#(String(repeating: "a", count: 5_000))"}}"#,
                #"{"item": "qA2", "answer": {"choices": [\#(Array(repeating: "\"a\"", count: 500).joined(separator: ","))]}}"#,
            ]
            for body in bodies {
                let response = try client.request("POST", "/api/assessments/\(run)/answers",
                                                  headers: jsonHeaders.merging(["Cookie": cookie]) { a, _ in a }, body: Array(body.utf8))
                #expect(response.status == 400, "\(body.prefix(60)) → \(response.status)")
                #expect(try server.client().request("GET", "/api/health").status == 200, "server gone after \(body.prefix(60))")
            }
        }
    }

    /// Finding 2: a huge time spent was stored and made every later sum overflow.
    @Test func timeSpentIsClampedAndSumsCannotOverflow() throws {
        try withServer { server, store in
            let codes = try setUp(store)
            let cookie = try signIn(server, codes.a)
            let headers = jsonHeaders.merging(["Cookie": cookie]) { a, _ in a }
            let client = try server.client()
            let started = try start(client, codes.assessment, cookie)
            let view = try #require(try JSONSerialization.jsonObject(with: Data(started.body)) as? [String: Any])
            let run = try #require(view["id"] as? Int)
            var item = try #require((view["item"] as? [String: Any])?["id"] as? String)
            for spent in ["9223372036854775807", "1e300", "-5"] {
                let response = try client.request("POST", "/api/assessments/\(run)/answers", headers: headers,
                                                  body: Array(#"{"item": "\#(item)", "answer": {"choice": "a"}, "timeSpentMs": \#(spent)}"#.utf8))
                #expect(response.status == 200, "timeSpentMs \(spent) → \(response.status)")
                let next = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
                guard let nextItem = (next["item"] as? [String: Any])?["id"] as? String else { break }
                item = nextItem
            }
            // The store clamps what it is given, whoever calls it.
            _ = try store.recordAttempt(learnerID: codes.learnerA.id, moduleID: "m", activitySetID: "s", activityID: "a",
                                        answer: "{}", result: "correct", timeSpentMs: Int.max)
            let activity = try #require(try store.learnerActivity(cohortID: codes.learnerA.cohortID)[codes.learnerA.id])
            #expect(activity.timeSpentMs <= 3 * Store.maximumTimeSpentMs)
            #expect(activity.timeSpentMs >= Store.maximumTimeSpentMs)
        }
    }

    /// Finding 6: work meant for group A was reachable by id from group B.
    @Test func anotherGroupsWorkIsOutOfReach() throws {
        try withServer { server, store in
            let codes = try setUp(store)
            let cookieB = try signIn(server, codes.b)
            let client = try server.client()
            let started = try start(client, codes.assessment, cookieB)
            #expect(started.status == 404)
            let page = try client.request("POST", "/positionnements/\(codes.assessment)/commencer", headers: ["Cookie": cookieB])
            #expect(page.status == 404)
            let questionnaire = try client.request("GET", "/questionnaires/\(codes.questionnaire)", headers: ["Cookie": cookieB])
            #expect(questionnaire.status == 404)
            // The group's own learner still reaches them.
            let cookieA = try signIn(server, codes.a)
            #expect(try client.request("GET", "/questionnaires/\(codes.questionnaire)", headers: ["Cookie": cookieA]).status == 200)
            let own = try start(client, codes.assessment, cookieA)
            #expect(own.status == 200)
        }
    }

    /// Finding 3: one success from an address wiped its failures; 30 failures locked a classroom out.
    @Test func anotherAccountsSuccessDoesNotResetTheThrottle() {
        let throttle = SignInThrottle(accountFreeTries: 3, addressFreeTries: 50, baseDelay: 60)
        let now = Date()
        for _ in 0..<3 { throttle.recordFailure(account: "code:ABCD", peer: "10.0.0.1", now: now) }
        #expect(!throttle.allows(account: "code:ABCD", peer: "10.0.0.1", now: now))
        throttle.recordSuccess(account: "code:EFGH")
        #expect(!throttle.allows(account: "code:ABCD", peer: "10.0.0.1", now: now))
        // A classmate behind the same address is not locked out by those failures.
        #expect(throttle.allows(account: "code:EFGH", peer: "10.0.0.1", now: now))
        // Delays grow, then the account may try again.
        #expect(throttle.allows(account: "code:ABCD", peer: "10.0.0.1", now: now.addingTimeInterval(61)))
    }

    @Test func aClassroomBehindOneAddressIsSlowedNotLockedOut() {
        let throttle = SignInThrottle()
        let now = Date()
        for index in 0..<40 { throttle.recordFailure(account: "code:K\(index)", peer: "10.0.0.9", now: now) }
        #expect(throttle.allows(account: "code:GOOD", peer: "10.0.0.9", now: now))
        for index in 40..<200 { throttle.recordFailure(account: "code:K\(index)", peer: "10.0.0.9", now: now) }
        #expect(!throttle.allows(account: "code:GOOD", peer: "10.0.0.9", now: now))
        // Never more than the address cap (30 s by default).
        #expect(throttle.allows(account: "code:GOOD", peer: "10.0.0.9", now: now.addingTimeInterval(31)))
    }

    /// Finding 4: unknown accounts answered at once; now they cost a hash like known ones.
    @Test func unknownAccountsCostAHashToo() throws {
        try withServer { server, store in
            _ = try setUp(store)
            let client = try server.client()
            for body in [#"{"code":"ZZZZ-ZZZZ-ZZ"}"#, #"{"username":"personne","password":"x"}"#] {
                let before = Credentials.verifications.value
                let response = try client.request("POST", "/api/session", headers: jsonHeaders, body: Array(body.utf8))
                #expect(response.status == 401)
                #expect(Credentials.verifications.value > before, "no hash for \(body)")
            }
            let audit = try store.recentAudit(limit: 20).filter { $0.action == "sign-in-failed" }
            #expect(audit.count >= 2)
        }
    }

    /// Finding 8: a new password ends the sessions opened with the old one.
    @Test func aPasswordResetEndsStaffSessions() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("db.sqlite").path
        let store = try Store(path: path)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let org = try store.createOrganisation(name: "IRTS")
        let user = try store.createUser(organisationID: org.id, username: "f", displayName: "F", role: .trainer,
                                         passwordHash: try Credentials.hashPassword("ancien-mot-de-passe"))
        try store.createSession(tokenHash: "h", principal: .staff(user), expiresAt: Date().addingTimeInterval(3600))
        #expect(try store.principal(sessionTokenHash: "h") != nil)
        try store.setPasswordHash(userID: user.id, hash: try Credentials.hashPassword("nouveau-mot-de-passe"))
        #expect(try store.principal(sessionTokenHash: "h") == nil)
    }

    /// Issue 12: hashes cost OWASP's minimum for argon2id (19 MiB, 2 passes), and a hash made with the older
    /// cost (64 MiB) is replaced at the next sign-in without ending the account's sessions.
    @Test func olderHashesAreUpgradedAtSignIn() throws {
        #expect(try Credentials.hashPassword("x").hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        let org = try store.createOrganisation(name: "IRTS")
        // Made by libsodium's crypto_pwhash_str with its « interactive » cost, for "mot-de-passe-2025".
        let older = "$argon2id$v=19$m=65536,t=2,p=1$mixl4SDQ2nqIreZdlW/5pA$7cv/LTwThrUC0twSjCQbtDLx4uQcCMOtwhGLvE9/SF0"
        #expect(Credentials.needsRehash(older))
        let user = try store.createUser(organisationID: org.id, username: "f", displayName: "F", role: .trainer, passwordHash: older)
        try store.createSession(tokenHash: "h", principal: .staff(user), expiresAt: Date().addingTimeInterval(3600))
        let outcome = try Authenticator(store: store).signInStaff(username: "f", password: "mot-de-passe-2025", from: "127.0.0.1")
        guard case .signedIn = outcome else { Issue.record("sign-in refused: \(outcome)"); return }
        let upgraded = try #require(try store.staffCredentials(username: "f")?.passwordHash)
        #expect(upgraded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(!Credentials.needsRehash(upgraded))
        #expect(Credentials.verifyPassword("mot-de-passe-2025", hash: upgraded))
        #expect(try store.principal(sessionTokenHash: "h") != nil, "the other session stays open")
    }

    /// Finding 7: a learner downloads their data from their home page; only an administrator erases.
    @Test func learnersDownloadTheirDataAndOnlyAdministratorsErase() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let learner = running.demo.learners[0]
        let signIn = try client.request("POST", "/connexion/apprenant", headers: form, body: Array("code=\(learner.code.value)".utf8))
        let cookie = try #require(sessionCookie(signIn))
        let home = try client.request("GET", "/apprenant", headers: ["Cookie": cookie])
        #expect(home.text.contains(#"href="/apprenant/mes-donnees""#))
        let download = try client.request("GET", "/apprenant/mes-donnees", headers: ["Cookie": cookie])
        #expect(download.status == 200)
        #expect(download.headers["content-disposition"]?.contains("attachment") == true)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(download.body)) as? [String: Any])
        let data = try #require(document["donnees"] as? [String: Any])
        let record = try #require((data["apprenant"] as? [[String: Any]])?.first)
        #expect(learner.name.contains(record["first_name"] as? String ?? "?"))
        #expect(try client.request("GET", "/apprenant/mes-donnees").status == 303, "signed out: to the sign-in page")

        // The demo trainer is not an administrator: refused, and nothing is erased.
        let staff = try client.request("POST", "/connexion/formateur", headers: form,
                                       body: Array("identifiant=\(running.demo.trainerUsername)&mot_de_passe=\(running.demo.trainerPassword)".utf8))
        let staffCookie = try #require(sessionCookie(staff))
        let learnerID = try #require(record["id"] as? Int)
        let refused = try client.request("POST", "/formateur/apprenants/\(learnerID)/effacer",
                                         headers: form.merging(["Cookie": staffCookie]) { a, _ in a }, body: Array("confirmer=1".utf8))
        #expect(refused.status == 403)
        #expect(try running.store.learner(id: Int64(learnerID)) != nil)

        let admin = try running.store.createUser(organisationID: running.demo.organisation.id, username: "admin-essai",
                                                 displayName: "Admin", role: .admin, passwordHash: try Credentials.hashPassword("mot-de-passe-admin"))
        let adminSignIn = try client.request("POST", "/connexion/formateur", headers: form,
                                             body: Array("identifiant=\(admin.username)&mot_de_passe=mot-de-passe-admin".utf8))
        let adminCookie = try #require(sessionCookie(adminSignIn))
        let page = try client.request("GET", "/formateur/apprenants/\(learnerID)", headers: ["Cookie": adminCookie])
        #expect(page.text.contains("/formateur/apprenants/\(learnerID)/effacer"))
        let unconfirmed = try client.request("POST", "/formateur/apprenants/\(learnerID)/effacer",
                                             headers: form.merging(["Cookie": adminCookie]) { a, _ in a }, body: [])
        #expect(unconfirmed.status == 400)
        #expect(try running.store.learner(id: Int64(learnerID)) != nil)
        let erased = try client.request("POST", "/formateur/apprenants/\(learnerID)/effacer",
                                        headers: form.merging(["Cookie": adminCookie]) { a, _ in a }, body: Array("confirmer=1".utf8))
        #expect(erased.status == 303)
        #expect(try running.store.learner(id: Int64(learnerID)) == nil)
        #expect(try client.request("GET", "/apprenant", headers: ["Cookie": cookie]).status == 303, "the erased learner's session is gone")
    }
}
