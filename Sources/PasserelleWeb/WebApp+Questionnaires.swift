import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// Questionnaires: learners answer them (`GET|POST /questionnaires/{assignment}`); trainers open one for a
/// cohort (`POST /formateur/cohortes/{cohort}/questionnaires`) and read its statistics
/// (`GET /formateur/questionnaires/{assignment}?par=attribut`), with the other administration (before or
/// after) beside it when there is one.
extension WebApp {
    struct QuestionnaireSettings: Codable { var administration: String }

    static func administrationLabel(_ value: String) -> String {
        switch value {
        case "avant": return "avant la formation"
        case "apres": return "après la formation"
        default: return "passation unique"
        }
    }

    /// `POST /formateur/cohortes/{cohort}/questionnaires`: opens a questionnaire for the cohort, a group or a
    /// learner (the router has checked the trainer may see the cohort).
    func openQuestionnaire(_ request: HTTPRequest, _ user: StaffUser, cohortID: Int64) -> HTTPResponse {
        guard let questionnaire = catalog.questionnaire(id: request.formValue("questionnaire") ?? "") else {
            return errorResponse(request, status: 400, message: "Choisissez un questionnaire de la liste.")
        }
        let chosen = request.formValue("passation") ?? ""
        let administration = ["avant", "apres"].contains(chosen) ? chosen : "unique"
        let settings = String(decoding: (try? JSONEncoder.sorted.encode(QuestionnaireSettings(administration: administration))) ?? Data(), as: UTF8.self)
        guard let cohort = try? store.cohort(id: cohortID), let target = try? assignmentTarget(request, cohort) else {
            return errorResponse(request, status: 400, message: "Ce groupe ou cet apprenant n'est pas dans la cohorte.")
        }
        guard let id = try? store.createAssignment(cohortID: target.learnerID == nil ? cohortID : nil, learnerID: target.learnerID,
                                                   group: target.group, kind: .questionnaire, contentID: questionnaire.id,
                                                   settings: settings, createdBy: user.id) else {
            return errorResponse(request, status: 500, message: WebApp.serverTrouble)
        }
        return .redirect(to: "/formateur/questionnaires/\(id)")
    }

    /// Questionnaires assigned to a learner, for the home page.
    func questionnaireRows(for learner: Learner) -> [[String: Any]] {
        ((try? store.assignments(for: learner, kind: .questionnaire)) ?? []).compactMap { assignment in
            guard let questionnaire = catalog.questionnaire(id: assignment.contentID) else { return nil }
            let answered = ((try? store.questionnaireAnswers(assignmentID: assignment.id)) ?? []).contains { $0.learner == learner.id }
            return ["id": assignment.id, "title": questionnaire.title, "answered": answered]
        }
    }

    /// `GET|POST /questionnaires/{assignment}`: the questionnaire and, on POST, the learner's answers.
    func learnerQuestionnaire(_ context: RouteContext) -> HTTPResponse {
        let request = context.request
        guard let learner = context.learner else { return .redirect(to: "/connexion") }
        guard let assignmentID = context.integer("assignment"), let assignment = try? store.assignment(id: assignmentID, for: learner), assignment.kind == .questionnaire,
              let questionnaire = catalog.questionnaire(id: assignment.contentID) else {
            return errorResponse(request, status: 404, message: "Ce questionnaire n'existe pas ou ne vous est pas destiné.")
        }
        let administration = (try? JSONDecoder().decode(QuestionnaireSettings.self, from: Data(assignment.settings.utf8)))?.administration ?? "unique"
        var missing: [String] = []
        if request.method == "POST" {
            var values: [String: Double] = [:]
            for statement in questionnaire.statements {
                let raw = request.formValue("reponse_\(statement.id)") ?? ""
                switch statement.kind {
                case .scale:
                    if let value = Int(raw), (questionnaire.scale.min...questionnaire.scale.max).contains(value) {
                        values[statement.id] = Double(value)
                    } else { missing.append(statement.id) }
                case .yesNo:
                    if raw == "oui" { values[statement.id] = 1 } else if raw == "non" { values[statement.id] = 0 } else { missing.append(statement.id) }
                }
            }
            if missing.isEmpty {
                do {
                    try store.saveQuestionnaireAnswers(learnerID: learner.id, assignmentID: assignment.id, questionnaireID: questionnaire.id,
                                                       administration: administration, values: values)
                    return .redirect(to: "/questionnaires/\(assignment.id)?merci=1")
                } catch {
                    return errorResponse(request, status: 500, message: WebApp.serverTrouble)
                }
            }
        }
        let form = request.formFields()
        let statements: [[String: Any]] = questionnaire.statements.map { statement in
            let given = form.first { $0.name == "reponse_\(statement.id)" }?.value
            var row: [String: Any] = ["id": statement.id, "text": statement.text, "missing": missing.contains(statement.id)]
            if statement.kind == .scale {
                row["isScale"] = true
                row["scale"] = (questionnaire.scale.min...questionnaire.scale.max).map { ["value": $0, "checked": given == "\($0)"] }
            } else {
                row["yesNo"] = ["oui": given == "oui", "non": given == "non"]
            }
            return row
        }
        var context: [String: Any] = [
            "title": questionnaire.title, "assignmentID": assignment.id, "description": questionnaire.description,
            "minLabel": questionnaire.scale.minLabel, "maxLabel": questionnaire.scale.maxLabel,
            "min": questionnaire.scale.min, "max": questionnaire.scale.max, "statements": statements,
            "thanks": request.queryValue("merci") == "1",
        ]
        if !missing.isEmpty { context["error"] = "Répondez à chaque question : \(missing.count) réponse(s) manquent (elles sont signalées)." }
        return .html(templates.render("questionnaire", context), status: missing.isEmpty ? 200 : 400)
    }

