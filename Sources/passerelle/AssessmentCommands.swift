import ArgumentParser
import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore
import PasserelleWeb
#if canImport(Glibc)
import Glibc
#endif

/// A progress bar on standard error, redrawn in place on a terminal; nothing when standard error is not one.
final class ProgressBar: @unchecked Sendable {
    let total: Int
    let label: String
    let interactive = isatty(2) == 1
    private var lastShown = -1

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    func update(_ done: Int) {
        let percent = done * 100 / total
        guard interactive, percent != lastShown else { return }  // none when piped
        lastShown = percent
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = "\(label) [\(bar)] \(done)/\(total) (\(percent) %)"
        FileHandle.standardError.write(Data("\r\(line)".utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// The answer model of `passerelle simulate`.
enum SimulationModel: String, ExpressibleByArgument, CaseIterable {
    /// Answers from a model independent of the engine's, engine on estimated parameters.
    case hard
    /// Answers from the engine's own 2PL model and parameters (optimistic: kept for comparison).
    case engine
}

/// Which populations `passerelle simulate --model hard` draws.
enum PopulationChoice: String, ExpressibleByArgument, CaseIterable {
    case general, low, high, all

    var populations: [SimulatedPopulation] {
        switch self {
        case .general: return [.general]
        case .low: return [.low]
        case .high: return [.high]
        case .all: return SimulatedPopulation.allCases
        }
    }
}

/// Which IRT positioning `passerelle simulate` runs.
enum IRTRule: String, ExpressibleByArgument, CaseIterable {
    /// Correlated competences, stop per competence once its level is decided, each tube once before repeats.
    case short
    /// Independent competences, stop at the target SE or the maximum length: the rule before issue 15.
    case classic
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simule des apprenants d'aptitudes connues pour mesurer la précision des algorithmes.",
        discussion: "Modèle hard (par défaut) : les apprenants répondent selon un modèle indépendant du moteur "
            + "(réponse au hasard sur les questions à choix, 3 % d'étourderies, difficulté variable dans un niveau, "
            + "5 % de questions peu discriminantes, effets de sujet, compétences corrélées à 0,6) et le mode IRT "
            + "utilise des paramètres estimés par un calibrage simulé, jamais les vrais. Trois populations : "
            + "general (moyenne 0), low (-1), high (+1). Modèle engine : les réponses suivent le modèle 2PL du moteur "
            + "lui-même (résultats optimistes, gardé pour comparaison). On compare le niveau estimé au vrai niveau.")

    @OptionGroup var root: RootOptions

    @Option(help: ArgumentHelp("Référentiel à évaluer.", valueName: "id"))
    var framework: String = "numerique"

    @Option(help: ArgumentHelp("smart-random, irt ou both (les deux).", valueName: "algorithme"))
    var algorithm: String = "both"

    @Option(help: ArgumentHelp("Modèle de réponse : hard (indépendant du moteur) ou engine (celui du moteur).", valueName: "modèle"))
    var model: SimulationModel = .hard

    @Option(help: ArgumentHelp("Population simulée (modèle hard) : general, low, high ou all.", valueName: "population"))
    var population: PopulationChoice = .all

    @Option(help: ArgumentHelp("Nombre d'apprenants simulés (par population).", valueName: "n"))
    var learners: Int = 1000

    @Option(help: ArgumentHelp("Graine du tirage (même graine, mêmes résultats).", valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: .customLong("max-level"), help: ArgumentHelp("Niveau maximal atteignable.", valueName: "n"))
    var maxLevel: Int = 6

    @Option(name: .customLong("max-length"), help: ArgumentHelp("Mode IRT : nombre maximal de questions.", valueName: "n"))
    var maxLength: Int = 40

    @Option(name: .customLong("irt-rule"), help: ArgumentHelp(
        "Mode IRT : short (compétences corrélées, arrêt par compétence dès que le niveau est tranché) ou classic "
            + "(compétences indépendantes, arrêt à l'erreur type visée ou au nombre maximal de questions).",
        valueName: "règle"))
    var irtRule: IRTRule = .short

    @Option(name: .customLong("capacity-cap"), help: ArgumentHelp(
        "Mode IRT : variation maximale, par réponse, de l'aptitude qui sert à choisir les questions (0 : aucune ; "
            + "par défaut : celle des nouveaux positionnements).", valueName: "x"))
    var capacityCap: Double?

    @Option(name: .customLong("max-exposure"), help: ArgumentHelp(
        "Mode IRT : part maximale des apprenants à qui une même question est montrée (0 : aucune limite ; "
            + "par défaut : celle des nouveaux positionnements).", valueName: "part"))
    var maxExposure: Double?

    @Option(name: .customLong("extreme-focus"), help: ArgumentHelp(
        "Mode IRT : on (les compétences dont le niveau peut être extrême sont reposées plus tôt) ou off "
            + "(par défaut : le réglage des nouveaux positionnements).", valueName: "on|off"))
    var extremeFocus: String?

    @Option(name: .customLong("calibration-learners"), help: ArgumentHelp(
        "Modèle hard : apprenants du calibrage simulé (prétest).", valueName: "n"))
    var calibrationLearners: Int = 2000

    @Option(name: .customLong("pretest-items"), help: ArgumentHelp(
        "Modèle hard : questions tirées au hasard par compétence pour chaque apprenant du prétest.", valueName: "n"))
    var pretestItems: Int = 6

    @Flag(help: "Résultat au format JSON.")
    var json = false

    func validate() throws {
        guard (1...1_000_000).contains(learners) else { throw ValidationError("--learners va de 1 à 1 000 000.") }
        guard (1...8).contains(maxLevel) else { throw ValidationError("--max-level va de 1 à 8.") }
        guard algorithm == "both" || AssessmentAlgorithm(rawValue: algorithm) != nil else {
            throw ValidationError("--algorithm vaut smart-random, irt ou both.")
        }
        guard (0...1_000_000).contains(calibrationLearners) else {
            throw ValidationError("--calibration-learners va de 0 à 1 000 000.")
        }
        guard (1...100).contains(pretestItems) else { throw ValidationError("--pretest-items va de 1 à 100.") }
        guard (1...1000).contains(maxLength) else { throw ValidationError("--max-length va de 1 à 1 000.") }
        if let capacityCap, !(0...10).contains(capacityCap) { throw ValidationError("--capacity-cap va de 0 à 10.") }
        if let maxExposure, !(0...1).contains(maxExposure) { throw ValidationError("--max-exposure va de 0 à 1.") }
        if let extremeFocus, !["on", "off"].contains(extremeFocus) { throw ValidationError("--extreme-focus vaut on ou off.") }
    }

    func run() throws {
        let (_, catalog) = try root.load()
        guard let chosen = catalog.framework(id: framework) else {
            throw CommandFailure("référentiel inconnu « \(framework) » (disponibles : "
                                 + catalog.frameworks.map(\.id).joined(separator: ", ") + ")")
        }
        let items = catalog.items(of: chosen).filter(\.isPlayable)
        guard !items.isEmpty else { throw CommandFailure("le référentiel « \(framework) » n'a aucune question validée") }
        let algorithms = algorithm == "both" ? AssessmentAlgorithm.allCases : AssessmentAlgorithm(rawValue: algorithm).map { [$0] } ?? []
        switch model {
        case .engine: try runEngineModel(chosen, items: items, algorithms: algorithms)
        case .hard: try runHardModel(chosen, items: items, algorithms: algorithms)
        }
    }

    func settings(_ algorithm: AssessmentAlgorithm) -> AssessmentSettings {
        var settings = AssessmentSettings(frameworkID: framework, algorithm: algorithm, maxLevel: maxLevel,
                                          maxLength: maxLength, shorterPositioning: irtRule == .short)
        if let capacityCap { settings.capacityCap = capacityCap > 0 ? capacityCap : nil }
        if let maxExposure { settings.maxExposure = maxExposure > 0 ? maxExposure : nil }
        if let extremeFocus { settings.extremeFocus = extremeFocus == "on" ? true : nil }
        return settings
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }

    static func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    func runHardModel(_ chosen: Framework, items: [Item], algorithms: [AssessmentAlgorithm]) throws {
        let answerModel = HardAnswerModel(framework: chosen, items: items, seed: seed)
        var calibrated: [String: ItemParameters] = [:]
        var check: HonestSimulationReport.CalibrationCheck?
        if algorithms.contains(.irt) && calibrationLearners > 0 {
            Self.note("Calibrage simulé : \(calibrationLearners) apprenants, \(pretestItems) questions par compétence…")
            let outcome = HonestSimulation.calibrate(framework: chosen, items: items, model: answerModel,
                                                     learners: calibrationLearners, itemsPerCompetence: pretestItems, seed: seed)
            calibrated = outcome.parameters
            check = outcome.check
        }
        var reports: [HonestSimulationReport] = []
        for population in population.populations {
            for algorithm in algorithms {
                Self.note("Simulation : \(population.rawValue), \(algorithm.rawValue), \(learners) apprenants…")
                let bar = ProgressBar(total: learners, label: "\(population.rawValue) \(algorithm.rawValue)")
                reports.append(HonestSimulation.run(
                    framework: chosen, items: items,
                    settings: settings(algorithm),
                    population: population, learners: learners, seed: seed, model: answerModel,
                    calibrated: algorithm == .irt ? calibrated : [:], calibration: algorithm == .irt ? check : nil,
                    progress: bar.update))
            }
        }
        if json {
            try sayJSON(encoding: reports)
            return
        }
        let percent = Self.percent
        say("Simulation (modèle hard) : référentiel \(framework), \(items.count) questions validées, \(learners) apprenants par population, graine \(seed), niveau max \(maxLevel), IRT : \(maxLength) questions au plus, règle \(irtRule.rawValue), variation par réponse \(settings(.irt).capacityCap.map { String($0) } ?? "libre"), exposition \(settings(.irt).maxExposure.map { Self.percent($0) } ?? "libre"), extrêmes \(settings(.irt).extremeFocus == true ? "reposés" : "non")")
        if let check {
            say(String(format: "Calibrage simulé : %d apprenants × %d questions par compétence ; %d questions calibrées (%d en 2PL) ; RMSE b %.3f, a %.3f",
                       check.learners, check.itemsPerCompetence, check.calibratedItems, check.twoPLItems,
                       check.difficultyRMSE, check.discriminationRMSE))
        }
        say("")
        say("population  algorithme    questions (moy. / p95 / max)  exact    à un niveau près  écart moyen  apprenants (tout à un niveau près)")
        for report in reports {
            say(report.population.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                + report.algorithm.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: "%.1f / %d / %d", report.questions.mean, report.questions.p95, report.questions.max)
                    .padding(toLength: 30, withPad: " ", startingAt: 0)
                + percent(report.overall.exactShare).padding(toLength: 9, withPad: " ", startingAt: 0)
                + percent(report.overall.withinOneShare).padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: "%+.2f", report.overall.meanError).padding(toLength: 13, withPad: " ", startingAt: 0)
                + percent(report.learnersAllWithinOne))
        }
        say("")
        say("Exposition des questions (part des apprenants à qui chacune a été montrée) :")
        for report in reports {
            guard let exposure = report.exposure else { continue }
            say("\(report.population.rawValue) \(report.algorithm.rawValue) : maximum \(percent(exposure.maxRate)), "
                + "95e centile \(percent(exposure.p95Rate)), \(exposure.itemsShown) questions montrées sur \(exposure.itemsInScope)")
        }
        for population in population.populations {
            guard let baseline = reports.first(where: { $0.population == population })?.baseline else { continue }
            say("\(population.rawValue) : niveau constant \(baseline.level) (référence) : exact \(percent(baseline.exactShare)), "
                + "à un niveau près \(percent(baseline.withinOneShare)), apprenants \(percent(baseline.learnersAllWithinOne))")
        }
        for report in reports {
            say("")
            say("Par niveau réel (\(report.population.rawValue), \(report.algorithm.rawValue)) :")
            say("niveau réel  effectif  exact    à un niveau près  écart moyen")
            for row in report.perTrueLevel {
                say("\(row.trueLevel)".padding(toLength: 13, withPad: " ", startingAt: 0)
                    + "\(row.accuracy.count)".padding(toLength: 10, withPad: " ", startingAt: 0)
                    + percent(row.accuracy.exactShare).padding(toLength: 9, withPad: " ", startingAt: 0)
                    + percent(row.accuracy.withinOneShare).padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(format: "%+.2f", row.accuracy.meanError))
            }
            say("Par compétence (\(report.population.rawValue), \(report.algorithm.rawValue)) :")
            say("compétence  questions (moy.)  exact    à un niveau près  écart moyen")
            for row in report.perCompetence {
                say(row.competenceID.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + String(format: "%.1f", row.meanQuestions).padding(toLength: 18, withPad: " ", startingAt: 0)
                    + percent(row.accuracy.exactShare).padding(toLength: 9, withPad: " ", startingAt: 0)
                    + percent(row.accuracy.withinOneShare).padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(format: "%+.2f", row.accuracy.meanError))
            }
        }
    }

    func runEngineModel(_ chosen: Framework, items: [Item], algorithms: [AssessmentAlgorithm]) throws {
        var reports: [SimulationReport] = []
        for algorithm in algorithms {
            let bar = ProgressBar(total: learners, label: algorithm.rawValue)
            reports.append(Simulation.run(
                framework: chosen, items: items, settings: settings(algorithm),
                learners: learners, seed: seed, progress: bar.update))
        }
        if json {
            try sayJSON(encoding: reports)
            return
        }
        let percent = Self.percent
        say("Simulation (modèle engine) : référentiel \(framework), \(items.count) questions validées, \(learners) apprenants, graine \(seed), niveau max \(maxLevel)")
        say("algorithme      questions (moy. / max)  niveau exact  à un niveau près  écart moyen  RMSE aptitude  choix d'une question")
        for report in reports {
            let rmse = report.abilityRMSE.map { String(format: "%.3f", $0) } ?? "—"
            say(report.algorithm.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)
                + String(format: "%.1f / %d", report.meanQuestions, report.maxQuestions).padding(toLength: 24, withPad: " ", startingAt: 0)
                + percent(report.exactLevelShare).padding(toLength: 14, withPad: " ", startingAt: 0)
                + percent(report.withinOneLevelShare).padding(toLength: 18, withPad: " ", startingAt: 0)
                + String(format: "%+.2f", report.meanLevelError).padding(toLength: 13, withPad: " ", startingAt: 0)
                + rmse.padding(toLength: 15, withPad: " ", startingAt: 0)
                + String(format: "%.0f µs", report.meanSelectionMicroseconds))
        }
        for report in reports {
            say("")
            say("Par compétence (\(report.algorithm.rawValue)) :")
            say("compétence  questions (moy.)  niveau exact  à un niveau près  écart moyen")
            for row in report.perCompetence {
                say(row.competenceID.padding(toLength: 12, withPad: " ", startingAt: 0)
                    + String(format: "%.1f", row.meanQuestions).padding(toLength: 18, withPad: " ", startingAt: 0)
                    + percent(row.exactLevelShare).padding(toLength: 14, withPad: " ", startingAt: 0)
                    + percent(row.withinOneLevelShare).padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(format: "%+.2f", row.meanLevelError))
            }
        }
    }
}

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Estime la difficulté et la discrimination des questions à partir des réponses enregistrées.",
        discussion: "Une personne est un couple (passation, compétence), comme le moteur estime une aptitude par "
            + "compétence. Modèle 2PL pour les questions d'au moins 200 réponses (avec une loi a priori log-normale "
            + "sur la discrimination), Rasch en dessous. Les questions qui ont moins de --min-count réponses gardent "
            + "une valeur par défaut tirée du niveau de leur acquis. L'échelle est ensuite reliée à la précédente "
            + "(moyenne-écart type sur les questions déjà calibrées, ou sur les difficultés des fichiers la première "
            + "fois) pour que les seuils de niveau gardent leur sens. Les paramètres sont enregistrés dans la base, "
            + "où le mode IRT les lit.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var root: RootOptions

