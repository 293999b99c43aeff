import Foundation

/// Charts drawn by the server as inline SVG: no script, no external resource, no `style=` attribute (the
/// CSP forbids inline styles), only classes from `app.css`, so they print in black and white too.
///
/// Every chart is `role="img"` with a `<title>` and a `<desc>` named by `aria-labelledby`; its bars carry
/// text (names, values), so colour is never the only signal. Empty data gives a sentence, never an empty
/// chart. Every piece of text is escaped here: callers pass plain text, never HTML.
///
/// Pages put the numbers behind the chart in a table under « Voir les chiffres » (`Charts.numbers`).
public enum Charts {
    /// What a chart is about: `id` makes its ids unique on the page (letters, digits and `-` are kept),
    /// `title` is what it shows, `description` what a reader should take from it.
    public struct Caption: Sendable {
        public var id: String
        public var title: String
        public var description: String

        public init(id: String, title: String, description: String) {
            self.id = id
            self.title = title
            self.description = description
        }
    }

    // MARK: Level distribution (stacked horizontal bars)

    /// One bar: a name and a count per category (for instance learners at each level), or a note instead of
    /// the bar (« moins de 5 réponses »), whose counts are then never drawn.
    public struct StackedRow: Sendable {
        public var label: String
        public var counts: [Int]
        public var note: String?

        public init(label: String, counts: [Int], note: String? = nil) {
            self.label = label
            self.counts = counts
            self.note = note
        }
    }

    /// One horizontal bar per row, its segments in the order of `categories` (a light to dark scale), each
    /// segment labelled with its category and count when it is wide enough; the row's total at its end.
    /// `unit` names what is counted (« apprenant »), `categories` are short names (« niv. 2 »).
    /// `shades` fixes the scale the colours are drawn from (9 for levels 0 to 8, whatever levels are shown).
    public static func stackedBars(_ caption: Caption, rows: [StackedRow], categories: [String], unit: String,
                                   empty: String, shades: Int? = nil) -> String {
        let rows = rows.filter { $0.note != nil || $0.counts.contains { $0 > 0 } }
        guard !rows.isEmpty, !categories.isEmpty else { return sentence(empty) }
        let id = identifier(caption.id)
        let plotLeft = 8.0, plotWidth = 600.0, barHeight = 26.0, lineHeight = 18.0
        // The scale follows the bars drawn only: a hidden row's total must not show through it.
        let largest = max(1, rows.filter { $0.note == nil }.map { $0.counts.reduce(0) { $0 + max($1, 0) } }.max() ?? 1)
        var body = legend(categories.enumerated().map { index, name in (name, "chart-seq-\(shade(index, of: shades ?? categories.count))") },
                          y: 4, note: "Dans chaque barre : « \(categories[0]) : 3 » = 3 \(unit)s à ce niveau.")
        var y = 64.0
        for row in rows {
            let lines = wrap(row.label, width: 88)
            for line in lines {
                y += lineHeight
                body += text(line, x: plotLeft, y: y - 4, class: "chart-label")
            }
            y += 2
            if let note = row.note {
                body += text(note, x: plotLeft, y: y + 18, class: "chart-value chart-note")
                y += barHeight + 14
                continue
            }
            var x = plotLeft
            let total = row.counts.reduce(0) { $0 + max($1, 0) }
            for (index, count) in row.counts.prefix(categories.count).enumerated() where count > 0 {
                let width = Double(count) / Double(largest) * plotWidth
                let shadeClass = "chart-seq-\(shade(index, of: shades ?? categories.count))"
                body += rect(x: x, y: y, width: width, height: barHeight, class: "chart-segment \(shadeClass)")
                let long = "\(categories[index]) : \(count)"
                let short = "\(count)"
                if textWidth(long, size: 13) + 6 <= width {
                    body += text(long, x: x + width / 2, y: y + 18, class: "chart-in \(shadeClass)-text", anchor: "middle")
                } else if textWidth(short, size: 13) + 4 <= width {
                    body += text(short, x: x + width / 2, y: y + 18, class: "chart-in \(shadeClass)-text", anchor: "middle")
                }
                x += width
            }
            body += text("\(total) \(plural(unit, total))", x: x + 6, y: y + 18, class: "chart-value")
            y += barHeight + 14
        }
        return svg(caption, id: id, width: 720, height: y + 4, body: body)
    }

