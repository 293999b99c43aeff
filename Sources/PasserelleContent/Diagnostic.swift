import Foundation

/// A problem found in a content file, with its place. Messages are in French: the people who read
/// them write the content.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible, Codable {
    /// Path relative to the content root, e.g. `Assessments/frameworks/numerique.yaml`.
    public var file: String
    /// 1-based line; 0 when the problem concerns the whole file.
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int = 0, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = file
        if line > 0 { place += ":\(line)" }
        if line > 0 && column > 0 { place += ":\(column)" }
        return "\(place) : \(message)"
    }
}

/// Content that could not be loaded: every problem found, not just the first.
public struct ContentError: Error, LocalizedError, Sendable {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errorDescription: String? {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