    /// Statistics per statement as CSV (French conventions): N, mean, SD, share agreeing or share of "yes".
    func questionnaireCSV(_ request: HTTPRequest, _ user: StaffUser, assignmentID: Int64) -> HTTPResponse {
        guard let assignment = try? store.assignment(id: assignmentID), assignment.kind == .questionnaire,
              let cohortID = assignment.cohortID,
              (try? store.cohorts(visibleTo: user))?.contains(where: { $0.id == cohortID }) == true,
              let questionnaire = catalog.questionnaire(id: assignment.contentID) else {
            return errorResponse(request, status: 404, message: "Ce questionnaire n'existe pas ou ne vous est pas confié.")
        }
        let answers = (try? store.questionnaireAnswers(assignmentID: assignment.id)) ?? []
        let rows = QuestionnaireStatistics.rows(questionnaire, answers: answers)
        let csv = CSVWriter()
        var body = csv.preamble + csv.line([.text("Affirmation"), .text("Type"), .text("N"), .text("Moyenne"), .text("Écart-type"),
                                            .text("Part d'accord ou de oui")])
        for (statement, row) in zip(questionnaire.statements, rows) {
            let scale = statement.kind == .scale
            body += csv.line([.text(statement.text), .text(scale ? "échelle \(questionnaire.scale.min)-\(questionnaire.scale.max)" : "oui/non"),
                              .integer(row.summary.n),
                              scale && row.summary.n > 0 ? .number(row.summary.mean) : .empty,
                              scale && row.summary.n > 1 ? .number(row.summary.standardDeviation) : .empty,
                              row.summary.n > 0 ? .number(row.summary.shareAgreeing) : .empty])
        }
        return WebApp.download(body, name: "passerelle-questionnaire-\(assignment.id).csv")
    }

