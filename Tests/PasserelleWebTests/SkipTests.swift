import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// « Je passe » (issue 13): a learner may skip a question; as in Pix it counts as not mastered.
@Suite struct SkipTests {
    @Test func skippingCountsAsNotMasteredAndMovesOn() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        let store = try Store(path: fixture.root.appendingPathComponent("db.sqlite").path)
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }
        let (codes, assignment) = try AssessmentAPITests().setUp(store, learners: 1)
        let cookie = try AssessmentAPITests().signIn(server, codes[0])
        let headers = ["Content-Type": "application/json", "Cookie": cookie]
        let client = try server.client()
        let started = try client.request("POST", "/api/assessments", headers: headers, body: Array(#"{"assignment": \#(assignment)}"#.utf8))
        let view = try #require(try JSONSerialization.jsonObject(with: Data(started.body)) as? [String: Any])
        let run = try #require(view["id"] as? Int)
        let first = try #require((view["item"] as? [String: Any])?["id"] as? String)

        // Neither an answer nor a skip, or both: refused.
        for body in [#"{"item": "\#(first)"}"#, #"{"item": "\#(first)", "skip": false}"#,
                     #"{"item": "\#(first)", "skip": true, "answer": {"choice": "a"}}"#] {
            let response = try client.request("POST", "/api/assessments/\(run)/answers", headers: headers, body: Array(body.utf8))
            #expect(response.status == 400, "\(body)")
        }
        let skipped = try client.request("POST", "/api/assessments/\(run)/answers", headers: headers,
                                         body: Array(#"{"item": "\#(first)", "skip": true}"#.utf8))
        #expect(skipped.status == 200)
        let next = try #require(try JSONSerialization.jsonObject(with: Data(skipped.body)) as? [String: Any])
        #expect(next["answered"] as? Int == 1)
        #expect((next["item"] as? [String: Any])?["id"] as? String != first)
        let answers = try store.answers(assessmentID: Int64(run))
        #expect(answers.count == 1 && answers[0].itemID == first && !answers[0].correct)
        let elements = try store.knowledgeElements(assessmentID: Int64(run))
        #expect(!elements.isEmpty && elements.allSatisfy { $0.status == .invalidated })
        // Skipping a question that is not the current one changes nothing.
        let late = try client.request("POST", "/api/assessments/\(run)/answers", headers: headers,
                                      body: Array(#"{"item": "\#(first)", "skip": true}"#.utf8))
        #expect(late.status == 409)

        // The page has a « Je passe » button; the form skip goes on to the next question.
        let page = try client.request("GET", "/positionnement/\(run)", headers: ["Cookie": cookie])
        #expect(page.text.contains(#"name="passer""#) && page.text.contains("Je passe"))
        #expect(!page.text.contains("au plus"))
        let current = try #require((next["item"] as? [String: Any])?["id"] as? String)
        let form = try client.request("POST", "/positionnement/\(run)/reponse",
                                      headers: ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"],
                                      body: Array("item=\(current)&passer=1".utf8))
        #expect(form.status == 303)
        #expect(try store.answers(assessmentID: Int64(run)).count == 2)
    }

    /// Issue 16: on the result page each missed question says which lesson to read again, as a link when
    /// the learner may open that module.
    @Test func aMissedQuestionPointsToTheLessonThatTeachesIt() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let signIn = try client.request("POST", "/connexion/apprenant", headers: form,
                                        body: Array("code=\(running.demo.learners[3].code.value)".utf8))
        let cookie = try #require(sessionCookie(signIn))
        let headers = ["Content-Type": "application/json", "Cookie": cookie]
        let listing = try #require(try JSONSerialization.jsonObject(
            with: Data(try client.request("GET", "/api/assessments", headers: ["Cookie": cookie]).body)) as? [String: Any])
        let assignment = try #require((listing["assessments"] as? [[String: Any]])?.first?["assignment"] as? Int)
        var view = try #require(try JSONSerialization.jsonObject(with: Data(try client.request(
            "POST", "/api/assessments", headers: headers, body: Array(#"{"assignment": \#(assignment)}"#.utf8)).body)) as? [String: Any])
        let run = try #require(view["id"] as? Int)
        for _ in 0..<400 {
            guard let item = (view["item"] as? [String: Any])?["id"] as? String else { break }
            let next = try client.request("POST", "/api/assessments/\(run)/answers", headers: headers,
                                          body: Array(#"{"item": "\#(item)", "skip": true}"#.utf8))
            view = try #require(try JSONSerialization.jsonObject(with: Data(next.body)) as? [String: Any])
        }
        #expect(view["state"] as? String == "completed")
        let result = try client.request("GET", "/positionnement/\(run)/resultat", headers: ["Cookie": cookie])
        #expect(result.status == 200)
        #expect(result.page.contains("Pour revoir :"))
        // The demo's first modules are open to the learner: at least one link to a lesson section.
        #expect(result.text.range(of: #"<a href="/modules/[a-z-]+/lecons/[0-9a-z-]+(#[0-9a-z-]+)?">"#, options: .regularExpression) != nil)
        // Modules not yet open are named, not linked.
        #expect(result.page.contains("pas encore ouvert pour vous"))
    }
}
