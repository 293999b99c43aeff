import Foundation
import Testing
@testable import PasserelleCore

/// The sandbox's pure parts: typed values, the file tools, the state worked out from the log, and each
/// kind of end-state check of a mission.
@Suite struct SandboxTests {
    func event(_ action: SandboxAction, _ outcome: SandboxOutcome = .ok, _ data: [String: String] = [:],
               service: SandboxService = .allocations) -> SandboxEvent {
        SandboxEvent(service: service, step: "étape", action: action, outcome: outcome, data: data)
    }

    func mission(_ goals: [MissionGoal], account: Bool = true, documents: [PersonaDocument] = []) -> Mission {
        Mission(title: "M", level: .easy, goal: "But", persona: Persona(name: "P", situation: "S", identifier: account ? "123" : nil,
                                                                     password: account ? "Motdepasse1" : nil, documents: documents),
                start: .allocations, goals: goals, competences: ["mediation:M1", "numerique:4.1"])
    }

    @Test func passwordPolicy() {
        #expect(SandboxInput.passwordProblems("Soleil2026").isEmpty)
        #expect(SandboxInput.passwordProblems("soleil") == ["au moins 8 caractères", "au moins une majuscule", "au moins un chiffre"])
        #expect(SandboxInput.passwordProblems("SOLEIL2026") == ["au moins une minuscule"])
    }

    @Test func realLookingNumbersAreNoticed() {
        #expect(SandboxInput.sensitiveKind("1 84 12 75 123 456 78") == "numéro de sécurité sociale")
        #expect(SandboxInput.sensitiveKind("2841275123456") == "numéro de sécurité sociale")
        #expect(SandboxInput.sensitiveKind("FR76 3000 6000 0112 3456 7890 189") == "IBAN")
        #expect(SandboxInput.sensitiveKind("fr7630006000011234567890189") == "IBAN")
        #expect(SandboxInput.sensitiveKind("4521873") == nil)
        #expect(SandboxInput.sensitiveKind("812,40") == nil)
        #expect(SandboxInput.sensitiveKind("3841275123456") == nil, "a first digit other than 1 or 2")
        #expect(SandboxInput.sensitiveKind("28412751234567") == nil, "14 digits")
    }