    func questionnaireStatistics(_ request: HTTPRequest, _ user: StaffUser, assignmentID: Int64) -> HTTPResponse {
        guard let assignment = try? store.assignment(id: assignmentID), assignment.kind == .questionnaire,
              let cohortID = assignment.cohortID,
              let cohort = (try? store.cohorts(visibleTo: user))?.first(where: { $0.id == cohortID }),
              let questionnaire = catalog.questionnaire(id: assignment.contentID) else {
            return errorResponse(request, status: 404, message: "Ce questionnaire n'existe pas ou ne vous est pas confié.")
        }
        let settings = try? JSONDecoder().decode(QuestionnaireSettings.self, from: Data(assignment.settings.utf8))
        let answers = (try? store.questionnaireAnswers(assignmentID: assignment.id)) ?? []
        let learners = (try? store.learners(cohortID: cohort.id)) ?? []
        // The other administration of the same questionnaire in this cohort (before/after), if any.
        let other = ((try? store.assignments(cohortID: cohort.id, kind: .questionnaire)) ?? []).last { candidate in
            candidate.id != assignment.id && candidate.contentID == assignment.contentID
                && (try? JSONDecoder().decode(QuestionnaireSettings.self, from: Data(candidate.settings.utf8)))?.administration
                    != settings?.administration
        }
        let otherAnswers = other.flatMap { try? store.questionnaireAnswers(assignmentID: $0.id) } ?? []
        func format(_ value: Double, digits: Int = 1) -> String {
            String(format: "%.\(digits)f", value).replacingOccurrences(of: ".", with: ",")
        }
        func percent(_ value: Double) -> String { "\(Int((value * 100).rounded())) %" }
        let rows = QuestionnaireStatistics.rows(questionnaire, answers: answers)
        let otherRows = QuestionnaireStatistics.rows(questionnaire, answers: otherAnswers)
        let attributes = Array(Set(learners.flatMap(\.attributes.keys))).sorted()
        let group = request.queryValue("par").flatMap { attributes.contains($0) ? $0 : nil }
        var groupOf: [Int64: String] = [:]
        for learner in learners { groupOf[learner.id] = group.flatMap { learner.attributes[$0] } ?? "" }
        let groups = Array(Set(groupOf.values.filter { !$0.isEmpty })).sorted()
        let statementRows: [[String: Any]] = questionnaire.statements.enumerated().map { index, statement in
            let summary = rows[index].summary
            var row: [String: Any] = ["text": statement.text, "n": summary.n, "yesNo": statement.kind == .yesNo]
            if statement.kind == .scale {
                row["mean"] = summary.n > 0 ? format(summary.mean, digits: 2) : "—"
                row["sd"] = summary.n > 1 ? format(summary.standardDeviation, digits: 2) : "—"
                row["agree"] = summary.n > 0 ? percent(summary.shareAgreeing) : "—"
            } else {
                row["agree"] = summary.n > 0 ? "\(percent(summary.shareAgreeing)) de oui" : "—"
            }
            if other != nil {
                let previous = otherRows[index].summary
                row["otherMean"] = previous.n > 0 ? (statement.kind == .scale ? format(previous.mean, digits: 2) : "\(percent(previous.shareAgreeing)) de oui") : "—"
                row["otherN"] = previous.n
            }
            row["groups"] = groups.map { name -> [String: Any] in
                let inGroup = answers.filter { groupOf[$0.learner] == name }
                let value = QuestionnaireStatistics.rows(questionnaire, answers: inGroup)[index].summary
                // A group of fewer than 5 answers shows no figure: it would be one or two people's answers.
                let text = value.n == 0 ? "—" : !SmallGroups.isShown(value.n) ? SmallGroups.notice
                    : statement.kind == .scale ? "\(format(value.mean, digits: 2)) (n = \(value.n))"
                    : "\(percent(value.shareAgreeing)) de oui (n = \(value.n))"
                return ["value": text]
            }
            return row
        }
        let respondents = Set(answers.map(\.learner)).count
        // Before and after the training side by side, when this one and the other are those two.
        let administrations = [settings?.administration, other.flatMap {
            (try? JSONDecoder().decode(QuestionnaireSettings.self, from: Data($0.settings.utf8)))?.administration
        }]
        let comparison: [String: Any]? = administrations == ["avant", "apres"]
            ? WebApp.questionnaireComparison(questionnaire, before: answers, after: otherAnswers, id: "comparaison")
            : administrations == ["apres", "avant"]
            ? WebApp.questionnaireComparison(questionnaire, before: otherAnswers, after: answers, id: "comparaison") : nil
        var context: [String: Any] = [
            "title": "\(questionnaire.title) — \(cohort.name)", "cohort": cohort.name, "questionnaire": questionnaire.title,
            "administration": WebApp.administrationLabel(settings?.administration ?? "unique"),
            "administrationTitle": WebApp.administrationLabel(settings?.administration ?? "unique").prefix(1).uppercased()
                + WebApp.administrationLabel(settings?.administration ?? "unique").dropFirst(),
            "otherAdministration": other.map { _ in WebApp.administrationLabel(settings?.administration == "avant" ? "apres" : "avant") } as Any,
            "hasOther": other != nil, "respondents": respondents, "learners": learners.count,
            "midpoint": format(Double(questionnaire.scale.min + questionnaire.scale.max) / 2),
            "rows": statementRows, "attributes": attributes.map { ["name": $0, "selected": $0 == group] },
            "hasAttributes": !attributes.isEmpty, "groups": groups.map { ["name": $0] }, "hasGroups": !groups.isEmpty,
            "group": group ?? "", "assignmentID": assignment.id,
            "figures": WebApp.questionnaireFigures(questionnaire, answers: answers, id: "questionnaire"),
            "smallGroups": SmallGroups.minimum,
        ]
        if let comparison { context["comparison"] = comparison }
        return .html(templates.render("formateur-questionnaire", context))
    }
}
