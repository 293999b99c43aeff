import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore
import Testing
import TestSupport
@testable import PasserelleWeb

@Suite struct TrainerRosterTests {
    @Test func aTrainerCreatesACohortImportsLearnersPrintsCodesAndSeesGains() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        let store = try Store(path: temporaryFolderPath() + "/r.sqlite")
        let org = try store.createOrganisation(name: "CCAS")
        _ = try store.createUser(organisationID: org.id, username: "claire", displayName: "Claire", role: .trainer,
                                 passwordHash: try Credentials.hashPassword("secret-claire"))
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }
        let client = try server.client()
        let staff = try #require(sessionCookie(try client.request(
            "POST", "/connexion/formateur", headers: form, body: Array("identifiant=claire&mot_de_passe=secret-claire".utf8))))
        let headers = form.merging(["Cookie": staff]) { a, _ in a }

        #expect(try client.request("POST", "/formateur/cohortes", headers: headers, body: Array("nom=&annee=".utf8)).status == 400)
        let created = try client.request("POST", "/formateur/cohortes", headers: headers, body: Array("nom=Promo+2026&annee=2026".utf8))
        #expect(created.status == 303)
        let cohort = try #require(try store.cohort(named: "Promo 2026", organisationID: org.id))
        #expect(created.headers["location"] == "/formateur/cohortes/\(cohort.id)/apprenants")

        func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        let csv = "Nom;Prénom;Identifiant externe\nDupont;Ana;A1\n;;A2\nMartin;Bob;A3\n"
        let refused = try client.request("POST", "/formateur/cohortes/\(cohort.id)/apprenants", headers: headers,
                                         body: Array("csv=\(encode(csv))".utf8))
        #expect(refused.status == 400)
        #expect(refused.page.contains("ligne 3 : le nom et le prénom sont vides"))
        #expect(try store.learners(cohortID: cohort.id).isEmpty, "nothing imported while the file has errors")
        let imported = try client.request("POST", "/formateur/cohortes/\(cohort.id)/apprenants", headers: headers,
                                          body: Array("csv=\(encode(csv))&ignorer=1".utf8))
        #expect(imported.status == 200)
        #expect(imported.page.contains("2 apprenant(s) ajouté(s)"))
        let codes = imported.text.matches(of: /[A-Z0-9]{5}-[A-Z0-9]{5}/).map { String($0.output) }
        #expect(codes.count == 2)
        // The printed code signs the learner in.
        let learnerSignIn = try client.request("POST", "/connexion/apprenant", headers: form, body: Array("code=\(codes[0])".utf8))
        #expect(learnerSignIn.status == 303)
        let renewed = try client.request("POST", "/formateur/cohortes/\(cohort.id)/codes", headers: headers)
        #expect(renewed.page.contains("les anciens ne fonctionnent plus"))
        #expect(try client.request("POST", "/connexion/apprenant", headers: form, body: Array("code=\(codes[0])".utf8)).status == 401)

        // Two positionings of the same framework, taken and shared by both learners: the gains page compares them.
        var assignments: [Int64] = []
        for purpose in [AssessmentRecord.Purpose.initial, .final] {
            let chosen = AssessmentAssignment(settings: AssessmentSettings(frameworkID: "essai"), purpose: purpose)
            assignments.append(try store.createAssignment(cohortID: cohort.id, kind: .assessment, contentID: "essai",
                                                          settings: String(decoding: try JSONEncoder().encode(chosen), as: UTF8.self)))
        }
        let newCodes = renewed.text.matches(of: /[A-Z0-9]{5}-[A-Z0-9]{5}/).map { AccessCode(typed: String($0.output))! }
        let api = AssessmentAPITests()
        for code in newCodes {
            for assignment in assignments {
                _ = try api.takeAssessment(server, code: code, assignment: assignment)
                let run = try #require(try store.assessments(assignmentID: assignment).last)
                let cookie = try api.signIn(server, code)
                _ = try client.request("POST", "/api/assessments/\(run.id)/share", headers: ["Cookie": cookie])
            }
        }
        let gains = try client.request("GET", "/formateur/cohortes/\(cohort.id)/progression?avant=\(assignments[0])&apres=\(assignments[1])",
                                       headers: ["Cookie": staff])
        #expect(gains.status == 200)
        // Two learners measured twice: counted, but no mean about fewer than 5 people (issue 14, SmallGroupTests).
        #expect(gains.page.contains("<th scope=\"row\">1.1 Compétence</th><td>2</td><td>0</td><td>moins de 5 réponses</td>"))
        let gainsCSV = try client.request("GET", "/formateur/cohortes/\(cohort.id)/progression.csv?avant=\(assignments[0])&apres=\(assignments[1])",
                                          headers: ["Cookie": staff])
        #expect(gainsCSV.status == 200)
        let csvLines = gainsCSV.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(csvLines.count == 3)
        #expect(csvLines[0].hasPrefix("\"Nom\";\"Prénom\";\"Identifiant externe\";\"1.1 pix avant\";\"1.1 pix après\";\"1.1 gain pix\""))
        #expect(csvLines[1].hasSuffix(";16;16;0;2;2;0"), "\(csvLines[1])")
        let report = try client.request("GET", "/formateur/cohortes/\(cohort.id)/rapport", headers: ["Cookie": staff])
        #expect(report.status == 200)
        #expect(report.page.contains("Progression entre le positionnement initial et le positionnement final"))
        #expect(report.page.contains("<th scope=\"row\">1.1 Compétence</th><td>2</td><td>0</td><td>moins de 5 réponses</td>"))
        #expect(!report.page.contains("Dupont") && !report.page.contains("Martin"), "aggregates only, no names")
        let mismatch = try client.request("GET", "/formateur/cohortes/\(cohort.id)/progression?avant=\(assignments[0])&apres=\(assignments[0])",
                                          headers: ["Cookie": staff])
        #expect(mismatch.status == 400)
    }
}