    @Test func amountsAsTypedInFrance() {
        #expect(SandboxInput.cents("812,40") == 81240)
        #expect(SandboxInput.cents("812.4") == 81240)
        #expect(SandboxInput.cents("1 204") == 120400)
        #expect(SandboxInput.cents("0") == 0)
        #expect(SandboxInput.cents("645 €") == 64500)
        for bad in ["", "abc", "-5", "1,234", "12,3,4", "99999999999", "1e5", "١٢"] { #expect(SandboxInput.cents(bad) == nil, "\(bad)") }
        #expect(SandboxInput.euros(81240) == "812,40 €")
        #expect(SandboxInput.euros(120400) == "1\u{202F}204 €")
        #expect(SandboxInput.euros(5) == "0,05 €")
    }

    @Test func toolsMakeFilesTheSiteAccepts() throws {
        let photo = PersonaDocument(id: "avis", title: "Avis", fileName: "IMG_1.heic", format: .heic, kilobytes: 4600, lines: [])
        #expect(ProofRules.refusal(photo.file) != nil)
        #expect(photo.file.compressed() == nil, "a HEIC photo is converted first")
        let pdf = try #require(photo.file.convertedToPDF())
        #expect(pdf.id == "avis~pdf" && pdf.format == .pdf && pdf.name == "IMG_1.pdf")
        #expect(ProofRules.refusal(pdf)?.contains("trop lourd") == true)
        let light = try #require(pdf.compressed())
        #expect(light.id == "avis~pdf~leger" && light.kilobytes <= 2000 && ProofRules.refusal(light) == nil)
        #expect(MissionCheck.file("avis~pdf~leger", from: [photo]) == light)
        #expect(MissionCheck.file("avis~zip", from: [photo]) == nil)
        #expect(MissionCheck.file("autre", from: [photo]) == nil)
        #expect(SandboxFile.sizeLabel(4600) == "4,6 Mo" && SandboxFile.sizeLabel(350) == "350 Ko")
    }

    @Test func theStateIsWorkedOutFromTheLog() {
        var state = SandboxState(events: [event(.signIn), event(.declarationStep, .ok, ["etape": "1", "salaire-1": "100"])], existingAccount: true)
        #expect(state.signedIn && state.declarationStep == 2 && state.declaration["salaire-1"] == "100")
        #expect(!state.passwordQuestionAnswered)
        state.apply(event(.declarationStep, .ok, ["etape": "3"]))
        #expect(state.declarationStep == 2, "a later step cannot be jumped to")
        state.apply(event(.passwordNotSaved))
        state.apply(event(.signOut))
        #expect(!state.signedIn && state.passwordQuestionAnswered)
        let fresh = SandboxState(events: [event(.signUp), event(.signIn, .refused)], existingAccount: false)
        #expect(fresh.accountCreated && !fresh.accountConfirmed && !fresh.signedIn)
    }

    @Test func accountCreatedNeedsTheCode() {
        let goal = MissionGoal(.accountCreated, lesson: "03.md#compte")
        let mission = mission([goal], account: false)
        #expect(mission.problems([event(.signUp), event(.codeEntered)]).isEmpty)
        let noCode = mission.problems([event(.signUp), event(.codeEntered, .refused)])
        #expect(noCode.count == 1 && noCode[0].step == "Confirmation du compte" && noCode[0].goal.lesson == "03.md#compte")
        let refused = mission.problems([event(.signUp, .refused, ["raison": "le mot de passe doit avoir au moins un chiffre"])])
        #expect(refused.count == 1 && refused[0].why.contains("au moins un chiffre"))
    }

    @Test func declarationAmountsAreCheckedAndTheGrossIsNamed() {
        let goal = MissionGoal(.declarationSent(amounts: [.salary1: 81240, .salary2: 0, .unemployment: 31050],
                                                gross: [.salary1: 105000]))
        let mission = mission([goal])
        let right = ["salaire-1": "81240", "salaire-2": "0", "salaire-3": "0", "chomage": "31050", "pension": "0", "autres": "0"]
        #expect(mission.problems([event(.signIn), event(.declarationSent, .ok, right)]).isEmpty)
        var wrong = right
        wrong["salaire-1"] = "105000"
        wrong["salaire-2"] = "20000"
        wrong["chomage"] = "0"
        let problems = mission.problems([event(.declarationSent, .ok, wrong)])
        #expect(problems.count == 3)
        #expect(problems[0].why.contains("brut") && problems[0].step.contains("Étape 1"))
        #expect(problems[1].why.contains("0 €"))
        #expect(problems[2].why.contains("indu") && problems[2].step.contains("Étape 2"))
        let unsent = mission.problems([event(.declarationStep, .ok, ["etape": "1"]), event(.declarationStep, .ok, ["etape": "2"])])
        #expect(unsent.count == 1 && unsent[0].step == "Étape 3 de la déclaration")
    }

    @Test func proofMustBeTheOneAskedInAnAcceptedFile() {
        let avis = PersonaDocument(id: "avis", title: "Avis d'impôt", fileName: "a.heic", format: .heic, kilobytes: 4600, lines: [])
        let loyer = PersonaDocument(id: "loyer", title: "Attestation de loyer", fileName: "l.pdf", format: .pdf, kilobytes: 300, lines: [])
        let mission = mission([MissionGoal(.proofSent(document: "avis"))], documents: [avis, loyer])
        #expect(mission.problems([event(.proofSent, .ok, ["document": "avis"])]).isEmpty)
        let refused = mission.problems([event(.proofSent, .refused, ["document": "avis", "raison": "Le format HEIC n'est pas accepté."])])
        #expect(refused.count == 1 && refused[0].why.contains("Convertir en PDF"))
        let other = mission.problems([event(.proofSent, .ok, ["document": "loyer"])])
        #expect(other.count == 1 && other[0].what.contains("Attestation de loyer"))
        #expect(mission.problems([]).first?.what == "Vous n'avez pas envoyé « Avis d'impôt ».")
    }

    @Test func phishingChecks() {
        let mission = mission([MissionGoal(.reported(["faux-colis", "fausse-amende"])), MissionGoal(.noFraudulentLinkFollowed),
                               MissionGoal(.genuineKept)])
        func mail(_ action: SandboxAction, _ id: String) -> SandboxEvent { event(action, .ok, ["message": id], service: .messagerie) }
        #expect(mission.problems([mail(.mailOpened, "faux-colis"), mail(.reported, "faux-colis"), mail(.reported, "fausse-amende")]).isEmpty)
        let clicked = mission.problems([mail(.linkFollowed, "faux-colis"), mail(.linkFollowed, "faux-colis"), mail(.reported, "faux-colis"),
                                        mail(.reported, "fausse-amende"), mail(.reported, "vrai-rendez-vous")])
        #expect(clicked.count == 2, "one problem per link, however many clicks; one for the genuine message reported")
        #expect(clicked[0].what.contains("livraison-suivi-colis.net") && clicked[0].step == "SMS « Votre colis est en attente »")
        #expect(clicked[1].what.contains("vrai message") && clicked[1].cluesTitle == "Ce qui montre qu'il est vrai")
        let missed = mission.problems([mail(.reported, "faux-colis")])
        #expect(missed.count == 1 && missed[0].cluesTitle == "Les indices" && !missed[0].clues.isEmpty)
    }

    @Test func endOfSessionChecks() {
        let mission = mission([MissionGoal(.signedOut), MissionGoal(.passwordNotSaved), MissionGoal(.noRealNumber)])
        #expect(mission.problems([event(.signIn), event(.passwordNotSaved), event(.signOut)]).isEmpty)
        let left = mission.problems([event(.signIn), event(.passwordSaved, .risk),
                                     event(.sensitiveValue, .risk, ["type": "IBAN", "page": "Connexion"], service: .allocations)])
        #expect(left.map(\.step) == ["Fin de la mission", "Après la connexion", "Connexion"])
        #expect(mission.problems([]).isEmpty, "never signed in: nothing left open")
    }

    @Test func theMessageCatalogueNamesNoRealBrand() {
        let brands = ["caf", "ameli", "cpam", "france travail", "pôle emploi", "franceconnect", "antai", "chronopost", "colissimo", "la poste", "vitale"]
        for message in SandboxMessage.catalogue {
            let text = ([message.sender, message.address, message.subject, message.link ?? ""] + message.body + message.clues)
                .joined(separator: " ").lowercased()
            for brand in brands {
                #expect(!text.contains(" \(brand) ") && !text.hasPrefix("\(brand) ") && !text.contains("\(brand).") ,
                        "\(message.id) names \(brand)")
            }
            #expect(message.fraudulent == (message.link != nil) || message.channel == .caisse, "\(message.id): only frauds hold links")
        }
    }

