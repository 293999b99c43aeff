import Foundation
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// The export of a cohort's assessment results, as Pix Orga exports a campaign: one row per learner and
/// assessment. Results appear only once the learner shared them; before that, only progress.
/// Rows are written one by one to `emit`, so memory stays flat however large the cohort.
public struct CohortExport: Sendable {
    public enum Format: String, Sendable, CaseIterable { case csv, json }

    let store: Store
    let catalog: ContentCatalog
    /// Gives each run's progress; its engines are built once per settings, not once per learner.
    let assessments: AssessmentService

    /// `assessments`: a service whose engines are already built (the web app's); a new one otherwise.
    public init(store: Store, catalog: ContentCatalog, assessments: AssessmentService? = nil) {
        self.store = store
        self.catalog = catalog
        self.assessments = assessments ?? AssessmentService(store: store, catalog: catalog)
    }

    /// A stable pseudonym for a learner: the same for every export of this installation (`key` is the
    /// installation's « pseudonym-key » setting), and not reversible without that key.
    static func pseudonym(_ learnerID: Int64, key: String) -> String {
        "Apprenant-" + Credentials.digest("\(key):\(learnerID)").prefix(10).uppercased()
    }

    struct Column {
        var title: String
        var value: @Sendable (Row) -> CSVWriter.Cell
    }

    struct Row {
        var organisation: String
        var cohort: String
        var lastName: String
        var firstName: String
        var externalID: String
        var attributes: [String: String]
        var assessment: String
        var purpose: String
        var started: String
        var completed: String
        var shared: Bool
        var progress: Double
        var mastery: Double?
        var competences: [String: SharedLevels.Competence]
    }


    /// Writes the export of one cohort. `separator` is `;` (French spreadsheets) or `,` (RFC 4180).
    public func write(cohortID: Int64, format: Format, pseudonymize: Bool, separator: Character = ";",
                      emit: (String) throws -> Void) throws {
        try write(cohortIDs: [cohortID], format: format, pseudonymize: pseudonymize, separator: separator, emit: emit)
    }

