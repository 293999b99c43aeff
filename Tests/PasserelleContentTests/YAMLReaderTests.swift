import Foundation
import Testing
import Yams
@testable import PasserelleContent

/// The loaders compose YAML with `YAMLReader.resolver` (booleans only) instead of Yams' default resolver.
/// These tests show that every accessor the loaders use reads the same values either way, on small
/// documents and on every YAML text the repository ships.
@Suite struct YAMLReaderTests {
    /// What a loader can read of a node: its text, number, boolean, and the children it finds by key.
    static func assertSameReading(_ fast: Node, _ reference: Node, path: String) {
        #expect(fast.string == reference.string, "\(path): text")
        #expect(fast.int == reference.int, "\(path): integer")
        #expect(fast.float == reference.float || (fast.float?.isNaN == true && reference.float?.isNaN == true), "\(path): number")
        #expect(fast.bool == reference.bool, "\(path): boolean")
        switch (fast, reference) {
        case (.mapping(let fastMap), .mapping(let referenceMap)):
            #expect(fastMap.count == referenceMap.count, "\(path): size")
            for (key, value) in referenceMap {
                guard let name = key.string else { continue }
                // A lookup by name, as `mapping["prompt"]` in the loaders.
                guard let found = fastMap[name] else {
                    Issue.record("\(path): key « \(name) » not found with the fast resolver")
                    continue
                }
                #expect(referenceMap[name] != nil, "\(path): key « \(name) » not found with the default resolver")
                assertSameReading(found, value, path: "\(path).\(name)")
            }
        case (.sequence(let fastList), .sequence(let referenceList)):
            #expect(fastList.count == referenceList.count, "\(path): length")
            for (index, (one, other)) in zip(fastList, referenceList).enumerated() {
                assertSameReading(one, other, path: "\(path)[\(index)]")
            }
        case (.scalar, .scalar):
            break
        default:
            Issue.record("\(path): not the same kind of node")
        }
    }

    @Test func booleansNumbersAndTextReadAsWithTheDefaultResolver() throws {
        let text = """
            plain: true
            yes_word: yes
            off_word: Off
            quoted: "true"
            number: 12
            negative: -3
            decimal: 0.75
            text: La qualité la plus basse
            empty:
            nothing: null
            3: trois
            list: [false, "no", 4, 1.5, ~]
            """
        let fast = try #require(try YAMLReader.compose(text))
        let reference = try #require(try Yams.compose(yaml: text))
        Self.assertSameReading(fast, reference, path: "document")
        // The values themselves, so that a resolver reading nothing the same on both sides fails too.
        let map = try #require(fast.mapping)
        #expect(map["plain"]?.bool == true)
        #expect(map["yes_word"]?.bool == true)
        #expect(map["off_word"]?.bool == false)
        #expect(map["quoted"]?.bool == nil)
        #expect(map["quoted"]?.string == "true")
        #expect(map["number"]?.int == 12)
        #expect(map["negative"]?.int == -3)
        #expect(map["decimal"]?.float == 0.75)
        #expect(map["3"]?.string == "trois")
    }

    @Test func everyShippedYAMLTextReadsTheSameWithBothResolvers() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var texts: [(String, String)] = []
        for folder in ["Assessments", "Curriculum"] {
            let base = repository.appendingPathComponent(folder)
            let walker = try #require(FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil))
            for case let file as URL in walker {
                let name = file.lastPathComponent
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                    texts.append((name, text))
                } else if name.hasSuffix(".md"), let yaml = FrontMatter.split(text).0 {
                    texts.append((name, yaml))
                }
            }
        }
        #expect(texts.count > 100)
        for (name, text) in texts {
            let fast = try YAMLReader.compose(text)
            let reference = try Yams.compose(yaml: text)
            guard let fast, let reference else {
                #expect(fast == nil && reference == nil, "\(name): one resolver read an empty document")
                continue
            }
            Self.assertSameReading(fast, reference, path: name)
        }
    }
}
