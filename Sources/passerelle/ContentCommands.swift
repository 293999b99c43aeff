import ArgumentParser
import Foundation
import PasserelleContent
import PasserelleCore

struct Content: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Outils pour le contenu (référentiels, questions, modules).",
        subcommands: [Check.self, Stats.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Vérifie tout le contenu et signale chaque erreur avec son fichier et sa ligne.",
            discussion: "Signale aussi les anciens noms (Curriculum/retired-names.yaml) employés sans date dans les leçons et les retours.")

        @OptionGroup var root: RootOptions

        @Flag(help: "Résultat au format JSON.")
        var json = false

        @Option(help: ArgumentHelp("Dossier des documents sources : vérifie aussi que chaque référence (fichier, lignes) existe.",
                                   valueName: "dossier"))
        var seeds: String?

        func run() throws {
            let contentRoot = try root.locate()
            var (catalog, diagnostics) = ContentLoader.check(contentRoot)
            // Names no longer in use (Curriculum/retired-names.yaml) must be dated where they appear.
            diagnostics += RetiredNames.check(contentRoot)
            if let seeds {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: seeds, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw CommandFailure("dossier des sources introuvable : « \(seeds) »")
                }
                diagnostics += SeedCitations.check(contentRoot, seeds: URL(fileURLWithPath: seeds))
            }
            if json {
                let report = Report(root: contentRoot.url.path, valid: diagnostics.isEmpty,
                                    frameworks: catalog.frameworks.map(\.id), items: catalog.items.count,
                                    modules: catalog.modules.map(\.id),
                                    errors: diagnostics)
                try sayJSON(encoding: report)
            } else {
                for diagnostic in diagnostics { say("\(diagnostic.file):\(diagnostic.line):\(diagnostic.column): erreur : \(diagnostic.message)") }
                if diagnostics.isEmpty {
                    let competences = catalog.frameworks.reduce(0) { $0 + $1.competences.count }
                    let skills = catalog.frameworks.reduce(0) { $0 + $1.skills.count }
                    let validated = catalog.items.filter(\.isPlayable).count
                    say("Contenu valide : \(catalog.frameworks.count) référentiel(s), \(competences) compétence(s), "
                          + "\(skills) acquis, \(catalog.items.count) question(s) dont \(validated) validée(s), "
                          + "\(catalog.modules.count) module(s), \(catalog.questionnaires.count) questionnaire(s).")
                } else {
                    say("\(diagnostics.count) erreur(s) dans le contenu.")
                }
            }
            if !diagnostics.isEmpty { throw ExitCode.failure }
        }

        struct Report: Encodable {
            var root: String
            var valid: Bool
            var frameworks: [String]
            var items: Int
            var modules: [String]
            var errors: [Diagnostic]
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Couverture de la banque de questions : questions validées par acquis et par niveau, "
                + "comparées à ce que chaque référentiel demande (section « bank ») ; lisibilité de chaque leçon.",
            discussion: "Lisibilité : nombre de phrases, longueur moyenne et maximale des phrases en mots, part des mots "
                + "de 12 lettres ou plus, sur le texte courant (sans titres, citations ni code). "
                + "Sort avec le code 1 quand une exigence n'est pas atteinte ou qu'une leçon dépasse les limites de lisibilité.")

        @OptionGroup var root: RootOptions

        @Option(help: ArgumentHelp("Seulement ce référentiel.", valueName: "id"))
        var framework: String?

        @Flag(help: "Résultat au format JSON.")
        var json = false

        func run() throws {
            let catalog = try ContentLoader.load(try root.locate())
            var frameworks = catalog.frameworks
            if let framework {
                frameworks = frameworks.filter { $0.id == framework }
                guard !frameworks.isEmpty else {
                    throw CommandFailure("référentiel inconnu « \(framework) » (disponibles : "
                                         + catalog.frameworks.map(\.id).joined(separator: ", ") + ")")
                }
            }
            let coverages = frameworks.map { BankCoverage(framework: $0, items: catalog.items(of: $0)) }
            // Readability of every lesson (not when one framework is asked for).
            let limits = ReadabilityLimits.lessons
            var lessons: [LessonReadability] = []
            if framework == nil {
                for module in catalog.modules {
                    for lesson in module.lessons {
                        let measure = Readability.measure(markdown: lesson.markdown)
                        lessons.append(LessonReadability(module: module.id, lesson: lesson.id, measure: measure,
                                                         problems: limits.problems(measure)))
                    }
                }
            }
            // Tubes that no lesson teaches yet (« aucune » in Curriculum/revisions.yaml): lessons to write.
            let gaps = catalog.revisionGaps.sorted()
            if json {
                try sayJSON(encoding: Report(frameworks: coverages, lessons: lessons, readabilityLimits: framework != nil ? nil : limits,
                                             tubesWithoutLesson: gaps))
            } else {
                for (framework, coverage) in zip(frameworks, coverages) { print(framework, coverage) }
                if !lessons.isEmpty { print(lessons, limits) }
                if !gaps.isEmpty {
                    say("Sujets sans leçon à relire après une erreur (Curriculum/revisions.yaml, « aucune ») : " + gaps.joined(separator: ", "))
                }
            }
            if coverages.contains(where: { !$0.shortfalls.isEmpty }) || lessons.contains(where: { !$0.problems.isEmpty }) {
                throw ExitCode.failure
            }
        }

        struct Report: Encodable {
            var frameworks: [BankCoverage]
            var lessons: [LessonReadability]
            var readabilityLimits: ReadabilityLimits?
            /// Tubes that no lesson teaches yet.
            var tubesWithoutLesson: [String]
        }

        struct LessonReadability: Encodable {
            var module: String
            var lesson: String
            var measure: ReadabilityMeasure
            /// What the lesson exceeds (French); empty when it meets the limits.
            var problems: [String]
        }

        /// One row per lesson: sentences, mean and longest sentence in words, share of long words.
        func print(_ lessons: [LessonReadability], _ limits: ReadabilityLimits) {
            func pad(_ text: String, _ size: Int, left: Bool = false) -> String {
                let padding = String(repeating: " ", count: max(0, size - text.count))
                return left ? padding + text : text + padding
            }
            let width = max(6, lessons.map { $0.module.count + $0.lesson.count + 1 }.max() ?? 0)
            say("Lisibilité des leçons (texte courant, sans titres, citations ni code ; mot long : "
                + "\(Readability.longWordLetters) lettres ou plus)")
            say("Limites : \(Readability.format(limits.maxMeanSentenceLength)) mots par phrase en moyenne, "
                + "\(limits.maxSentenceLength) mots dans la plus longue, \(Readability.percent(limits.maxLongWordShare)) de mots longs")
            say("  " + pad("leçon", width) + "  phrases  mots/phrase  plus longue  mots longs")
            for row in lessons {
                let flag = row.problems.isEmpty ? "" : "  !"
                say("  " + pad("\(row.module)/\(row.lesson)", width) + pad("\(row.measure.sentences)", 9, left: true)
                    + pad(Readability.format(row.measure.meanSentenceLength), 13, left: true)
                    + pad("\(row.measure.maxSentenceLength)", 13, left: true)
                    + pad(Readability.percent(row.measure.longWordShare), 12, left: true) + flag)
            }
            let total = lessons.reduce(into: (sentences: 0, words: 0, longWords: 0, longest: 0)) { total, row in
                total.sentences += row.measure.sentences
                total.words += row.measure.words
                total.longWords += row.measure.longWords
                total.longest = max(total.longest, row.measure.maxSentenceLength)
            }
            if total.sentences > 0 && total.words > 0 {
                say("  " + pad("ensemble", width) + pad("\(total.sentences)", 9, left: true)
                    + pad(Readability.format(Double(total.words) / Double(total.sentences)), 13, left: true)
                    + pad("\(total.longest)", 13, left: true)
                    + pad(Readability.percent(Double(total.longWords) / Double(total.words)), 12, left: true))
            }
            let over = lessons.filter { !$0.problems.isEmpty }
            say("")
            if over.isEmpty {
                say("Lisibilité atteinte : les \(plural(lessons.count, "leçon")) respectent les limites.")
            } else {
                say("\(plural(over.count, "leçon")) au-delà des limites :")
                for row in over {
                    for problem in row.problems { say("- \(row.module)/\(row.lesson) : \(problem)") }
                }
            }
            say("")
        }

        func plural(_ count: Int, _ one: String, _ many: String? = nil) -> String {
            "\(count) " + (count > 1 ? many ?? one + "s" : one)
        }

        /// One table per framework: a row per tube, a column per level ("3/3": items found / required;
        /// "1/3 !" when short), then the types of the tube's items.
        func print(_ framework: Framework, _ coverage: BankCoverage) {
            let levels = Array(Set(framework.skills.map(\.level))).sorted()
            let width = max(6, coverage.tubes.map(\.tubeID.count).max() ?? 0)
            func pad(_ text: String, _ size: Int) -> String { text + String(repeating: " ", count: max(0, size - text.count)) }
            say("\(framework.title) (\(framework.id)) : \(plural(coverage.tubes.count, "tube")), "
                + "\(plural(coverage.items, "question validée", "questions validées"))")
            for competence in coverage.competences {
                let tubes = competence.tubes.count < competence.requiredTubes
                    ? "\(plural(competence.tubes.count, "tube")) sur \(competence.requiredTubes) demandés !"
                    : plural(competence.tubes.count, "tube")
                say("")
                say("\(competence.competenceID) \(competence.title) (\(tubes))")
                say("  " + pad("tube", width) + levels.map { " " + pad("niv. \($0)", 7) }.joined() + " types")
                for tube in competence.tubes {
                    let cells = levels.map { level -> String in
                        guard let found = tube.items(level: level), let needed = tube.required(level: level) else { return " " + pad("-", 7) }
                        return " " + pad(needed == 0 ? "\(found)" : "\(found)/\(needed)" + (found < needed ? " !" : ""), 7)
                    }
                    let types = tube.types.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                        .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    say("  " + pad(tube.tubeID, width) + cells.joined() + " " + types)
                }
            }
            say("")
            if coverage.shortfalls.isEmpty {
                say("Couverture atteinte : chaque exigence du référentiel « \(framework.id) » est remplie.")
            } else {
                say("\(coverage.shortfalls.count) exigence(s) non remplie(s) :")
                for shortfall in coverage.shortfalls { say("- \(shortfall)") }
            }
            say("")
        }
    }
}