    // MARK: Gains (diverging bars with their interval)

    /// One competence's gain: its mean and 95 % interval, the number of learners measured twice, or a
    /// note instead of numbers (« moins de 5 réponses »).
    public struct GainRow: Sendable {
        public var label: String
        public var mean: Double?
        public var lower: Double?
        public var upper: Double?
        public var count: Int
        public var note: String?

        public init(label: String, mean: Double?, lower: Double? = nil, upper: Double? = nil, count: Int, note: String? = nil) {
            self.label = label
            self.mean = mean
            self.lower = lower
            self.upper = upper
            self.count = count
            self.note = note
        }
    }

    /// A bar from 0 to the mean gain per row (right: gain, left: loss), the 95 % interval as a line with
    /// end marks, the value written at the bar's end and the number of learners at the right; a labelled
    /// axis under the rows, the zero line named.
    public static func gains(_ caption: Caption, rows: [GainRow], unit: String, axisTitle: String, empty: String) -> String {
        guard !rows.isEmpty else { return sentence(empty) }
        let id = identifier(caption.id)
        // The axis follows the rows drawn only: a hidden row's figures must not show through its extent.
        let values = rows.filter { $0.note == nil }.flatMap { row in [row.mean, row.lower, row.upper].compactMap { $0 }.filter(\.isFinite) }
        let scale = Axis(low: min(0, values.min() ?? 0), high: max(0, values.max() ?? 0), minimumSpan: 8)
        let plotLeft = 8.0, plotWidth = 560.0, barHeight = 20.0, lineHeight = 18.0
        func x(_ value: Double) -> Double { plotLeft + scale.fraction(value) * plotWidth }
        // A legend, so that a printed chart reads without its page: the bar, the interval.
        var body = rect(x: plotLeft, y: 6, width: 34, height: 16, class: "chart-gain")
        body += text("gain moyen (écrit au bout)", x: plotLeft + 42, y: 19, class: "chart-value")
        body += line(x1: plotLeft + 250, y1: 14, x2: plotLeft + 300, y2: 14, class: "chart-interval")
        body += line(x1: plotLeft + 250, y1: 7, x2: plotLeft + 250, y2: 21, class: "chart-interval")
        body += line(x1: plotLeft + 300, y1: 7, x2: plotLeft + 300, y2: 21, class: "chart-interval")
        body += text("intervalle de confiance à 95 %", x: plotLeft + 308, y: 19, class: "chart-value")
        var y = 36.0
        var top: Double?
        for row in rows {
            for line in wrap(row.label, width: 88) {
                y += lineHeight
                body += text(line, x: plotLeft, y: y - 4, class: "chart-label")
            }
            y += 2
            if top == nil { top = y - 2 }
            let middle = y + barHeight / 2
            if let mean = row.mean, mean.isFinite, row.note == nil {
                let from = min(x(0), x(mean)), to = max(x(0), x(mean))
                body += rect(x: from, y: y, width: max(to - from, 1), height: barHeight,
                             class: mean < 0 ? "chart-gain chart-loss" : "chart-gain")
                if let lower = row.lower, let upper = row.upper, lower.isFinite, upper.isFinite {
                    body += line(x1: x(lower), y1: middle, x2: x(upper), y2: middle, class: "chart-interval")
                    body += line(x1: x(lower), y1: middle - 7, x2: x(lower), y2: middle + 7, class: "chart-interval")
                    body += line(x1: x(upper), y1: middle - 7, x2: x(upper), y2: middle + 7, class: "chart-interval")
                }
                let end = max(x(mean), x(row.upper ?? mean), x(0))
                body += text(signed(mean, digits: 1), x: end + 6, y: middle + 5, class: "chart-value chart-strong")
            } else {
                body += text(row.note ?? "pas de mesure", x: x(0) + 6, y: middle + 5, class: "chart-value chart-note")
            }
            body += text("\(row.count) \(plural(unit == "pix" ? "apprenant" : unit, row.count))", x: plotLeft + plotWidth + 150, y: middle + 5,
                         class: "chart-value", anchor: "end")
            y += barHeight + 12
        }
        let axisTop = top ?? 6
        body = scale.ticks.map { tick in
            line(x1: x(tick), y1: axisTop, x2: x(tick), y2: y, class: tick == 0 ? "chart-zero" : "chart-grid")
        }.joined() + body
        body += line(x1: plotLeft, y1: y, x2: plotLeft + plotWidth, y2: y, class: "chart-axis")
        for tick in scale.ticks {
            body += line(x1: x(tick), y1: y, x2: x(tick), y2: y + 5, class: "chart-axis")
            body += text(tick == 0 ? "0" : signed(tick, digits: 0), x: x(tick), y: y + 20, class: "chart-tick", anchor: "middle")
        }
        body += text(axisTitle, x: plotLeft + plotWidth / 2, y: y + 42, class: "chart-axis-title", anchor: "middle")
        return svg(caption, id: id, width: 720, height: y + 52, body: body)
    }

