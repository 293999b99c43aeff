import Foundation
import HTTPServer
import PasserelleContent
import PasserelleCore
import PasserelleStore

/// The trainer's form to open a positioning for a cohort, on its own page: the framework first (step 1),
/// then only that framework's competences (step 2), in plain words, with an estimate of the number of
/// questions and a sample question as learners will see it. Works without JavaScript; a small script only
/// updates the estimate as boxes are ticked. A refused form comes back with what was typed and the message
/// next to the field.
///
/// `GET /formateur/cohortes/{cohort}/positionnements[?referentiel=ID]`, `POST` the same address,
/// `GET /formateur/cohortes/{cohort}/positionnements/apercu?referentiel=ID`.
extension WebApp {
    /// What the form sent, read as bounded text (nothing here is trusted: it is checked by `validated`).
    struct AssessmentFormInput {
        var frameworkID = ""
        var target = "cohorte"
        var purpose = "initial"
        var algorithm = AssessmentAlgorithm.smartRandom.rawValue
        var competences: Set<String> = []
        var maxLevel = "6"
        var due = ""
        /// « Tenir compte des réponses récentes » ticked: knowledge carried over from the learner's recent runs.
        var carryOver = false
        /// False on a first display: every competence is then ticked.
        var submitted = false
        /// The page's form sends `cases=1` with its competence boxes.
        var boxesSent = false

        static func read(_ fields: [HTTPField]) -> AssessmentFormInput {
            func value(_ name: String) -> String? {
                fields.first { $0.name == name }.map { String($0.value.trimmingCharacters(in: .whitespaces).prefix(200)) }
            }
            var input = AssessmentFormInput()
            input.submitted = true
            input.frameworkID = value("referentiel") ?? ""
            input.target = value("pour") ?? "cohorte"
            input.purpose = value("objet") ?? "initial"
            input.algorithm = value("algorithme") ?? ""
            input.competences = Set(fields.filter { $0.name == "competences" }.prefix(200).map { String($0.value.prefix(50)) })
            input.maxLevel = value("niveau_max") ?? ""
            input.due = value("echeance") ?? ""
            input.carryOver = value("reprendre") == "1"
            input.boxesSent = value("cases") == "1"
            return input
        }
    }

    /// The page's messages, one per field (the field's id is the key).
    typealias FieldErrors = [(field: String, message: String)]

    static let assessmentDateHelp = "La date s'écrit jour/mois/année, par exemple 31/01/2027 (ou laissez vide)."

    /// `GET /formateur/cohortes/{cohort}/positionnements`: step 1 (the framework), or step 2 once it is chosen.
    func assessmentFormPage(_ request: HTTPRequest, _ cohort: Cohort) throws -> HTTPResponse {
        let chosen = String((request.queryValue("referentiel") ?? "").prefix(200))
        if let framework = catalog.framework(id: chosen) {
            var input = AssessmentFormInput()
            input.frameworkID = framework.id
            input.competences = Set(framework.competences.map(\.id))
            return try assessmentForm(cohort, framework, input, errors: [])
        }
        if catalog.frameworks.count == 1, let only = catalog.frameworks.first {
            var input = AssessmentFormInput()
            input.frameworkID = only.id
            input.competences = Set(only.competences.map(\.id))
            return try assessmentForm(cohort, only, input, errors: [])
        }
        return .html(templates.render("formateur-ouvrir", [
            "title": "Ouvrir un positionnement — \(cohort.name)", "cohort": cohort.name, "cohortID": cohort.id,
            "chooseFramework": true,
            "frameworks": catalog.frameworks.enumerated().map { index, framework in
                ["id": framework.id, "title": framework.title, "checked": index == 0,
                 "summary": "\(framework.competences.count) compétences : "
                    + framework.domains.map(\.title).joined(separator: ", ") + "."] as [String: Any]
            },
        ]))
    }

