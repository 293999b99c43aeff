import Foundation
import PasserelleCore

/// Where a learner reads again after missing a question: for each tube of a framework, a lesson and
/// optionally one of its sections (`Curriculum/revisions.yaml`); `aucune` says that no lesson teaches the
/// tube yet (listed by `content stats`, no link shown).
public struct RevisionLink: Sendable, Equatable {
    public var moduleID: String
    public var lessonID: String
    /// The anchor of a section of the lesson (`LessonSection.id`), or nil for the whole lesson.
    public var sectionID: String?

    public var path: String { "/modules/\(moduleID)/lecons/\(lessonID)" + (sectionID.map { "#\($0)" } ?? "") }
}

enum Revisions {
    static let path = "Curriculum/revisions.yaml"

    /// Reads the file into `catalog.revisionLinks` and checks it: every tube and lesson named exists, every
    /// section is a heading of its lesson, and every tube learners need has a lesson — each tube of the
    /// mediation framework, and each tube of a numerique competence that some module teaches.
    static func load(_ text: String, into catalog: inout ContentCatalog) -> [Diagnostic] {
        let reader = YAMLReader(file: path)
        guard let node = reader.parse(text), let map = reader.mapping(node, "révisions") else { return reader.diagnostics }
        reader.rejectUnknownKeys(map, allowed: ["revisions"], in: "révisions")
        var tubes: [String: (framework: String, competence: String)] = [:]
        for framework in catalog.frameworks {
            for competence in framework.competences {
                for tube in competence.tubes { tubes[tube.id] = (framework.id, competence.id) }
            }
        }
        guard let entries = map["revisions"]?.mapping else {
            reader.report(at: map["revisions"] ?? node, "révisions : « revisions » associe chaque sujet à une leçon (module/leçon#section)")
            return reader.diagnostics
        }
        for (key, value) in entries {
            guard let tubeID = key.string, let target = value.string else {
                reader.report(at: value, "révisions : chaque sujet mène à une leçon, écrite module/leçon ou module/leçon#section")
                continue
            }
            guard tubes[tubeID] != nil else {
                reader.report(at: key, "révisions : sujet inconnu « \(tubeID) » (aucun référentiel ne le contient)")
                continue
            }
            if target == "aucune" {
                // Said plainly: no lesson teaches this tube yet (better than a lesson that does not help).
                catalog.revisionGaps.insert(tubeID)
                continue
            }
            let parts = target.split(separator: "#", maxSplits: 1).map(String.init)
            let place = parts[0].split(separator: "/").map(String.init)
            guard place.count == 2, let module = catalog.module(id: place[0]),
                  let lesson = module.lessons.first(where: { $0.id == place[1] }) else {
                reader.report(at: value, "révisions : « \(target) » n'est pas une leçon (module/leçon, sans « .md »)")
                continue
            }
            let section = parts.count > 1 ? parts[1] : nil
            if let section, !lesson.sections.contains(where: { $0.id == section }) {
                let known = lesson.sections.map(\.id).joined(separator: ", ")
                reader.report(at: value, "révisions : la leçon « \(place[1]) » n'a pas de section « \(section) » (sections : \(known))")
                continue
            }
            catalog.revisionLinks[tubeID] = RevisionLink(moduleID: module.id, lessonID: lesson.id, sectionID: section)
        }
        let taught = Set(catalog.modules.flatMap(\.competences))
        let needed = tubes.filter { _, owner in
            owner.framework == "mediation" || taught.contains("\(owner.framework):\(owner.competence)")
        }.keys.sorted()
        let missing = needed.filter { catalog.revisionLinks[$0] == nil && !catalog.revisionGaps.contains($0) }
        if !missing.isEmpty {
            reader.report(at: map["revisions"] ?? node,
                          "révisions : ces sujets n'ont pas de leçon à relire après une erreur : " + missing.joined(separator: ", "))
        }
        return reader.diagnostics
    }
}
