import Testing
@testable import PasserelleCore

private func qroc(_ accepted: [String], _ normalisation: Normalisation = .all) -> Item {
    Item(id: "q", skillID: "@t1", type: .qroc, prompt: "?", fields: [AnswerField(id: "r", label: "Réponse", accepted: accepted)],
         feedback: "f", normalisation: normalisation)
}

@Suite struct NormalisationTests {
    /// Pix's treatments, one row per case: typed, accepted, switches, expected.
    @Test(arguments: [
        ("Impôts", "impots", Normalisation.all, true),                 // t1: case and accents
        ("  im pôts ", "impots", Normalisation.all, true),             // t1: spaces
        ("impots.gouv.fr", "impotsgouvfr", Normalisation.all, true),   // t2: punctuation
        ("impot.gouv.fr", "impots.gouv.fr", Normalisation.all, true),  // t3: one letter off out of 12
        ("mot\u{00A0}de passe", "mot de passe", Normalisation.all, true),  // non-breaking space
        ("e\u{0301}cran", "écran", Normalisation(t1: false, t2: false, t3: false), true),  // NFC
        ("Impôts", "impots", Normalisation(t1: false, t2: true, t3: false), false),
        ("impots.gouv.fr", "impotsgouvfr", Normalisation(t1: true, t2: false, t3: false), false),
        ("impot.gouv.fr", "impots.gouv.fr", Normalisation(t1: true, t2: true, t3: false), false),
        ("chat", "chien", Normalisation.all, false),                   // too far even with t3
        ("1234", "1243", Normalisation(t1: true, t2: true, t3: false), false),
        ("", "vide", Normalisation.all, false),
        ("pdf", "PDF", Normalisation.all, true),
    ])
    func treatments(typed: String, accepted: String, normalisation: Normalisation, expected: Bool) throws {
        let check = try AnswerChecker.check(.fields(["r": typed]), against: qroc([accepted], normalisation))
        #expect(check.correct == expected)
    }

    @Test func levenshtein() {
        #expect(AnswerChecker.levenshtein("kitten", "sitting") == 3)
        #expect(AnswerChecker.levenshtein("", "abc") == 3)
        #expect(AnswerChecker.levenshtein("abc", "abc") == 0)
    }
}

@Suite struct AnswerCheckingTests {
    let choices = [Choice(id: "a", text: "A", correct: true), Choice(id: "b", text: "B"),
                   Choice(id: "c", text: "C", correct: true)]

    @Test func qcu() throws {
        let item = Item(id: "i", skillID: "@t1", type: .qcu, prompt: "?",
                        choices: [Choice(id: "a", text: "A", correct: true), Choice(id: "b", text: "B")], feedback: "f")
        #expect(try AnswerChecker.check(.choice("a"), against: item).correct)
        #expect(try !AnswerChecker.check(.choice("b"), against: item).correct)
        #expect(throws: AnswerCheckError.self) { try AnswerChecker.check(.choice("z"), against: item) }
        #expect(throws: AnswerCheckError.self) { try AnswerChecker.check(.choices(["a"]), against: item) }
    }

    @Test func qcmNeedsTheExactSet() throws {
        let item = Item(id: "i", skillID: "@t1", type: .qcm, prompt: "?", choices: choices, feedback: "f")
        #expect(try AnswerChecker.check(.choices(["c", "a"]), against: item).correct)
        #expect(try !AnswerChecker.check(.choices(["a"]), against: item).correct)
        #expect(try !AnswerChecker.check(.choices(["a", "b", "c"]), against: item).correct)
        #expect(try AnswerChecker.check(.choices(["a"]), against: item).parts == ["a": true, "b": true, "c": false])
    }

    @Test func qrocmIndNeedsEveryField() throws {
        let item = Item(id: "i", skillID: "@t1", type: .qrocmInd, prompt: "?",
                        fields: [AnswerField(id: "x", label: "X", accepted: ["caf"]),
                                 AnswerField(id: "y", label: "Y", accepted: ["cpam", "assurance maladie"])],
                        feedback: "f")
        #expect(try AnswerChecker.check(.fields(["x": "CAF", "y": "Assurance Maladie"]), against: item).correct)
        let half = try AnswerChecker.check(.fields(["x": "CAF", "y": "mairie"]), against: item)
        #expect(!half.correct)
        #expect(half.parts == ["x": true, "y": false])
        #expect(try !AnswerChecker.check(.fields(["x": "CAF"]), against: item).correct)
        #expect(throws: AnswerCheckError.self) { try AnswerChecker.check(.fields(["z": "?"]), against: item) }
    }

    @Test func qrocmDepNeedsDistinctAnswers() throws {
        let item = Item(id: "i", skillID: "@t1", type: .qrocmDep, prompt: "Deux organismes ?",
                        fields: [AnswerField(id: "a", label: "1"), AnswerField(id: "b", label: "2")],
                        accepted: ["CAF", "CPAM", "France Travail"], feedback: "f")
        #expect(try AnswerChecker.check(.fields(["a": "cpam", "b": "caf"]), against: item).correct)
        #expect(try !AnswerChecker.check(.fields(["a": "caf", "b": "CAF"]), against: item).correct, "same answer twice")
        #expect(try AnswerChecker.check(.fields(["a": "france travail", "b": "caf"]), against: item).correct)
    }

    @Test func orderingAndMatching() throws {
        let ordering = Item(id: "o", skillID: "@t1", type: .ordering, prompt: "?",
                            choices: [Choice(id: "1", text: "Un"), Choice(id: "2", text: "Deux"), Choice(id: "3", text: "Trois")],
                            feedback: "f")
        #expect(try AnswerChecker.check(.order(["1", "2", "3"]), against: ordering).correct)
        #expect(try !AnswerChecker.check(.order(["2", "1", "3"]), against: ordering).correct)
        #expect(throws: AnswerCheckError.self) { try AnswerChecker.check(.order(["1", "1", "3"]), against: ordering) }

        let matching = Item(id: "m", skillID: "@t1", type: .matching, prompt: "?",
                            pairs: [MatchingPair(id: "p", left: "PDF", right: "document"),
                                    MatchingPair(id: "q", left: "JPEG", right: "photo"),
                                    MatchingPair(id: "r", left: "MP3", right: "son")], feedback: "f")
        #expect(try AnswerChecker.check(.pairs(["p": "p", "q": "q", "r": "r"]), against: matching).correct)
        let swapped = try AnswerChecker.check(.pairs(["p": "q", "q": "p", "r": "r"]), against: matching)
        #expect(!swapped.correct)
        #expect(swapped.parts == ["p": false, "q": false, "r": true])
    }

    @Test func answersRoundTripThroughJSON() throws {
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        for answer in [ItemAnswer.choice("a"), .choices(["a", "b"]), .fields(["x": "y"]), .order(["1", "2"]),
                       .pairs(["p": "q"])] {
            #expect(try decoder.decode(ItemAnswer.self, from: encoder.encode(answer)) == answer)
        }
        #expect(throws: DecodingError.self) { try decoder.decode(ItemAnswer.self, from: Data("{}".utf8)) }
    }
}

import Foundation
