import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// The cohort's progress as charts a trainer or a funder would rather look at than read (issue 14): gains
/// between two positionings, levels per competence, questionnaires, modules completed week by week. The same
/// figures serve the gains page (`GET /formateur/cohortes/{cohort}/progression`), the questionnaire page and
/// the printable report (`GET /formateur/cohortes/{cohort}/rapport`). Each chart has its numbers under
/// « Voir les chiffres »; no group of fewer than 5 learners is ever given a figure (`SmallGroups`).
extension WebApp {
    // MARK: Gains page

    /// `GET /formateur/cohortes/{cohort}/progression?avant=…&apres=…`: by default the earliest initial
    /// positioning against the latest final one of the same framework; a value that is not one of the
    /// cohort's positionings is read as no choice.
    func gainsPage(_ cohort: Cohort, request: HTTPRequest) throws -> HTTPResponse {
        let assignments = try store.assignments(cohortID: cohort.id, kind: .assessment)
        let chosenBefore = WebApp.chosenAssignment(request.queryValue("avant"), among: assignments)
        let chosenAfter = WebApp.chosenAssignment(request.queryValue("apres"), among: assignments)
        let pair = WebApp.comparedPositionings(assignments, before: chosenBefore, after: chosenAfter)
        var context: [String: Any] = [
            "title": "Progression — \(cohort.name)", "cohort": cohort.name, "cohortID": cohort.id,
            // Without a pair to compare, the lists still start on two different positionings.
            "before": assignments.map { ["id": $0.id, "label": positioningLabel($0),
                                         "selected": $0.id == (pair?.before ?? assignments.first)?.id] as [String: Any] },
            "after": assignments.map { ["id": $0.id, "label": positioningLabel($0),
                                        "selected": $0.id == (pair?.after ?? assignments.last)?.id] as [String: Any] },
            "canCompare": assignments.count >= 2,
        ]
        guard let pair else {
            if assignments.count >= 2 { context["message"] = "Aucun référentiel n'a encore deux positionnements à comparer." }
            return .html(templates.render("formateur-progression", context))
        }
        guard pair.before.contentID == pair.after.contentID, pair.before.id != pair.after.id,
              let framework = catalog.framework(id: pair.before.contentID) else {
            context["message"] = "Choisissez deux positionnements différents du même référentiel."
            return .html(templates.render("formateur-progression", context), status: 400)
        }
        let gains = try cohortGains(pair.before, pair.after, framework)
        context["shown"] = true
        context["framework"] = framework.title
        context["beforeID"] = pair.before.id
        context["afterID"] = pair.after.id
        context["beforeLabel"] = positioningLabel(pair.before, withFramework: false)
        context["afterLabel"] = positioningLabel(pair.after, withFramework: false)
        context["gains"] = WebApp.gainsFigure(gains, framework: framework, id: "gains")
        context["levels"] = WebApp.levelsFigure(levelCounts(try sharedResults(pair.after), framework: framework), id: "niveaux",
                                                title: "Niveaux des apprenants au second positionnement, par compétence")
        return .html(templates.render("formateur-progression", context))
    }

    /// The positioning a query value names, when it is one of `assignments`; nil for anything else.
    static func chosenAssignment(_ value: String?, among assignments: [AssignmentRecord]) -> AssignmentRecord? {
        guard let value, value.count <= 19, let id = Int64(value) else { return nil }
        return assignments.first { $0.id == id }
    }