    @Option(name: .customLong("min-count"), help: ArgumentHelp("Réponses nécessaires pour calibrer une question.", valueName: "n"))
    var minimumCount: Int = 30

    @Option(help: ArgumentHelp("2pl ou rasch pour toutes les questions (par défaut : choisi question par question selon son nombre de réponses).", valueName: "modèle"))
    var model: String?

    @Flag(name: .customLong("no-link"), help: "Ne pas relier l'échelle à la précédente (les seuils de niveau peuvent alors changer de sens).")
    var noLink = false

    @Flag(help: "Résultat au format JSON.")
    var json = false

    func validate() throws {
        if let model, CalibrationModel(rawValue: model) == nil { throw ValidationError("--model vaut 2pl ou rasch.") }
        guard minimumCount >= 1 else { throw ValidationError("--min-count est au moins 1.") }
    }

    func run() throws {
        let (_, catalog) = try root.load()
        let store = try database.open()
        FileHandle.standardError.write(Data("Calibrage des questions à partir des réponses enregistrées…\n".utf8))
        let outcome: ItemCalibration.Outcome
        do {
            outcome = try ItemCalibration.run(store: store, catalog: catalog, minimumCount: minimumCount,
                                              model: model.flatMap(CalibrationModel.init(rawValue:)), link: !noLink)
        } catch let failure as ItemCalibration.Failure {
            throw CommandFailure(failure.localizedDescription)
        }
        let report = ItemCalibration.report(outcome)
        if json {
            try sayJSON(encoding: report)
            return
        }
        func number(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "—" }
        say("question".padding(toLength: 28, withPad: " ", startingAt: 0)
            + "réponses  difficulté (ET)  discrimination (ET)  modèle   outfit  infit  à revoir")
        for row in report.items {
            say(row.item.padding(toLength: 28, withPad: " ", startingAt: 0)
                + "\(row.count)".padding(toLength: 10, withPad: " ", startingAt: 0)
                + "\(number(row.difficulty)) (\(number(row.difficultySE)))".padding(toLength: 17, withPad: " ", startingAt: 0)
                + "\(number(row.discrimination)) (\(number(row.discriminationSE)))".padding(toLength: 21, withPad: " ", startingAt: 0)
                + (row.model ?? "défaut").padding(toLength: 9, withPad: " ", startingAt: 0)
                + number(row.fit).padding(toLength: 8, withPad: " ", startingAt: 0)
                + number(row.infit).padding(toLength: 7, withPad: " ", startingAt: 0)
                + row.review.map(Self.reasonLabel).joined(separator: ", "))
        }
        let calibrated = outcome.items.filter { $0.model != nil }.count
        say("\(calibrated) question(s) calibrée(s), \(outcome.items.count - calibrated) gardent la valeur par défaut ; "
            + "\(report.toReview.count) à revoir ; enregistré dans \(store.path).")
        if let link = outcome.link {
            let reference = outcome.linkedTo == "previous" ? "le calibrage précédent" : "les difficultés des fichiers de questions"
            say(String(format: "Échelle reliée à %@ sur %d questions (%@) : pente %.3f, décalage %+.3f.",
                       reference, link.anchors, link.method, link.slope, link.intercept))
        } else if !noLink {
            say("Échelle non reliée : moins de \(ItemCalibration.minimumAnchors) questions d'ancrage.")
        }
    }

    static func reasonLabel(_ raw: String) -> String {
        switch ReviewReason(rawValue: raw) {
        case .underfit: return "réponses imprévues"
        case .overfit: return "réponses trop prévisibles"
        case .weakDiscrimination: return "discrimine peu"
        case .imprecise: return "estimation imprécise"
        case nil: return raw
        }
    }
}