    // MARK: Likert (diverging stacked bars)

    /// One statement: its text and the number of answers for each value of the scale (lowest first), or a
    /// note instead of a bar.
    public struct LikertRow: Sendable {
        public var label: String
        public var counts: [Int]
        public var note: String?
        /// A short name written left of the bar (« avant », « après ») when one statement has several bars;
        /// the rows after the first of a statement then have an empty `label`.
        public var tag: String?

        public init(label: String, counts: [Int], note: String? = nil, tag: String? = nil) {
            self.label = label
            self.counts = counts
            self.note = note
            self.tag = tag
        }
    }

    /// Diverging stacked bars (the Rennes evaluation's style): the lower half of the scale to the left of
    /// the centre line, the upper half to the right, the middle value (odd scales) split across it; the
    /// share disagreeing written at the left, the share agreeing at the right. `values` names each value
    /// of the scale (« 1 » … « 8 », or « non », « oui »).
    /// `sides` names the two directions above the centre line.
    public static func likert(_ caption: Caption, rows: [LikertRow], values: [String], lowLabel: String, highLabel: String,
                              empty: String, sides: (String, String) = ("← pas d'accord", "d'accord →")) -> String {
        // A statement nobody answered is left out, unless it is one of a pair (« avant », « après »).
        let shown = rows.filter { $0.note != nil || $0.tag != nil || $0.counts.contains { $0 > 0 } }
        guard shown.contains(where: { $0.note != nil || $0.counts.contains { $0 > 0 } }), values.count >= 2 else { return sentence(empty) }
        let id = identifier(caption.id)
        let k = values.count, half = k / 2, neutral = k % 2 == 1 ? half : nil
        let tagged = shown.contains { $0.tag != nil }
        let plotLeft = tagged ? 112.0 : 60.0, plotWidth = tagged ? 556.0 : 600.0
        let centre = plotLeft + plotWidth / 2, barHeight = 24.0, lineHeight = 18.0
        func classOf(_ index: Int) -> String {
            if index == neutral { return "chart-neutral" }
            if half == 1 { return index == 0 ? "chart-low-2" : "chart-high-3" }  // yes or no: two shades far apart
            return index < half ? "chart-low-\(min(half - index, 4))" : "chart-high-\(min(index - (k - half) + 1, 4))"
        }
        // The legend: one swatch per value with the value written in it, the scale's two ends named.
        var body = ""
        let swatch = min(44.0, 560 / Double(k))
        let legendLeft = 360 - swatch * Double(k) / 2
        if !lowLabel.isEmpty { body += text(lowLabel, x: legendLeft - 8, y: 24, class: "chart-label", anchor: "end") }
        for (index, value) in values.enumerated() {
            let left = legendLeft + Double(index) * swatch
            body += rect(x: left, y: 6, width: swatch, height: 26, class: "chart-segment \(classOf(index))")
            body += text(value, x: left + swatch / 2, y: 24, class: "chart-in \(classOf(index))-text", anchor: "middle")
        }
        if !highLabel.isEmpty { body += text(highLabel, x: legendLeft + swatch * Double(k) + 8, y: 24, class: "chart-label") }
        body += text(sides.0, x: centre - 8, y: 54, class: "chart-tick", anchor: "end")
        body += text(sides.1, x: centre + 8, y: 54, class: "chart-tick")
        var y = 62.0
        for row in shown {
            if row.label.isEmpty && row.tag != nil { y -= 6 }  // the second bar of a pair sits closer to the first
            if !row.label.isEmpty {
                for line in wrap(row.label, width: 88) {
                    y += lineHeight
                    body += text(line, x: 8, y: y - 4, class: "chart-label")
                }
            }
            y += 2
            if let tag = row.tag { body += text(tag, x: 8, y: y + 17, class: "chart-value chart-strong") }
            let total = row.counts.prefix(k).reduce(0) { $0 + max($1, 0) }
            if let note = row.note ?? (total == 0 ? "aucune réponse" : nil) {
                body += line(x1: centre, y1: y - 3, x2: centre, y2: y + barHeight + 3, class: "chart-zero")
                body += text(note, x: centre + 6, y: y + 17, class: "chart-value chart-note")
                y += barHeight + 12
                continue
            }
            func width(_ count: Int) -> Double { Double(max(count, 0)) / Double(total) * plotWidth / 2 }
            let counts = Array(row.counts.prefix(k)) + [Int](repeating: 0, count: max(0, k - row.counts.count))
            // Left: from the centre outwards, the value nearest the middle first; the neutral half first.
            var left = centre
            if let neutral { left -= width(counts[neutral]) / 2 }
            var segments: [(x: Double, width: Double, index: Int)] = []
            if let neutral { segments.append((left, width(counts[neutral]), neutral)) }
            for index in stride(from: half - 1, through: 0, by: -1) {
                left -= width(counts[index])
                segments.append((left, width(counts[index]), index))
            }
            var right = centre + (neutral.map { width(counts[$0]) / 2 } ?? 0)
            for index in (k - half)..<k {
                segments.append((right, width(counts[index]), index))
                right += width(counts[index])
            }
            for segment in segments where segment.width > 0 {
                body += rect(x: segment.x, y: y, width: segment.width, height: barHeight, class: "chart-segment \(classOf(segment.index))")
                let share = "\(Int((Double(counts[segment.index]) / Double(total) * 100).rounded())) %"
                // With one value a side (yes or no), the shares at the ends say it all.
                if half > 1, textWidth(share, size: 13) + 6 <= segment.width {
                    body += text(share, x: segment.x + segment.width / 2, y: y + 17,
                                 class: "chart-in \(classOf(segment.index))-text", anchor: "middle")
                }
            }
            let disagree = counts.prefix(half).reduce(0, +), agree = counts.suffix(half).reduce(0, +)
            body += text(percent(disagree, of: total), x: left - 6, y: y + 17, class: "chart-value chart-strong", anchor: "end")
            body += text(percent(agree, of: total), x: right + 6, y: y + 17, class: "chart-value chart-strong")
            // The centre line crosses the bar only, not the statement written above it.
            body += line(x1: centre, y1: y - 3, x2: centre, y2: y + barHeight + 3, class: "chart-zero")
            y += barHeight + 12
        }
        body += line(x1: plotLeft, y1: y, x2: plotLeft + plotWidth, y2: y, class: "chart-axis")
        for (value, label) in [(-100, "100 %"), (-50, "50 %"), (0, "0"), (50, "50 %"), (100, "100 %")] {
            let x = centre + Double(value) / 100 * plotWidth / 2
            body += line(x1: x, y1: y, x2: x, y2: y + 5, class: "chart-axis")
            body += text(label, x: x, y: y + 20, class: "chart-tick", anchor: "middle")
        }
        body += text("Part des réponses", x: centre, y: y + 42,
                     class: "chart-axis-title", anchor: "middle")
        return svg(caption, id: id, width: 720, height: y + 52, body: body)
    }

