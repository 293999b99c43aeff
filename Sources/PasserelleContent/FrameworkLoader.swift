import Foundation
import PasserelleCore
import Yams

/// Reads a competence framework file (`Assessments/frameworks/*.yaml`).
///
/// ```yaml
/// id: numerique
/// title: Compétences numériques
/// description: …
/// domains:
///   - id: "1"
///     title: Information et données
///     competences:
///       - id: "1.1"
///         title: Mener une recherche et une veille d'information
///         tubes:
///           - id: motsCles
///             title: Choisir des mots-clés
///             skills:
///               - { id: "@motsCles1", level: 1, title: … }
/// ```
enum FrameworkLoader {
    static func load(text: String, file: String) -> (Framework?, [Diagnostic]) {
        let reader = YAMLReader(file: file)
        guard let root = reader.parse(text), let top = reader.mapping(root, "référentiel") else {
            return (nil, reader.diagnostics)
        }
        reader.rejectUnknownKeys(top, allowed: ["id", "title", "description", "sources", "domains", "cut_scores", "bank"],
                                 in: "référentiel")
        let id = reader.string(top, "id", in: "référentiel", at: root)
        let title = reader.string(top, "title", in: "référentiel", at: root)
        let description = reader.optionalString(top, "description", in: "référentiel")
        var cutScores: [Double]?
        if let cutNode = top["cut_scores"] {
            let values = reader.sequence(top, "cut_scores", in: "référentiel", at: root).map { node -> Double? in node.float.map { Double($0) } }
            if values.contains(where: { $0 == nil }) || values.isEmpty || values.count > 8 {
                reader.report(at: cutNode, "référentiel : « cut_scores » est une liste de 1 à 8 nombres")
            } else if zip(values, values.dropFirst()).contains(where: { $0! >= $1! }) {
                reader.report(at: cutNode, "référentiel : « cut_scores » doit être strictement croissante")
            } else {
                cutScores = values.map { $0! }
            }
        }
        let bank = top["bank"].flatMap { loadBank($0, reader) }
        var seen: [String: Int] = [:]  // every id in the file, with the line where it first appears

        func unique(_ value: String?, _ node: Node?, _ what: String) {
            guard let value else { return }
            let line = node?.mark?.line ?? 0
            if let first = seen[value] {
                reader.report(at: node, "\(what) : l'identifiant « \(value) » est déjà utilisé ligne \(first)")
            } else {
                seen[value] = line
            }
        }

        let domainNodes = reader.sequence(top, "domains", in: "référentiel", at: root)
        if top["domains"] != nil && domainNodes.isEmpty {
            reader.report(at: top["domains"], "référentiel : la liste « domains » est vide")
        }
        var domains: [Domain] = []
        for domainNode in domainNodes {
            guard let domain = reader.mapping(domainNode, "domaine") else { continue }
            reader.rejectUnknownKeys(domain, allowed: ["id", "title", "competences"], in: "domaine")
            let domainID = reader.string(domain, "id", in: "domaine", at: domainNode)
            unique(domainID, domain["id"], "domaine")
            let domainTitle = reader.string(domain, "title", in: "domaine", at: domainNode)
            var competences: [Competence] = []
            let competenceNodes = reader.sequence(domain, "competences", in: "domaine \(domainID ?? "?")",
                                                  at: domainNode)
            for competenceNode in competenceNodes {
                guard let competence = reader.mapping(competenceNode, "compétence") else { continue }
                reader.rejectUnknownKeys(competence, allowed: ["id", "title", "description", "sources", "tubes"],
                                         in: "compétence")
                let competenceID = reader.string(competence, "id", in: "compétence", at: competenceNode)
                unique(competenceID, competence["id"], "compétence")
                let what = "compétence \(competenceID ?? "?")"
                let competenceTitle = reader.string(competence, "title", in: what, at: competenceNode)
                let tubes = loadTubes(
                    reader.sequence(competence, "tubes", in: what, at: competenceNode, required: false),
                    reader: reader, unique: unique)
                if let competenceID, let competenceTitle {
                    competences.append(Competence(
                        id: competenceID, title: competenceTitle,
                        description: reader.optionalString(competence, "description", in: what), tubes: tubes))
                }
            }
            if let domainID, let domainTitle {
                domains.append(Domain(id: domainID, title: domainTitle, competences: competences))
            }
        }
        guard let id, let title, reader.diagnostics.isEmpty else { return (nil, reader.diagnostics) }
        var framework = Framework(id: id, title: title, description: description, domains: domains)
        framework.cutScores = cutScores
        framework.bank = bank
        return (framework, reader.diagnostics)
    }