    @Test func appointmentThroughThePortal() {
        let goal = MissionGoal(.appointmentBooked(reason: "titre-sejour", slots: ["jeu-1430"]))
        let mission = Mission(title: "M", level: .medium, goal: "B",
                              persona: Persona(name: "P", situation: "S", identifier: "p@x.fr", password: "Motdepasse1", provider: .impots),
                              start: .rendezVous, goals: [goal, MissionGoal(.signedOut)], competences: [])
        #expect(!mission.existingAccount, "an identity provider's account is not one at the caisse")
        func portal(_ action: SandboxAction, _ outcome: SandboxOutcome = .ok, _ data: [String: String] = [:]) -> SandboxEvent {
            SandboxEvent(service: .portail, step: "Connexion État", action: action, outcome: outcome, data: data)
        }
        let book = SandboxEvent(service: .rendezVous, step: "Choix", action: .appointmentBooked, data: ["motif": "titre-sejour", "creneau": "jeu-1430"])
        let outEverywhere = SandboxEvent(service: .rendezVous, step: "Déconnexion", action: .signOut, data: ["portail": "oui"])
        let outHere = SandboxEvent(service: .rendezVous, step: "Déconnexion", action: .signOut, data: ["portail": "non"])
        let good = [portal(.portalSignIn, .refused, ["fournisseur": "Identité Assurance santé de démonstration"]), portal(.portalSignIn),
                    portal(.consent), book, outEverywhere]
        #expect(mission.problems(good).isEmpty)
        let state = SandboxState(events: Array(good.prefix(3)), existingAccount: false)
        #expect(state.portalSignedIn && state.appointmentSignedIn && state.booked == nil)
        // Signed out of the site only: the portal stays open for the next person.
        let leftOpen = mission.problems([portal(.portalSignIn), portal(.consent), book, outHere])
        #expect(leftOpen.count == 1 && leftOpen[0].what.contains("portail"))
        // The wrong provider only: said so.
        let wrongProvider = mission.problems([portal(.portalSignIn, .refused, ["fournisseur": "Identité Assurance santé de démonstration"])])
        #expect(wrongProvider.first?.what.contains("Identité Assurance santé") == true)
        // A morning slot and another reason: both said.
        let wrong = SandboxEvent(service: .rendezVous, step: "Choix", action: .appointmentBooked, data: ["motif": "remise-titre", "creneau": "mar-0930"])
        let both = mission.problems([portal(.portalSignIn), portal(.consent), wrong, outEverywhere])
        #expect(both.map(\.step) == ["Choix du motif", "Choix du créneau"])
        // Consent refused: the service never opened.
        #expect(mission.problems([portal(.portalSignIn), portal(.consent, .refused), portal(.signOut)]).first?.step == "Partage des données")
    }