    /// Step 2: the form for one framework, with `input` shown again and `errors` next to their fields.
    func assessmentForm(_ cohort: Cohort, _ framework: Framework, _ input: AssessmentFormInput, errors: FieldErrors,
                        status: Int = 200) throws -> HTTPResponse {
        let learners = try store.learners(cohortID: cohort.id)
        func error(_ field: String) -> String? { errors.first { $0.field == field }?.message }
        let all = AssessmentSettings(frameworkID: framework.id)
        let typicalAll = assessments.typicalLength(all)
        let perCompetence = typicalAll.map { Double($0) / Double(max(1, framework.competences.count)) }
        let chosenCount = framework.competences.filter { input.competences.contains($0.id) }.count
        var context: [String: Any] = [
            "title": "Ouvrir un positionnement — \(cohort.name)", "cohort": cohort.name, "cohortID": cohort.id,
            "form": true, "steps": catalog.frameworks.count > 1,
            "framework": framework.title, "frameworkID": framework.id,
            "targets": WebApp.assignmentTargets(learners).map { target -> [String: Any] in
                var option = target
                option["selected"] = (target["value"] as? String) == input.target
                return option
            },
            "purposes": [("initial", "Positionnement initial (avant la formation)"), ("final", "Positionnement final (après la formation)"),
                         ("free", "Positionnement libre")].map { ["value": $0.0, "label": $0.1, "selected": $0.0 == input.purpose] },
            "classic": input.algorithm != AssessmentAlgorithm.irt.rawValue,
            "calibrated": input.algorithm == AssessmentAlgorithm.irt.rawValue,
            "domains": framework.domains.map { domain in
                ["title": domain.title, "competences": domain.competences.map {
                    ["id": $0.id, "title": $0.title, "checked": input.competences.contains($0.id)] as [String: Any]
                }] as [String: Any]
            },
            "levels": (1...8).map { ["value": $0, "selected": String($0) == input.maxLevel] as [String: Any] },
            "due": input.due,
            "carryOver": input.carryOver, "carryOverDays": AssessmentSettings.carryOverDelayDays,
            "estimate": WebApp.questionEstimate(perCompetence: perCompetence, chosen: chosenCount, irtLength: all.maxLength),
            "perCompetence": perCompetence.map { String(format: "%.2f", $0) } ?? "0", "irtLength": all.maxLength,
            "previewLink": "/formateur/cohortes/\(cohort.id)/positionnements/apercu?referentiel=\(framework.id)",
        ]
        if !errors.isEmpty {
            context["errors"] = errors.map { ["field": $0.field, "message": $0.message] }
            context["hasErrors"] = true
        }
        // Keys per field (Mustache names): the message next to the field, and the focus on the first one refused.
        let keys = ["competences": "Competences", "echeance": "Echeance", "pour": "Pour", "algorithme": "Algorithme", "niveau": "Niveau"]
        for (field, key) in keys {
            if let message = error(field) { context["error\(key)"] = message }
        }
        if let first = errors.first?.field, let key = keys[first] { context["focus\(key)"] = true }
        return .html(templates.render("formateur-ouvrir", context), status: status)
    }

    /// « Environ N questions » for the ticked competences, from the simulated typical length of the framework.
    static func questionEstimate(perCompetence: Double?, chosen: Int, irtLength: Int) -> String {
        guard chosen > 0 else { return "Cochez au moins une compétence." }
        let competences = chosen == 1 ? "1 compétence" : "\(chosen) compétences"
        guard let perCompetence, perCompetence > 0 else {
            // Before the simulation is done: 7 to 10 questions per competence, from our simulations.
            return "Avec \(competences) : environ \(7 * chosen) à \(10 * chosen) questions avec le test adaptatif classique, "
                + "\(min(irtLength, 10 * chosen)) au plus avec le test court calibré. "
                + "Le positionnement peut se faire en plusieurs fois : il reprend là où il s'est arrêté."
        }
        let estimate = max(5, Int((perCompetence * Double(chosen) / 5).rounded()) * 5)
        let minutes = max(5, Int((Double(estimate) * 0.75 / 5).rounded()) * 5)
        return "Avec \(competences) : environ \(estimate) questions "
            + "(à peu près \(minutes) minutes) avec le test adaptatif classique, \(min(irtLength, estimate)) au plus avec le test court calibré. "
            + "Le positionnement peut se faire en plusieurs fois : il reprend là où il s'est arrêté."
    }

