import ArgumentParser
import Foundation
import PasserelleContent
import PasserelleCore

struct Modules: ParsableCommand {
    /// "000_….txt (14 passages), 001_….txt (4 passages)" from a list of references.
    static func sourceSummary(_ sources: [String]) -> String {
        var counts: [String: Int] = [:]
        for source in sources { counts[String(source.prefix { $0 != "," && $0 != " " }), default: 0] += 1 }
        return counts.keys.sorted().map { "\($0) (\(counts[$0]!) passage\(counts[$0]! > 1 ? "s" : ""))" }.joined(separator: ", ")
    }

    static let configuration = CommandConfiguration(
        abstract: "Consulte les modules de formation.", subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liste les modules (titre, public, durée, prérequis).")
        @OptionGroup var root: RootOptions
        @Flag(help: "Résultat au format JSON.") var json = false
        @Flag(help: "Tableau Markdown (pour docs/CURRICULUM.md).") var markdown = false

        func run() throws {
            let (_, catalog) = try root.load()
            if markdown {
                say("| Module | Public | Durée | Leçons | Activités | Compétences | Sources |")
                say("|---|---|---|---|---|---|---|")
                for module in catalog.modules {
                    let hours = String(format: "%.1f h", Double(module.duration) / 60).replacingOccurrences(of: ".", with: ",")
                    say("| \(module.title) (`\(module.id)`) | \(module.audience.map(\.label).joined(separator: ", ")) | \(hours) | "
                        + "\(module.lessons.count) | \(module.activitySets.reduce(0) { $0 + $1.activities.count }) | "
                        + "\(module.competences.joined(separator: ", ")) | \(Modules.sourceSummary(module.sources)) |")
                }
                for programme in catalog.programmes {
                    say("")
                    say("**\(programme.title)** (`\(programme.id)`) : " + programme.modules.enumerated()
                        .map { "\($0.offset + 1). \(catalog.module(id: $0.element)?.title ?? $0.element)" }.joined(separator: " ; "))
                }
                return
            }
            if json {
                let rows: [[String: Any]] = catalog.modules.map {
                    ["id": $0.id, "title": $0.title, "audience": $0.audience.map(\.rawValue), "duration": $0.duration,
                     "prerequisites": $0.prerequisites, "lessons": $0.lessons.count,
                     "activities": $0.activitySets.reduce(0) { $0 + $1.activities.count }]
                }
                try sayJSON(rows)
                return
            }
            guard !catalog.modules.isEmpty else { say("Aucun module."); return }
            for module in catalog.modules {
                let prerequisites = module.prerequisites.isEmpty ? "" : " — prérequis : \(module.prerequisites.joined(separator: ", "))"
                say("\(module.id)  \(module.title) (\(module.audience.map(\.label).joined(separator: ", ")), "
                    + "\(module.duration) min, \(module.lessons.count) leçon(s))\(prerequisites)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Détaille un module : objectifs, leçons, activités, compétences.")
        @OptionGroup var root: RootOptions
        @Argument(help: ArgumentHelp("Identifiant du module.", valueName: "id")) var id: String
        @Flag(help: "Résultat au format JSON.") var json = false

        func run() throws {
            let (_, catalog) = try root.load()
            guard let module = catalog.module(id: id) else {
                throw CommandFailure("module inconnu « \(id) » (disponibles : \(catalog.modules.map(\.id).joined(separator: ", ")))")
            }
            if json {
                let object: [String: Any] = [
                    "id": module.id, "title": module.title, "summary": module.summary, "objectives": module.objectives,
                    "audience": module.audience.map(\.rawValue), "duration": module.duration,
                    "prerequisites": module.prerequisites, "competences": module.competences, "sources": module.sources,
                    "lessons": module.lessons.map { ["id": $0.id, "title": $0.title, "duration": $0.duration] },
                    "activitySets": module.activitySets.map { set in
                        ["id": set.id, "title": set.title, "mastery": set.mastery.label,
                         "activities": set.activities.map { ["id": $0.id, "type": $0.typeName] }] as [String: Any]
                    },
                ]
                try sayJSON(object)
                return
            }
            say("\(module.title) [\(module.id)]")
            say("Public : \(module.audience.map(\.label).joined(separator: ", ")) — durée estimée : \(module.duration) min")
            say(module.summary)
            say()
            say("Objectifs :")
            module.objectives.forEach { say("  - \($0)") }
            say("Compétences développées : \(module.competences.joined(separator: ", "))")
            if !module.prerequisites.isEmpty { say("Prérequis : \(module.prerequisites.joined(separator: ", "))") }
            say()
            say("Leçons :")
            for (index, lesson) in module.lessons.enumerated() { say("  \(index + 1). \(lesson.title) (\(lesson.duration) min)") }
            say()
            say("Activités :")
            for set in module.activitySets {
                say("  \(set.title) — maîtrise : \(set.mastery.label)")
                set.activities.forEach { say("    - \($0.id) (\($0.typeName))") }
            }
        }
    }
}
