import Foundation
import PasserelleCore
import Testing
@testable import PasserelleWeb

/// The trainer's step-by-step replay: the step asked is clamped to the attempt, the links stop at its ends,
/// and where the attempt stood is worked out from the log up to that step only.
@Suite struct SandboxReplayTests {
    let mission = Mission(title: "M", level: .easy, goal: "But", persona: Persona(name: "P", situation: "S"),
                          start: .messagerie, goals: [], competences: [])
    let events = [
        SandboxEvent(service: .bacASable, step: "accueil", action: .missionOpened),
        SandboxEvent(service: .messagerie, step: "SMS", action: .mailOpened, data: ["message": "fausse-amende"]),
        SandboxEvent(service: .messagerie, step: "SMS", action: .linkFollowed, outcome: .risk, data: ["message": "fausse-amende"]),
    ]
    var steps: [[String: Any]] { events.indices.map { ["number": $0 + 1, "action": events[$0].action.label] } }

    @Test func theStepAskedIsClampedAndTheLinksStopAtTheEnds() {
        for asked in [Int.min, -5, 0, 1] {
            let first = WebApp.replayStep(events, steps, mission: mission, attemptID: 7, asked: asked)
            #expect(first["number"] as? Int == 1 && first["total"] as? Int == 3)
            #expect(first["previous"] == nil && first["next"] as? String == "?essai=7&etape=2#rejouer-7")
        }
        let middle = WebApp.replayStep(events, steps, mission: mission, attemptID: 7, asked: 2)
        #expect(middle["previous"] as? String == "?essai=7&etape=1#rejouer-7" && middle["next"] as? String == "?essai=7&etape=3#rejouer-7")
        for asked in [3, 4, Int.max] {
            let last = WebApp.replayStep(events, steps, mission: mission, attemptID: 7, asked: asked)
            #expect(last["number"] as? Int == 3 && last["next"] == nil)
            #expect(last["action"] as? String == SandboxAction.linkFollowed.label)
        }
    }

    @Test func whereTheAttemptStoodComesFromTheLogUpToTheStep() {
        let facts = { (step: Int) in WebApp.replayStep(events, steps, mission: mission, attemptID: 7, asked: step)["facts"] as? [String] ?? [] }
        #expect(facts(1) == ["Messages ouverts : 0, signalés : 0, liens suivis : 0"])
        #expect(facts(2) == ["Messages ouverts : 1, signalés : 0, liens suivis : 0"])
        #expect(facts(3) == ["Messages ouverts : 1, signalés : 0, liens suivis : 1"])
    }
}