    /// Writes the export of several cohorts (an organisation's) with one header for all.
    public func write(cohortIDs: [Int64], format: Format, pseudonymize: Bool, separator: Character = ";",
                      emit: (String) throws -> Void) throws {
        var cohorts: [Cohort] = []
        for id in cohortIDs {
            guard let cohort = try store.cohort(id: id) else { throw StoreError.notFound("la cohorte \(id)") }
            cohorts.append(cohort)
        }
        guard let firstCohort = cohorts.first else { throw StoreError.notFound("aucune cohorte à exporter") }
        let organisation = try store.organisation(id: firstCohort.organisationID)?.name ?? ""
        // A first pass counts the attributes' values, learner by learner, keeping none: memory stays flat
        // whatever the number of learners.
        var allAssignments: [AssignmentRecord] = [], counts = AttributeCounts()
        for cohort in cohorts {
            try store.forEachLearner(cohortID: cohort.id) { counts.add($0.attributes) }
            allAssignments += try store.assignments(cohortID: cohort.id, kind: .assessment)
        }
        let assignments = allAssignments
        // Pseudonymised: an attribute value that fewer than `smallGroup` learners share would point at a person
        // (the only learner of a structure): it becomes « Autre », and a column left without any shared value goes.
        let attributeKeys = pseudonymize ? counts.keptKeys : counts.keys
        let valueCounts = counts
        @Sendable func shownAttributes(_ attributes: [String: String]) -> [String: String] {
            pseudonymize ? valueCounts.coarse(attributes, kept: attributeKeys) : attributes
        }
        var competenceColumns: [(framework: Framework, competence: Competence)] = []
        for frameworkID in Array(Set(assignments.map(\.contentID))).sorted() {
            guard let framework = catalog.framework(id: frameworkID) else { continue }
            competenceColumns += framework.competences.map { (framework, $0) }
        }

        var columns: [Column] = [
            Column(title: "Organisation") { .text($0.organisation) },
            Column(title: "Cohorte") { .text($0.cohort) },
            Column(title: pseudonymize ? "Pseudonyme" : "Nom") { .text($0.lastName) },
            Column(title: "Prénom") { .text($0.firstName) },
            Column(title: "Identifiant externe") { .text($0.externalID) },
        ]
        // Pseudonymised: no first name, and no external id (it names the person in another file).
        if pseudonymize { columns.removeAll { $0.title == "Prénom" || $0.title == "Identifiant externe" } }
        columns += attributeKeys.map { key in Column(title: key.capitalized) { .text($0.attributes[key] ?? "") } }
        columns += [
            Column(title: "Évaluation") { .text($0.assessment) },
            Column(title: "Objet") { .text($0.purpose) },
            Column(title: "Date de début") { .text($0.started) },
            Column(title: "Date de fin") { .text($0.completed) },
            Column(title: "Partage (O/N)") { .text($0.shared ? "O" : "N") },
            Column(title: "% de progression") { .percent($0.progress) },
            Column(title: "% de maîtrise du profil") { row in row.mastery.map { .percent($0) } ?? .empty },
        ]
        for (framework, competence) in competenceColumns {
            let key = "\(framework.id):\(competence.id)"
            let name = "\(competence.id) \(competence.title)"
            columns.append(Column(title: "\(name) — pix") { row in row.competences[key]?.pix.map { .integer($0) } ?? .empty })
            columns.append(Column(title: "\(name) — niveau") { row in row.competences[key]?.level.map { .integer($0) } ?? .empty })
            columns.append(Column(title: "\(name) — % de maîtrise") { row in row.competences[key]?.mastery.map { .percent($0) } ?? .empty })
            columns.append(Column(title: "\(name) — acquis visés") { row in row.competences[key]?.targetedSkills.map { .integer($0) } ?? .empty })
            columns.append(Column(title: "\(name) — acquis maîtrisés") { row in row.competences[key]?.validatedSkills.map { .integer($0) } ?? .empty })
        }
        // Per domain: the sums over its competences.
        for frameworkID in Array(Set(competenceColumns.map(\.framework.id))).sorted() {
            guard let framework = catalog.framework(id: frameworkID) else { continue }
            for domain in framework.domains {
                let keys = domain.competences.map { "\(framework.id):\($0.id)" }
                @Sendable func sum(_ row: Row, _ value: (SharedLevels.Competence) -> Int?) -> Int? {
                    let values = keys.compactMap { row.competences[$0].flatMap(value) }
                    return values.isEmpty ? nil : values.reduce(0, +)
                }
                let name = "Domaine \(domain.id) \(domain.title)"
                columns.append(Column(title: "\(name) — pix") { row in sum(row, \.pix).map { .integer($0) } ?? .empty })
                columns.append(Column(title: "\(name) — % de maîtrise") { row in
                    guard let targeted = sum(row, \.targetedSkills), targeted > 0, let validated = sum(row, \.validatedSkills) else { return .empty }
                    return .percent(Double(validated) / Double(targeted))
                })
                columns.append(Column(title: "\(name) — acquis visés") { row in sum(row, \.targetedSkills).map { .integer($0) } ?? .empty })
                columns.append(Column(title: "\(name) — acquis maîtrisés") { row in sum(row, \.validatedSkills).map { .integer($0) } ?? .empty })
            }
        }

        let csv = CSVWriter(separator: separator)
        if format == .csv {
            try emit(csv.preamble + csv.line(columns.map { .text($0.title) }))
        } else {
            let name = cohorts.count == 1 ? jsonString(firstCohort.name) : "null"
            try emit("{\"cohort\":\(name),\"organisation\":\(jsonString(organisation)),\"rows\":[")
        }
        // Learners go by slices: one query for a slice's runs, and two slices built at once (one per core: the
        // cells, the runs' levels and the JSON rows are most of the time), then written in order. Memory holds two
        // slices' lines, whatever the cohort's size.
        let pseudonymKey = pseudonymize ? try store.setting("pseudonym-key") { Credentials.newToken() } : ""
        let allColumns = columns
        var first = true
        for cohort in cohorts {
            let learners = try store.learnerIDs(cohortID: cohort.id)
            let assignments = allAssignments.filter { $0.cohortID == cohort.id }
            let chosenSettings = assignments.map {  // once per assignment, not once per row
                try? JSONDecoder().decode(AssessmentAssignment.self, from: Data($0.settings.utf8))
            }
            @Sendable func lines(_ ids: ArraySlice<Int64>) throws -> [String] {
                let slice = try store.learners(ids: Array(ids))
                let runsOf = try store.assessments(learnerIDs: Array(ids))
                let decoder = JSONDecoder()
                var lines: [String] = []
                for learner in slice {
                    let runs = runsOf[learner.id] ?? []
                    let name = pseudonymize ? (CohortExport.pseudonym(learner.id, key: pseudonymKey), "") : (learner.lastName, learner.firstName)
                    for (assignment, chosen) in zip(assignments, chosenSettings) {
                        let run = runs.first { $0.assignmentID == assignment.id }
                        let framework = catalog.framework(id: assignment.contentID)
                        var row = Row(organisation: organisation, cohort: cohort.name, lastName: name.0, firstName: name.1,
                                      externalID: pseudonymize ? "" : learner.externalID ?? "", attributes: shownAttributes(learner.attributes),
                                      assessment: framework?.title ?? assignment.contentID, purpose: chosen?.purposeLabel ?? "",
                                      started: run.map { French.date($0.startedAt) } ?? "",
                                      completed: run?.completedAt.map(French.date) ?? "",
                                      shared: run?.sharedAt != nil, progress: 0, mastery: nil, competences: [:])
                        if let run {
                            row.progress = run.state == .completed ? 1 : try progress(of: run)
                            // The levels line kept with the result; the JSON only for a run without one. Read once,
                            // never kept: an export sees each run once (no use filling the shared cache).
                            if run.sharedAt != nil, let result = run.sharedLevels.flatMap(SharedLevels.init(text:))
                                ?? run.sharedResult.flatMap({ try? decoder.decode(AssessmentResult.self, from: Data($0.utf8)) }).map(SharedLevels.init) {
                                row.mastery = result.mastery
                                for competence in result.competences { row.competences["\(result.frameworkID):\(competence.competenceID)"] = competence }
                            }
                        }
                        switch format {
                        case .csv:
                            lines.append(csv.line(allColumns.map { $0.value(row) }))
                        case .json:
                            var object: [String: Any] = [:]
                            for column in allColumns {
                                switch column.value(row) {
                                case .text(let value): object[column.title] = value
                                case .number(let value), .percent(let value): object[column.title] = value
                                case .integer(let value): object[column.title] = value
                                case .empty: object[column.title] = NSNull()
                                }
                            }
                            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                            lines.append(String(decoding: data, as: UTF8.self))
                        }
                    }
                }
                return lines
            }
            let sliceSize = 256, inFlight = 2
            var start = 0
            while start < learners.count {
                let slices = (0..<inFlight).map { index in
                    learners[min(learners.count, start + index * sliceSize)..<min(learners.count, start + (index + 1) * sliceSize)]
                }
                let built = ParallelSlots<Result<[String], any Error>>(count: slices.count)
                DispatchQueue.concurrentPerform(iterations: slices.count) { index in
                    built.set(index, Result { try lines(slices[index]) })
                }
                for result in built.values {
                    for line in try result?.get() ?? [] {
                        try emit(format == .json && !first ? "," + line : line)
                        first = false
                    }
                }
                start += inFlight * sliceSize
            }
        }
        if format == .json { try emit("]}") }
    }

