import Foundation
import Testing
@testable import PasserelleContent

let testRegister = """
    checked: 2026-12-07
    names:
      - name: Pôle emploi
        successor: France Travail
        since: 1er janvier 2024
      - name: CMU complémentaire
        variants: [CMU-C]
        successor: Complémentaire santé solidaire (C2S)
        since: 1er novembre 2019
      - name: CMU
        successor: protection universelle maladie (PUMa)
        since: 1er janvier 2016
      - name: MSAP
        variants: [maison de services au public]
        successor: France services
        since: 2019-2020
    """

@Suite struct ProseTests {
    @Test func sentencesKeepTheirLineAndLeaveOutHeadingsQuotesCodeAndReferences() {
        let markdown = """
            # Un titre. Sans phrase

            Première phrase (source : 000_f8ba0acd265ce9bc.txt, lignes 1-2). Deuxième phrase
            sur deux lignes ? Oui ! M. Dupont et A. Ben Youssef restent dans la même phrase.

            > Une citation. Laissée de côté.

            ```
            du code. Aussi.
            ```
            - Un **élément** de [liste](02-suite.md) `code` sans point
            - Un autre.

            | tableau | . |
            """
        let sentences = Prose.sentences(markdown: markdown, firstLine: 10)
        #expect(sentences == [
            ProseSentence(text: "Première phrase.", line: 12),
            ProseSentence(text: "Deuxième phrase sur deux lignes ?", line: 12),
            ProseSentence(text: "Oui !", line: 13),
            ProseSentence(text: "M. Dupont et A. Ben Youssef restent dans la même phrase.", line: 13),
            ProseSentence(text: "Un élément de liste sans point", line: 20),
            ProseSentence(text: "Un autre.", line: 21),
        ])
        #expect(sentences[3].words.count == 11)
        #expect(ProseSentence(text: "Elle dit – c'est-à-dire – « oui » ?", line: 1).words.count == 4)
    }

    @Test func aSentenceEndsOnlyBeforeACapitalADigitOrAQuote() {
        let texts = Prose.sentences(text: "Allez sur caf.fr puis cliquez. 3 personnes sur 10 abandonnent. « Bonjour. » dit-elle. etc. et la suite.")
            .map(\.text)
        #expect(texts == ["Allez sur caf.fr puis cliquez.", "3 personnes sur 10 abandonnent.", "« Bonjour. » dit-elle. etc. et la suite."])
    }
}

@Suite struct RetiredNameTests {
    static var names: [RetiredName] {
        let (names, problems) = RetiredNames.register(text: testRegister, file: "Curriculum/retired-names.yaml")
        #expect(problems.isEmpty, "\(problems)")
        return names
    }

    @Test(arguments: [
        ("Inscrivez-vous à Pôle emploi.", false),
        ("Inscrivez-vous à pole EMPLOI en ligne.", false),
        ("Il s'est inscrit à Pôle emploi en 2019.", true),
        ("France Travail, l'ancien Pôle emploi, vous reçoit.", true),
        ("Pôle emploi (devenu France Travail) vous reçoit.", true),
        ("Depuis, Pôle emploi a changé de nom.", true),
        ("France Travail a remplacé Pôle emploi.", true),
        ("Avant, on allait à Pôle emploi.", true),
        ("Jusqu'en décembre, Pôle emploi recevait sans rendez-vous.", true),
        ("France Travail (ex-Pôle emploi) vous reçoit.", true),
        ("Allez à France Travail.", true),
        ("Les pôles emploi du quartier.", true),
    ])
    func aRetiredNameMustBeDated(sentence: String, accepted: Bool) {
        let found = RetiredNames.Matcher(Self.names).undated(in: sentence)
        #expect(found.isEmpty == accepted, "\(sentence) → \(found.map(\.name))")
    }