@Suite struct AdministratorTests {
    @Test func anAdministratorAddsTrainersAndExportsEveryCohortButATrainerCannot() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        let store = try Store(path: temporaryFolderPath() + "/a.sqlite")
        let org = try store.createOrganisation(name: "Département")
        _ = try store.createUser(organisationID: org.id, username: "direction", displayName: "Direction", role: .admin,
                                 passwordHash: try Credentials.hashPassword("secret-direction"))
        let claire = try store.createUser(organisationID: org.id, username: "claire", displayName: "Claire", role: .trainer,
                                          passwordHash: try Credentials.hashPassword("secret-claire"))
        let one = try store.createCohort(organisationID: org.id, name: "Une", ownerID: claire.id)
        let two = try store.createCohort(organisationID: org.id, name: "Deux")
        _ = try store.createLearner(cohortID: one.id, firstName: "Ana", lastName: "D", attributes: ["groupe": "A"], codeSelector: nil, codeHash: nil)
        _ = try store.createLearner(cohortID: two.id, firstName: "Bob", lastName: "M", attributes: ["mission": "accueil"], codeSelector: nil, codeHash: nil)
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }
        let client = try server.client()
        func signIn(_ user: String, _ password: String) throws -> String {
            try #require(sessionCookie(try client.request("POST", "/connexion/formateur", headers: form,
                                                          body: Array("identifiant=\(user)&mot_de_passe=\(password)".utf8))))
        }
        let admin = try signIn("direction", "secret-direction"), trainer = try signIn("claire", "secret-claire")

        let home = try client.request("GET", "/formateur", headers: ["Cookie": admin])
        #expect(home.page.contains("Une") && home.page.contains("Deux"), "an administrator sees every cohort")
        #expect(home.page.contains("Équipe de l'organisation"))
        let trainerHome = try client.request("GET", "/formateur", headers: ["Cookie": trainer])
        #expect(!trainerHome.page.contains("Deux") && !trainerHome.page.contains("Équipe de l'organisation"))

        let added = try client.request("POST", "/formateur/equipe", headers: form.merging(["Cookie": admin]) { a, _ in a },
                                       body: Array("identifiant=paul&nom=Paul+Durand".utf8))
        #expect(added.status == 200)
        #expect(added.page.contains("Mot de passe provisoire"))
        #expect(try store.staffCredentials(username: "paul") == nil, "the wished name gets a number")
        let given = try #require(added.page.firstMatch(of: /Identifiant : (paul\.[0-9]{3,5})/)).1
        #expect(try store.staffCredentials(username: String(given))?.user.role == .trainer)
        // Issue 11, finding 8: a name taken in another organisation gets the same kind of answer as a free
        // one, so an administrator cannot learn who exists elsewhere.
        let elsewhere = try store.createOrganisation(name: "Ailleurs")
        _ = try store.createUser(organisationID: elsewhere.id, username: "secret.ailleurs", displayName: "S", role: .trainer,
                                 passwordHash: "x")
        let taken = try client.request("POST", "/formateur/equipe", headers: form.merging(["Cookie": admin]) { a, _ in a },
                                       body: Array("identifiant=secret.ailleurs&nom=S".utf8))
        #expect(taken.status == 200)
        #expect(taken.page.contains("Identifiant : secret.ailleurs."))
        #expect(!taken.page.contains("existe"))
        #expect(try client.request("POST", "/formateur/equipe", headers: form.merging(["Cookie": trainer]) { a, _ in a },
                                   body: Array("identifiant=x&nom=X".utf8)).status == 403)

        let export = try client.request("GET", "/formateur/export-organisation.csv", headers: ["Cookie": admin])
        #expect(export.status == 200)
        let lines = export.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 1, "no assessment opened yet: the header only")
        #expect(lines[0].contains("\"Groupe\";\"Mission\""), "one header with every cohort's attributes")
        #expect(try client.request("GET", "/formateur/export-organisation.csv", headers: ["Cookie": trainer]).status == 403)
    }
}

