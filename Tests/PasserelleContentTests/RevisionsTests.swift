import Foundation
import PasserelleCore
import Testing
@testable import PasserelleContent

/// Issue 16: after a missed question, the learner is pointed to the lesson section that teaches its tube.
@Suite struct RevisionsTests {
    static func shipped() -> ContentCatalog {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        guard let root = try? ContentRoot(validating: repository.path) else { return ContentCatalog() }
        return ContentLoader.check(root).0
    }

    @Test func headingsGetUniqueAnchorsWithoutAccents() {
        let (html, sections) = Markdown.withHeadingAnchors(Markdown.html("""
            # Titre

            ## Qu'est-ce qu'un « compte » ?

            Du texte.

            ### Étape 1 : créer

            ## Qu'est-ce qu'un « compte » ?
            """))
        #expect(sections.map(\.id) == ["qu-est-ce-qu-un-compte", "etape-1-creer", "qu-est-ce-qu-un-compte-2"])
        #expect(sections[1].title == "Étape 1 : créer")
        #expect(html.contains(#"<h2 id="qu-est-ce-qu-un-compte">"#) && html.contains(#"<h3 id="etape-1-creer">"#))
        #expect(html.contains("<h1>Titre</h1>"), "the page title keeps no anchor")
    }

    @Test func everyTubeLearnersNeedLeadsToARealSection() throws {
        let catalog = Self.shipped()
        let mediation = try #require(catalog.framework(id: "mediation"))
        for tube in mediation.competences.flatMap(\.tubes) {
            #expect(catalog.revisionLinks[tube.id] != nil, "\(tube.id) has no lesson to read again")
        }
        #expect(!catalog.revisionLinks.isEmpty)
        for (tube, link) in catalog.revisionLinks {
            let lesson = try #require(catalog.module(id: link.moduleID)?.lessons.first { $0.id == link.lessonID }, "\(tube)")
            if let section = link.sectionID { #expect(lesson.html.contains(#"id="\#(section)""#), "\(tube) → \(link.path)") }
        }
    }

    @Test func wrongEntriesAreReportedWithTheirLine() throws {
        var catalog = Self.shipped()
        catalog.revisionLinks = [:]
        catalog.revisionGaps = []
        let module = try #require(catalog.modules.first { !$0.lessons.isEmpty })
        let lesson = module.lessons[0]
        let diagnostics = Revisions.load("""
            revisions:
              sujetInconnu: \(module.id)/\(lesson.id)
              medExigencesNum: \(module.id)/pas-une-lecon
              medCodesAcces: \(module.id)/\(lesson.id)#pas-une-section
              medNonRecours: \(module.id)/\(lesson.id).md
              medOrientation: aucune
            """, into: &catalog)
        let messages = diagnostics.map { "\($0.line): \($0.message)" }
        #expect(messages.contains { $0.hasPrefix("2:") && $0.contains("sujet inconnu « sujetInconnu »") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("3:") && $0.contains("n'est pas une leçon") })
        #expect(messages.contains { $0.hasPrefix("4:") && $0.contains("pas de section « pas-une-section »") })
        #expect(messages.contains { $0.hasPrefix("5:") && $0.contains("n'est pas une leçon") })
        #expect(messages.contains { $0.contains("n'ont pas de leçon à relire") && $0.contains("medDiagAutonomie") })
        #expect(catalog.revisionLinks.isEmpty, "nothing wrong is kept")
        // « aucune » says plainly that no lesson teaches the tube yet: not missing, listed as a gap.
        #expect(catalog.revisionGaps == ["medOrientation"])
        #expect(!messages.contains { $0.contains("n'ont pas de leçon à relire") && $0.contains("medOrientation") })
    }
}
