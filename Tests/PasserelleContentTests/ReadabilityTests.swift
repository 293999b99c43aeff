import Foundation
import Testing
@testable import PasserelleContent

@Suite struct ReadabilityTests {
    @Test func measuresSentencesWordsAndLongWordsOfTheProseOnly() {
        let markdown = """
            # Un titre très administratif sur la dématérialisation

            L'administration numérique aide les personnes. Elle change vite (source : 000_f8ba0acd265ce9bc.txt, lignes 1-2).

            > Une citation très longue qui ne compte pas dans la mesure de la lisibilité.

            ```
            code informatique incompréhensible
            ```

            - Un mot court, c'est-à-dire simple.

            ## Sources

            - Rapport de l'IRTS PACA Corse sur l'expérimentation, 2019-2020.
            """
        let measure = Readability.measure(markdown: markdown)
        // « L'administration numérique aide les personnes. » (5 words), « Elle change vite. » (3),
        // « Un mot court, c'est-à-dire simple » (5); « l'administration » is the only long word.
        #expect(measure.sentences == 3)
        #expect(measure.words == 13)
        #expect(measure.maxSentenceLength == 5)
        #expect(measure.longWords == 1)
        #expect(abs(measure.meanSentenceLength - 13.0 / 3.0) < 0.0001)
        #expect(abs(measure.longWordShare - 1.0 / 13.0) < 0.0001)
        #expect(measure.longestSentence == "L'administration numérique aide les personnes.")
    }

    @Test(arguments: [("l'administration", true), ("informatique", true), ("numériques", false),
                      ("c'est-à-dire", false), ("dématérialisation", true), ("porte-documents", false), ("2019-2020", false)])
    func aWordIsLongFromTwelveLetters(word: String, long: Bool) {
        #expect(Readability.isLong(Substring(word)) == long)
    }

    @Test func anEmptyTextMeasuresZero() {
        #expect(Readability.measure(markdown: "# Titre\n\n> Citation.\n") == ReadabilityMeasure())
    }

    @Test func aMuchHarderLessonExceedsTheLimitsInFrench() {
        let long = Array(repeating: "la responsabilité administrative", count: 11).joined(separator: " et ")
        let measure = Readability.measure(markdown: "# Leçon\n\n\(long).\n\nUne phrase.\n")
        let problems = ReadabilityLimits.lessons.problems(measure)
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("phrases trop longues en moyenne : 22,5 mots (au plus 15,0)") })
        #expect(problems.contains { $0.hasPrefix("une phrase de 43 mots (au plus 40) : « la responsabilité administrative et") })
        #expect(problems.contains { $0.hasPrefix("trop de mots longs : 48,9 % (au plus 7,0 %)") })
        #expect(ReadabilityLimits.lessons.problems(Readability.measure(markdown: "Une phrase courte. Une autre.")).isEmpty)
    }

    /// Every shipped lesson meets the limits of docs/CONTENT-FORMAT.md: a lesson much harder to read
    /// than today's fails here and in `passerelle content stats`.
    @Test func everyShippedLessonMeetsTheReadabilityLimits() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let catalog = try ContentLoader.load(try ContentRoot(validating: repository.path))
        let lessons = catalog.modules.flatMap { module in module.lessons.map { (module.id, $0) } }
        #expect(lessons.count >= 48)
        for (module, lesson) in lessons {
            let measure = Readability.measure(markdown: lesson.markdown)
            #expect(measure.sentences >= 20, "\(module)/\(lesson.id): a lesson has prose to measure")
            let problems = ReadabilityLimits.lessons.problems(measure)
            #expect(problems.isEmpty, "\(module)/\(lesson.id): \(problems)")
        }
    }
}
