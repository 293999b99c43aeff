import Foundation
import PasserelleCore

/// The cohort tracker as the templates see it: the competences heat map, the learners x modules grid and the
/// summary above them, for one page of learners in the asked order.
///
/// Every optional part is given as a boolean or an absent key, never as an empty string (Mustache renders a
/// section for "" too): a label, a link or a separator exists only when there is something to show.
struct TrackerPage {
    let cohortID: Int64
    let report: CohortReport
    let query: TrackerQuery
    /// Submitted reflections and observation grids nobody has commented yet.
    let toReview: Int
    /// The address the sort and page links go to (the tracker, or the modules page for its grid).
    let path: String

    let paging: Paging
    /// The rows of the page shown, in the asked order (sorted once).
    let shown: ArraySlice<CohortReport.LearnerRow>

    /// `nameKeys`: `TrackerQuery.nameKey` of each of the report's learners, when the caller keeps them.
    init(cohortID: Int64, report: CohortReport, nameKeys: [String]? = nil, query: TrackerQuery, toReview: Int, path: String) {
        self.cohortID = cohortID
        self.report = report
        self.query = query
        self.toReview = toReview
        self.path = path
        paging = Paging(total: report.learners.count, page: query.page)
        let order = TrackerQuery.order(report.learners, names: nameKeys, by: query.sort, descending: query.descending)
        shown = ArraySlice(order[paging.range].map { report.learners[$0] })
    }

    static func trackerPath(_ cohortID: Int64) -> String { "/formateur/cohortes/\(cohortID)/suivi" }

    func context() -> [String: Any] {
        var context: [String: Any] = [
            "cohortID": cohortID,
            "summary": summary(),
            "tabs": TrackerQuery.View.allCases.map { view -> [String: Any] in
                ["label": view.label,
                 "href": TrackerPage.trackerPath(cohortID) + query.view(view).queryString,
                 "current": view == query.view]
            },
            "isCompetences": query.view == .competences,
            "isModules": query.view == .modules,
            "isDistribution": query.view == .distribution,
            "hasLearners": !report.learners.isEmpty,
            "sortedBy": sortDescription,
        ]
        context.merge(pagingContext()) { a, _ in a }
        context.merge(competencesContext()) { a, _ in a }
        context.merge(modulesContext()) { a, _ in a }
        if query.view == .distribution { context["levels"] = distributionFigure() }
        return context
    }

    // MARK: Summary, order, pages

    func summary() -> [[String: Any]] {
        let count = report.learners.count
        let helped = report.learners.filter { !$0.needsHelp.isEmpty }.count
        var items: [[String: Any]] = [["text": "\(French.count(count, "apprenant", "apprenants"))"]]
        if toReview > 0 {
            items.append(["text": "\(French.count(toReview, "travail", "travaux")) à relire",
                          "href": "/formateur/cohortes/\(cohortID)/modules#relectures", "strong": true])
        } else {
            items.append(["text": "Aucun travail à relire"])
        }
        if helped > 0 {
            items.append(["text": helped == 1 ? "1 apprenant a besoin d'aide" : "\(French.count(helped, "", "")) apprenants ont besoin d'aide",
                          "href": path + TrackerQuery(view: query.view, sort: .help).queryString, "strong": true])
        } else if count > 0 {
            items.append(["text": "Personne n'a besoin d'aide pour l'instant"])
        }
        return items
    }

    var sortDescription: String {
        let direction: String
        switch query.sort {
        case .name: return query.descending ? "Classés par nom, de Z à A." : "Classés par nom, de A à Z."
        case .level, .competence:
            direction = query.descending ? "du plus fort au plus faible" : "du plus faible au plus fort"
        case .activity:
            return query.descending ? "Classés par dernière activité, la plus récente d'abord."
                : "Classés par dernière activité, la plus ancienne d'abord."
        case .help:
            return query.descending ? "Classés par besoin d'aide, les plus nombreux d'abord."
                : "Classés par besoin d'aide, les moins nombreux d'abord."
        }
        if case .competence(let key) = query.sort, let column = report.columns.first(where: { $0.key == key }) {
            return "Classés par niveau en « \(column.label) \(column.title) », \(direction)."
        }
        return "Classés par niveau moyen, \(direction)."
    }

