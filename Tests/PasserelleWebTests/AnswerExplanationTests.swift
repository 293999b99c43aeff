import PasserelleCore
import Testing
@testable import PasserelleWeb

@Suite struct AnswerExplanationTests {
    func item(_ type: ItemType) -> Item {
        var item = Item(id: "i", skillID: "@s1", type: type, prompt: "Question ?", feedback: "Parce que.")
        item.choices = [Choice(id: "a", text: "La CAF", correct: true, feedback: ""), Choice(id: "b", text: "La **mairie**", correct: false, feedback: "")]
        item.pairs = [MatchingPair(id: "p1", left: "CAF", right: "allocations"), MatchingPair(id: "p2", left: "CPAM", right: "santé")]
        item.fields = [AnswerField(id: "r", label: "Organisme", accepted: ["CAF", "caisse d'allocations familiales"])]
        return item
    }

    @Test func saysWhatTheLearnerAnsweredAndWhatWasRight() {
        #expect(AnswerExplanation.yours(item(.qcu), storedAnswer: #"{"choice":"b"}"#) == "La mairie")
        #expect(AnswerExplanation.right(item(.qcu)) == "La CAF")
        #expect(AnswerExplanation.yours(item(.qcm), storedAnswer: #"{"choices":[]}"#) == "Aucune case cochée.")
        #expect(AnswerExplanation.yours(item(.matching), storedAnswer: #"{"pairs":{"p1":"p2","p2":"p1"}}"#)
                == "CAF → santé ; CPAM → allocations")
        #expect(AnswerExplanation.right(item(.matching)) == "CAF → allocations ; CPAM → santé")
        #expect(AnswerExplanation.yours(item(.qroc), storedAnswer: #"{"fields":{"r":"mairie"}}"#) == "« mairie »")
        #expect(AnswerExplanation.right(item(.qroc)) == "« CAF »")
        #expect(AnswerExplanation.yours(item(.ordering), storedAnswer: #"{"order":["b","a"]}"#) == "La mairie → La CAF")
    }

    @Test func aSkipOrAnUnreadableAnswerSaysSo() {
        #expect(AnswerExplanation.yours(item(.qcu), storedAnswer: "{}").contains("passé"))
        #expect(AnswerExplanation.yours(item(.qcu), storedAnswer: "pas du json").contains("passé"))
    }
}
