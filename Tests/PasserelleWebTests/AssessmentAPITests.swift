import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// A content root with the repository's Web/ and a small framework: tubes A (levels 1-5), B (1-3), C (1-2),
/// one QCU per skill whose right choice is "a", plus a QROC on @A1. The items of `inaccessibleTube` are flagged
/// `accessible: false`.
struct AssessmentFixture {
    let root: URL

    init(inaccessibleTube: String? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("assess-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("Assessments/frameworks"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("Assessments/items"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("Curriculum"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(at: root.appendingPathComponent("Web"), withDestinationURL: repositoryRoot.appendingPathComponent("Web"))
        let tubes = [("A", 5), ("B", 3), ("C", 2)]
        var framework = """
            id: essai
            title: Référentiel d'essai
            domains:
              - id: "1"
                title: Domaine
                competences:
                  - id: "1.1"
                    title: Compétence
                    tubes:

            """
        var items = "items:\n"
        for (tube, levels) in tubes {
            framework += "          - id: \(tube)\n            title: Tube \(tube)\n            skills:\n"
            for level in 1...levels {
                framework += "              - { id: \"@\(tube)\(level)\", level: \(level), title: \"\(tube) \(level)\" }\n"
                items += """
                      - id: q\(tube)\(level)
                        skill: "@\(tube)\(level)"
                        type: qcu
                        status: validated
                        accessible: \(tube != inaccessibleTube)
                        accessibility_note: Il faut voir l'image.
                        prompt: "Question \(tube)\(level) <script>alert(1)</script>"
                        choices:
                          - { id: a, text: Juste, correct: true }
                          - { id: b, text: Faux }
                        feedback: La réponse juste est « Juste ».

                    """
            }
        }
        items += """
              - id: rA1
                skill: "@A1"
                type: qroc
                status: validated
                prompt: Quel organisme verse les allocations familiales ?
                fields: [{ id: r, label: Organisme, accepted: [CAF, caisse d'allocations familiales] }]
                feedback: C'est la CAF.

            """
        try framework.write(to: root.appendingPathComponent("Assessments/frameworks/essai.yaml"), atomically: true, encoding: .utf8)
        try items.write(to: root.appendingPathComponent("Assessments/items/essai.yaml"), atomically: true, encoding: .utf8)
    }

    var contentRoot: ContentRoot { try! ContentRoot(validating: root.path) }
    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// A server over a database, which a test can stop and start again on the same file.
final class AssessmentServer {
    let store: Store
    let fixture: AssessmentFixture
    var server: HTTPServer?

    init(store: Store, fixture: AssessmentFixture) throws {
        self.store = store
        self.fixture = fixture
        try start()
    }

    func start() throws {
        let catalog = try ContentLoader.load(fixture.contentRoot)
        let app = try WebApp(store: store, catalog: catalog, root: fixture.contentRoot, newSeed: { 42 })
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        let server = HTTPServer(configuration: configuration, handler: app.handle)
        try server.start()
        self.server = server
    }

    func restart() throws {
        server?.stop()
        try start()
    }

    func client() throws -> RawHTTPClient { try RawHTTPClient(port: server!.port) }
}

private func json(_ response: RawHTTPClient.Response) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
}

private func body(_ object: Any) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object)) }