    func pagingContext() -> [String: Any] {
        let paging = paging
        var context: [String: Any] = ["hasPages": paging.pageCount > 1]
        guard !report.learners.isEmpty else { return context }
        context["range"] = paging.pageCount > 1
            ? "Apprenants \(French.count(paging.range.lowerBound + 1, "", "")) à \(French.count(paging.range.upperBound, "", "")) sur \(French.count(paging.total, "", ""))"
            : French.count(paging.total, "apprenant", "apprenants")
        context["pageLabel"] = "Page \(paging.page) sur \(paging.pageCount)"
        context["pageCount"] = paging.pageCount
        context["page"] = paging.page
        if paging.hasPrevious { context["previous"] = path + query.page(paging.page - 1).queryString }
        if paging.hasNext { context["next"] = path + query.page(paging.page + 1).queryString }
        // The hidden fields of the « go to page » form: the view and order kept.
        var hidden: [[String: String]] = []
        if query.view != .competences { hidden.append(["name": "vue", "value": query.view.rawValue]) }
        if query.sort != .name { hidden.append(["name": "tri", "value": query.sort.parameter]) }
        if query.descending != query.sort.descendingByDefault {
            hidden.append(["name": "ordre", "value": query.descending ? "decroissant" : "croissant"])
        }
        context["pageFields"] = hidden
        context["pageAction"] = path
        return context
    }

    /// A sortable header: its link (the other direction when it is already the order) and `aria-sort`.
    func header(_ sort: TrackerQuery.Sort, _ text: String = "") -> [String: Any] {
        var header: [String: Any] = ["href": path + query.sorted(by: sort).queryString, "text": text]
        if query.sort == sort {
            header["ariaSort"] = query.descending ? "descending" : "ascending"
            header["arrow"] = query.descending ? "▼" : "▲"
            header["hint"] = "trié ; cliquer pour inverser l'ordre"
        } else {
            header["hint"] = "cliquer pour trier"
        }
        return header
    }

    // MARK: Competences

    static let levelLegend: [[String: String]] = (0...6).map { level in
        ["heat": "heat-\(level)", "label": level == 6 ? "6 et plus" : "\(level)"]
    }

    func competencesContext() -> [String: Any] {
        let columns = report.columns
        var frameworks: [[String: Any]] = []
        for column in columns {
            if let last = frameworks.last, last["title"] as? String == column.framework {
                frameworks[frameworks.count - 1]["span"] = (last["span"] as? Int ?? 0) + 1
            } else {
                frameworks.append(["title": column.framework, "span": 1])
            }
        }
        let moduleCount = report.modules.count
        let rows: [[String: Any]] = shown.map { row in
            var entry: [String: Any] = [
                "id": row.id, "name": TrackerPage.listName(row), "link": "/formateur/apprenants/\(row.id)",
                "time": French.duration(minutes: row.timeSpentMinutes),
                "cells": columns.map { column -> [String: Any] in
                    guard let level = row.levels[column.key] else { return ["none": true] }
                    return ["level": level, "heat": "heat-\(min(max(level, 0), 6))"]
                },
            ]
            if let mean = TrackerQuery.meanLevel(row) { entry["mean"] = French.decimal(mean) }
            if let last = row.lastActivity, !last.isEmpty { entry["last"] = last }
            if !row.needsHelp.isEmpty {
                entry["help"] = ["label": French.count(row.needsHelp.count, "série", "séries"),
                                 "title": "A besoin d'aide : " + row.needsHelp.joined(separator: " ; ")]
            }
            if moduleCount > 0 {
                let assigned = row.modules.count
                entry["done"] = "\(row.modules.values.filter { $0 == ModuleState.complete.rawValue }.count) sur \(assigned)"
            }
            return entry
        }
        return [
            "hasColumns": !columns.isEmpty, "frameworks": frameworks, "hasFrameworks": frameworks.count > 1,
            "columns": columns.map { column -> [String: Any] in
                header(.competence(column.key)).merging(["label": column.label, "title": column.title]) { a, _ in a }
            },
            "columnLegend": columns.map { ["label": $0.label, "title": $0.title] },
            "nameHeader": header(.name, "Apprenant"), "helpHeader": header(.help, "Besoin d'aide"),
            "levelHeader": header(.level, "Niveau moyen"), "activityHeader": header(.activity, "Dernière activité"),
            "hasModuleCount": moduleCount > 0,
            "rows": rows, "levelLegend": TrackerPage.levelLegend,
            "missed": report.missedItems.map {
                ["prompt": $0.prompt,
                 "count": "\(French.count($0.wrong, "erreur", "erreurs")) sur \(French.count($0.total, "réponse", "réponses"))"]
            },
            "hasMissed": !report.missedItems.isEmpty,
        ]
    }