    /// The two positionings to compare: the ones chosen, else the earliest initial (or earliest) one and the
    /// latest final (or latest other) one of its framework. Never the same one twice by default.
    static func comparedPositionings(_ assignments: [AssignmentRecord], before: AssignmentRecord?, after: AssignmentRecord?)
        -> (before: AssignmentRecord, after: AssignmentRecord)? {
        func purpose(_ assignment: AssignmentRecord) -> AssessmentRecord.Purpose {
            (try? JSONDecoder().decode(AssessmentAssignment.self, from: Data(assignment.settings.utf8)))?.purposeValue ?? .free
        }
        let sorted = assignments.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        func latest(of framework: String, besides other: AssignmentRecord) -> AssignmentRecord? {
            let candidates = sorted.filter { $0.contentID == framework && $0.id != other.id }
            return candidates.last { purpose($0) == .final } ?? candidates.last
        }
        func earliest(of framework: String?, besides other: AssignmentRecord?) -> AssignmentRecord? {
            let candidates = sorted.filter { ($0.contentID == framework || framework == nil) && $0.id != other?.id }
            return candidates.first { purpose($0) == .initial } ?? candidates.first
        }
        if let before, let after { return (before, after) }
        if let before { return latest(of: before.contentID, besides: before).map { (before, $0) } }
        if let after { return earliest(of: after.contentID, besides: after).map { ($0, after) } }
        // The earliest initial positioning whose framework has another positioning to compare with.
        let initials = sorted.filter { purpose($0) == .initial } + sorted.filter { purpose($0) != .initial }
        for first in initials {
            if let second = latest(of: first.contentID, besides: first),
               (second.createdAt, second.id) > (first.createdAt, first.id) { return (first, second) }
        }
        return nil
    }

    /// « Positionnement initial du 07/12/2026 à 09:15 — Compétences numériques »: what tells two positionings
    /// apart comes first, so that a narrow list still shows it.
    func positioningLabel(_ assignment: AssignmentRecord, withFramework: Bool = true) -> String {
        let chosen = try? JSONDecoder().decode(AssessmentAssignment.self, from: Data(assignment.settings.utf8))
        let purpose = chosen?.purposeLabel ?? "positionnement"
        let date = French.date(assignment.createdAt).split(separator: " ")
        let when = date.count == 2 ? "du \(date[0]) à \(date[1])" : "du \(date.joined())"
        let text = "\(purpose) \(when)"
        guard withFramework else { return text }
        return text.prefix(1).uppercased() + text.dropFirst()
            + " — \(catalog.framework(id: assignment.contentID)?.title ?? assignment.contentID)"
    }

    /// The shared results of a positioning, by learner (unshared ones are never read).
    func sharedResults(_ assignment: AssignmentRecord) throws -> [Int64: AssessmentResult] {
        var results: [Int64: AssessmentResult] = [:]
        for run in try store.assessments(assignmentID: assignment.id) {
            guard let value = SharedResults.result(of: run) else { continue }
            results[run.learnerID] = value
        }
        return results
    }

    /// Learners at each level (0 to 8) per competence of the framework, among those measured on it.
    func levelCounts(_ results: [Int64: AssessmentResult], framework: Framework) -> [(label: String, counts: [Int])] {
        framework.competences.map { competence in
            var counts = [Int](repeating: 0, count: 9)
            for result in results.values {
                // « Non évalué » (no level) is not counted at level 0.
                guard let measured = result.competences.first(where: { $0.competenceID == competence.id }),
                      let level = measured.level, measured.answered > 0 || (measured.pix ?? 0) > 0 else { continue }
                counts[min(max(level, 0), 8)] += 1
            }
            return ("\(competence.id) \(competence.title)", counts)
        }
    }

    // MARK: Figures shared by the pages and the report

