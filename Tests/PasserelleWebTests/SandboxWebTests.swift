import Foundation
import HTTPServer
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

/// The sandbox over HTTP with hostile values: passwords never stored, real-looking numbers refused and
/// logged without their value, steps that cannot be skipped, an ended attempt frozen, the training banner
/// and the CSP on every page.
@Suite struct SandboxWebTests {
    @Test func aMissionIsPlayedSafely() throws {
        let running = try RunningDemo()
        defer { running.stop() }
        let client = try running.client()
        let signIn = try client.request("POST", "/connexion/apprenant", headers: form, body: Array("code=\(running.demo.learners[3].code.value)".utf8))
        let cookie = try #require(sessionCookie(signIn))
        let headers = form.merging(["Cookie": cookie]) { a, _ in a }
        func post(_ path: String, _ body: String) throws -> RawHTTPClient.Response {
            try client.request("POST", path, headers: headers, body: Array(body.utf8))
        }
        func get(_ path: String) throws -> RawHTTPClient.Response { try client.request("GET", path, headers: ["Cookie": cookie]) }

        let start = try post("/modules/sites-a-blanc/missions/mission-nouvelle-allocataire", "")
        #expect(start.status == 303)
        let base = try #require(start.headers["location"])
        #expect(base.hasPrefix("/bac-a-sable/"))
        let id = try #require(Int64(base.dropFirst("/bac-a-sable/".count)))
        for path in [base, base + "/caisse", base + "/caisse/inscription", base + "/messagerie"] {
            let page = try get(path)
            #expect(page.status == 200, "\(path)")
            #expect(page.page.contains("Site d'entraînement") && page.page.contains("rien n'est envoyé à une administration"), "\(path)")
            #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        }

        // A password that breaks the rule: refused, logged as « non conforme », never stored.
        let weak = try post(base + "/caisse/inscription", "courriel=aminata.s%40exemple-fictif.fr&mot_de_passe=soleil&mot_de_passe_2=soleil&conditions=oui")
        #expect(weak.status == 400 && weak.page.contains("au moins 8 caractères"))
        // A real-looking social security number in a field: refused with a warning, its value never stored.
        let real = try post(base + "/caisse/inscription", "courriel=1+84+12+75+123+456+78&mot_de_passe=Soleil2026&mot_de_passe_2=Soleil2026&conditions=oui")
        #expect(real.status == 400 && real.page.contains("ressemble à un vrai numéro de sécurité sociale"))
        #expect(!real.page.contains("123 456"))
        // Steps of the declaration cannot be reached before signing in, nor skipped after.
        #expect(try post(base + "/caisse/declaration/3", "certifie=oui").headers["location"] == base + "/caisse")
        // The right account: created, then the code (shown only in the persona's mailbox).
        let created = try post(base + "/caisse/inscription",
                               "courriel=aminata.s%40exemple-fictif.fr&mot_de_passe=Soleil2026&mot_de_passe_2=Soleil2026&conditions=oui")
        #expect(created.status == 303 && created.headers["location"] == base + "/caisse/confirmation")
        let attempt = try #require(try running.store.sandboxAttempt(id: id))
        #expect(attempt.passwordHash?.hasPrefix("$argon2id$") == true)
        #expect(try post(base + "/caisse/confirmation", "code=000000x").status == 400)
        let code = try post(base + "/caisse/confirmation", "code=\(attempt.mailCode)")
        #expect(code.headers["location"] == base + "/caisse")
        #expect(try get(base + "/caisse").page.contains("Le navigateur demande"))
        #expect(try post(base + "/caisse/declaration/2", "chomage=0&pension=0&autres=0").status == 404, "step 2 before step 1")
        // Hostile values: an amount that is not one, a field far too long, many fields.
        let odd = try post(base + "/caisse/declaration/1", "salaire-1=1e9&salaire-2=" + String(repeating: "9", count: 5000) + "&salaire-3=-4"
                           + String(repeating: "&x=1", count: 500))
        #expect(odd.status == 400 && odd.page.contains("Écrivez un montant"))

        let events = try running.store.sandboxEvents(attemptID: id)
        let logged = String(decoding: try JSONEncoder().encode(events.map(\.data)), as: UTF8.self)
        #expect(!logged.contains("Soleil2026") && !logged.contains("soleil") && !logged.contains("1 84 12"))
        #expect(events.contains { $0.action == .signUp && $0.outcome == .refused && $0.data["motDePasse"] == "non conforme" })
        #expect(events.contains { $0.action == .sensitiveValue && $0.data["type"] == "numéro de sécurité sociale" })
        #expect(events.contains { $0.action == .codeEntered && $0.outcome == .ok })

        // Finished: the result says what is missing, and the attempt takes nothing more.
        let finished = try post(base + "/terminer", "")
        #expect(finished.headers["location"] == base + "/bilan")
        let result = try get(base + "/bilan")
        #expect(result.page.contains("pas encore réussie") && result.page.contains("Vous n'avez pas envoyé"))
        #expect(result.page.contains("ressemble à un vrai numéro de sécurité sociale"))
        #expect(try post(base + "/caisse/deconnexion", "").headers["location"] == base + "/bilan")
        #expect(try get(base + "/caisse").headers["location"] == base + "/bilan")
        #expect(try running.store.sandboxEvents(attemptID: id).count == events.count + 1)
        let attempts = try running.store.attempts(learnerID: try #require(attempt.learnerID), moduleID: "sites-a-blanc")
        #expect(attempts.map(\.result) == ["incorrect"])
    }
}
