import Foundation
import HTTPServer
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// Workshop mode over HTTP: the code shown to its opener only, used once, guessing throttled, the person
/// confined to the workshop's attempt, and nothing of them left once the workshop ends.
@Suite struct WorkshopWebTests {
    static let guestCookiePrefix = "\(WebApp.workshopCookie)="

    func guestCookie(_ response: RawHTTPClient.Response) -> String? {
        guard let header = response.headers["set-cookie"], header.hasPrefix(WorkshopWebTests.guestCookiePrefix) else { return nil }
        return String(header.split(separator: ";")[0])
    }

    /// The code as the workshop's page shows it (`ACDE-FHJK`).
    func code(in page: String) -> String? {
        guard let range = page.range(of: #"data-code>[A-Z0-9]{4}-[A-Z0-9]{4}<"#, options: .regularExpression) else { return nil }
        return String(page[range].dropFirst("data-code>".count).dropLast())
    }

    @Test func aWorkshopFromCodeToErasure() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let signIn = try client.request("POST", "/connexion/formateur", headers: form,
                                        body: Array("identifiant=\(running.demo.trainerUsername)&mot_de_passe=\(running.demo.trainerPassword)".utf8))
        let trainer = try #require(sessionCookie(signIn))
        let asTrainer = form.merging(["Cookie": trainer]) { a, _ in a }

        // A mission that is not one: refused in French, nothing opened.
        let odd = try client.request("POST", "/atelier", headers: asTrainer, body: Array("mission=../../etc%2Fpasswd".utf8))
        #expect(odd.status == 400 && odd.page.contains("Choisissez une mission"))
        let opened = try client.request("POST", "/atelier", headers: asTrainer, body: Array("mission=sites-a-blanc%2Fmission-sms-douteux".utf8))
        #expect(opened.status == 303)
        let page = try #require(opened.headers["location"])
        let workshopID = try #require(Int64(page.dropFirst("/atelier/".count)))
        let shown = try client.request("GET", page, headers: ["Cookie": trainer])
        let code = try #require(self.code(in: shown.page))
        #expect(shown.page.contains("ne sert qu'une fois"))

        // Another trainer of the organisation, or a learner, does not see it.
        let learnerSignIn = try client.request("POST", "/connexion/apprenant", headers: form,
                                               body: Array("code=\(running.demo.learners[3].code.value)".utf8))
        let learner = try #require(sessionCookie(learnerSignIn))
        for path in [page, "/api/ateliers/\(workshopID)"] {
            #expect(try client.request("GET", path, headers: ["Cookie": learner]).status == 404)
        }

        // Wrong codes, a hostile one: refused in French, never a 500.
        let anonymous = form
        #expect(try client.request("POST", "/rejoindre", headers: anonymous, body: Array("code=".utf8)).status == 400)
        let long = try client.request("POST", "/rejoindre", headers: anonymous, body: Array(("code=" + String(repeating: "A", count: 50_000)).utf8))
        #expect(long.status == 400 && long.page.contains("Ce code ne marche pas"))
        // The right code, typed loosely: the person is in, on the workshop's attempt.
        let joined = try client.request("POST", "/rejoindre", headers: anonymous,
                                        body: Array("code=\(code.lowercased().replacingOccurrences(of: "-", with: "+"))".utf8))
        #expect(joined.status == 303)
        let guest = try #require(guestCookie(joined))
        let sandbox = try #require(joined.headers["location"])
        #expect(sandbox.hasPrefix("/bac-a-sable/"))
        // Used once: the same code again does nothing.
        #expect(try client.request("POST", "/rejoindre", headers: anonymous, body: Array("code=\(code)".utf8)).status == 400)

        // The address of the site brings the person back to the mission.
        let home = try client.request("GET", "/", headers: ["Cookie": guest])
        #expect(home.status == 303 && home.headers["location"] == sandbox)
        let desk = try client.request("GET", sandbox, headers: ["Cookie": guest])
        #expect(desk.status == 200)
        #expect(desk.page.contains("Site d'entraînement") && desk.page.contains("sera effacé à la fin de l'atelier"))
        #expect(!desk.page.contains("/modules/"), "no way into the modules for the person")
        let asGuest = form.merging(["Cookie": guest]) { a, _ in a }
        #expect(try client.request("POST", sandbox + "/messagerie/fausse-amende/signaler", headers: asGuest, body: []).status == 303)
        // The person reaches nothing else: another attempt, the learners' pages.
        let own = try client.request("POST", "/modules/sites-a-blanc/missions/mission-sms-douteux",
                                     headers: form.merging(["Cookie": learner]) { a, _ in a }, body: [])
        let learnersAttempt = try #require(own.headers["location"])
        #expect(try client.request("GET", learnersAttempt, headers: ["Cookie": guest]).status == 404)
        #expect(try client.request("GET", "/apprenant", headers: ["Cookie": guest]).status == 303)
        #expect(try client.request("GET", page, headers: ["Cookie": guest]).status == 303)

        // The mediator follows the steps.
        let steps = try client.request("GET", "/api/ateliers/\(workshopID)", headers: ["Cookie": trainer])
        #expect(steps.status == 200)
        let followed = try JSONSerialization.jsonObject(with: Data(steps.body)) as? [String: Any]
        #expect(followed?["joined"] as? Bool == true)
        // The person's one step (the mission's opening is the mediator's act, not shown as theirs).
        let shownSteps = (followed?["steps"] as? [[String: Any]]) ?? []
        #expect(shownSteps.map { $0["action"] as? String } == [SandboxAction.reported.label])
        #expect(try client.request("POST", page + "/terminer", headers: asGuest, body: []).status == 303, "the person cannot end it (sign-in)")

        // Ended: the person is told, their session goes, nothing of theirs is left.
        let attemptID = try #require(Int64(sandbox.dropFirst("/bac-a-sable/".count)))
        let ended = try client.request("POST", page + "/terminer", headers: asTrainer, body: [])
        #expect(ended.status == 303 && ended.headers["location"] == "/atelier?termine=1")
        let over = try client.request("GET", sandbox + "/messagerie", headers: ["Cookie": guest])
        #expect(over.status == 410 && over.page.contains("L'atelier est terminé") && over.page.contains("effacé"))
        #expect(over.headers["set-cookie"]?.contains("Max-Age=0") == true)
        #expect(try client.request("GET", "/", headers: ["Cookie": guest]).headers["location"] == "/connexion")
        #expect(try running.store.sandboxAttempt(id: attemptID) == nil)
        #expect(try running.store.sandboxEvents(attemptID: attemptID).isEmpty)
        #expect(try running.store.workshop(id: workshopID) == nil)
        #expect(try client.request("GET", page, headers: ["Cookie": trainer]).status == 404)
        #expect(try running.store.recentAudit(limit: 20).allSatisfy { $0.action.hasPrefix("workshop") ? $0.actorUserID != nil : true })
    }

    @Test func guessingACodeIsThrottled() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        var statuses: [Int] = []
        for _ in 0..<8 {
            statuses.append(try client.request("POST", "/rejoindre", headers: form, body: Array("code=ACDE-FHJK".utf8)).status)
        }
        #expect(statuses.prefix(5).allSatisfy { $0 == 400 })
        #expect(statuses.last == 429)
        let page = try client.request("POST", "/rejoindre", headers: form, body: Array("code=ACDE-FHJK".utf8))
        #expect(page.page.contains("Trop d'essais"))
    }
}
