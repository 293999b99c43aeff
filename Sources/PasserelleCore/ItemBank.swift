import Foundation

/// What a framework's item bank must hold (the `bank:` section of a framework file).
public struct BankRequirements: Sendable, Equatable {
    /// Fewest tubes per competence.
    public var minTubesPerCompetence: Int
    /// Fewest validated items per skill, by level; a level absent here needs none.
    public var minItemsPerLevel: [Int: Int]
    /// Every item must cite where its facts come from (`source:`).
    public var sourceRequired: Bool

    public init(minTubesPerCompetence: Int = 1, minItemsPerLevel: [Int: Int] = [:], sourceRequired: Bool = false) {
        self.minTubesPerCompetence = minTubesPerCompetence
        self.minItemsPerLevel = minItemsPerLevel
        self.sourceRequired = sourceRequired
    }

    public func minItems(level: Int) -> Int { minItemsPerLevel[level] ?? 0 }
}

/// How well a framework's bank covers its skills: validated items per skill, types per tube, and every
/// shortfall against the framework's `BankRequirements`.
public struct BankCoverage: Sendable, Equatable, Codable {
    public struct SkillRow: Sendable, Equatable, Codable {
        public var skillID: String
        public var level: Int
        public var items: Int
        public var required: Int
    }

    public struct TubeRow: Sendable, Equatable, Codable {
        public var tubeID: String
        public var title: String
        public var skills: [SkillRow]
        /// Validated items of the tube by type ("qcu": 7, ...).
        public var types: [String: Int]

        public func items(level: Int) -> Int? { skills.first { $0.level == level }?.items }
        public func required(level: Int) -> Int? { skills.first { $0.level == level }?.required }
    }

    public struct CompetenceRow: Sendable, Equatable, Codable {
        public var competenceID: String
        public var title: String
        public var tubes: [TubeRow]
        public var requiredTubes: Int
    }

    public var frameworkID: String
    public var competences: [CompetenceRow]
    /// Every way the bank falls short, in French, for authors.
    public var shortfalls: [String]

    public var tubes: [TubeRow] { competences.flatMap(\.tubes) }
    public var items: Int { tubes.reduce(0) { $0 + $1.types.values.reduce(0, +) } }

    public init(framework: Framework, items: [Item]) {
        let requirements = framework.bank ?? BankRequirements()
        var bySkill: [String: [Item]] = [:]
        for item in items where item.isPlayable { bySkill[item.skillID, default: []].append(item) }
        var shortfalls: [String] = []
        frameworkID = framework.id
        competences = framework.competences.map { competence in
            if competence.tubes.count < requirements.minTubesPerCompetence {
                shortfalls.append("compétence \(competence.id) : \(competence.tubes.count) tube(s), il en faut "
                                  + "\(requirements.minTubesPerCompetence)")
            }
            let tubes = competence.tubes.map { tube -> TubeRow in
                var types: [String: Int] = [:]
                let skills = tube.skills.map { skill -> SkillRow in
                    let found = bySkill[skill.id] ?? []
                    for item in found { types[item.type.rawValue, default: 0] += 1 }
                    let row = SkillRow(skillID: skill.id, level: skill.level, items: found.count,
                                       required: requirements.minItems(level: skill.level))
                    if row.items < row.required {
                        shortfalls.append("acquis \(skill.id) (niveau \(skill.level)) : \(row.items) question(s) "
                                          + "validée(s), il en faut \(row.required)")
                    }
                    return row
                }
                if !types.isEmpty && types.keys.allSatisfy({ $0 == ItemType.qcu.rawValue }) {
                    shortfalls.append("tube \(tube.id) : uniquement des QCU, il faut varier les types")
                }
                return TubeRow(tubeID: tube.id, title: tube.title, skills: skills, types: types)
            }
            return CompetenceRow(competenceID: competence.id, title: competence.title, tubes: tubes,
                                 requiredTubes: requirements.minTubesPerCompetence)
        }
        self.shortfalls = shortfalls
    }
}

/// The writing rules of docs/ITEM-WRITING.md that a machine can check on one bank item.
public enum ItemRules {
    /// Longest prompt, in words: about 30 seconds read aloud.
    public static let maxPromptWords = 60
    /// Longest general feedback, in words: one or two sentences.
    public static let maxFeedbackWords = 70