    /// The level distribution per competence of the whole cohort (every page of learners), as stacked bars with
    /// their table; a competence measured on fewer than 5 learners gets no figure.
    func distributionFigure() -> [String: Any] {
        let several = Set(report.columns.map(\.framework)).count > 1
        let frameworks = Dictionary(report.columns.map { ($0.key, $0.framework) }, uniquingKeysWith: { a, _ in a })
        let counts = report.distribution.map { entry in
            (label: several ? "\(entry.label) (\(frameworks[entry.key] ?? ""))" : entry.label, counts: entry.counts)
        }
        return WebApp.levelsFigure(counts, id: "repartition",
                                   title: "Nombre d'apprenants à chaque niveau, par compétence (dernier positionnement partagé)")
    }

    // MARK: Modules

    func modulesContext() -> [String: Any] {
        let modules = report.modules
        var helpList: [[String: Any]] = []
        let rows: [[String: Any]] = shown.map { row in
            var helpCount = 0
            let cells = modules.map { module -> [String: Any] in
                guard let raw = row.modules[module.id], let state = ModuleState(rawValue: raw) else {
                    return ["unassigned": true, "text": "Non attribué", "kind": "none"]
                }
                let percent = row.modulePercents[module.id] ?? 0
                var cell: [String: Any] = ["kind": raw]
                switch state {
                case .complete: cell["complete"] = true; cell["text"] = "Terminé"
                case .inProgress: cell["inProgress"] = true; cell["percent"] = percent; cell["text"] = "En cours"
                case .notStarted: cell["notStarted"] = true; cell["text"] = "Pas commencé"
                case .locked: cell["locked"] = true; cell["text"] = "Verrouillé"
                }
                if let sets = row.helpByModule[module.id], !sets.isEmpty {
                    helpCount += 1
                    cell["help"] = "A besoin d'aide : " + sets.joined(separator: ", ")
                    helpList.append(["name": TrackerPage.listName(row), "link": "/formateur/apprenants/\(row.id)",
                                     "module": module.title, "sets": sets.joined(separator: ", ")])
                }
                return cell
            }
            return ["id": row.id, "name": TrackerPage.listName(row), "link": "/formateur/apprenants/\(row.id)", "modules": cells]
        }
        return [
            "hasModules": !modules.isEmpty,
            "moduleColumns": modules.map { ["title": $0.title, "short": TrackerPage.shortTitle($0.title)] },
            "moduleRows": rows,
            "helpList": helpList, "hasHelpList": !helpList.isEmpty,
            "completion": modules.map { ["title": $0.title, "complete": $0.complete, "inProgress": $0.inProgress,
                                         "notStarted": $0.notStarted, "locked": $0.locked] },
        ]
    }

    /// A module's title up to its first « : » or « ; » (« Mise en confiance » for « Mise en confiance : petites
    /// réussites, … »): the column header; the whole title stays in the header for screen readers and on hover.
    static func shortTitle(_ title: String) -> String {
        let cut = [" : ", " ; ", "\u{00A0}: ", "\u{202F}; "].compactMap { title.range(of: $0)?.lowerBound }.min()
        return cut.map { String(title[..<$0]) } ?? title
    }

    /// « Benali Amina »: last name first, as the list is sorted.
    static func listName(_ row: CohortReport.LearnerRow) -> String {
        let name = [row.lastName, row.firstName].filter { !$0.isEmpty }.joined(separator: " ")
        return name.isEmpty ? row.name : name
    }
}

extension French {
    /// « 1 apprenant », « 12 apprenants », « 1 000 apprenants » (narrow no-break space between thousands).
    static func count(_ number: Int, _ singular: String, _ plural: String) -> String {
        var digits = String(abs(number))
        if digits.count > 3 {
            var grouped: [String] = []
            while digits.count > 3 {
                grouped.insert(String(digits.suffix(3)), at: 0)
                digits = String(digits.dropLast(3))
            }
            grouped.insert(digits, at: 0)
            digits = grouped.joined(separator: "\u{202F}")
        }
        let text = (number < 0 ? "-" : "") + digits
        let word = abs(number) >= 2 ? plural : singular
        return word.isEmpty ? text : "\(text) \(word)"
    }

    /// « 2,4 »
    static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        return String(format: "%.1f", value).replacingOccurrences(of: ".", with: ",")
    }

    /// « 0 min », « 45 min », « 1 h 05 », « 12 h 30 ».
    static func duration(minutes: Int) -> String {
        let minutes = max(0, minutes)
        guard minutes >= 60 else { return "\(minutes) min" }
        let rest = minutes % 60
        return "\(minutes / 60) h \(rest < 10 ? "0" : "")\(rest)"
    }
}