    @Test func aYearInASeedReferenceDoesNotDateTheSentence() {
        let lesson = "---\ntitle: T\n---\n# T\n\nLa MSAP aide (source : 000_f8ba0acd265ce9bc.txt, lignes 2019-2020).\n"
        let diagnostics = RetiredNames.lesson(lesson, file: "Curriculum/m/01-l.md", names: Self.names)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.line == 6)
    }

    @Test func aLongerNameHidesTheShorterOneInside() {
        let matcher = RetiredNames.Matcher(Self.names)
        #expect(matcher.undated(in: "Demandez la CMU complémentaire.").map(\.name) == ["CMU complémentaire"])
        #expect(matcher.undated(in: "Demandez la CMU-C.").map(\.name) == ["CMU complémentaire"])
        #expect(matcher.undated(in: "Demandez la CMU et la CMU complémentaire.").map(\.name) == ["CMU complémentaire", "CMU"])
    }

    @Test func lessonsAreReportedWithFileLineAndAFrenchMessage() {
        let lesson = """
            ---
            title: Les lieux
            duration: 5
            ---
            # La MSAP

            Une MSAP est un lieu unique. En 2016, la MSAP avait sept partenaires.

            > Dans une maison de services au public, on attend.

            - Le label MSAP est créé en 2013.
            - Une maison de services au public aide
              à faire ses démarches.
            """
        let diagnostics = RetiredNames.lesson(lesson, file: "Curriculum/m/01-lieux.md", names: Self.names)
        #expect(diagnostics.map(\.line) == [7, 12])
        #expect(diagnostics.allSatisfy { $0.file == "Curriculum/m/01-lieux.md" })
        #expect(diagnostics.first?.message == "leçon : « MSAP » n'est plus en usage (aujourd'hui : France services ; 2019-2020). "
                + "Datez la phrase (une année, « depuis », « ancien », « devenu », « remplacé »…) ou employez le nom actuel : "
                + "« Une MSAP est un lieu unique. »")
    }

    @Test func feedbackIsReportedOnTheLineWhereTheSentenceStarts() {
        let activities = """
            activities:
              - id: q1
                type: qcu
                prompt: Où aller pour s'inscrire à Pôle emploi ?
                choices:
                  - { id: a, text: À la mairie, feedback: Non. La mairie ne gère pas Pôle emploi. }
                  - id: b
                    text: À France Travail
                    correct: true
                feedback: |
                  Le réseau a changé de nom le 1er janvier 2024.

                  Une agence Pôle emploi
                  vous reçoit.
              - id: q2
                type: scenario
                title: Cas
                prompt: Cas.
                start: s
                steps:
                  - id: s
                    text: Début.
                    choices:
                      - id: a
                        text: Oui
                        feedback: Bien. Vous pensez à la
                          CMU-C. Elle est utile.
                        consequence: >-
                          La MSAP l'aide.
                        next: end
                        outcome: good
            """
        let diagnostics = RetiredNames.feedback(activities, file: "Curriculum/m/activites.yaml", what: "activité", names: Self.names)
        #expect(diagnostics.map(\.line) == [6, 13, 26, 29], "\(diagnostics.map(\.description))")
        #expect(diagnostics.map { String($0.message.prefix { $0 != "»" }) }
                == ["activité q1, retour : « Pôle emploi ", "activité q1, retour : « Pôle emploi ",
                    "activité q2, retour : « CMU complémentaire ", "activité q2, retour : « MSAP "])
        // The prompt is not feedback: the rule reads feedback and consequences only.
        #expect(!diagnostics.contains { $0.line == 4 })
    }

    @Test(arguments: [
        ("names: []\n", "le champ « checked » manque"),
        ("checked: hier\nnames:\n  - { name: A, successor: B, since: 2020 }\n", "« checked » est la date"),
        ("checked: 2026-12-07\nnames:\n  - { name: A, since: 2020 }\n", "nom retiré « A » : le champ « successor » manque"),
        ("checked: 2026-12-07\nnames:\n  - { name: A, successor: B, since: 2020, year: 1 }\n", "champ inconnu « year »"),
        ("checked: 2026-12-07\nnames:\n  - { name: A, successor: B, since: 2020 }\n  - { name: a, successor: C, since: 2021 }\n",
         "« a » figure déjà ligne 3"),
    ])
    func registerProblemsAreNamed(text: String, message: String) {
        let (names, problems) = RetiredNames.register(text: text, file: "Curriculum/retired-names.yaml")
        #expect(names.isEmpty)
        #expect(problems.contains { $0.message.contains(message) }, "\(problems.map(\.description))")
    }

    @Test func checkReadsLessonsActivitiesAndItemsOfTheRoot() throws {
        let fixture = try moduleFixture(lesson: lessonOne + "\n\nLa MSAP vous aide.\n",
                                        activities: activitiesYAML.replacingOccurrences(
                                            of: "feedback: Faire avec laisse la personne apprendre.",
                                            with: "feedback: Faire avec, comme à Pôle emploi."))
        defer { fixture.remove() }
        // Without a register there is no rule.
        #expect(RetiredNames.check(fixture.root).isEmpty)
        try fixture.write(RetiredNames.registerPath, testRegister)
        try fixture.write("Assessments/items/essai/t.yaml", """
            items:
              - id: t1
                skill: "@motsCles1"
                type: qroc
                status: validated
                prompt: Où aller ?
                fields: [{ id: r, label: Lieu, accepted: [mairie] }]
                feedback: La CMU complémentaire se demande à la CPAM.
            """)
        let found = RetiredNames.check(fixture.root).map { "\($0.file):\($0.line)" }
        #expect(found == ["Curriculum/essai-module/01-lecon.md:12", "Curriculum/essai-module/activites.yaml:8",
                          "Assessments/items/essai/t.yaml:8"])
        // The register is not reported as an unchecked YAML file, and the catalog still loads.
        #expect(ContentLoader.check(fixture.root).1.isEmpty)
    }
}

@Suite struct ShippedCurrencyTests {
    /// The shipped register is well-formed and every lesson and feedback dates the retired names it uses.
    @Test func theShippedContentDatesEveryRetiredName() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let root = try ContentRoot(validating: repository.path)
        let (names, problems) = RetiredNames.register(root)
        #expect(problems.isEmpty, "\(problems.map(\.description))")
        #expect(names.contains { $0.name == "Pôle emploi" && $0.successor == "France Travail" })
        let diagnostics = RetiredNames.check(root)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description).joined(separator: "\n"))")
    }
}