    static let catchAll = try! NSRegularExpression(
        pattern: #"\b(toutes? (les|ces) réponses|aucune (de ces|des) réponses|tout ce qui précède)\b"#,
        options: [.caseInsensitive])
    /// A negation inside the question sentence ("Laquelle n'est pas…", "que ne faut-il pas…").
    static let negation = try! NSRegularExpression(
        pattern: #"(\bn['’]|\bne )\S+( \S+)? (pas|jamais)\b"#, options: [.caseInsensitive])

    /// Most sentences in a general feedback.
    public static let maxFeedbackSentences = 2

    /// Words that a full stop follows without ending a sentence (« art. L311-3-1 », « M. Martin »).
    static let sentenceAbbreviations: Set<String> = ["art", "m", "mme", "p", "cf", "ex", "etc", "env", "no", "vol", "éd"]

    /// The sentences of a text: a full stop, « ! », « ? » or « … » ends one when a space (after any closing
    /// « » » or bracket) and a capital, a digit or « « » follow (an abbreviation such as « art. L311-3-1 » or « M. Martin » does not end a sentence).
    static func sentences(_ text: String) -> [String] {
        let characters = Array(text.trimmingSpacesAndNewlines())
        var sentences: [String] = []
        var start = 0
        var index = 0
        while index < characters.count {
            let character = characters[index]
            var next = index + 1
            // Compared one by one rather than with `".!?…".contains(character)`, which walked a string for every
            // character of every item text (this function was a tenth of the start-up's profile).
            if character == "." || character == "!" || character == "?" || character == "…" {
                // Spaces and closing quotes or brackets after the mark belong to the sentence that ends.
                while next < characters.count, characters[next].isWhitespace || characters[next] == "»"
                        || characters[next] == "\"" || characters[next] == ")" {
                    next += 1
                }
                var wordStart = index
                while wordStart > 0 && characters[wordStart - 1].isLetter { wordStart -= 1 }
                let abbreviation = character == "." && sentenceAbbreviations.contains(String(characters[wordStart..<index]).lowercased())
                if next > index + 1, next < characters.count, !abbreviation,
                   characters[next].isUppercase || characters[next].isNumber || characters[next] == "«" {
                    sentences.append(String(characters[start..<next]).trimmingSpacesAndNewlines())
                    start = next
                }
            }
            index = next
        }
        if start < characters.count { sentences.append(String(characters[start...])) }
        return sentences
    }

    /// Words: runs of text between spaces that hold a letter or a digit (French puts a space before « ? »).
    static func words(_ text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).filter { $0.contains { $0.isLetter || $0.isNumber } }.count
    }

    static func matches(_ pattern: NSRegularExpression, _ text: String) -> Bool {
        pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Every rule the item breaks, in French; `sourceRequired` from the framework's requirements.
    public static func problems(_ item: Item, sourceRequired: Bool = false) -> [String] {
        var problems: [String] = []
        let promptWords = words(item.prompt)
        if promptWords > maxPromptWords {
            problems.append("l'énoncé a \(promptWords) mots (au plus \(maxPromptWords), pour se lire à voix haute en moins de 30 secondes)")
        }
        let feedbackWords = words(item.feedback)
        if feedbackWords > maxFeedbackWords {
            problems.append("le retour a \(feedbackWords) mots (au plus \(maxFeedbackWords) : une ou deux phrases)")
        }
        let feedbackSentences = sentences(item.feedback).count
        if feedbackSentences > maxFeedbackSentences {
            problems.append("le retour a \(feedbackSentences) phrases (une ou deux)")
        }
        let texts = [item.prompt] + item.choices.map(\.text)
        if texts.contains(where: { matches(catchAll, $0) }) {
            problems.append("« toutes ces réponses » ou « aucune de ces réponses » ne s'emploie pas")
        }
        if sentences(item.prompt).contains(where: { $0.contains("?") && matches(negation, $0) }) {
            problems.append("la question contient une négation : demandez ce qui est juste, ou faites une QCM")
        }
        if item.type == .qcm && !item.prompt.lowercased().contains("(plusieurs réponses)") {
            problems.append("une QCM le dit dans son énoncé : « (plusieurs réponses) »")
        }
        if sourceRequired && (item.source ?? "").isEmpty {
            problems.append("la source manque (« source: » : document et lignes)")
        }
        if let image = item.image, image.alt.trimmingCharacters(in: .whitespaces).count < 5 {
            problems.append("le texte de remplacement de l'image est trop court pour la décrire")
        }
        if !item.accessible && (item.accessibilityNote ?? "").isEmpty {
            problems.append("une question non accessible dit pourquoi (« accessibility_note: »)")
        }
        return problems
    }

    /// The text two items must not share: the prompt, without case, accents or spacing differences.
    public static func promptKey(_ item: Item) -> String {
        textKey(item.prompt)
    }

    /// A text's letters and digits, lower case and without accents: what `AnswerChecker.normalise(_, .all)`
    /// keeps, for the authoring checks (same prompt, same choice twice) that run on every item at start-up.
    /// ASCII is mapped by hand and only other characters are decomposed, which makes it about four times
    /// faster than `normalise` (Foundation's folding); `ItemBankTests` compares both on every shipped text.
    public static func textKey(_ text: String) -> String {
        var key = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if scalar.isASCII {
                if (65...90).contains(value), let lower = Unicode.Scalar(value + 32) {
                    key.append(lower)
                } else if (97...122).contains(value) || (48...57).contains(value) {
                    key.append(scalar)
                }
                continue
            }
            for part in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars {
                let properties = part.properties
                guard properties.generalCategory != .nonspacingMark,
                      properties.isAlphabetic || properties.numericType != nil else { continue }
                key.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(key)
    }
}