    /// Gains per competence: the chart, what « IC 95 % » and « d_z » mean, and the table behind it.
    static func gainsFigure(_ gains: [CompetenceGain], framework: Framework, id: String, open: Bool = false) -> [String: Any] {
        let measured = gains.filter { $0.pairs + $0.singleMeasure > 0 }
        func name(_ gain: CompetenceGain) -> String { "\(gain.competenceID) \(framework.competence(id: gain.competenceID)?.title ?? "")" }
        let rows = measured.map { gain -> Charts.GainRow in
            let note = gain.pairs == 0 ? "aucun apprenant mesuré deux fois" : SmallGroups.isShown(gain.pairs) ? nil : SmallGroups.notice
            // A hidden row carries no figure at all, so none can leak into the drawing.
            guard note == nil else { return Charts.GainRow(label: name(gain), mean: nil, count: gain.pairs, note: note) }
            return Charts.GainRow(label: name(gain), mean: gain.pixGain.mean, lower: gain.pixGain.lower, upper: gain.pixGain.upper,
                                  count: gain.pairs)
        }
        let shown = measured.filter { SmallGroups.isShown($0.pairs) }
        var summary: String
        if let best = shown.max(by: { $0.pixGain.mean < $1.pixGain.mean }), let worst = shown.min(by: { $0.pixGain.mean < $1.pixGain.mean }) {
            summary = "Gain moyen le plus fort : \(name(best)), \(Charts.signed(best.pixGain.mean, digits: 1)) pix"
            summary += best.competenceID == worst.competenceID ? "." : " ; le plus faible : \(name(worst)), \(Charts.signed(worst.pixGain.mean, digits: 1)) pix."
        } else {
            summary = "Aucune compétence n'a été mesurée deux fois chez au moins \(SmallGroups.minimum) apprenants."
        }
        let hidden = measured.count - shown.count
        if hidden > 0 { summary += " \(hidden) compétence(s) sans chiffre : moins de \(SmallGroups.minimum) apprenants mesurés deux fois." }
        let most = measured.map(\.pairs).max() ?? 0
        let chart = !measured.isEmpty && shown.isEmpty
            // Nothing to draw: a sentence rather than an empty axis.
            ? Charts.sentence("Aucune compétence n'a encore été mesurée deux fois chez au moins \(SmallGroups.minimum) apprenants "
                + "(\(most) pour l'instant) : les gains seront chiffrés à partir de \(SmallGroups.minimum), pour que personne ne soit reconnu.")
            : Charts.gains(
                Charts.Caption(id: id, title: "Gain moyen en pix par compétence entre les deux positionnements, avec l'intervalle de confiance à 95 %",
                               description: summary),
                rows: rows, unit: "pix", axisTitle: "Gain moyen en pix (second positionnement moins le premier)",
                empty: "Pas encore de résultats partagés à comparer : les gains apparaîtront quand des apprenants auront partagé les deux positionnements.")
        func cell(_ value: Double?, digits: Int = 1) -> String { value.map { Charts.signed($0, digits: digits) } ?? "—" }
        let table = Charts.Table(caption: "Gains par compétence", columns: [], rows: measured.map { gain in
            guard SmallGroups.isShown(gain.pairs) else {
                return [name(gain), "\(gain.pairs)", "\(gain.singleMeasure)", gain.pairs == 0 ? "—" : SmallGroups.notice, "—", "—", "—"]
            }
            return [name(gain), "\(gain.pairs)", "\(gain.singleMeasure)", cell(gain.pixGain.mean),
                    gain.pixGain.lower.map { "de \(cell($0)) à \(cell(gain.pixGain.upper))" } ?? "—",
                    gain.cohenDz.map { Charts.format($0, digits: 2) } ?? "—",
                    "\(Int((gain.shareGainedALevel * 100).rounded())) %"]
        }).headers(html: ["Compétence", "Mesurés deux fois", "Une seule mesure", "Gain moyen (pix)", "IC 95 %", "d<sub>z</sub>",
                          "Ont gagné au moins un niveau"])
        return ["chart": Charts.scrollable(chart, id: id), "numbers": Charts.numbers(table, id: id, open: open), "hasData": !shown.isEmpty]
    }

