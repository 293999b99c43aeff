import Foundation

/// Checks the references to the source documents ("000_f8ba0acd265ce9bc.txt, lignes 4290-4400") found in
/// lessons, activities, items and modules: the file must exist among the seeds and the lines must exist in it.
public enum SeedCitations {
    static let pattern = try! NSRegularExpression(
        pattern: #"(\d{3}_[0-9a-f]{16}\.txt)\s*,?\s*(?:lignes?|l\.)\s*(\d+)(?:\s*[-–à]\s*(\d+))?"#)

    /// Every citation in the content that names a missing file or lines beyond the end of the file.
    public static func check(_ root: ContentRoot, seeds: URL) -> [Diagnostic] {
        var lineCounts: [String: Int] = [:]
        func lines(in name: String) -> Int? {
            if let known = lineCounts[name] { return known }
            guard let text = try? String(contentsOf: seeds.appendingPathComponent(name), encoding: .utf8) else { return nil }
            let count = text.split(separator: "\n", omittingEmptySubsequences: false).count
            lineCounts[name] = count
            return count
        }
        var diagnostics: [Diagnostic] = []
        for folder in [root.curriculum, root.assessments] {
            for file in ContentLoader.files(in: folder, extensions: ["md", "yaml", "yml"]) {
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let string = String(line)
                    for match in pattern.matches(in: string, range: NSRange(string.startIndex..., in: string)) {
                        guard let nameRange = Range(match.range(at: 1), in: string),
                              let firstRange = Range(match.range(at: 2), in: string),
                              let first = Int(string[firstRange]) else { continue }
                        let name = String(string[nameRange])
                        let last = Range(match.range(at: 3), in: string).flatMap { Int(string[$0]) } ?? first
                        let place = root.relative(file)
                        guard let count = lines(in: name) else {
                            diagnostics.append(Diagnostic(file: place, line: number + 1, message: "source inconnue « \(name) »"))
                            continue
                        }
                        if first < 1 || last < first || last > count {
                            diagnostics.append(Diagnostic(file: place, line: number + 1,
                                                          message: "« \(name), lignes \(first)-\(last) » : le fichier a \(count) lignes"))
                        }
                    }
                }
            }
        }
        return diagnostics
    }
}