@Suite struct GroupAssignmentTests {
    @Test func aModuleForOneGroupOrOneLearnerReachesOnlyThem() throws {
        let fixture = try AssessmentFixture()
        defer { fixture.remove() }
        try writeModule(into: fixture.root)
        try writeModule(into: fixture.root, id: "autre-module")
        try "programmes:\n  - { id: tout, title: Tout, audience: me-msn, modules: [essai-module, autre-module] }\n"
            .write(to: fixture.root.appendingPathComponent("Curriculum/programmes.yaml"), atomically: true, encoding: .utf8)
        let store = try Store(path: temporaryFolderPath() + "/g.sqlite")
        let org = try store.createOrganisation(name: "CCAS")
        let trainer = try store.createUser(organisationID: org.id, username: "claire", displayName: "Claire", role: .trainer,
                                           passwordHash: try Credentials.hashPassword("secret-claire"))
        let cohort = try store.createCohort(organisationID: org.id, name: "C", ownerID: trainer.id)
        let ana = try store.createLearner(cohortID: cohort.id, firstName: "Ana", lastName: "D", attributes: ["groupe": "A"], codeSelector: nil, codeHash: nil)
        let bob = try store.createLearner(cohortID: cohort.id, firstName: "Bob", lastName: "M", attributes: ["groupe": "B"], codeSelector: nil, codeHash: nil)
        let server = try AssessmentServer(store: store, fixture: fixture)
        defer { server.server?.stop() }
        let client = try server.client()
        let staff = try #require(sessionCookie(try client.request(
            "POST", "/connexion/formateur", headers: form, body: Array("identifiant=claire&mot_de_passe=secret-claire".utf8))))
        let headers = form.merging(["Cookie": staff]) { a, _ in a }
        let page = try client.request("GET", "/formateur/cohortes/\(cohort.id)/modules", headers: ["Cookie": staff])
        #expect(page.page.contains("Le groupe « A »"))
        #expect(try client.request("POST", "/formateur/cohortes/\(cohort.id)/modules", headers: headers,
                                   body: Array("module=essai-module&pour=groupe%3AA".utf8)).status == 303)
        #expect(try client.request("POST", "/formateur/cohortes/\(cohort.id)/modules", headers: headers,
                                   body: Array("module=autre-module&pour=apprenant%3A\(bob.id)".utf8)).status == 303)
        #expect(try client.request("POST", "/formateur/cohortes/\(cohort.id)/modules", headers: headers,
                                   body: Array("module=autre-module&pour=groupe%3AZ".utf8)).status == 400)
        // A positioning for one learner only, and one learner added from the form.
        #expect(try client.request("POST", "/formateur/cohortes/\(cohort.id)/positionnements", headers: headers,
                                   body: Array("referentiel=essai&objet=free&algorithme=smart-random&niveau_max=6&pour=apprenant%3A\(ana.id)".utf8)).status == 303)
        #expect(try store.assignments(for: ana, kind: .assessment).count == 1)
        #expect(try store.assignments(for: bob, kind: .assessment).isEmpty)
        let added = try client.request("POST", "/formateur/cohortes/\(cohort.id)/apprenants", headers: headers,
                                       body: Array("nom=Roux&prenom=L%C3%A9a&identifiant=".utf8))
        #expect(added.status == 200)
        #expect(added.page.contains("Léa Roux est ajouté(e)."))
        #expect(added.text.contains("code-card"))
        let service = ModuleService(store: store, catalog: try ContentLoader.load(fixture.contentRoot))
        #expect(try service.modules(for: ana).map(\.module.id) == ["essai-module"])
        #expect(try service.modules(for: bob).map(\.module.id) == ["autre-module"])
        // A whole programme at once, for Ana: she gets its modules in order (each once).
        #expect(page.page.contains("Parcours : Tout (2 modules)"))
        #expect(try client.request("POST", "/formateur/cohortes/\(cohort.id)/modules", headers: headers,
                                   body: Array("module=parcours%3Atout&pour=apprenant%3A\(ana.id)".utf8)).status == 303)
        #expect(try service.modules(for: ana).map(\.module.id) == ["essai-module", "autre-module"])
    }
}
