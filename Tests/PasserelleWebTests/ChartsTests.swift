import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import PasserelleWeb

/// The server's SVG charts (issue 14): well-formed XML, escaped text, a title and a description named by
/// `aria-labelledby`, values inside the drawing, and a sentence instead of an empty chart.
@Suite struct ChartsTests {
    /// What an XML parser read from a chart: elements with their attributes, and the text of each element.
    final class Reading: NSObject, XMLParserDelegate {
        struct Element { var name: String; var attributes: [String: String]; var text = "" }
        var elements: [Element] = []
        var open: [Int] = []
        var failure: Error?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append(Element(name: name, attributes: attributes))
            open.append(elements.count - 1)
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let last = open.last { elements[last].text += string }
        }
        func parser(_ parser: XMLParser, parseErrorOccurred error: Error) { failure = error }

        func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }
        var texts: [String] { all("text").map(\.text) }
    }

    static func read(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Reading {
        let reading = Reading()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = reading
        let parsed = parser.parse()
        #expect(parsed && reading.failure == nil, "not well-formed XML: \(reading.failure.map { "\($0)" } ?? "") \(svg.prefix(300))",
                sourceLocation: sourceLocation)
        return reading
    }

    /// The root is an accessible image: role, title and description named by aria-labelledby, a viewBox.
    static func checkAccessible(_ reading: Reading, sourceLocation: SourceLocation = #_sourceLocation) throws -> (width: Double, height: Double) {
        let root = try #require(reading.elements.first, sourceLocation: sourceLocation)
        #expect(root.name == "svg", sourceLocation: sourceLocation)
        #expect(root.attributes["role"] == "img", sourceLocation: sourceLocation)
        #expect(root.attributes["style"] == nil, sourceLocation: sourceLocation)
        let labelled = (root.attributes["aria-labelledby"] ?? "").split(separator: " ").map(String.init)
        let title = try #require(reading.all("title").first, sourceLocation: sourceLocation)
        let desc = try #require(reading.all("desc").first, sourceLocation: sourceLocation)
        #expect(labelled == [title.attributes["id"] ?? "-", desc.attributes["id"] ?? "-"], sourceLocation: sourceLocation)
        #expect(!title.text.isEmpty && !desc.text.isEmpty, sourceLocation: sourceLocation)
        // No inline style anywhere (the CSP forbids it).
        #expect(reading.elements.allSatisfy { $0.attributes["style"] == nil }, sourceLocation: sourceLocation)
        let box = (root.attributes["viewBox"] ?? "").split(separator: " ").compactMap { Double($0) }
        #expect(box.count == 4, sourceLocation: sourceLocation)
        return (box.count == 4 ? box[2] : 0, box.count == 4 ? box[3] : 0)
    }

    /// Every rectangle, line and text lies inside the drawing.
    static func checkInside(_ reading: Reading, width: Double, height: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        func value(_ element: Reading.Element, _ name: String) -> Double { Double(element.attributes[name] ?? "0") ?? .nan }
        for element in reading.elements {
            switch element.name {
            case "rect":
                let x = value(element, "x"), y = value(element, "y"), w = value(element, "width"), h = value(element, "height")
                #expect(x >= 0 && y >= 0 && w >= 0 && h >= 0 && x + w <= width + 0.5 && y + h <= height + 0.5,
                        "rect \(element.attributes) outside 0 0 \(width) \(height)", sourceLocation: sourceLocation)
            case "line":
                for (x, y) in [(value(element, "x1"), value(element, "y1")), (value(element, "x2"), value(element, "y2"))] {
                    #expect((0...width).contains(x) && (0...height).contains(y), "line \(element.attributes)", sourceLocation: sourceLocation)
                }
            case "text":
                let x = value(element, "x"), y = value(element, "y")
                #expect((0...width).contains(x) && (0...height).contains(y), "text « \(element.text) » at \(x), \(y)",
                        sourceLocation: sourceLocation)
            default: break
            }
        }
    }

    static let caption = Charts.Caption(id: "essai", title: "Un titre <b>", description: "Une description & un résumé.")

    @Test func levelDistributionIsAccessibleEscapedAndInside() throws {
        let svg = Charts.stackedBars(
            Charts.Caption(id: "niveaux \"x\"", title: "Niveaux", description: "Combien d'apprenants à chaque niveau."),
            rows: [Charts.StackedRow(label: "1.1 Mener une recherche <script>alert(1)</script> & « veille »", counts: [0, 2, 5, 3, 0, 0, 0, 0, 2]),
                   Charts.StackedRow(label: "1.2 Gérer des données", counts: [12, 0, 0, 0, 0, 0, 0, 0, 0]),
                   Charts.StackedRow(label: "Sans mesure", counts: [0, 0, 0, 0, 0, 0, 0, 0, 0])],
            categories: (0...8).map { "niv. \($0)" }, unit: "apprenant", empty: "Aucun niveau mesuré.")
        #expect(!svg.contains("<script>"))
        let reading = try ChartsTests.read(svg)
        let (width, height) = try ChartsTests.checkAccessible(reading)
        ChartsTests.checkInside(reading, width: width, height: height)
        // The full name is written, escaped; the ids keep only safe characters.
        #expect(reading.texts.contains { $0.contains("<script>alert(1)</script> & « veille »") })
        #expect(reading.elements[0].attributes["aria-labelledby"] == "niveauxx-titre niveauxx-desc")
        // The segments of a row add up to the row's total, in proportion: 12 learners fill the width 5 do not.
        let segments = reading.all("rect").filter { ($0.attributes["class"] ?? "").contains("chart-segment") }
        let widths = segments.map { Double($0.attributes["width"] ?? "0") ?? 0 }
        // 9 legend swatches, then 4 segments (2, 5, 3, 2) and 1 (12).
        #expect(segments.count == 9 + 4 + 1)
        let first = widths[9..<13].reduce(0, +), second = widths[13]
        #expect(abs(first - second) < 1, "12 learners each: same length")
        #expect(abs(widths[10] / widths[9] - 2.5) < 0.05, "5 is two and a half times 2")
        // Labels say the level and the count, not only a colour; each total is written; the empty row is left out.
        #expect(reading.texts.contains("niv. 2 : 5"))
        #expect(reading.texts.contains("12 apprenants"))
        #expect(!reading.texts.contains("Sans mesure"))
    }

    @Test func gainsShowTheIntervalTheAxisAndTheSmallGroupNote() throws {
        let svg = Charts.gains(ChartsTests.caption, rows: [
            Charts.GainRow(label: "1.1 Compétence A", mean: 12.5, lower: 4, upper: 21, count: 8),
            Charts.GainRow(label: "1.2 Compétence B", mean: -3, lower: -9.5, upper: 3.5, count: 6),
            Charts.GainRow(label: "1.3 Compétence C", mean: 300, count: 2, note: "moins de 5 réponses"),
        ], unit: "pix", axisTitle: "Gain moyen en pix", empty: "Rien.")
        let reading = try ChartsTests.read(svg)
        let (width, height) = try ChartsTests.checkAccessible(reading)
        ChartsTests.checkInside(reading, width: width, height: height)
        #expect(reading.all("title").first?.text == "Un titre <b>")
        #expect(reading.all("desc").first?.text == "Une description & un résumé.")
        let texts = reading.texts
        #expect(texts.contains("+12,5") && texts.contains("−3,0"), "values written, signed, French decimals")
        #expect(texts.contains("moins de 5 réponses") && !texts.contains("+300,0"), "a small group's mean is not drawn")
        #expect(texts.contains("+30") && !texts.contains("+50") && !texts.contains("+300"),
                "nor does it stretch the axis (which would give it away)")
        #expect(texts.contains("8 apprenants") && texts.contains("Gain moyen en pix") && texts.contains("0"))
        // The zero line sits between the loss and the gain; the loss bar is left of it, the gain bar right.
        let zero = try #require(reading.all("line").first { $0.attributes["class"] == "chart-zero" })
        let zeroX = try #require(Double(zero.attributes["x1"] ?? ""))
        // The legend's sample bar first, then one bar per measured row.
        let bars = Array(reading.all("rect").filter { ($0.attributes["class"] ?? "").hasPrefix("chart-gain") }.dropFirst())
        #expect(bars.count == 2)
        #expect(reading.texts.contains("intervalle de confiance à 95 %"))
        let gainBar = try #require(bars.first), lossBar = try #require(bars.last)
        #expect(abs((Double(gainBar.attributes["x"] ?? "") ?? 0) - zeroX) < 0.2)
        #expect(abs((Double(lossBar.attributes["x"] ?? "") ?? 0) + (Double(lossBar.attributes["width"] ?? "") ?? 0) - zeroX) < 0.2)
        #expect(lossBar.attributes["class"] == "chart-gain chart-loss")
        // The interval: a line and two end marks per measured row, and in the legend.
        #expect(reading.all("line").filter { $0.attributes["class"] == "chart-interval" }.count == 3 + 6)
    }

    @Test func likertBarsDivergeAroundTheCentre() throws {
        // 1-8 scale: 10 answers, 3 disagreeing (values 1 to 4), 7 agreeing (5 to 8).
        let svg = Charts.likert(ChartsTests.caption, rows: [
            Charts.LikertRow(label: "Je suis à l'aise <vraiment>", counts: [1, 0, 1, 1, 2, 2, 2, 1]),
            Charts.LikertRow(label: "Petit groupe", counts: [0, 1, 0, 0, 0, 1, 0, 0], note: "moins de 5 réponses"),
            Charts.LikertRow(label: "Personne", counts: [0, 0, 0, 0, 0, 0, 0, 0]),
        ], values: (1...8).map(String.init), lowLabel: "Pas du tout d'accord", highLabel: "Tout à fait d'accord", empty: "Rien.")
        let reading = try ChartsTests.read(svg)
        let (width, height) = try ChartsTests.checkAccessible(reading)
        ChartsTests.checkInside(reading, width: width, height: height)
        let texts = reading.texts
        #expect(texts.contains("30 %") && texts.contains("70 %"), "shares disagreeing and agreeing written at the ends")
        #expect(texts.contains("Je suis à l'aise <vraiment>") && texts.contains("moins de 5 réponses"))
        #expect(!texts.contains("Personne"), "a statement nobody answered is left out")
        let centre = try #require(reading.all("line").first { $0.attributes["class"] == "chart-zero" }.flatMap { Double($0.attributes["x1"] ?? "") })
        // The bar's segments (after the 8 legend swatches): disagreeing ones end at the centre or left of it.
        let segments = Array(reading.all("rect").filter { ($0.attributes["class"] ?? "").contains("chart-segment") }.dropFirst(8))
        #expect(segments.count == 7)
        for segment in segments {
            let x = Double(segment.attributes["x"] ?? "") ?? 0, w = Double(segment.attributes["width"] ?? "") ?? 0
            let low = (segment.attributes["class"] ?? "").contains("chart-low")
            #expect(low ? x + w <= centre + 0.2 : x >= centre - 0.2, "\(segment.attributes)")
        }
        let left = segments.filter { ($0.attributes["class"] ?? "").contains("chart-low") }.map { Double($0.attributes["width"] ?? "") ?? 0 }.reduce(0, +)
        let right = segments.filter { ($0.attributes["class"] ?? "").contains("chart-high") }.map { Double($0.attributes["width"] ?? "") ?? 0 }.reduce(0, +)
        #expect(abs(right / left - 7.0 / 3.0) < 0.02)
    }

    @Test func beforeAndAfterBarsAreTaggedUnderOneStatement() throws {
        let svg = Charts.likert(ChartsTests.caption, rows: [
            Charts.LikertRow(label: "Je sais orienter les usagers.", counts: [2, 2, 1, 0], tag: "avant"),
            Charts.LikertRow(label: "", counts: [0, 1, 2, 2], tag: "après"),
            Charts.LikertRow(label: "Je montre les outils.", counts: [1, 0, 0, 0], note: "moins de 5 réponses", tag: "avant"),
            Charts.LikertRow(label: "", counts: [0, 0, 0, 0], tag: "après"),
        ], values: ["1", "2", "3", "4"], lowLabel: "Pas du tout d'accord", highLabel: "Tout à fait d'accord", empty: "Rien.")
        let reading = try ChartsTests.read(svg)
        let (width, height) = try ChartsTests.checkAccessible(reading)
        ChartsTests.checkInside(reading, width: width, height: height)
        let texts = reading.texts
        #expect(texts.filter { $0 == "avant" }.count == 2 && texts.filter { $0 == "après" }.count == 2)
        #expect(texts.filter { $0 == "Je sais orienter les usagers." }.count == 1, "the statement is written once for its two bars")
        #expect(texts.contains("80 %") && texts.contains("20 %"), "before: 4 of 5 disagree; after: 4 of 5 agree")
        #expect(texts.contains("moins de 5 réponses") && texts.contains("aucune réponse"))
    }

    @Test func anOddScaleCentresItsNeutralValue() throws {
        let svg = Charts.likert(ChartsTests.caption, rows: [Charts.LikertRow(label: "A", counts: [1, 2, 1])],
                                values: ["1", "2", "3"], lowLabel: "non", highLabel: "oui", empty: "Rien.")
        let reading = try ChartsTests.read(svg)
        let centre = try #require(reading.all("line").first { $0.attributes["class"] == "chart-zero" }.flatMap { Double($0.attributes["x1"] ?? "") })
        let neutral = try #require(reading.all("rect").filter { $0.attributes["class"] == "chart-segment chart-neutral" }.last)
        let x = Double(neutral.attributes["x"] ?? "") ?? 0, w = Double(neutral.attributes["width"] ?? "") ?? 0
        #expect(abs(x + w / 2 - centre) < 0.2, "the neutral answers straddle the centre")
    }

    @Test func stepsStayInsideAndNameTheMaximum() throws {
        let points = (0..<20).map { Charts.Point(label: "s\($0)", value: $0 * 3) }
        let svg = Charts.steps(ChartsTests.caption, points: points, maximum: 50, maximumLabel: "50 modules attribués",
                               axisTitle: "Semaine", empty: "Rien.")
        let reading = try ChartsTests.read(svg)
        let (width, height) = try ChartsTests.checkAccessible(reading)
        ChartsTests.checkInside(reading, width: width, height: height)
        #expect(reading.texts.contains("50 modules attribués") && reading.texts.contains("57"), "the last value (above the maximum) is written")
        #expect(reading.all("path").count == 2, "the area and the step line")
    }

    @Test func aFarMaximumIsWrittenNotDrawn() throws {
        // 3 modules done of 204: drawn to 204, the steps would be flat; the scale follows the values instead.
        let svg = Charts.steps(ChartsTests.caption, points: [Charts.Point(label: "30/11", value: 0), Charts.Point(label: "07/12", value: 3)],
                               maximum: 204, maximumLabel: "204 modules attribués en tout", axisTitle: "Semaine", empty: "Rien.")
        let reading = try ChartsTests.read(svg)
        let (width, height) = try ChartsTests.checkAccessible(reading)
        ChartsTests.checkInside(reading, width: width, height: height)
        #expect(reading.all("line").filter { $0.attributes["class"] == "chart-target" }.isEmpty)
        #expect(reading.texts.contains("Sur 204 modules attribués en tout"))
        #expect(reading.texts.contains("3") && reading.texts.contains("07/12"))
    }

    @Test func emptyDataGivesASentence() throws {
        let caption = ChartsTests.caption
        #expect(Charts.stackedBars(caption, rows: [], categories: ["a"], unit: "x", empty: "Aucun niveau mesuré.")
                == "<p class=\"chart-empty\">Aucun niveau mesuré.</p>")
        #expect(Charts.stackedBars(caption, rows: [Charts.StackedRow(label: "A", counts: [0, 0])], categories: ["a", "b"], unit: "x",
                                   empty: "Rien <ici>.") == "<p class=\"chart-empty\">Rien &lt;ici&gt;.</p>")
        #expect(Charts.gains(caption, rows: [], unit: "pix", axisTitle: "", empty: "Pas de gain.") == "<p class=\"chart-empty\">Pas de gain.</p>")
        #expect(Charts.likert(caption, rows: [Charts.LikertRow(label: "A", counts: [0, 0])], values: ["non", "oui"], lowLabel: "",
                              highLabel: "", empty: "Pas de réponse.") == "<p class=\"chart-empty\">Pas de réponse.</p>")
        #expect(Charts.steps(caption, points: [], maximum: 3, maximumLabel: "", axisTitle: "", empty: "Rien.") == "<p class=\"chart-empty\">Rien.</p>")
        #expect(Charts.steps(caption, points: [Charts.Point(label: "a", value: 0)], maximum: 0, maximumLabel: "", axisTitle: "",
                             empty: "Aucun module.") == "<p class=\"chart-empty\">Aucun module.</p>")
    }

    @Test func hostileNumbersDoNotBreakTheDrawing() throws {
        let svg = Charts.gains(ChartsTests.caption, rows: [
            Charts.GainRow(label: "A", mean: .nan, lower: -.infinity, upper: .infinity, count: 5),
            Charts.GainRow(label: "B", mean: 1e12, lower: -1e12, upper: 1e13, count: 5),
        ], unit: "pix", axisTitle: "Gain", empty: "Rien.")
        let reading = try ChartsTests.read(svg)
        let (width, height) = try ChartsTests.checkAccessible(reading)
        ChartsTests.checkInside(reading, width: width, height: height)
    }

    @Test func theNumbersTableIsEscapedAndBehindAToggle() throws {
        let html = Charts.numbers(Charts.Table(caption: "Niveaux <i>", columns: ["Compétence", "N"], rows: [["1.1 <b>A</b>", "3"]]), id: "t\"x")
        #expect(html.hasPrefix("<details class=\"chart-numbers\"><summary>Voir les chiffres</summary>"))
        #expect(html.contains("<caption id=\"tx-tableau\">Niveaux &lt;i&gt;</caption>"))
        #expect(html.contains("<th scope=\"row\">1.1 &lt;b&gt;A&lt;/b&gt;</th><td>3</td>"))
        #expect(Charts.numbers(Charts.Table(caption: "Vide", columns: ["A"], rows: []), id: "v") == "")
    }

    @Test func aChartScrollsInAFocusableBoxASentenceDoesNot() {
        let svg = Charts.steps(ChartsTests.caption, points: [Charts.Point(label: "a", value: 1)], maximum: 2, maximumLabel: "2",
                               axisTitle: "", empty: "Rien.")
        #expect(Charts.scrollable(svg, id: "essai") == "<p class=\"chart-hint\">Le graphique est plus large que l'écran : faites-le glisser vers la gauche pour voir la suite.</p>"
                + "<div class=\"chart-scroll\" role=\"group\" aria-labelledby=\"essai-titre\" tabindex=\"0\">\(svg)</div>")
        #expect(Charts.scrollable("<p class=\"chart-empty\">Rien.</p>", id: "essai") == "<p class=\"chart-empty\">Rien.</p>")
    }

    @Test func numbersReadTheFrenchWay() {
        #expect(Charts.format(-0.04, digits: 1) == "0,0")
        #expect(Charts.signed(2.25, digits: 1) == "+2,3" || Charts.signed(2.25, digits: 1) == "+2,2")
        #expect(Charts.signed(0, digits: 1) == "0,0")
        #expect(Charts.signed(-1, digits: 0) == "−1")
        #expect(Charts.wrap("un deux trois quatre", width: 9) == ["un deux", "trois", "quatre"])
    }
}
