import Testing
@testable import PasserelleCore

@Suite struct LearnerImportTests {
    @Test func readsASpreadsheetExportWithAttributes() {
        let csv = "\u{FEFF}Nom;Prénom;Identifiant externe;Structure;Mission\r\n"
            + "Dupont;Ana;A1;CCAS;\"Accueil; numérique\"\r\n"
            + "\"Martin \"\"Bob\"\"\";Bob;;Centre social;\r\n"
            + ";;;;\r\n"
        let (rows, problems) = LearnerImport.parse(csv)
        #expect(problems.isEmpty)
        #expect(rows.count == 2)
        #expect(rows[0] == LearnerImport.Row(line: 2, lastName: "Dupont", firstName: "Ana", externalID: "A1",
                                             attributes: ["structure": "CCAS", "mission": "Accueil; numérique"]))
        #expect(rows[1].lastName == "Martin \"Bob\"")
        #expect(rows[1].externalID == nil)
        #expect(rows[1].attributes == ["structure": "Centre social"])
    }

    @Test func reportsEveryBadLineWithItsNumber() {
        let csv = "nom,prenom,identifiant externe\n"
            + "Dupont,Ana,A1\n"
            + ",,\n"            // line 3: blank, skipped silently
            + "Durand,,A1\n"    // line 4: duplicate external id
            + "Petit\n"         // line 5: wrong number of columns
            + "Roux,Léa,\n"
            + "roux,léa,\n"     // line 7: same person twice without an external id
        let (rows, problems) = LearnerImport.parse(csv)
        #expect(rows.map(\.line) == [2, 6])
        #expect(problems.map(\.line) == [4, 5, 7])
        #expect(problems[0].reason.contains("déjà ligne 2"))
        #expect(problems[1].reason.contains("1 colonne(s) au lieu de 3"))
        #expect(problems[2].description.hasPrefix("ligne 7 :"))
    }

    @Test func aHeaderWithoutNamesIsRefused() {
        let (rows, problems) = LearnerImport.parse("a;b\n1;2\n")
        #expect(rows.isEmpty)
        #expect(problems.first?.reason.contains("« Nom »") == true)
        #expect(LearnerImport.parse("").problems.first?.reason == "le fichier est vide")
    }

    @Test func tabsAndHeadersInAnyCaseOrWithoutAccentsAreRead() {
        let (rows, problems) = LearnerImport.parse("NOM\tPRENOM\tStructure\nMartin\tÉlodie\tCCAS\n")
        #expect(problems.isEmpty)
        #expect(rows.map(\.firstName) == ["Élodie"])
        #expect(rows.first?.attributes == ["structure": "CCAS"])
        let (kept, _) = LearnerImport.parse("Nom;Prénom;Établissement\nDurand;Zoé;Lycée\n")
        #expect(kept.first?.attributes == ["établissement": "Lycée"], "attribute names keep their accents")
        let (accented, none) = LearnerImport.parse("Nom;Prénom\nDurand;Zoé\n")
        #expect(none.isEmpty && accented.count == 1)
    }
}
