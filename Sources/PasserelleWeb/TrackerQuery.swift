import Foundation

/// What a trainer asked of the cohort tracker, read from the address: the view (competences or modules),
/// the order of the learners and the page. Every value is bounded; anything unknown gives the default,
/// so a hand-typed or hostile address shows the first page sorted by name.
///
/// `vue=competences|modules|repartition`, `tri=nom|niveau|activite|aide|competence:<column key>`,
/// `ordre=croissant|decroissant`, `page=<1…>`.
struct TrackerQuery: Equatable, Sendable {
    enum View: String, Sendable, CaseIterable {
        case competences, modules
        /// The level distribution per competence, as stacked bars, for the whole cohort.
        case distribution = "repartition"

        /// The tab's name.
        var label: String {
            switch self {
            case .competences: "Compétences"
            case .modules: "Modules"
            case .distribution: "Répartition des niveaux"
            }
        }
    }

    enum Sort: Equatable, Sendable {
        case name
        /// The mean of the learner's shared levels.
        case level
        /// The level in one competence (a column key of the report, `numerique:1.1`).
        case competence(String)
        case activity
        case help

        var parameter: String {
            switch self {
            case .name: "nom"
            case .level: "niveau"
            case .competence(let key): "competence:\(key)"
            case .activity: "activite"
            case .help: "aide"
            }
        }

        /// The direction of a first click: names A to Z, weakest levels first, longest absent first, most help first.
        var descendingByDefault: Bool { self == .help }
    }

    static let pageSize = 50
    /// Longer values are not read at all.
    static let longestValue = 120

    var view: View = .competences
    var sort: Sort = .name
    var descending = false
    /// The page asked for, from 1; `Paging` brings it within the pages there are.
    var page = 1

    init(view: View = .competences, sort: Sort = .name, descending: Bool? = nil, page: Int = 1) {
        self.view = view
        self.sort = sort
        self.descending = descending ?? sort.descendingByDefault
        self.page = max(1, page)
    }

    /// Reads the query through `value` (the request's query values); `columns` are the competence keys a
    /// sort may name.
    init(_ value: (String) -> String?, columns: [String]) {
        func read(_ name: String) -> String? {
            guard let text = value(name), !text.isEmpty, text.count <= TrackerQuery.longestValue else { return nil }
            return text
        }
        view = read("vue").flatMap(View.init(rawValue:)) ?? .competences
        switch read("tri") {
        case "niveau": sort = .level
        case "activite": sort = .activity
        case "aide": sort = .help
        case let text? where text.hasPrefix("competence:"):
            let key = String(text.dropFirst("competence:".count))
            sort = columns.contains(key) ? .competence(key) : .name
        default: sort = .name
        }
        switch read("ordre") {
        case "croissant": descending = false
        case "decroissant": descending = true
        default: descending = sort.descendingByDefault
        }
        // At most 6 digits: a million pages is far beyond any cohort; anything else is page 1.
        if let text = read("page"), text.count <= 6, text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text), number >= 1 {
            page = number
        } else {
            page = 1
        }
    }

    /// The query string of this view, order and page (`?vue=…&tri=…`), leaving out the defaults.
    var queryString: String {
        var parts: [String] = []
        if view != .competences { parts.append("vue=\(view.rawValue)") }
        if sort != .name { parts.append("tri=\(TrackerQuery.encode(sort.parameter))") }
        if descending != sort.descendingByDefault { parts.append("ordre=\(descending ? "decroissant" : "croissant")") }
        if page > 1 { parts.append("page=\(page)") }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// The query a click on a column's header gives: that order (reversed when it is already the order), page 1.
    func sorted(by sort: Sort) -> TrackerQuery {
        TrackerQuery(view: view, sort: sort, descending: sort == self.sort ? !descending : sort.descendingByDefault)
    }

    func page(_ number: Int) -> TrackerQuery {
        var query = self
        query.page = max(1, number)
        return query
    }

    func view(_ view: View) -> TrackerQuery {
        var query = self
        query.view = view
        query.page = 1
        return query
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    // MARK: Ordering

    /// The learners in the asked order. Learners without the value sorted on (no shared level, no activity)
    /// come last whatever the direction; ties are broken by name, then by id, so that the order never changes
    /// from one page to the next.
    static func ordered(_ rows: [CohortReport.LearnerRow], by sort: Sort, descending: Bool) -> [CohortReport.LearnerRow] {
        order(rows, by: sort, descending: descending).map { rows[$0] }
    }

    /// The positions of `rows` in the asked order. `names`: each row's `nameKey`, when the caller keeps them
    /// (folding 1,000 names was a sixth of the 1,000-learner tracker); made here otherwise.
    static func order(_ rows: [CohortReport.LearnerRow], names: [String]? = nil, by sort: Sort, descending: Bool) -> [Int] {
        let names = names.flatMap { $0.count == rows.count ? $0 : nil } ?? rows.map(nameKey)
        let values = rows.map { value(of: $0, sort) }
        return rows.indices.sorted { a, b in
            switch (values[a], values[b]) {
            case (nil, nil): break
            case (nil, _?): return false
            case (_?, nil): return true
            case (let x?, let y?):
                if x != y { return descending ? x > y : x < y }
            }
            if sort == .name, names[a] != names[b] { return descending ? names[a] > names[b] : names[a] < names[b] }
            if names[a] != names[b] { return names[a] < names[b] }
            return rows[a].id < rows[b].id
        }
    }

    /// What a learner is sorted on, as a comparable value; nil when they have none.
    private static func value(of row: CohortReport.LearnerRow, _ sort: Sort) -> SortValue? {
        switch sort {
        case .name: return .number(0)
        case .level: return meanLevel(row).map(SortValue.number)
        case .competence(let key): return row.levels[key].map { .number(Double($0)) }
        case .activity: return row.lastActivityAt.map(SortValue.text)
        case .help: return .number(Double(row.needsHelp.count))
        }
    }

    private enum SortValue: Comparable {
        case number(Double)
        case text(String)
    }

    /// The name as sorted: last name then first name, without case or accents (« Émilie » among the E).
    static func nameKey(_ row: CohortReport.LearnerRow) -> String {
        [row.lastName, row.firstName].filter { !$0.isEmpty }.joined(separator: " ")
            .folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
    }

    /// The mean of a learner's shared levels; nil when they shared none.
    static func meanLevel(_ row: CohortReport.LearnerRow) -> Double? {
        row.levels.isEmpty ? nil : Double(row.levels.values.reduce(0, +)) / Double(row.levels.count)
    }
}

/// Which learners one page shows: at most `size`, the page brought within the pages there are.
struct Paging: Equatable, Sendable {
    let total: Int
    let size: Int
    let page: Int
    let pageCount: Int

    init(total: Int, page requested: Int, size: Int = TrackerQuery.pageSize) {
        self.total = max(0, total)
        self.size = max(1, size)
        pageCount = max(1, (self.total + self.size - 1) / self.size)
        page = min(max(1, requested), pageCount)
    }

    /// The indices of the rows shown.
    var range: Range<Int> { min(total, (page - 1) * size)..<min(total, page * size) }
    var hasPrevious: Bool { page > 1 }
    var hasNext: Bool { page < pageCount }
}