    /// Levels per competence as stacked bars, and the table behind them. A competence measured on fewer than
    /// 5 learners gets no figure (`SmallGroups`): its bar and its cells say « moins de 5 réponses ».
    static func levelsFigure(_ counts: [(label: String, counts: [Int])], id: String, title: String, open: Bool = false) -> [String: Any] {
        let measured = counts.filter { $0.counts.contains { $0 > 0 } }
        let shown = measured.filter { SmallGroups.isShown($0.counts.reduce(0, +)) }
        let top = max(shown.flatMap { row in row.counts.indices.filter { row.counts[$0] > 0 } }.max() ?? 0, 3)
        let total = shown.map { $0.counts.reduce(0, +) }.max() ?? 0
        var description = shown.isEmpty ? "" :
            "\(shown.count) compétence(s) mesurée(s), jusqu'à \(total) apprenant(s) chacune. Chaque barre se lit de gauche à droite, "
            + "du niveau 0 au niveau \(top) ; les nombres exacts sont dans le tableau « Voir les chiffres »."
        let hidden = measured.count - shown.count
        if hidden > 0, !shown.isEmpty {
            description += " \(hidden) compétence(s) sans chiffre : moins de \(SmallGroups.minimum) apprenants mesurés."
        }
        let most = measured.map { $0.counts.reduce(0, +) }.max() ?? 0
        let chart = !measured.isEmpty && shown.isEmpty
            // Nothing to draw: a sentence rather than bars of notes.
            ? Charts.sentence("Aucune compétence n'a encore été mesurée chez au moins \(SmallGroups.minimum) apprenants "
                + "(\(most) pour l'instant) : la répartition des niveaux sera donnée à partir de \(SmallGroups.minimum), pour que personne ne soit reconnu.")
            : Charts.stackedBars(
                Charts.Caption(id: id, title: title, description: description),
                rows: measured.map { row in
                    SmallGroups.isShown(row.counts.reduce(0, +))
                        ? Charts.StackedRow(label: row.label, counts: Array(row.counts.prefix(top + 1)))
                        : Charts.StackedRow(label: row.label, counts: [], note: SmallGroups.notice)
                },
                categories: (0...top).map { "niv. \($0)" }, unit: "apprenant",
                empty: "Aucun niveau mesuré pour l'instant : les niveaux apparaîtront quand des apprenants auront partagé un positionnement.",
                shades: 9)
        let table = Charts.Table(caption: "Nombre d'apprenants à chaque niveau", columns: ["Compétence"] + (0...top).map { "Niveau \($0)" } + ["Total"],
                                 rows: measured.map { row in
                                     let n = row.counts.reduce(0, +)
                                     guard SmallGroups.isShown(n) else { return [row.label] + (0...top).map { _ in "—" } + [SmallGroups.notice] }
                                     return [row.label] + row.counts.prefix(top + 1).map(String.init) + ["\(n)"]
                                 })
        return ["chart": Charts.scrollable(chart, id: id), "numbers": Charts.numbers(table, id: id, open: open), "hasData": !shown.isEmpty]
    }