    // MARK: Completion over time (step chart)

    /// One point of a step chart: its label (« 7 déc. ») and its value.
    public struct Point: Sendable {
        public var label: String
        public var value: Int

        public init(label: String, value: Int) {
            self.label = label
            self.value = value
        }
    }

    /// A step chart of a count that grows week after week, its value written at each step. The maximum (what
    /// could be reached) is drawn as a dashed line and named when it is within three times the highest value;
    /// further up it would flatten the steps, so it is only written.
    public static func steps(_ caption: Caption, points: [Point], maximum: Int, maximumLabel: String, axisTitle: String,
                             empty: String) -> String {
        guard !points.isEmpty, maximum > 0 else { return sentence(empty) }
        let id = identifier(caption.id)
        let plotLeft = 56.0, plotWidth = 600.0, plotTop = 30.0, plotHeight = 220.0
        let highest = max(points.map(\.value).max() ?? 0, 0)
        let showsMaximum = maximum <= 3 * max(highest, 1)
        let scale = Axis(low: 0, high: Double(showsMaximum ? max(maximum, highest) : highest), minimumSpan: 4)
        func y(_ value: Double) -> Double { plotTop + plotHeight - scale.fraction(value) * plotHeight }
        let step = plotWidth / Double(points.count)
        func x(_ index: Int) -> Double { plotLeft + Double(index) * step }
        var body = ""
        for tick in scale.ticks {
            body += line(x1: plotLeft, y1: y(tick), x2: plotLeft + plotWidth, y2: y(tick), class: tick == 0 ? "chart-axis" : "chart-grid")
            body += text(format(tick, digits: 0), x: plotLeft - 8, y: y(tick) + 5, class: "chart-tick", anchor: "end")
        }
        if showsMaximum {
            body += line(x1: plotLeft, y1: y(Double(maximum)), x2: plotLeft + plotWidth, y2: y(Double(maximum)), class: "chart-target")
            body += text(maximumLabel, x: plotLeft + plotWidth, y: y(Double(maximum)) - 6, class: "chart-value", anchor: "end")
        } else {
            body += text("Sur \(maximumLabel)", x: plotLeft + plotWidth, y: plotTop - 12, class: "chart-value", anchor: "end")
        }
        var outline = "M\(coordinate(x(0))) \(coordinate(y(Double(max(points[0].value, 0)))))"
        for (index, point) in points.enumerated() {
            let value = Double(max(point.value, 0))
            outline += " V\(coordinate(y(value))) H\(coordinate(x(index) + step))"
        }
        body += "<path d=\"M\(coordinate(x(0))) \(coordinate(y(0))) " + outline.dropFirst() + " V\(coordinate(y(0))) Z\" class=\"chart-area\"/>"
        body += "<path d=\"\(outline)\" class=\"chart-step\"/>"
        let every = max(1, Int((Double(points.count) / 8).rounded(.up)))
        for (index, point) in points.enumerated() where index % every == 0 || index == points.count - 1 {
            let value = Double(max(point.value, 0))
            body += text("\(point.value)", x: x(index) + step / 2, y: y(value) - 8, class: "chart-value chart-strong", anchor: "middle")
            body += text(point.label, x: x(index) + step / 2, y: plotTop + plotHeight + 20, class: "chart-tick", anchor: "middle")
        }
        body += text(axisTitle, x: plotLeft + plotWidth / 2, y: plotTop + plotHeight + 44, class: "chart-axis-title", anchor: "middle")
        return svg(caption, id: id, width: 720, height: plotTop + plotHeight + 54, body: body)
    }