    @Test func jobSeekersMonthlyDeclaration() {
        let goal = MissionGoal(.jobDeclarationSent(JobDeclaration(worked: true, hours: 64, grossCents: 78000, netCents: 60750)))
        let mission = Mission(title: "M", level: .medium, goal: "B", persona: Persona(name: "P", situation: "S", password: "Baobab2026", jobSeekerID: "4412078K"),
                              start: .emploi, goals: [goal, MissionGoal(.signedOut)], competences: [])
        #expect(mission.services == [.emploi])
        func job(_ action: SandboxAction, _ data: [String: String] = [:]) -> SandboxEvent {
            SandboxEvent(service: .emploi, step: "x", action: action, data: data)
        }
        let right = ["travaille": "oui", "heures": "64", "brut": "78000", "arret": "non", "formation": "non", "recherche": "oui"]
        #expect(mission.problems([job(.signIn), job(.declarationSent, right), job(.signOut)]).isEmpty)
        var state = SandboxState(events: [job(.signIn), job(.declarationStep, ["etape": "1", "travaille": "oui"])], existingAccount: false)
        #expect(state.jobSignedIn && state.jobStep == 2 && !state.signedIn, "the job space is not the caisse")
        state.apply(job(.declarationStep, ["etape": "3"]))
        #expect(state.jobStep == 2)
        var wrong = right
        wrong["brut"] = "60750"
        wrong["recherche"] = "non"
        wrong["heures"] = "60"
        let problems = mission.problems([job(.signIn), job(.declarationSent, wrong)])
        #expect(problems.count == 4, "\(problems.map(\.what))")
        #expect(problems.contains { $0.why.contains("C'est le salaire net") })
        #expect(problems.contains { $0.why.contains("désinscrit") })
        #expect(problems.contains { $0.what.contains("espace emploi") }, "still signed in")
        #expect(mission.problems([job(.signIn)]).first?.what == "Vous n'avez pas envoyé l'actualisation.")
    }
}