    /// A questionnaire's answers as diverging bars: the scale statements (1 to 8, say) and the yes/no ones,
    /// each with its table. `hideSmall`: statements with fewer than 5 answers get no figure (the report).
    static func questionnaireFigures(_ questionnaire: Questionnaire, answers: [(learner: Int64, statement: String, value: Double)],
                                     id: String, hideSmall: Bool = false, open: Bool = false) -> [String: Any] {
        let scale = Array(questionnaire.scale.min...max(questionnaire.scale.min, questionnaire.scale.max))
        func counts(_ statement: Questionnaire.Statement, values: [Int]) -> [Int] {
            let given = answers.filter { $0.statement == statement.id }.map { Int($0.value.rounded()) }
            return values.map { value in given.filter { $0 == value }.count }
        }
        func figure(_ statements: [Questionnaire.Statement], values: [Int], names: [String], low: String, high: String,
                    sides: (String, String), suffix: String, title: String, agreeing: String) -> [String: Any] {
            let rows = statements.map { statement -> (statement: Questionnaire.Statement, counts: [Int], n: Int) in
                let row = counts(statement, values: values)
                return (statement, row, row.reduce(0, +))
            }
            let answered = rows.filter { $0.n > 0 }
            let visible = answered.filter { !hideSmall || SmallGroups.isShown($0.n) }
            let half = values.count / 2
            func share(_ row: (statement: Questionnaire.Statement, counts: [Int], n: Int)) -> Double {
                Double(row.counts.suffix(half).reduce(0, +)) / Double(max(row.n, 1))
            }
            var description = ""
            if let most = visible.max(by: { share($0) < share($1) }), let least = visible.min(by: { share($0) < share($1) }) {
                description = "Part de réponses « \(agreeing) » : de \(Int((share(least) * 100).rounded())) % (« \(least.statement.text) ») "
                    + "à \(Int((share(most) * 100).rounded())) % (« \(most.statement.text) »)."
            }
            if visible.count < answered.count { description += " Les affirmations de moins de \(SmallGroups.minimum) réponses ne sont pas chiffrées." }
            let chart = Charts.likert(
                Charts.Caption(id: id + suffix, title: title, description: description),
                rows: answered.map { row in
                    Charts.LikertRow(label: row.statement.text, counts: row.counts,
                                     note: hideSmall && !SmallGroups.isShown(row.n) ? SmallGroups.notice : nil)
                },
                values: names, lowLabel: low, highLabel: high, empty: "Pas encore de réponse.", sides: sides)
            let table = Charts.Table(caption: "Nombre de réponses à chaque valeur", columns: ["Affirmation"] + names + ["N"], rows: answered.map { row in
                hideSmall && !SmallGroups.isShown(row.n) ? [row.statement.text] + names.map { _ in "—" } + [SmallGroups.notice]
                    : [row.statement.text] + row.counts.map(String.init) + ["\(row.n)"]
            })
            return ["chart": Charts.scrollable(chart, id: id + suffix), "numbers": Charts.numbers(table, id: id + suffix, open: open), "hasData": !answered.isEmpty]
        }
        let scaled = questionnaire.statements.filter { $0.kind == .scale }
        let yesNo = questionnaire.statements.filter { $0.kind == .yesNo }
        var result: [String: Any] = [:]
        if !scaled.isEmpty {
            result["scale"] = figure(scaled, values: scale, names: scale.map(String.init), low: questionnaire.scale.minLabel,
                                     high: questionnaire.scale.maxLabel, sides: ("← pas d'accord", "d'accord →"), suffix: "-echelle",
                                     title: "Réponses de \(questionnaire.scale.min) à \(questionnaire.scale.max) à chaque affirmation", agreeing: "d'accord")
        }
        if !yesNo.isEmpty {
            result["yesNo"] = figure(yesNo, values: [0, 1], names: ["non", "oui"], low: "", high: "", sides: ("← non", "oui →"),
                                     suffix: "-oui-non", title: "Réponses aux questions par oui ou non", agreeing: "oui")
        }
        return result
    }