@Suite struct AssessmentAPITests {
    /// Creates a learner with a code in a cohort that has the assessment assigned; returns (learner code, assignment).
    func setUp(_ store: Store, learners: Int) throws -> (codes: [AccessCode], assignment: Int64) {
        let org = try store.createOrganisation(name: "IRTS")
        let cohort = try store.createCohort(organisationID: org.id, name: "C")
        var codes: [AccessCode] = []
        for index in 0..<learners {
            let learner = try store.createLearner(cohortID: cohort.id, firstName: "L\(index)", lastName: "X",
                                                  codeSelector: nil, codeHash: nil)
            codes.append(try DemoSeeder.giveNewCode(to: learner, in: store))
        }
        let chosen = AssessmentAssignment(settings: AssessmentSettings(frameworkID: "essai"), purpose: .initial)
        let assignment = try store.createAssignment(
            cohortID: cohort.id, kind: .assessment, contentID: "essai",
            settings: String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self))
        return (codes, assignment)
    }

    func signIn(_ server: AssessmentServer, _ code: AccessCode) throws -> String {
        let response = try server.client().request("POST", "/api/session", headers: ["Content-Type": "application/json"],
                                                   body: body(["code": code.value]))
        return try #require(sessionCookie(response))
    }

    /// The learner knows levels 1 and 2 only.
    func answer(for item: [String: Any]) -> [String: Any] {
        let id = item["id"] as! String
        if item["type"] as? String == "qroc" { return ["fields": ["r": "caf"]] }
        let level = Int(String(id.last!))!
        return ["choice": level <= 2 ? "a" : "b"]
    }

    /// Takes the whole assessment; calls `midway` after `pauseAfter` answers. Returns the items asked and the result.
    func takeAssessment(_ server: AssessmentServer, code: AccessCode, assignment: Int64, pauseAfter: Int? = nil) throws
        -> (asked: [String], result: [String: Any]) {
        let cookie = try signIn(server, code)
        let headers = ["Cookie": cookie, "Content-Type": "application/json"]
        var view = json(try server.client().request("POST", "/api/assessments", headers: headers,
                                                    body: body(["assignment": assignment])))
        let run = try #require(view["id"] as? Int)
        var asked: [String] = []
        while let item = view["item"] as? [String: Any] {
            let itemID = item["id"] as! String
            #expect(!String(describing: item).contains("correct"), "an item sent to the browser has no solution")
            #expect(view["questionNumber"] as? Int == asked.count + 1)
            asked.append(itemID)
            let response = try server.client().request("POST", "/api/assessments/\(run)/answers", headers: headers,
                                                       body: body(["item": itemID, "answer": answer(for: item)]))
            #expect(response.status == 200, "\(response.text)")
            // The same answer again is a duplicate: 409, nothing changes.
            let duplicate = try server.client().request("POST", "/api/assessments/\(run)/answers", headers: headers,
                                                        body: body(["item": itemID, "answer": answer(for: item)]))
            #expect(duplicate.status == 409)
            #expect(json(duplicate)["error"] as? String != nil)
            if asked.count == pauseAfter {
                try server.restart()
                view = json(try server.client().request("GET", "/api/assessments/\(run)", headers: headers))
            } else {
                view = json(response)
            }
            #expect(asked.count < 20)
        }
        #expect(view["state"] as? String == "completed")
        let result = try server.client().request("GET", "/api/assessments/\(run)/result", headers: headers)
        #expect(result.status == 200)
        return (asked, json(result))
    }

    @Test func aWholeAssessmentSurvivesARestartAndMatchesAnUninterruptedRun() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        let store = try Store(path: temporaryFolderPath() + "/a.sqlite")
        let (codes, assignment) = try setUp(store, learners: 2)
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }

        let interrupted = try takeAssessment(server, code: codes[0], assignment: assignment, pauseAfter: 2)
        let straight = try takeAssessment(server, code: codes[1], assignment: assignment)
        #expect(interrupted.asked == straight.asked)
        #expect(interrupted.asked.count >= 3)
        let competences = interrupted.result["competences"] as? [[String: Any]]
        #expect(competences == nil ? false : NSArray(array: competences!).isEqual(to: straight.result["competences"] as! [Any]))
        #expect(interrupted.result["totalPix"] as? Int == straight.result["totalPix"] as? Int)
        // Levels 1 and 2 known in every tube: all six level-1 and level-2 skills validated (8 + 8 pix), level 2.
        #expect(competences?.first?["level"] as? Int == 2)
        #expect(competences?.first?["pix"] as? Int == 16)
        let missed = interrupted.result["missed"] as? [[String: Any]] ?? []
        #expect(!missed.isEmpty)
        #expect(missed.allSatisfy { ($0["feedback"] as? String)?.contains("Juste") == true })
        #expect(missed.allSatisfy { !(($0["prompt"] as? String) ?? "").contains("<script>") }, "cmark safe mode")
    }

    @Test func wrongAndLateAnswersChangeNothing() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        let store = try Store(path: temporaryFolderPath() + "/a.sqlite")
        let (codes, assignment) = try setUp(store, learners: 2)
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }
        let headers = ["Cookie": try signIn(server, codes[0]), "Content-Type": "application/json"]
        let view = json(try server.client().request("POST", "/api/assessments", headers: headers,
                                                    body: body(["assignment": assignment])))
        let run = view["id"] as! Int
        let current = (view["item"] as! [String: Any])["id"] as! String
        let other = current == "qA5" ? "qA4" : "qA5"
        let late = try server.client().request("POST", "/api/assessments/\(run)/answers", headers: headers,
                                               body: body(["item": other, "answer": ["choice": "a"]]))
        #expect(late.status == 409)
        #expect((json(late)["error"] as? String)?.contains("n'a pas été enregistrée") == true)
        let malformed = try server.client().request("POST", "/api/assessments/\(run)/answers", headers: headers,
                                                    body: body(["item": current, "answer": ["order": ["a"]]]))
        #expect(malformed.status == 400)
        #expect(try store.answers(assessmentID: Int64(run)).isEmpty)
        let early = try server.client().request("GET", "/api/assessments/\(run)/result", headers: headers)
        #expect(early.status == 409)
        // Another learner cannot see this run.
        let otherHeaders = ["Cookie": try signIn(server, codes[1])]
        #expect(try server.client().request("GET", "/api/assessments/\(run)", headers: otherHeaders).status == 404)
        #expect(try server.client().request("GET", "/api/assessments/\(run)").status == 401)
    }

    /// A learner who ticks « questions accessibles » on their home page never gets an item flagged inaccessible.
    @Test func learnersWhoAskForAccessibleItemsNeverGetInaccessibleOnes() throws {
        let fixture = try AssessmentFixture(inaccessibleTube: "C")
        defer { fixture.remove() }
        let store = try Store(path: temporaryFolderPath() + "/a.sqlite")
        let (codes, assignment) = try setUp(store, learners: 2)
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }
        let cookie = try signIn(server, codes[0])
        let home = try server.client().request("GET", "/apprenant", headers: ["Cookie": cookie])
        #expect(home.text.contains("name=\"questions_accessibles\" value=\"1\" aria-describedby=\"aide-accessibles\">"))
        let saved = try server.client().request("POST", "/apprenant/reglages", headers: [
            "Cookie": cookie, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded",
        ], body: Array("questions_accessibles=1".utf8))
        #expect(saved.status == 303)
        let after = try server.client().request("GET", "/apprenant?enregistre=1", headers: ["Cookie": cookie])
        #expect(after.text.contains("aria-describedby=\"aide-accessibles\" checked>"))
        #expect(after.text.contains("Votre réglage est enregistré."))
        #expect(try server.client().request("POST", "/apprenant/reglages",
                                             headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                             body: Array("questions_accessibles=1".utf8)).status == 303,
                "without a session: back to the sign-in page")

        let accessible = try takeAssessment(server, code: codes[0], assignment: assignment)
        let usual = try takeAssessment(server, code: codes[1], assignment: assignment)
        #expect(!accessible.asked.isEmpty)
        #expect(!accessible.asked.contains { $0.hasPrefix("qC") }, "\(accessible.asked)")
        #expect(usual.asked.contains { $0.hasPrefix("qC") }, "\(usual.asked)")
        let runs = try store.assessments(assignmentID: assignment)
        let settings = try runs.map { try JSONDecoder().decode(AssessmentSettings.self, from: Data($0.settings.utf8)) }
        #expect(settings.map(\.accessibleOnly).sorted { !$0 && $1 } == [false, true])
    }

    @Test func sharingSnapshotsTheResultForTheTrainer() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        let store = try Store(path: temporaryFolderPath() + "/a.sqlite")
        let (codes, assignment) = try setUp(store, learners: 1)
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }
        _ = try takeAssessment(server, code: codes[0], assignment: assignment)
        let run = try #require(try store.assessments(assignmentID: assignment).first)
        #expect(run.sharedResult == nil)
        let headers = ["Cookie": try signIn(server, codes[0]), "Content-Type": "application/json"]
        let shared = try server.client().request("POST", "/api/assessments/\(run.id)/share", headers: headers)
        #expect(shared.status == 200)
        let after = try #require(try store.assessment(id: run.id))
        #expect(after.sharedAt != nil)
        let snapshot = try JSONDecoder().decode(AssessmentResult.self, from: Data(after.sharedResult!.utf8))
        #expect(snapshot.competences.first?.level == 2)
    }
}

func temporaryFolderPath() -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("db-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}