    private static func loadTubes(
        _ nodes: [Node], reader: YAMLReader, unique: (String?, Node?, String) -> Void
    ) -> [Tube] {
        var tubes: [Tube] = []
        for tubeNode in nodes {
            guard let tube = reader.mapping(tubeNode, "tube") else { continue }
            reader.rejectUnknownKeys(tube, allowed: ["id", "title", "description", "skills"], in: "tube")
            let tubeID = reader.string(tube, "id", in: "tube", at: tubeNode)
            unique(tubeID, tube["id"], "tube")
            let what = "tube \(tubeID ?? "?")"
            let tubeTitle = reader.string(tube, "title", in: what, at: tubeNode)
            var skills: [Skill] = []
            var levels: Set<Int> = []
            for skillNode in reader.sequence(tube, "skills", in: what, at: tubeNode) {
                guard let skill = reader.mapping(skillNode, "acquis") else { continue }
                reader.rejectUnknownKeys(skill, allowed: ["id", "level", "title", "description", "sources"],
                                         in: "acquis")
                let skillID = reader.string(skill, "id", in: "acquis", at: skillNode)
                unique(skillID, skill["id"], "acquis")
                let skillWhat = "acquis \(skillID ?? "?")"
                let title = reader.string(skill, "title", in: skillWhat, at: skillNode)
                var level: Int?
                if let (value, node) = reader.int(skill, "level", in: skillWhat, at: skillNode) {
                    if !Framework.levels.contains(value) {
                        reader.report(at: node, "\(skillWhat) : le niveau \(value) est hors de l'échelle 1 à 8")
                    } else if !levels.insert(value).inserted {
                        reader.report(at: node, "\(skillWhat) : le \(what) a déjà un acquis de niveau \(value)")
                    } else {
                        level = value
                    }
                }
                if let skillID, let tubeID, let level, skillID != "@\(tubeID)\(level)" {
                    reader.report(at: skill["id"], "\(skillWhat) : l'identifiant doit être « @\(tubeID)\(level) » (tube et niveau)")
                }
                if let skillID, let title, let level {
                    skills.append(Skill(id: skillID, level: level, title: title,
                                        description: reader.optionalString(skill, "description", in: skillWhat)))
                }
            }
            if let tubeID, let tubeTitle {
                tubes.append(Tube(id: tubeID, title: tubeTitle, skills: skills.sorted { $0.level < $1.level }))
            }
        }
        return tubes
    }

    /// `bank: { min_tubes_per_competence: 3, min_items_per_skill: { 1: 3, 2: 3 }, source_required: true }`
    static func loadBank(_ node: Node, _ reader: YAMLReader) -> BankRequirements? {
        guard let map = reader.mapping(node, "référentiel, bank") else { return nil }
        reader.rejectUnknownKeys(map, allowed: ["min_tubes_per_competence", "min_items_per_skill", "source_required"],
                                 in: "référentiel, bank")
        var requirements = BankRequirements()
        if let value = map["min_tubes_per_competence"] {
            if let count = value.int, count >= 0 { requirements.minTubesPerCompetence = count } else {
                reader.report(at: value, "référentiel, bank : « min_tubes_per_competence » est un nombre entier positif")
            }
        }
        if let value = map["min_items_per_skill"] {
            if let perLevel = reader.mapping(value, "référentiel, bank, min_items_per_skill") {
                for (key, count) in perLevel {
                    guard let level = key.int, Framework.levels.contains(level), let count = count.int, count >= 0 else {
                        reader.report(at: key, "référentiel, bank : « min_items_per_skill » associe un niveau (1 à 8) "
                                      + "à un nombre de questions")
                        continue
                    }
                    requirements.minItemsPerLevel[level] = count
                }
            }
        }
        if let value = map["source_required"] {
            if let flag = value.bool { requirements.sourceRequired = flag } else {
                reader.report(at: value, "référentiel, bank : « source_required » vaut true ou false")
            }
        }
        return requirements
    }
}
