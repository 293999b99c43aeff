import ArgumentParser
import Dispatch
import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore
import PasserelleWeb

/// `passerelle bench seed`: realistic data for the benchmarks, reproducible from `--seed`, written through
/// the Store's own functions (no SQL here, so it cannot drift from the schema).
///
/// Every learner of the main cohorts has an initial and a final positioning (smart random on `numerique`,
/// chosen by the engine item by item, answers drawn from the 2PL model for a simulated ability that grows
/// between the two), completed and shared; lesson visits and activity attempts in three assigned modules;
/// answers to a questionnaire before and after. Runs are drawn from a pool of `--profiles` simulated learners
/// per purpose (each with its own run seed, so that every stored run is exactly what the engine gives for its
/// seed and answers): simulating 20,000 runs one by one would take minutes and measure nothing more.
///
/// Bench-only shortcuts: main-cohort learners have no access code (hashing 10,000 codes with argon2id takes
/// minutes); the rows are written in batches of 100 learners, one transaction each (`Store.batch`).
/// `--load-learners` adds a cohort of learners who do have codes, with open assignments and no runs, for the
/// load generator (bench/load.py); their codes and the trainer's password go to `--credentials` (JSON).
struct BenchSeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Crée des données de mesure réalistes et reproductibles (pour make bench).")

    @OptionGroup var root: RootOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Apprenants de la cohorte principale (si --cohorts n'est pas donné).", valueName: "n"))
    var learners: Int = 1_000

    @Option(help: ArgumentHelp("Tailles des cohortes, séparées par des virgules (par exemple 30,1000).", valueName: "liste"))
    var cohorts: String?

    @Option(help: ArgumentHelp("Graine du tirage.", valueName: "n"))
    var seed: UInt64 = 12

    @Option(help: ArgumentHelp("Apprenants simulés distincts par objet (initial, final).", valueName: "n"))
    var profiles: Int = 100

    @Option(help: ArgumentHelp("Apprenants avec code d'accès dans une cohorte « charge » (sans parcours).", valueName: "n"))
    var loadLearners: Int = 0

    @Option(help: ArgumentHelp("Évaluations ouvertes à chaque apprenant de la cohorte « charge ».", valueName: "n"))
    var loadAssignments: Int = 4

    @Option(help: ArgumentHelp("Fichier JSON où écrire les codes et le mot de passe de la formatrice.", valueName: "fichier"))
    var credentials: String?

    static let trainer = "bench-formatrice"
    static let framework = "numerique"

    func validate() throws {
        guard (1...1_000_000).contains(learners) else { throw ValidationError("--learners va de 1 à 1 000 000.") }
        guard (1...10_000).contains(profiles) else { throw ValidationError("--profiles va de 1 à 10 000.") }
        guard (0...10_000).contains(loadLearners) else { throw ValidationError("--load-learners va de 0 à 10 000.") }
        guard (1...20).contains(loadAssignments) else { throw ValidationError("--load-assignments va de 1 à 20.") }
        guard try cohortSizes().allSatisfy({ (1...1_000_000).contains($0) }) else {
            throw ValidationError("--cohorts : des tailles de 1 à 1 000 000 séparées par des virgules.")
        }
    }

    func cohortSizes() throws -> [Int] {
        guard let cohorts else { return [learners] }
        let sizes = cohorts.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 != nil }) else { throw ValidationError("--cohorts : une liste de nombres.") }
        return sizes.map { $0! }
    }

    /// One simulated run: the items the engine chose, the answers and their knowledge elements.
    struct SimulatedRun {
        var seed: Int64
        var steps: [(item: Item, correct: Bool, elements: [KnowledgeElement], timeSpentMs: Int)]
        var result: String
    }

    func run() throws {
        let clock = ContinuousClock()
        let started = clock.now
        let (_, catalog) = try root.load()
        guard let framework = catalog.framework(id: BenchSeed.framework) else {
            throw CommandFailure("référentiel « \(BenchSeed.framework) » introuvable")
        }
        let path = database.resolvedPath()
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("« \(path) » existe déjà : la commande crée une base neuve")
        }
        let store = try database.open()
        let sizes = try cohortSizes()
        let settings = AssessmentSettings(frameworkID: framework.id)
        let engine = AssessmentEngine(framework: framework, items: catalog.items(of: framework), settings: settings)
        let settingsJSON = String(decoding: try BenchSeed.encoder.encode(settings), as: UTF8.self)

        // The pool of simulated runs, initial then final, in parallel on every core.
        var random = SeededRandom(seed: seed)
        let abilitySeeds = (0..<profiles).map { _ in random.next() }
        let index = SkillIndex([framework])
        let baseSeed = seed
        @Sendable func simulate(_ profile: Int, gain: Double, purpose: String) -> SimulatedRun {
            var draw = SeededRandom(seed: abilitySeeds[profile])
            var abilities: [String: Double] = [:]
            for competence in framework.competences { abilities[competence.id] = draw.nextGaussian() * 0.8 - 0.3 }
            var answers: [AnsweredItem] = [], elements: [KnowledgeElement] = []
            let runSeed = Int64(profile * 2 + (purpose == "final" ? 1 : 0) + 1) + Int64(baseSeed % 1_000_000) * 100_000
            var steps: [(item: Item, correct: Bool, elements: [KnowledgeElement], timeSpentMs: Int)] = []
            var answerDraw = SeededRandom(text: "\(baseSeed)/\(profile)/\(purpose)")
            while let item = engine.nextItem(answers: answers, elements: elements, seed: "passerelle-\(runSeed)"),
                  let competence = index[item.skillID]?.competenceID, let parameters = engine.parameters(of: item.id) {
                let theta = (abilities[competence] ?? 0) + gain
                let correct = answerDraw.nextUnit() < IRT.probability(theta: theta, parameters)
                let added = engine.elements(forAnswerOn: item, correct: correct, existing: elements)
                elements += added
                answers.append(AnsweredItem(itemID: item.id, skillID: item.skillID, correct: correct))
                steps.append((item, correct, added, 8_000 + Int(answerDraw.nextUnit() * 80_000)))
            }
            let result = engine.result(answers: answers, elements: elements)
            return SimulatedRun(seed: runSeed, steps: steps,
                                result: String(decoding: (try? BenchSeed.encoder.encode(result)) ?? Data("{}".utf8), as: UTF8.self))
        }
        let pool = Pool(count: profiles)
        DispatchQueue.concurrentPerform(iterations: profiles) { profile in
            pool.set(profile, initial: simulate(profile, gain: 0, purpose: "initial"),
                     final: simulate(profile, gain: 0.7, purpose: "final"))
        }
        let initialRuns = pool.initial.map { $0! }, finalRuns = pool.final.map { $0! }
        let simulated = clock.now - started

        // Organisation, trainer (the only argon2id hash besides the load cohort's codes), content to assign.
        let organisation = try store.createOrganisation(name: "Organisation de mesure")
        let password = "bench-\(seed)-mot-de-passe"
        let trainer = try store.createUser(organisationID: organisation.id, username: BenchSeed.trainer,
                                           displayName: "Formatrice de mesure", role: .trainer,
                                           passwordHash: try Credentials.hashPassword(password))
        let modules = Array(catalog.modules.filter { $0.prerequisites.isEmpty && !$0.activitySets.isEmpty }.prefix(3))
        let questionnaire = catalog.questionnaires.first

        var cohortIDs: [Int64] = []
        var learnerNumber = 0
        var totals = (runs: 0, answers: 0, elements: 0, attempts: 0)
        for (number, size) in sizes.enumerated() {
            let cohort = try store.createCohort(organisationID: organisation.id, name: "Cohorte \(number + 1) (\(size))",
                                                year: 2025, ownerID: trainer.id)
            cohortIDs.append(cohort.id)
            var assignmentIDs: [AssessmentRecord.Purpose: Int64] = [:]
            for purpose in [AssessmentRecord.Purpose.initial, .final] {
                let chosen = AssessmentAssignment(settings: settings, purpose: purpose)
                assignmentIDs[purpose] = try store.createAssignment(
                    cohortID: cohort.id, kind: .assessment, contentID: framework.id,
                    settings: String(decoding: try BenchSeed.encoder.encode(chosen), as: UTF8.self), createdBy: trainer.id)
            }
            for module in modules {
                try store.createAssignment(cohortID: cohort.id, kind: .module, contentID: module.id, createdBy: trainer.id)
            }
            var questionnaireAssignments: [(id: Int64, administration: String)] = []
            if let questionnaire {
                for administration in ["avant", "apres"] {
                    questionnaireAssignments.append((try store.createAssignment(
                        cohortID: cohort.id, kind: .questionnaire, contentID: questionnaire.id,
                        settings: "{\"administration\":\"\(administration)\"}", createdBy: trainer.id), administration))
                }
            }
            var remaining = size
            while remaining > 0 {
                let batchSize = min(100, remaining)
                try store.batch {
                    for _ in 0..<batchSize {
                        learnerNumber += 1
                        let n = learnerNumber
                        let learner = try store.createLearner(
                            cohortID: cohort.id, firstName: BenchSeed.firstNames[n % BenchSeed.firstNames.count],
                            lastName: "\(BenchSeed.lastNames[(n / 7) % BenchSeed.lastNames.count]) \(n)",
                            externalID: "B\(seed)-\(n)", attributes: ["structure": BenchSeed.structures[n % BenchSeed.structures.count]],
                            codeSelector: nil, codeHash: nil)
                        for (purpose, runs) in [(AssessmentRecord.Purpose.initial, initialRuns), (.final, finalRuns)] {
                            let simulated = runs[(n &* 7919) % runs.count]
                            let record = try store.createAssessment(
                                learnerID: learner.id, assignmentID: assignmentIDs[purpose], frameworkID: framework.id,
                                algorithm: settings.algorithm.rawValue, settings: settingsJSON, purpose: purpose,
                                seed: simulated.seed, firstItemID: simulated.steps.first?.item.id)
                            for (position, step) in simulated.steps.enumerated() {
                                let next = position + 1 < simulated.steps.count ? simulated.steps[position + 1].item.id : nil
                                try store.recordAnswer(
                                    assessmentID: record.id, itemID: step.item.id, skillID: step.item.skillID,
                                    answer: BenchSeed.answerJSON(step.item, correct: step.correct), correct: step.correct,
                                    timeSpentMs: step.timeSpentMs, elements: step.elements, nextItemID: next)
                                totals.elements += step.elements.count
                            }
                            try store.shareAssessment(id: record.id, result: simulated.result)
                            totals.runs += 1
                            totals.answers += simulated.steps.count
                        }
                        // Modules: the first one further along than the next ones.
                        var draw = SeededRandom(text: "\(seed)/modules/\(n)")
                        for (rank, module) in modules.enumerated() {
                            let reach = draw.nextUnit() * (1.0 - Double(rank) * 0.3)
                            let lessons = module.lessons.prefix(Int((Double(module.lessons.count) * reach).rounded(.up)))
                            for lesson in lessons {
                                try store.recordLessonVisit(learnerID: learner.id, moduleID: module.id, lessonID: lesson.id,
                                                            completed: true)
                            }
                            let sets = module.activitySets.prefix(Int((Double(module.activitySets.count) * reach).rounded(.up)))
                            for set in sets {
                                for activity in set.activities {
                                    guard case .item(let item) = activity.kind else { continue }
                                    let correct = draw.nextUnit() < 0.7
                                    try store.recordAttempt(
                                        learnerID: learner.id, moduleID: module.id, activitySetID: set.id, activityID: activity.id,
                                        answer: BenchSeed.answerJSON(item, correct: correct),
                                        result: correct ? "correct" : "incorrect", timeSpentMs: 5_000 + Int(draw.nextUnit() * 60_000))
                                    totals.attempts += 1
                                }
                            }
                        }
                        if let questionnaire {
                            for (assignmentID, administration) in questionnaireAssignments {
                                var values: [String: Double] = [:]
                                for statement in questionnaire.statements {
                                    switch statement.kind {
                                    case .scale:
                                        let span = Double(questionnaire.scale.max - questionnaire.scale.min + 1)
                                        values[statement.id] = Double(questionnaire.scale.min) + (draw.nextUnit() * span).rounded(.down)
                                    case .yesNo: values[statement.id] = draw.nextUnit() < 0.5 ? 0 : 1
                                    }
                                }
                                try store.saveQuestionnaireAnswers(learnerID: learner.id, assignmentID: assignmentID,
                                                                   questionnaireID: questionnaire.id, administration: administration,
                                                                   values: values)
                            }
                        }
                    }
                }
                remaining -= batchSize
            }
        }

        // The load cohort: learners with codes (hashed on every core) and open assignments, no runs.
        var codes: [String] = []
        var loadCohortID: Int64?
        var loadAssignmentIDs: [Int64] = []
        if loadLearners > 0 {
            let cohort = try store.createCohort(organisationID: organisation.id, name: "Cohorte charge", year: 2025,
                                                ownerID: trainer.id)
            loadCohortID = cohort.id
            for _ in 0..<loadAssignments {
                let chosen = AssessmentAssignment(settings: settings, purpose: .free)
                loadAssignmentIDs.append(try store.createAssignment(
                    cohortID: cohort.id, kind: .assessment, contentID: framework.id,
                    settings: String(decoding: try BenchSeed.encoder.encode(chosen), as: UTF8.self), createdBy: trainer.id))
            }
            for module in modules {
                try store.createAssignment(cohortID: cohort.id, kind: .module, contentID: module.id, createdBy: trainer.id)
            }
            var draw = SeededRandom(text: "\(seed)/codes")
            var selectors = Set<String>()
            var drawn: [AccessCode] = []
            while drawn.count < loadLearners {
                let code = AccessCode.generate(using: &draw)
                if selectors.insert(code.selector).inserted { drawn.append(code) }
            }
            let hashes = HashPool(count: drawn.count)
            let secrets = drawn.map(\.secret)
            DispatchQueue.concurrentPerform(iterations: secrets.count) { i in
                hashes.set(i, (try? Credentials.hashPassword(secrets[i])) ?? "")
            }
            try store.batch {
                for (i, code) in drawn.enumerated() {
                    _ = try store.createLearner(cohortID: cohort.id, firstName: "Charge", lastName: "Apprenant \(i + 1)",
                                                attributes: ["structure": "CCAS"], codeSelector: code.selector,
                                                codeHash: hashes.values[i])
                }
            }
            codes = drawn.map(\.value)
        }

        let elapsed = clock.now - started
        if let credentials {
            let object: [String: Any] = [
                "trainer": BenchSeed.trainer, "password": password, "cohorts": cohortIDs, "cohortSizes": sizes,
                "loadCohort": loadCohortID.map { $0 as Any } ?? NSNull(), "loadAssignments": loadAssignmentIDs, "codes": codes,
                "lesson": modules.first.flatMap { module in module.lessons.first.map { "/modules/\(module.id)/lecons/\($0.id)" } }
                    .map { $0 as Any } ?? NSNull(),
            ]
            try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
                .write(to: URL(fileURLWithPath: credentials))
        }
        say("bench seed: \(sizes.reduce(0, +)) learners in \(sizes.count) cohort(s) \(sizes), \(totals.runs) shared runs, "
            + "\(totals.answers) answers, \(totals.elements) knowledge elements, \(totals.attempts) activity attempts; "
            + "\(loadLearners) learners with codes; simulation \(BenchSeed.format(simulated)), total \(BenchSeed.format(elapsed))")
    }

    static func format(_ duration: Duration) -> String {
        String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// A plausible stored answer: right or wrong as drawn (the answer text is never re-checked).
    static func answerJSON(_ item: Item, correct: Bool) -> String {
        let answer: ItemAnswer
        switch item.type {
        case .qcu:
            let choice = item.choices.first { $0.correct == correct } ?? item.choices.first
            answer = .choice(choice?.id ?? "a")
        case .qcm:
            answer = .choices(correct ? item.choices.filter(\.correct).map(\.id) : item.choices.prefix(1).map(\.id))
        case .qroc, .qrocmInd, .qrocmDep:
            var fields: [String: String] = [:]
            for field in item.fields { fields[field.id] = correct ? (field.accepted.first ?? "") : "je ne sais pas" }
            answer = .fields(fields)
        case .ordering:
            let ids = item.choices.map(\.id)
            answer = .order(correct ? ids : ids.reversed())
        case .matching:
            var pairs: [String: String] = [:]
            let ids = item.pairs.map(\.id)
            for (position, id) in ids.enumerated() { pairs[id] = correct ? id : ids[(position + 1) % ids.count] }
            answer = .pairs(pairs)
        }
        return String(decoding: (try? encoder.encode(answer)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static let firstNames = ["Amina", "Bruno", "Chloé", "David", "Émilie", "Farid", "Gaëlle", "Hugo", "Inès", "Jonathan",
                             "Karima", "Lucas", "Mélanie", "Nabil", "Océane", "Pascal", "Rachida", "Sébastien", "Thi", "Yanis"]
    static let lastNames = ["Benali", "Carpentier", "Dumas", "Essaid", "Fabre", "Garnier", "Hoarau", "Imbert", "Joly",
                            "Klein", "Lambert", "Moreau", "Nguyen", "Ouedraogo", "Petit", "Robert", "Sanchez", "Traoré"]
    static let structures = ["CCAS", "Maison France Services", "Centre social", "Médiathèque", "Mission locale"]

    /// Results of the parallel simulation, one slot per profile.
    final class Pool: @unchecked Sendable {  // `lock` guards both arrays
        private let lock = NSLock()
        private(set) var initial: [SimulatedRun?]
        private(set) var final: [SimulatedRun?]
        init(count: Int) {
            initial = Array(repeating: nil, count: count)
            final = Array(repeating: nil, count: count)
        }
        func set(_ index: Int, initial first: SimulatedRun, final last: SimulatedRun) {
            lock.lock(); defer { lock.unlock() }
            initial[index] = first
            final[index] = last
        }
    }

    final class HashPool: @unchecked Sendable {  // `lock` guards `values`
        private let lock = NSLock()
        private(set) var values: [String]
        init(count: Int) { values = Array(repeating: "", count: count) }
        func set(_ index: Int, _ value: String) { lock.lock(); values[index] = value; lock.unlock() }
    }
}
