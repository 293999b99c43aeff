import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A demo database served on a free port, as `passerelle demo` does.
final class RunningDemo {
    let store: Store
    let demo: DemoSeeder.Credentials
    let server: HTTPServer
    let folder: URL

    init(throttle: SignInThrottle = SignInThrottle(), sampleResults: Bool = false) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store(path: folder.appendingPathComponent("demo.sqlite").path)
        let root = try ContentRoot(validating: repositoryRoot.path)
        let catalog = try ContentLoader.load(root)
        demo = try DemoSeeder.seed(store, catalog: catalog, sampleResults: sampleResults)
        let app = try WebApp(store: store, catalog: catalog, root: root, throttle: throttle)
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        server = HTTPServer(configuration: configuration, handler: app.handle)
        try server.start()
    }

    func client() throws -> RawHTTPClient { try RawHTTPClient(port: server.port) }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

let form = ["Content-Type": "application/x-www-form-urlencoded"]

extension RawHTTPClient.Response {
    /// The body with Mustache's HTML escapes of quotes and apostrophes undone, for matching French text.
    var page: String {
        text.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
    }
}

func sessionCookie(_ response: RawHTTPClient.Response) -> String? {
    guard let header = response.headers["set-cookie"], header.hasPrefix("\(Authenticator.cookieName)=") else {
        return nil
    }
    return String(header.split(separator: ";")[0])
}

