import Foundation

/// What exports show of a shared result (framework, profile mastery, and per competence its level, pix and
/// skills), kept beside the result's JSON as one short line of text. Decoding 20,000 results with
/// `JSONDecoder` was 40 % of a 10,000-learner export; splitting this line costs almost nothing.
///
/// The line: framework ␝ mastery ␝ competences, each « id ␟ level ␟ pix ␟ targeted ␟ validated », joined by ␞
/// (ASCII separators, which no identifier contains); an absent value is empty. `Double`'s description gives
/// back the same value when read.
public struct SharedLevels: Sendable, Equatable {
    public struct Competence: Sendable, Equatable {
        public var competenceID: String
        public var level: Int?
        public var pix: Int?
        public var targetedSkills: Int?
        public var validatedSkills: Int?

        /// Share of the targeted skills that are validated (as `CompetenceResult.mastery`).
        public var mastery: Double? {
            guard let targeted = targetedSkills, let validated = validatedSkills, targeted > 0 else { return nil }
            return Double(validated) / Double(targeted)
        }
    }

    public var frameworkID: String
    public var mastery: Double?
    public var competences: [Competence]

    public init(_ result: AssessmentResult) {
        frameworkID = result.frameworkID
        mastery = result.mastery
        competences = result.competences.map {
            Competence(competenceID: $0.competenceID, level: $0.level, pix: $0.pix,
                       targetedSkills: $0.targetedSkills, validatedSkills: $0.validatedSkills)
        }
    }

    /// Reads a line written by `text`; nil for anything else (the caller then decodes the result itself).
    public init?(text: String) {
        let parts = text.split(separator: "\u{1D}", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty else { return nil }
        frameworkID = String(parts[0])
        if parts[1].isEmpty {
            mastery = nil
        } else {
            guard let value = Double(parts[1]), value.isFinite else { return nil }
            mastery = value
        }
        var competences: [Competence] = []
        for entry in parts[2].split(separator: "\u{1E}") {
            let fields = entry.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            guard fields.count == 5, !fields[0].isEmpty else { return nil }
            func number(_ field: Substring) -> Int?? { field.isEmpty ? .some(nil) : Int(field).map { .some($0) } }
            guard let level = number(fields[1]), let pix = number(fields[2]), let targeted = number(fields[3]),
                  let validated = number(fields[4]) else { return nil }
            competences.append(Competence(competenceID: String(fields[0]), level: level, pix: pix,
                                          targetedSkills: targeted, validatedSkills: validated))
        }
        self.competences = competences
    }

    /// The line, or nil when an identifier holds a separator (then none is stored and readers decode the JSON).
    public var text: String? {
        let separators: Set<Character> = ["\u{1D}", "\u{1E}", "\u{1F}"]
        guard !frameworkID.contains(where: separators.contains),
              !competences.contains(where: { $0.competenceID.isEmpty || $0.competenceID.contains(where: separators.contains) })
        else { return nil }
        func field(_ value: Int?) -> String { value.map(String.init) ?? "" }
        let lines = competences.map {
            [$0.competenceID, field($0.level), field($0.pix), field($0.targetedSkills), field($0.validatedSkills)].joined(separator: "\u{1F}")
        }
        return [frameworkID, mastery.map { "\($0)" } ?? "", lines.joined(separator: "\u{1E}")].joined(separator: "\u{1D}")
    }
}
