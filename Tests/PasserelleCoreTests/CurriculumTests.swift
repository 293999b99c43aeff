import Testing
@testable import PasserelleCore

@Suite struct MasteryRuleTests {
    let graded = ["a", "b", "c"]

    func attempts(_ text: String) -> [(activityID: String, correct: Bool)] {
        // "a+ b- a+" : activity and result.
        text.split(separator: " ").map { (String($0.dropLast()), $0.last == "+") }
    }

    @Test func allCorrectNeedsTheLatestAttemptOfEveryActivityRight() {
        let rule = MasteryRule.allCorrect
        #expect(!rule.isMastered(attempts("a+ b+"), gradedActivities: graded))
        #expect(!rule.isMastered(attempts("a+ b- c+"), gradedActivities: graded))
        #expect(rule.isMastered(attempts("a+ b- c+ b+"), gradedActivities: graded))
        #expect(!rule.isMastered(attempts("a+ b+ c+ a-"), gradedActivities: graded), "a later failure counts")
        #expect(abs(rule.progress(attempts("a+ b-"), gradedActivities: graded) - 1.0 / 3) < 1e-12)
    }

    @Test func kInARowNeedsTheLastKRight() {
        let rule = MasteryRule.kInARow(3)
        #expect(!rule.isMastered(attempts("a+ b+ c- a+ b+"), gradedActivities: graded))
        #expect(rule.isMastered(attempts("a- b+ c+ a+"), gradedActivities: graded))
        #expect(rule.progress(attempts("a- b+ c+"), gradedActivities: graded) == 2.0 / 3)
        #expect(rule.progress([], gradedActivities: graded) == 0)
    }

    @Test func mOfNCountsTheLastN() {
        let rule = MasteryRule.mOfN(m: 3, n: 4)
        #expect(rule.isMastered(attempts("a+ b- c+ a+"), gradedActivities: graded))
        #expect(!rule.isMastered(attempts("a+ a+ a+ b- c- b+"), gradedActivities: graded), "only the last 4 count")
        #expect(rule.isMastered(attempts("a- a- b+ c+ a+"), gradedActivities: graded))
        #expect(rule.progress(attempts("a+ b-"), gradedActivities: graded) == 1.0 / 3)
    }

    @Test func aSetWithoutGradedActivitiesNeedsOnlySubmissions() {
        let set = ActivitySet(id: "s", title: "S", after: nil, activities: [
            Activity(id: "r", kind: .reflection(prompt: "?", guidance: "")),
        ], mastery: .allCorrect)
        #expect(!Mastery.isMastered(set, record: ModuleRecord()))
        #expect(Mastery.isMastered(set, record: ModuleRecord(submitted: ["r"])))
    }
}

@Suite struct ScenarioTests {
    let scenario = Scenario(title: "Guichet", prompt: "Mme D. vient pour sa prime d'activité.", start: "accueil", steps: [
        ScenarioStep(id: "accueil", text: "Elle vous tend son téléphone.", choices: [
            ScenarioChoice(id: "faire", text: "Je le fais pour elle.", feedback: "Elle n'apprend rien.", next: "codes"),
            ScenarioChoice(id: "avec", text: "Je lui montre, elle tape.", feedback: "Elle garde la main.", next: nil, outcome: .good),
        ]),
        ScenarioStep(id: "codes", text: "Elle vous donne ses codes.", choices: [
            ScenarioChoice(id: "noter", text: "Je les note.", feedback: "Jamais.", next: nil, outcome: .poor),
            ScenarioChoice(id: "refuser", text: "Je lui rends la main.", feedback: "Bien.", next: nil, outcome: .neutral),
        ]),
        ScenarioStep(id: "orpheline", text: "Jamais atteinte.", choices: []),
    ])

    @Test func walkingThroughTheSteps() throws {
        let start = try scenario.walk([])
        #expect(start.current?.id == "accueil")
        #expect(!start.isOver)
        let middle = try scenario.walk(["faire"])
        #expect(middle.current?.id == "codes")
        let end = try scenario.walk(["faire", "noter"])
        #expect(end.isOver)
        #expect(end.outcome == .poor)
        #expect(end.path.map(\.choice.id) == ["faire", "noter"])
        #expect(try scenario.walk(["avec"]).outcome == .good)
    }

    @Test func impossibleChoicesAreRefused() {
        #expect(throws: Scenario.WalkError.unknownChoice(step: "accueil", choice: "noter")) { try scenario.walk(["noter"]) }
        #expect(throws: Scenario.WalkError.afterTheEnd) { try scenario.walk(["avec", "faire"]) }
    }

    @Test func reachableSteps() {
        #expect(scenario.reachableSteps() == ["accueil", "codes"])
    }
}

@Suite struct ModuleProgressTests {
    func module(_ id: String, prerequisites: [String] = []) -> Module {
        let qcu = Item(id: "\(id)-q", skillID: "", type: .qcu, prompt: "?",
                       choices: [Choice(id: "a", text: "A", correct: true), Choice(id: "b", text: "B")], feedback: "f")
        return Module(
            id: id, title: id, audience: [.meMSN], summary: "", objectives: [], duration: 10,
            prerequisites: prerequisites, competences: [],
            lessons: [Lesson(id: "l1", title: "L1", duration: 5, objectives: [], markdown: "# L1")],
            activitySets: [ActivitySet(id: "s1", title: "S1", after: "l1",
                                       activities: [Activity(id: "q", kind: .item(qcu))], mastery: .kInARow(2))],
            sources: [])
    }

    @Test func aModuleIsCompleteWhenLessonsAreReadAndSetsMastered() {
        let m = module("m")
        #expect(Mastery.progress(of: m, record: ModuleRecord(), prerequisitesComplete: true).state == .notStarted)
        var record = ModuleRecord(lessonsRead: ["l1"])
        #expect(Mastery.progress(of: m, record: record, prerequisitesComplete: true).state == .inProgress)
        record.attempts["s1"] = [("q", false), ("q", false), ("q", false), ("q", false), ("q", true)]
        let struggling = Mastery.progress(of: m, record: record, prerequisitesComplete: true)
        #expect(struggling.state == .inProgress)
        #expect(struggling.strugglingSets == ["s1"], "4 failed tries: needs help")
        record.attempts["s1"]!.append(("q", true))
        let done = Mastery.progress(of: m, record: record, prerequisitesComplete: true)
        #expect(done.state == .complete)
        #expect(done.fraction == 1)
        #expect(done.strugglingSets.isEmpty)
    }

    @Test func prerequisitesLockUntilCompleteOrUnlocked() {
        let m = module("m2", prerequisites: ["m1"])
        #expect(Mastery.progress(of: m, record: ModuleRecord(), prerequisitesComplete: false).state == .locked)
        #expect(Mastery.progress(of: m, record: ModuleRecord(), prerequisitesComplete: false, unlocked: true).state == .notStarted)
        #expect(Mastery.progress(of: m, record: ModuleRecord(), prerequisitesComplete: true).state == .notStarted)
    }

    @Test func prerequisiteCyclesAreFound() {
        #expect(Mastery.prerequisiteCycle([module("a"), module("b", prerequisites: ["a"])]) == nil)
        let cycle = Mastery.prerequisiteCycle([module("a", prerequisites: ["c"]), module("b", prerequisites: ["a"]),
                                               module("c", prerequisites: ["b"])])
        #expect(cycle == ["a", "c", "b", "a"])
    }
}