    /// The smallest group an attribute value of a pseudonymised export may describe (as the statistics pages).
    public static let smallGroup = 5
    /// What a pseudonymised export says instead of a value shared by fewer than `smallGroup` learners.
    public static let otherValue = "Autre (moins de 5 personnes)"

    /// How many learners share each (trimmed, non-empty) value of each attribute, counted one learner at a time.
    struct AttributeCounts: Sendable {
        private var counts: [String: [String: Int]] = [:]
        /// Every attribute name met, sorted.
        private(set) var keys: [String] = []

        mutating func add(_ attributes: [String: String]) {
            for (key, raw) in attributes {
                if counts[key] == nil {
                    counts[key] = [:]
                    keys.insert(key, at: keys.firstIndex { $0 > key } ?? keys.endIndex)
                }
                let value = raw.trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { counts[key]?[value, default: 0] += 1 }
            }
        }

        /// The names that still hold a value shared by `smallGroup` learners or more.
        var keptKeys: [String] {
            keys.filter { key in counts[key]?.values.contains { $0 >= CohortExport.smallGroup } ?? false }
        }

        /// A learner's attributes as a pseudonymised export shows them: only the kept names, each value shared by
        /// fewer than `smallGroup` learners replaced by `otherValue`.
        /// `kept`: `keptKeys`, when the caller keeps it (it is counted again otherwise).
        func coarse(_ attributes: [String: String], kept: [String]? = nil) -> [String: String] {
            var shown: [String: String] = [:]
            for key in kept ?? keptKeys {
                let value = attributes[key]?.trimmingCharacters(in: .whitespaces) ?? ""
                guard !value.isEmpty else { continue }
                shown[key] = (counts[key]?[value] ?? 0) >= CohortExport.smallGroup ? value : CohortExport.otherValue
            }
            return shown
        }
    }