    /// The same questionnaire before and after the training: two bars per scale statement, « avant » above
    /// « après ». `hideSmall`: a bar of fewer than 5 answers is not drawn (the report).
    static func questionnaireComparison(_ questionnaire: Questionnaire, before: [(learner: Int64, statement: String, value: Double)],
                                        after: [(learner: Int64, statement: String, value: Double)], id: String,
                                        hideSmall: Bool = false, open: Bool = false) -> [String: Any] {
        let scale = Array(questionnaire.scale.min...max(questionnaire.scale.min, questionnaire.scale.max))
        func counts(_ answers: [(learner: Int64, statement: String, value: Double)], _ statement: Questionnaire.Statement) -> [Int] {
            let given = answers.filter { $0.statement == statement.id }.map { Int($0.value.rounded()) }
            return scale.map { value in given.filter { $0 == value }.count }
        }
        var rows: [Charts.LikertRow] = [], tableRows: [[String]] = []
        var shifts: [(text: String, shift: Double)] = []
        for statement in questionnaire.statements where statement.kind == .scale {
            let first = counts(before, statement), second = counts(after, statement)
            let n1 = first.reduce(0, +), n2 = second.reduce(0, +)
            guard n1 + n2 > 0 else { continue }
            func note(_ n: Int) -> String? { n == 0 ? "aucune réponse" : hideSmall && !SmallGroups.isShown(n) ? SmallGroups.notice : nil }
            rows.append(Charts.LikertRow(label: statement.text, counts: first, note: note(n1), tag: "avant"))
            rows.append(Charts.LikertRow(label: "", counts: second, note: note(n2), tag: "après"))
            for (moment, row, n) in [("avant", first, n1), ("après", second, n2)] {
                tableRows.append(note(n) == nil ? [statement.text, moment] + row.map(String.init) + ["\(n)"]
                                 : [statement.text, moment] + row.map { _ in "—" } + [note(n) ?? ""])
            }
            if note(n1) == nil, note(n2) == nil {
                let half = scale.count / 2
                let agree1 = Double(first.suffix(half).reduce(0, +)) / Double(n1), agree2 = Double(second.suffix(half).reduce(0, +)) / Double(n2)
                shifts.append((statement.text, agree2 - agree1))
            }
        }
        var description = "Pour chaque affirmation, la barre du haut donne les réponses avant la formation, celle du bas après."
        if let most = shifts.max(by: { $0.shift < $1.shift }), most.shift > 0 {
            description += " Plus forte hausse de la part d'accord : « \(most.text) » (\(Charts.signed(most.shift * 100, digits: 0)) points)."
        }
        let chart = Charts.likert(
            Charts.Caption(id: id, title: "Degré d'accord avant et après la formation", description: description),
            rows: rows, values: scale.map(String.init), lowLabel: questionnaire.scale.minLabel, highLabel: questionnaire.scale.maxLabel,
            empty: "Pas encore de réponse à comparer.")
        let table = Charts.Table(caption: "Nombre de réponses à chaque valeur, avant et après la formation",
                                 columns: ["Affirmation", "Moment"] + scale.map(String.init) + ["N"], rows: tableRows)
        return ["chart": Charts.scrollable(chart, id: id), "numbers": Charts.numbers(table, id: id, open: open), "hasData": !rows.isEmpty]
    }

    /// Modules completed week by week, and the table behind the chart.
    static func completionFigure(_ timeline: CompletionTimeline, id: String, open: Bool = false) -> [String: Any] {
        let last = timeline.weeks.last?.completed ?? 0
        let points = timeline.weeks.map { Charts.Point(label: CompletionTimeline.label($0.start), value: $0.completed) }
        let chart = Charts.steps(
            Charts.Caption(id: id, title: "Modules terminés par les apprenants de la cohorte, semaine après semaine",
                           description: "\(last) module(s) terminé(s) sur \(timeline.assigned) attribué(s) en tout à la fin de cette semaine"
                            + (timeline.weeks.first.map { ", depuis la semaine du \(CompletionTimeline.label($0.start))" } ?? "") + "."),
            points: points, maximum: timeline.assigned, maximumLabel: "\(timeline.assigned) modules attribués en tout",
            axisTitle: "Semaine (date du lundi)", empty: "Aucun module n'est encore attribué à cette cohorte.")
        let table = Charts.Table(caption: "Modules terminés à la fin de chaque semaine (cumul)",
                                 columns: ["Semaine du", "Modules terminés", "Sur"],
                                 rows: timeline.assigned == 0 ? [] : timeline.weeks.map { [CompletionTimeline.label($0.start), "\($0.completed)", "\(timeline.assigned)"] })
        return ["chart": Charts.scrollable(chart, id: id), "numbers": Charts.numbers(table, id: id, open: open), "hasData": timeline.assigned > 0]
    }

    // MARK: Printable report for funders

