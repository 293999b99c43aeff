import Testing
@testable import PasserelleCore

/// Kolibri's « needs help »: 4 or more failed tries on the same activity set without mastery, per set;
/// never for work not started.
@Suite struct NeedsHelpTests {
    let qcu = Item(id: "q", skillID: "", type: .qcu, prompt: "?",
                   choices: [Choice(id: "a", text: "A", correct: true), Choice(id: "b", text: "B")], feedback: "f")
    let scenario = Scenario(title: "Guichet", prompt: "Mme D. vient.", start: "accueil", steps: [
        ScenarioStep(id: "accueil", text: "Elle vous tend son téléphone.", choices: [
            ScenarioChoice(id: "faire", text: "Je le fais pour elle.", feedback: "Elle n'apprend rien.", next: nil, outcome: .poor),
            ScenarioChoice(id: "avec", text: "Je lui montre.", feedback: "Elle garde la main.", next: nil, outcome: .good),
        ]),
    ])

    /// A module with a set of two items (2 right in a row to master) and a set with one scenario (all right).
    var module: Module {
        Module(id: "m", title: "M", audience: [.meMSN], summary: "", objectives: [], duration: 10, prerequisites: [],
               competences: [], lessons: [Lesson(id: "l1", title: "L1", duration: 5, objectives: [], markdown: "# L1")],
               activitySets: [
                   ActivitySet(id: "items", title: "Les mots-clés", after: "l1",
                               activities: [Activity(id: "q1", kind: .item(qcu)), Activity(id: "q2", kind: .item(qcu))],
                               mastery: .kInARow(2)),
                   ActivitySet(id: "cas", title: "Le guichet", after: "l1",
                               activities: [Activity(id: "s1", kind: .scenario(scenario))], mastery: .allCorrect),
               ], sources: [])
    }

    func help(_ attempts: [String: [(activityID: String, correct: Bool)]]) -> Set<String> {
        Mastery.progress(of: module, record: ModuleRecord(lessonsRead: ["l1"], attempts: attempts), prerequisitesComplete: true)
            .strugglingSets
    }

    @Test func oneFailedScenarioIsNotANeedForHelp() {
        #expect(help(["cas": [("s1", false)]]).isEmpty)
        #expect(!Mastery.needsHelp(module.activitySets[1], record: ModuleRecord(attempts: ["cas": [("s1", false)]])))
    }

    @Test func workNotStartedNeverNeedsHelp() {
        #expect(help([:]).isEmpty)
        let untouched = Mastery.progress(of: module, record: ModuleRecord(), prerequisitesComplete: true)
        #expect(untouched.state == .notStarted)
        #expect(untouched.strugglingSets.isEmpty)
        #expect(Mastery.progress(of: module, record: ModuleRecord(), prerequisitesComplete: false).strugglingSets.isEmpty)
    }

    @Test func threeFailedTriesAreNotEnoughFourAre() {
        let three: [(activityID: String, correct: Bool)] = [("q1", false), ("q2", false), ("q1", false)]
        #expect(help(["items": three]).isEmpty)
        #expect(help(["items": three + [("q2", false)]]) == ["items"])
        #expect(Mastery.failedTriesBeforeHelp == 4)
        // Four failed scenarios too.
        #expect(help(["cas": Array(repeating: ("s1", false), count: 4)]) == ["cas"])
    }

    @Test func failuresCountPerSetNotAcrossTheModule() {
        // 3 failures on each of two sets: 6 in the module, but fewer than 4 on any one set.
        let attempts: [String: [(activityID: String, correct: Bool)]] = [
            "items": [("q1", false), ("q1", false), ("q2", false)],
            "cas": [("s1", false), ("s1", false), ("s1", false)],
        ]
        #expect(help(attempts).isEmpty)
    }

    @Test func rightAnswersBetweenFailuresDoNotHideThemButMasteryEndsTheNeed() {
        // Right answers in between do not reset the count (the set is still not mastered)...
        let mixed: [(activityID: String, correct: Bool)] = [("q1", false), ("q1", true), ("q2", false), ("q2", false), ("q1", true), ("q2", false)]
        #expect(help(["items": mixed]) == ["items"])
        // ...mastery does.
        #expect(help(["items": mixed + [("q1", true), ("q2", true)]]).isEmpty)
        #expect(help(["cas": Array(repeating: ("s1", false), count: 5) + [("s1", true)]]).isEmpty)
    }
}