@Suite struct EndToEndTests {
    @Test func healthSaysOk() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let response = try running.client().request("GET", "/api/health")
        #expect(response.status == 200)
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
        #expect(object == ["status": "ok", "database": "ok"])
    }

    @Test func aDemoLearnerSignsInByCodeWithTheForm() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let (name, code) = running.demo.learners[3]
        // Typed in lower case with spaces: still accepted.
        let typed = code.display.lowercased().replacingOccurrences(of: "-", with: " ")
        let signIn = try client.request("POST", "/connexion/apprenant", headers: form,
                                        body: Array("code=\(typed.replacingOccurrences(of: " ", with: "+"))".utf8))
        #expect(signIn.status == 303)
        #expect(signIn.headers["location"] == "/apprenant")
        let cookie = try #require(sessionCookie(signIn))
        #expect(signIn.headers["set-cookie"]?.contains("HttpOnly") == true)
        #expect(signIn.headers["set-cookie"]?.contains("SameSite=Lax") == true)

        let home = try client.request("GET", "/apprenant", headers: ["Cookie": cookie])
        #expect(home.status == 200)
        #expect(home.text.contains("Bonjour \(name.split(separator: " ")[0])"))
        // A learner may not open the trainer's pages.
        let trainerPage = try client.request("GET", "/formateur", headers: ["Cookie": cookie])
        #expect(trainerPage.status == 403)

        let signOut = try client.request("POST", "/deconnexion", headers: ["Cookie": cookie])
        #expect(signOut.status == 303)
        let after = try client.request("GET", "/apprenant", headers: ["Cookie": cookie])
        #expect(after.status == 303)
        #expect(after.headers["location"] == "/connexion")
    }

    @Test func aDemoLearnerSignsInThroughTheJSONAPI() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let body = try JSONSerialization.data(withJSONObject: ["code": running.demo.learners[0].code.display])
        let response = try client.request("POST", "/api/session", headers: ["Content-Type": "application/json"],
                                          body: Array(body))
        #expect(response.status == 200)
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: String]
        #expect(object?["role"] == "learner")
        #expect(object?["name"] == running.demo.learners[0].name)
        let cookie = try #require(sessionCookie(response))
        let me = try client.request("GET", "/api/me", headers: ["Cookie": cookie])
        #expect(me.status == 200)
        #expect(try client.request("GET", "/api/me").status == 401)
    }

    @Test func wrongCodesAndPasswordsAreRefusedInFrench() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let wrongCode = try client.request("POST", "/connexion/apprenant", headers: form,
                                           body: Array("code=ACDEF-HJK34".utf8))
        #expect(wrongCode.status == 401)
        #expect(wrongCode.page.contains("n'est pas reconnu"))
        #expect(wrongCode.text.contains("role=\"alert\""))
        #expect(sessionCookie(wrongCode) == nil)
        #expect(wrongCode.text.contains(#"value="ACDEF-HJK34""#), "the code typed is kept, to be checked")
        let hostile = try client.request("POST", "/connexion/apprenant", headers: form, body: Array("code=%22%3E%3Cscript%3E".utf8))
        #expect(!hostile.text.contains("\"><script>"), "what is kept is escaped")

        let wrongPassword = try client.request(
            "POST", "/connexion/formateur", headers: form,
            body: Array("identifiant=formatrice&mot_de_passe=mauvais".utf8))
        #expect(wrongPassword.status == 401)
        #expect(wrongPassword.page.contains("Identifiant ou mot de passe incorrect"))
        #expect(wrongPassword.text.contains("value=\"formatrice\""), "the user name is kept")

        let badJSON = try client.request("POST", "/api/session", headers: ["Content-Type": "application/json"],
                                         body: Array("pas du json".utf8))
        #expect(badJSON.status == 400)
        #expect(badJSON.page.contains("Requête invalide"))
    }

    @Test func theTrainerSignsInAndSeesTheCohort() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let password = running.demo.trainerPassword
        let signIn = try client.request("POST", "/connexion/formateur", headers: form,
                                        body: Array("identifiant=formatrice&mot_de_passe=\(password)".utf8))
        #expect(signIn.status == 303)
        #expect(signIn.headers["location"] == "/formateur")
        let cookie = try #require(sessionCookie(signIn))
        let page = try client.request("GET", "/formateur", headers: ["Cookie": cookie])
        #expect(page.status == 200)
        #expect(page.text.contains(DemoSeeder.cohortName))
        #expect(page.text.contains("12 apprenants"))
    }

    @Test func repeatedFailuresAreThrottled() throws {
        let running = try RunningDemo(throttle: SignInThrottle(accountFreeTries: 3, addressFreeTries: 3, window: 600,
                                                                 maximumAddressDelay: 600, baseDelay: 300))
        defer { running.stop() }
        let client = try running.client()
        for _ in 0..<3 {
            let response = try client.request("POST", "/connexion/apprenant", headers: form,
                                              body: Array("code=ACDEFHJK34".utf8))
            #expect(response.status == 401)
        }
        let blocked = try client.request("POST", "/connexion/apprenant", headers: form,
                                         body: Array("code=\(running.demo.learners[0].code.value)".utf8))
        #expect(blocked.status == 429)
        #expect(blocked.page.contains("Trop d'essais"))
    }

    @Test func pagesAreSafeAndSelfContained() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let page = try client.request("GET", "/connexion")
        #expect(page.status == 200)
        #expect(page.text.contains("<html lang=\"fr\">"))
        #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        #expect(page.headers["x-frame-options"] == "DENY")
        // No external resource of any kind: every src and href is local.
        for attribute in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "@import"] {
            #expect(!page.text.contains(attribute), "external resource: \(attribute)")
        }
        let css = try client.request("GET", "/static/css/app.css")
        #expect(css.status == 200)
        #expect(css.headers["content-type"] == "text/css; charset=utf-8")
        #expect(!css.text.contains("url(http"))

        let missing = try client.request("GET", "/nulle-part")
        #expect(missing.status == 404)
        #expect(missing.page.contains("Cette page n'existe pas"))
        let apiMissing = try client.request("GET", "/api/rien")
        #expect(apiMissing.status == 404)
        #expect(apiMissing.headers["content-type"]?.hasPrefix("application/json") == true)

        let crossSite = try client.request("POST", "/connexion/apprenant",
                                           headers: form.merging(["Origin": "http://evil.example"]) { a, _ in a },
                                           body: Array("code=x".utf8))
        #expect(crossSite.status == 403)
        let fetchedCrossSite = try client.request("POST", "/deconnexion", headers: ["Sec-Fetch-Site": "cross-site"])
        #expect(fetchedCrossSite.status == 403)
        let sameSite = try client.request("POST", "/deconnexion", headers: ["Sec-Fetch-Site": "same-origin"])
        #expect(sameSite.status == 303)
        // Issue 11, finding 8: a state change that does not say where it comes from is refused.
        let silent = try client.request("POST", "/connexion/apprenant", headers: form, body: Array("code=x".utf8), asBrowser: false)
        #expect(silent.status == 403)
        #expect(silent.page.contains("Cette action doit venir d'une page de Passerelle"))
        let fromOurPage = try client.request("POST", "/deconnexion", headers: ["Referer": "http://localhost/apprenant"])
        #expect(fromOurPage.status == 303)
        let fromElsewhere = try client.request("POST", "/deconnexion", headers: ["Referer": "http://localhost.evil.example/"])
        #expect(fromElsewhere.status == 403)
        #expect(try client.request("GET", "/").headers["location"] == "/connexion")
    }

    @Test func namesAreEscapedInPages() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let org = running.demo.organisation
        let cohort = try running.store.createCohort(organisationID: org.id, name: "<script>alert(1)</script>")
        let learner = try running.store.createLearner(cohortID: cohort.id, firstName: "<b>Zoé</b>", lastName: "&co",
                                                      codeSelector: nil, codeHash: nil)
        let code = try DemoSeeder.giveNewCode(to: learner, in: running.store)
        let client = try running.client()
        let signIn = try client.request("POST", "/connexion/apprenant", headers: form,
                                        body: Array("code=\(code.value)".utf8))
        let cookie = try #require(sessionCookie(signIn))
        let page = try client.request("GET", "/apprenant", headers: ["Cookie": cookie])
        #expect(page.text.contains("&lt;b&gt;Zoé&lt;/b&gt;"))
        #expect(!page.text.contains("<b>Zoé"))
    }

    @Test func reseedingKeepsTheDemoAndRenewsItsSecrets() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let again = try DemoSeeder.seed(running.store)
        #expect(!again.created)
        #expect(again.organisation == running.demo.organisation)
        #expect(again.learners.count == 12)
        #expect(try running.store.learners(cohortID: again.cohort.id).count == 12)
        let client = try running.client()
        let old = try client.request("POST", "/connexion/apprenant", headers: form,
                                     body: Array("code=\(running.demo.learners[0].code.value)".utf8))
        #expect(old.status == 401, "the previous code no longer works")
        let new = try client.request("POST", "/connexion/apprenant", headers: form,
                                     body: Array("code=\(again.learners[0].code.value)".utf8))
        #expect(new.status == 303)
    }
}