    /// One document that prints on A4 in black and white: the cohort, modules completed week by week and per
    /// module, the gains from each initial to the latest final positioning of a framework, the levels, and
    /// the questionnaires. Aggregates only, no learner's name, and nothing about fewer than 5 learners.
    func printableReport(_ cohort: Cohort) throws -> HTTPResponse {
        let report = try cohortReport(cohort.id)
        let assignments = try store.assignments(cohortID: cohort.id, kind: .assessment)
        var gainSections: [[String: Any]] = []
        for frameworkID in Array(Set(assignments.map(\.contentID))).sorted() {
            guard let framework = catalog.framework(id: frameworkID) else { continue }
            let ofFramework = assignments.filter { $0.contentID == frameworkID }
            guard let pair = WebApp.comparedPositionings(ofFramework, before: nil, after: nil) else { continue }
            let gains = try cohortGains(pair.before, pair.after, framework)
            var section = WebApp.gainsFigure(gains, framework: framework, id: "gains-\(gainSections.count + 1)", open: true)
            section["framework"] = framework.title
            section["beforeLabel"] = positioningLabel(pair.before, withFramework: false)
            section["afterLabel"] = positioningLabel(pair.after, withFramework: false)
            gainSections.append(section)
        }
        var levelSections: [[String: Any]] = []
        for frameworkID in Array(Set(assignments.map(\.contentID))).sorted() {
            guard let framework = catalog.framework(id: frameworkID) else { continue }
            let prefix = "\(framework.id):"
            let counts = report.distribution.filter { $0.key.hasPrefix(prefix) }.map { (label: $0.label, counts: $0.counts) }
            var section = WebApp.levelsFigure(counts, id: "niveaux-\(levelSections.count + 1)",
                                              title: "\(framework.title) : niveaux des apprenants par compétence (dernier positionnement partagé)",
                                              open: true)
            section["framework"] = framework.title
            levelSections.append(section)
        }
        var questionnaires: [[String: Any]] = []
        let questionnaireAssignments = try store.assignments(cohortID: cohort.id, kind: .questionnaire)
        for assignment in questionnaireAssignments {
            guard let questionnaire = catalog.questionnaire(id: assignment.contentID) else { continue }
            let settings = try? JSONDecoder().decode(QuestionnaireSettings.self, from: Data(assignment.settings.utf8))
            let answers = try store.questionnaireAnswers(assignmentID: assignment.id)
            var section = WebApp.questionnaireFigures(questionnaire, answers: answers, id: "questionnaire-\(questionnaires.count + 1)",
                                                      hideSmall: true, open: true)
            if settings?.administration == "apres",
               let before = questionnaireAssignments.last(where: { candidate in
                   candidate.contentID == assignment.contentID && candidate.id != assignment.id
                       && (try? JSONDecoder().decode(QuestionnaireSettings.self, from: Data(candidate.settings.utf8)))?.administration == "avant"
               }) {
                section["comparison"] = WebApp.questionnaireComparison(
                    questionnaire, before: try store.questionnaireAnswers(assignmentID: before.id), after: answers,
                    id: "comparaison-\(questionnaires.count + 1)", hideSmall: true, open: true)
            }
            section["title"] = "\(questionnaire.title) (\(WebApp.administrationLabel(settings?.administration ?? "unique")))"
            section["respondents"] = Set(answers.map(\.learner)).count
            questionnaires.append(section)
        }
        let timeline = try CompletionTimeline.build(service: modulesService, cohortID: cohort.id)
        return .html(templates.render("rapport", [
            "title": "Rapport — \(cohort.name)", "cohort": cohort.name, "organisation": report.organisation,
            "date": French.day(French.today()),
            "learners": report.learners.count,
            "completion": WebApp.completionFigure(timeline, id: "modules-semaines", open: true),
            "modules": report.modules.map { ["title": $0.title, "complete": $0.complete, "inProgress": $0.inProgress,
                                             "notStarted": $0.notStarted + $0.locked] },
            "hasModules": !report.modules.isEmpty,
            "gains": gainSections, "hasGains": !gainSections.isEmpty,
            "levels": levelSections, "hasLevels": !levelSections.isEmpty,
            "questionnaires": questionnaires, "hasQuestionnaires": !questionnaires.isEmpty,
        ]))
    }
}