    // MARK: The numbers behind a chart

    /// A table: the first cell of each row is its header. `columns` are plain text; `columnsHTML` may
    /// replace them with markup written in the code (never with request or learner data).
    public struct Table: Sendable {
        public var caption: String
        public var columns: [String]
        public var rows: [[String]]
        var columnsHTML: [String]?

        public init(caption: String, columns: [String], rows: [[String]]) {
            self.caption = caption
            self.columns = columns
            self.rows = rows
        }

        /// The same table with header cells given as markup (for « d<sub>z</sub> »).
        func headers(html: [String]) -> Table {
            var table = self
            table.columnsHTML = html
            return table
        }
    }

    /// The table behind a chart, closed under « Voir les chiffres » (a `<details>`: keyboard and screen
    /// readers open it like a button).
    /// `open`: shown open (the printed report, where a closed table would not print).
    public static func numbers(_ table: Table, id: String, open: Bool = false) -> String {
        let id = identifier(id)
        guard !table.rows.isEmpty else { return "" }
        let headers = table.columnsHTML ?? table.columns.map(escape)
        var html = "<details class=\"chart-numbers\"\(open ? " open" : "")><summary>Voir les chiffres</summary>"
            + "<div class=\"table-wrap\" role=\"region\" aria-labelledby=\"\(id)-tableau\" tabindex=\"0\"><table>"
            + "<caption id=\"\(id)-tableau\">\(escape(table.caption))</caption><thead><tr>"
        html += headers.map { "<th scope=\"col\">\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for row in table.rows {
            html += "<tr>" + row.enumerated().map { index, cell in
                index == 0 ? "<th scope=\"row\">\(escape(cell))</th>" : "<td>\(escape(cell))</td>"
            }.joined() + "</tr>"
        }
        return html + "</tbody></table></div></details>"
    }