    /// `POST /formateur/cohortes/{cohort}/positionnements`: opens the positioning, or shows the form again.
    func openAssessment(_ request: HTTPRequest, _ user: StaffUser, _ cohort: Cohort) throws -> HTTPResponse {
        let input = AssessmentFormInput.read(request.formFields())
        guard let framework = catalog.framework(id: input.frameworkID) else {
            return try assessmentFormPage(request, cohort)  // back to step 1: choose a framework from the list
        }
        var errors: FieldErrors = []
        // The page's form says it sent its boxes: none ticked is then a mistake. Without that field (a script,
        // an older page) no competence means every competence.
        let chosenCompetences = input.competences.isEmpty && !input.boxesSent ? Set(framework.competences.map(\.id))
            : input.competences.intersection(framework.competences.map(\.id))
        if chosenCompetences.isEmpty {
            errors.append(("competences", "Cochez au moins une compétence."))
        }
        let algorithm = AssessmentAlgorithm(rawValue: input.algorithm)
        if algorithm == nil { errors.append(("algorithme", "Choisissez le type de test.")) }
        let maxLevel = Int(input.maxLevel).flatMap { (1...8).contains($0) ? $0 : nil }
        if maxLevel == nil { errors.append(("niveau", "Choisissez le niveau le plus haut dans la liste (de 1 à 8).")) }
        let due = WebApp.dueDate(input.due)
        if due == nil { errors.append(("echeance", WebApp.assessmentDateHelp)) }
        let target = try assignmentTarget(request, cohort)
        if target == nil { errors.append(("pour", "Ce groupe ou cet apprenant n'est pas dans la cohorte : choisissez dans la liste.")) }
        guard errors.isEmpty, let algorithm, let maxLevel, let due, let target else {
            return try assessmentForm(cohort, framework, input, errors: errors, status: 400)
        }
        let purpose = AssessmentRecord.Purpose(rawValue: input.purpose) ?? .free
        // Target profile: the tubes of the chosen competences, capped at the maximum level; none when the
        // trainer keeps every competence.
        var profile: TargetProfile?
        if chosenCompetences.count < framework.competences.count {
            var tubes: [String: Int] = [:]
            for competence in framework.competences where chosenCompetences.contains(competence.id) {
                for tube in competence.tubes { tubes[tube.id] = maxLevel }
            }
            profile = TargetProfile(tubes: tubes)
        }
        let chosen = AssessmentAssignment(
            settings: AssessmentSettings(frameworkID: framework.id, algorithm: algorithm, profile: profile, maxLevel: maxLevel,
                                         carryOverDays: input.carryOver ? AssessmentSettings.carryOverDelayDays : nil),
            purpose: purpose)
        let id = try store.createAssignment(
            cohortID: target.learnerID == nil ? cohort.id : nil, learnerID: target.learnerID, group: target.group,
            kind: .assessment, contentID: framework.id,
            settings: String(decoding: try JSONEncoder.sorted.encode(chosen), as: UTF8.self),
            dueDate: due, createdBy: user.id)
        try store.audit(AuditEntry(action: "assessment-open", actorUserID: user.id, targetType: "assignment",
                                   targetID: String(id)))
        return .redirect(to: "/formateur/positionnements/\(id)?ouvert=1")
    }

    /// `GET /formateur/cohortes/{cohort}/positionnements/apercu?referentiel=ID`: the first question of the
    /// framework as learners see it, read-only (nothing can be sent, nothing is recorded).
    func assessmentPreview(_ request: HTTPRequest, _ cohort: Cohort) throws -> HTTPResponse {
        guard let framework = catalog.framework(id: String((request.queryValue("referentiel") ?? "").prefix(200))) else {
            return try assessmentFormPage(request, cohort)
        }
        let settings = AssessmentSettings(frameworkID: framework.id)
        let engine = try assessments.engine(settings)
        let seed = AssessmentService.seedText(Int64(cohort.id))
        guard let item = engine.nextItem(answers: [], elements: [], seed: seed) else {
            return errorResponse(request, status: 404, message: "Ce référentiel n'a pas encore de questions.")
        }
        let view = ItemView(item, seed: seed)
        var context: [String: Any] = [
            "title": "Aperçu — \(framework.title)", "heading": framework.title, "preview": true,
            "back": "/formateur/cohortes/\(cohort.id)/positionnements?referentiel=\(framework.id)",
            "number": 1, "remainingText": "Le test s'arrête dès qu'il en sait assez sur vous.",
            "progressValue": 0, "progressMax": 1, "itemID": view.id, "promptHTML": view.promptHTML, "spokenText": view.spokenText,
        ]
        if let image = view.image { context["image"] = ["src": "/contenu/\(image.src)", "alt": image.alt] }
        context.merge(ItemForm.context(view, describedBy: "enonce", given: [])) { _, new in new }
        return .html(templates.render("question", context))
    }
}
