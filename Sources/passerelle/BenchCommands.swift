import ArgumentParser
import Foundation
import PasserelleContent
import PasserelleCore

/// `passerelle bench …`: measurements for `make bench` (hidden from the help). Figures, never pass/fail:
/// speed targets live in benchmarks, not in timed tests.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mesures de performance (pour make bench).",
        shouldDisplay: false,
        subcommands: [BenchEngine.self, BenchSeed.self])
}

/// Times building an `AssessmentEngine` for a framework's bank and choosing the next item during
/// simulated runs, in both modes.
struct BenchEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Mesure la construction du moteur d'évaluation et le choix de la question suivante.")

    @OptionGroup var root: RootOptions

    @Option(help: ArgumentHelp("Référentiel mesuré.", valueName: "id"))
    var framework: String = "numerique"

    @Option(help: ArgumentHelp("Copies de chaque question (7 donne environ 5 000 questions pour numerique).",
                               valueName: "n"))
    var copies: Int = 1

    @Option(help: ArgumentHelp("Constructions du moteur mesurées par mode.", valueName: "n"))
    var builds: Int = 30

    @Option(help: ArgumentHelp("Parcours simulés par mode.", valueName: "n"))
    var learners: Int = 200

    @Option(help: ArgumentHelp("Écrit aussi les mesures en JSON dans ce fichier.", valueName: "fichier"))
    var json: String?

    func validate() throws {
        guard (1...100).contains(copies) else { throw ValidationError("--copies va de 1 à 100.") }
        guard (1...10_000).contains(builds) else { throw ValidationError("--builds va de 1 à 10 000.") }
        guard (1...100_000).contains(learners) else { throw ValidationError("--learners va de 1 à 100 000.") }
    }

    struct Figures: Codable {
        var framework: String
        var algorithm: String
        var items: Int
        var builds: Int
        var buildMsP50: Double
        var buildMsP99: Double
        var selections: Int
        var selectionUsP50: Double
        var selectionUsP99: Double
        var selectionUsMax: Double
        var meanQuestions: Double
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count - 1)).rounded())
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    func run() throws {
        let (_, catalog) = try root.load()
        guard let chosen = catalog.framework(id: framework) else {
            throw CommandFailure("référentiel inconnu « \(framework) »")
        }
        let bank = catalog.items(of: chosen)
        let items = copies == 1 ? bank : bank.flatMap { item in
            (0..<copies).map { copy -> Item in
                var clone = item
                if copy > 0 { clone.id = "\(item.id)~\(copy)" }
                return clone
            }
        }
        let index = SkillIndex([chosen])
        let clock = ContinuousClock()
        var all: [Figures] = []
        for algorithm in AssessmentAlgorithm.allCases {
            let settings = AssessmentSettings(frameworkID: chosen.id, algorithm: algorithm)
            var buildTimes: [Double] = []
            var engine = AssessmentEngine(framework: chosen, items: items, settings: settings)  // warm-up
            for _ in 0..<builds {
                buildTimes.append(BenchEngine.seconds(clock.measure {
                    engine = AssessmentEngine(framework: chosen, items: items, settings: settings)
                }) * 1e3)
            }
            var selectionTimes: [Double] = []
            var questions = 0
            var random = SeededRandom(seed: 20_240_512)
            for learner in 0..<learners {
                var abilities: [String: Double] = [:]
                for competence in chosen.competences { abilities[competence.id] = random.nextGaussian() }
                var answers: [AnsweredItem] = []
                var elements: [KnowledgeElement] = []
                let seed = "bench-\(learner)"
                while true {
                    var next: Item?
                    selectionTimes.append(BenchEngine.seconds(clock.measure {
                        next = engine.nextItem(answers: answers, elements: elements, seed: seed)
                    }) * 1e6)
                    guard let item = next, let place = index[item.skillID], let ability = abilities[place.competenceID],
                          let parameters = engine.parameters(of: item.id) else { break }
                    let correct = random.nextUnit() < IRT.probability(theta: ability, parameters)
                    elements += engine.elements(forAnswerOn: item, correct: correct, existing: elements)
                    answers.append(AnsweredItem(itemID: item.id, skillID: item.skillID, correct: correct))
                }
                questions += answers.count
            }
            buildTimes.sort()
            selectionTimes.sort()
            all.append(Figures(
                framework: chosen.id, algorithm: algorithm.rawValue, items: items.count, builds: builds,
                buildMsP50: BenchEngine.percentile(buildTimes, 0.5), buildMsP99: BenchEngine.percentile(buildTimes, 0.99),
                selections: selectionTimes.count, selectionUsP50: BenchEngine.percentile(selectionTimes, 0.5),
                selectionUsP99: BenchEngine.percentile(selectionTimes, 0.99), selectionUsMax: selectionTimes.last ?? 0,
                meanQuestions: Double(questions) / Double(learners)))
        }
        #if DEBUG
        say("(build de débogage : mesurez avec « swift build -c release »)")
        #endif
        say("engine: \(framework), \(items.count) items, \(builds) builds and \(learners) simulated runs per mode")
        say("mode          build p50   build p99   next-item p50   next-item p99   next-item max   questions")
        for figures in all {
            say(figures.algorithm.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: "%7.2f ms", figures.buildMsP50).padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%7.2f ms", figures.buildMsP99).padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%9.1f µs", figures.selectionUsP50).padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: "%9.1f µs", figures.selectionUsP99).padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: "%9.1f µs", figures.selectionUsMax).padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: "%6.1f", figures.meanQuestions))
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(all).write(to: URL(fileURLWithPath: json))
        }
    }
}