    /// A chart in a box that scrolls sideways on a narrow screen (the chart keeps a readable size there),
    /// reachable with Tab like the tables' boxes, with a line that says so, shown on narrow screens only;
    /// a sentence (no chart) is left as it is.
    public static func scrollable(_ chart: String, id: String) -> String {
        guard chart.hasPrefix("<svg") else { return chart }
        let id = identifier(id)
        return "<p class=\"chart-hint\">Le graphique est plus large que l'écran : faites-le glisser vers la gauche pour voir la suite.</p>"
            + "<div class=\"chart-scroll\" role=\"group\" aria-labelledby=\"\(id)-titre\" tabindex=\"0\">\(chart)</div>"
    }

    // MARK: Pieces

    /// A sentence in place of a chart that would be empty.
    static func sentence(_ text: String) -> String { "<p class=\"chart-empty\">\(escape(text))</p>" }

    static func svg(_ caption: Caption, id: String, width: Double, height: Double, body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(coordinate(width)) \(coordinate(height))\" role=\"img\" "
            + "aria-labelledby=\"\(id)-titre \(id)-desc\" class=\"chart chart-wide\" focusable=\"false\">"
            + "<title id=\"\(id)-titre\">\(escape(caption.title))</title><desc id=\"\(id)-desc\">\(escape(caption.description))</desc>"
            + body + "</svg>"
    }

