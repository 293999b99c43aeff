import Foundation

/// Reads a list of learners from CSV (the export of a spreadsheet): a header line, then one learner a
/// line. Columns: last name, first name, optional external id, and any other column becomes an
/// attribute (structure, mission, group…). `;`, `,` or tab separators, headers in any case with or
/// without accents, quotes and a byte-order mark are accepted. Every bad line is reported with its number and the reason.
public enum LearnerImport {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var lastName: String
        public var firstName: String
        public var externalID: String?
        public var attributes: [String: String]
    }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "ligne \(line) : \(reason)" }
    }

    static let lastNameHeaders: Set<String> = ["nom", "nom de famille", "last name", "lastname"]
    static let firstNameHeaders: Set<String> = ["prenom", "first name", "firstname"]
    static let externalHeaders: Set<String> = ["identifiant externe", "id externe", "identifiant", "external id", "externalid"]

    public static func parse(_ text: String) -> (rows: [Row], problems: [Problem]) {
        var content = text
        if content.hasPrefix("\u{FEFF}") { content.removeFirst() }
        // "\r\n" is one Character in Swift: make line ends plain "\n" before splitting.
        content = content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let records = splitRecords(content)
        guard let header = records.first(where: { !$0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }) else {
            return ([], [Problem(line: 1, reason: "le fichier est vide")])
        }
        // Attribute names as written, in lower case; the known columns are found in any case, with or
        // without accents (« NOM », « Prenom », « Prénom »).
        let keys = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let names = keys.map { $0.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        guard let last = names.firstIndex(where: lastNameHeaders.contains),
              let first = names.firstIndex(where: firstNameHeaders.contains) else {
            return ([], [Problem(line: header.line, reason: "l'en-tête doit avoir une colonne « Nom » et une colonne « Prénom »")])
        }
        let external = names.firstIndex(where: externalHeaders.contains)
        var rows: [Row] = [], problems: [Problem] = []
        var seenExternal: [String: Int] = [:], seenNames: [String: Int] = [:]
        for record in records where record.line > header.line {
            let fields = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            if fields.allSatisfy(\.isEmpty) { continue }
            guard fields.count == names.count else {
                problems.append(Problem(line: record.line, reason: "\(fields.count) colonne(s) au lieu de \(names.count)"))
                continue
            }
            let lastName = fields[last], firstName = fields[first]
            if lastName.isEmpty && firstName.isEmpty {
                problems.append(Problem(line: record.line, reason: "le nom et le prénom sont vides"))
                continue
            }
            if fields.contains(where: { $0.count > 200 }) {
                problems.append(Problem(line: record.line, reason: "une cellule dépasse 200 caractères"))
                continue
            }
            let externalID = external.map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            if let externalID {
                if let other = seenExternal[externalID] {
                    problems.append(Problem(line: record.line, reason: "l'identifiant externe « \(externalID) » est déjà ligne \(other)"))
                    continue
                }
                seenExternal[externalID] = record.line
            } else {
                let key = (lastName + "|" + firstName).lowercased()
                if let other = seenNames[key] {
                    problems.append(Problem(line: record.line, reason: "\(firstName) \(lastName) est déjà ligne \(other) (ajoutez un identifiant externe pour distinguer deux homonymes)"))
                    continue
                }
                seenNames[key] = record.line
            }
            var attributes: [String: String] = [:]
            for (index, key) in keys.enumerated() where index != last && index != first && index != external && !fields[index].isEmpty {
                attributes[key] = fields[index]
            }
            rows.append(Row(line: record.line, lastName: lastName, firstName: firstName, externalID: externalID, attributes: attributes))
        }
        return (rows, problems)
    }

    struct Record {
        var line: Int
        var fields: [String]
    }

    /// RFC 4180 records (quoted fields may hold separators, quotes and line breaks); the separator is
    /// the one of `;` and `,` that the first line uses most.
    static func splitRecords(_ text: String) -> [Record] {
        let firstLine = text.prefix { $0 != "\n" }
        // The separator the header line uses most: « ; » (French spreadsheets), « , » or a tab.
        let counts: [(Character, Int)] = [(";", firstLine.filter { $0 == ";" }.count), (",", firstLine.filter { $0 == "," }.count),
                                         ("\t", firstLine.filter { $0 == "\t" }.count)]
        let separator: Character = counts.max { $0.1 < $1.1 }.map { $0.1 > 0 ? $0.0 : ";" } ?? ";"
        var records: [Record] = []
        var fields: [String] = [], field = "", quoted = false, line = 1, recordLine = 1
        var characters = Array(text).makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return characters.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { quoted = false; pending = following }
                    } else { quoted = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true
            case separator: fields.append(field); field = ""
            case "\r": continue
            case "\n":
                fields.append(field)
                records.append(Record(line: recordLine, fields: fields))
                fields = []; field = ""; line += 1; recordLine = line
            default: field.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