@Suite struct CredentialsTests {
    @Test func passwordHashesAreArgon2idAndVerify() throws {
        let hash = try Credentials.hashPassword("correct horse")
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(Credentials.verifyPassword("correct horse", hash: hash))
        #expect(!Credentials.verifyPassword("correct hors", hash: hash))
        #expect(try Credentials.hashPassword("correct horse") != hash, "salted")
    }

    @Test func tokensAreRandomAndDigestsStable() {
        let a = Credentials.newToken(), b = Credentials.newToken()
        #expect(a != b)
        #expect(a.count == 43)
        #expect(Credentials.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

@Suite struct TrainerAssessmentTests {
    @Test func aTrainerOpensAPositioningOnSomeCompetencesAndOnlyThoseAreAsked() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let signIn = try client.request("POST", "/connexion/formateur", headers: form,
                                        body: Array("identifiant=formatrice&mot_de_passe=\(running.demo.trainerPassword)".utf8))
        let trainer = try #require(sessionCookie(signIn))
        let open = try client.request(
            "POST", "/formateur/cohortes/\(running.demo.cohort.id)/positionnements",
            headers: form.merging(["Cookie": trainer]) { a, _ in a },
            body: Array("referentiel=mediation&objet=final&algorithme=smart-random&niveau_max=4&competences=M4".utf8))
        #expect(open.status == 303)
        let follow = try #require(open.headers["location"])
        let page = try client.request("GET", follow, headers: ["Cookie": trainer])
        #expect(page.status == 200)
        #expect(page.page.contains("Compétences évaluées : M4"))
        #expect(page.page.contains("Pas commencé"))

        let assignment = try #require(try running.store.assignments(cohortID: running.demo.cohort.id, kind: .assessment).last)
        let learnerSignIn = try client.request("POST", "/api/session", headers: ["Content-Type": "application/json"],
                                               body: Array(try JSONSerialization.data(withJSONObject: ["code": running.demo.learners[0].code.value])))
        let learner = try #require(sessionCookie(learnerSignIn))
        let headers = ["Cookie": learner, "Content-Type": "application/json"]
        var view = try JSONSerialization.jsonObject(with: Data(try client.request(
            "POST", "/api/assessments", headers: headers,
            body: Array(try JSONSerialization.data(withJSONObject: ["assignment": assignment.id]))).body)) as! [String: Any]
        let run = view["id"] as! Int
        var asked: [String] = []
        while let item = view["item"] as? [String: Any] {
            asked.append(item["id"] as! String)
            let answer: [String: Any] = item["type"] as? String == "qcu" || item["type"] as? String == "qcm"
                ? (item["type"] as? String == "qcu" ? ["choice": ((item["options"] as! [[String: Any]])[0]["id"] as! String)]
                   : ["choices": [String]()])
                : ["fields": [String: String]()]
            let response = try client.request("POST", "/api/assessments/\(run)/answers", headers: headers,
                                              body: Array(try JSONSerialization.data(withJSONObject: ["item": item["id"]!, "answer": answer])))
            if response.status == 400 { break }  // an ordering or matching item: shape needs every step; stop here
            view = try JSONSerialization.jsonObject(with: Data(response.body)) as! [String: Any]
        }
        #expect(!asked.isEmpty)
        let m4Tubes = ["medPostureAide", "medGesteAide"]
        for id in asked {
            #expect(m4Tubes.contains { id.hasPrefix($0) }, "\(id) is outside the target profile")
        }
    }
}

@Suite struct DueDateTests {
    @Test func overdueOnlyWhenPastAndNotDone() {
        #expect(WebApp.isOverdue("2026-11-20", done: false, today: "2026-11-24"))
        #expect(!WebApp.isOverdue("2026-11-24", done: false, today: "2026-11-24"), "due today is not late yet")
        #expect(!WebApp.isOverdue("2026-11-20", done: true, today: "2026-11-24"))
        #expect(!WebApp.isOverdue(nil, done: false, today: "2026-11-24"))
        #expect(WebApp.frenchDay("2026-12-31") == "31/12/2026")
    }
}