    static func legend(_ entries: [(name: String, class: String)], y: Double, note: String) -> String {
        var body = "", x = 8.0
        var row = y
        for entry in entries {
            let width = max(textWidth(entry.name, size: 13) + 14, 40)
            if x + width > 712 { x = 8; row += 30 }
            body += rect(x: x, y: row, width: width, height: 24, class: "chart-segment \(entry.class)")
            body += text(entry.name, x: x + width / 2, y: row + 17, class: "chart-in \(entry.class)-text", anchor: "middle")
            x += width + 4
        }
        return body + text(note, x: 8, y: row + 46, class: "chart-tick")
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, class name: String) -> String {
        "<rect x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" width=\"\(coordinate(max(width, 0)))\" height=\"\(coordinate(height))\" class=\"\(name)\"/>"
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double, class name: String) -> String {
        "<line x1=\"\(coordinate(x1))\" y1=\"\(coordinate(y1))\" x2=\"\(coordinate(x2))\" y2=\"\(coordinate(y2))\" class=\"\(name)\"/>"
    }

    static func text(_ content: String, x: Double, y: Double, class name: String, anchor: String = "start") -> String {
        "<text x=\"\(coordinate(x))\" y=\"\(coordinate(y))\" class=\"\(name)\""
            + (anchor == "start" ? "" : " text-anchor=\"\(anchor)\"") + ">\(escape(content))</text>"
    }

    /// A coordinate with at most one decimal, `.` as separator (SVG syntax, not French).
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }

    /// Text escaped for XML and HTML alike (elements and attribute values).
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default:
                // Control characters are not allowed in XML 1.0: left out.
                if character.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\t" }) { result.append(character) }
            }
        }
        return result
    }

    /// Only ASCII letters, digits and `-`: a chart id never breaks out of its attribute.
    static func identifier(_ text: String) -> String {
        let kept = String(text.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        return kept.isEmpty ? "graphique" : String(kept.prefix(60))
    }

    /// Lines of at most `width` characters, broken between words (a longer word stands alone).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(whereSeparator: \.isWhitespace) {
            if current.isEmpty { current = String(word) } else if current.count + 1 + word.count <= width { current += " " + word } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.isEmpty ? [""] : lines
    }

    /// A generous estimate of a text's width in the charts' sans-serif font.
    static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.6 }

    /// One of nine shades (0 to 8, light to dark) for category `index` of `count`.
    static func shade(_ index: Int, of count: Int) -> Int {
        count <= 1 ? 4 : Int((Double(index) / Double(count - 1) * 8).rounded())
    }

    /// A number the French way: decimal comma, a true minus sign.
    static func format(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "—" }
        let text = String(format: "%.\(digits)f", abs(value)).replacingOccurrences(of: ".", with: ",")
        let zero = Double(text.replacingOccurrences(of: ",", with: ".")) == 0
        return (value < 0 && !zero ? "−" : "") + text
    }

    /// A signed number: « +3,5 », « −1,0 », « 0,0 ».
    static func signed(_ value: Double, digits: Int) -> String {
        let text = format(value, digits: digits)
        return value > 0 && text.contains(where: { $0 != "0" && $0 != "," }) ? "+" + text : text
    }

    static func percent(_ part: Int, of total: Int) -> String {
        total == 0 ? "—" : "\(Int((Double(part) / Double(total) * 100).rounded())) %"
    }

    static func plural(_ word: String, _ count: Int) -> String { count > 1 ? word + "s" : word }

    /// A linear axis from `low` to `high` with round ticks (1, 2 or 5 times a power of ten).
    struct Axis {
        let low: Double
        let high: Double
        let ticks: [Double]

        init(low: Double, high: Double, minimumSpan: Double) {
            var low = low.isFinite ? low : 0, high = high.isFinite ? high : 0
            if high - low < minimumSpan { high = max(high, low + minimumSpan) }
            let raw = (high - low) / 5
            let power = pow(10, (log10(raw)).rounded(.down))
            let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
            low = (low / step).rounded(.down) * step
            high = (high / step).rounded(.up) * step
            self.low = low
            self.high = high
            ticks = Array(stride(from: low, through: high + step / 2, by: step))
        }

        func fraction(_ value: Double) -> Double {
            guard high > low, value.isFinite else { return 0 }
            return min(max((value - low) / (high - low), 0), 1)
        }
    }
}