    private func progress(of run: AssessmentRecord) throws -> Double {
        let view = try assessments.view(run)
        let total = view.answered + view.remainingAtMost
        return total == 0 ? 0 : Double(view.answered) / Double(total)
    }

    private func jsonString(_ text: String) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8), as: UTF8.self)
            .dropFirst().dropLast().description
    }
}

/// Dates as French readers expect them (Europe/Paris), from the store's UTC timestamps.
enum French {
    static func date(_ timestamp: String) -> String { formatters.date(timestamp) }

    /// Creating formatters is costly (it was a quarter of the 1,000-learner tracker): one of each for the
    /// process, used under a lock since Foundation does not promise that one formatter is safe on several
    /// threads at once.
    private static let formatters = Formatters()

    /// The date of a timestamp as SQLite writes them (`2026-05-12T07:46:40.123Z`), read without Foundation's
    /// ISO 8601 parser (about 90 µs a call, two calls per row of an export); nil for anything else or out of
    /// range, which the parser then reads as before.
    static func storeTimestamp(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 24, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
              bytes[19] == 46, bytes[23] == 90 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard (48...57).contains(bytes[i]) else { return nil }
                value = value * 10 + Int(bytes[i] - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19), let milliseconds = number(20..<23),
              year >= 1970, (1...12).contains(month), hour < 24, minute < 60, second < 60 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...lengths[month - 1]).contains(day) else { return nil }
        var days = 0
        for y in 1970..<year { days += y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 366 : 365 }
        for m in 0..<(month - 1) { days += lengths[m] }
        days += day - 1
        let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1000)
    }

    private final class Formatters: @unchecked Sendable {  // `lock` guards both formatters
        private let lock = NSLock()
        private let parser: ISO8601DateFormatter
        private let formatter: DateFormatter

        init() {
            parser = ISO8601DateFormatter()
            parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            formatter = DateFormatter()
            formatter.locale = Locale(identifier: "fr_FR")
            formatter.timeZone = TimeZone(identifier: "Europe/Paris")
            formatter.dateFormat = "dd/MM/yyyy HH:mm"
        }

        func date(_ timestamp: String) -> String {
            let parsed = French.storeTimestamp(timestamp)
            lock.lock()
            defer { lock.unlock() }
            guard let date = parsed ?? parser.date(from: timestamp) else { return timestamp }
            return formatter.string(from: date)
        }
    }
}
