import Foundation

/// The folder that holds `Curriculum/`, `Assessments/` and `Web/`.
///
/// Found at run time, in this order: the `--root` option, the `PASSERELLE_ROOT` variable, the
/// executable's folder and its parents (a build folder sits inside the checkout), then the working
/// directory. A folder named explicitly must be valid: it is never silently replaced by another.
public struct ContentRoot: Sendable, Equatable {
    public static let requiredFolders = ["Curriculum", "Assessments", "Web"]

    public let url: URL

    public var curriculum: URL { url.appendingPathComponent("Curriculum") }
    public var assessments: URL { url.appendingPathComponent("Assessments") }
    public var web: URL { url.appendingPathComponent("Web") }

    public enum Failure: Error, LocalizedError, Equatable {
        case missingFolders(path: String, missing: [String])
        case notFound(tried: [String])

        public var errorDescription: String? {
            switch self {
            case .missingFolders(let path, let missing):
                let names = missing.map { "« \($0)/ »" }.joined(separator: ", ")
                return "le dossier de contenu « \(path) » n'est pas valide : il y manque \(names)"
            case .notFound(let tried):
                return "dossier de contenu introuvable (Curriculum/, Assessments/ et Web/). "
                    + "Chemins essayés : \(tried.joined(separator: ", ")). "
                    + "Indiquez-le avec --root DOSSIER ou la variable PASSERELLE_ROOT."
            }
        }
    }

    /// Checks that `path` holds the three content folders.
    public init(validating path: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let missing = ContentRoot.requiredFolders.filter { !ContentRoot.isDirectory(url.appendingPathComponent($0)) }
        guard missing.isEmpty else { throw Failure.missingFolders(path: url.path, missing: missing) }
        self.url = url
    }

    /// Finds the content root (see the type's documentation for the order).
    public static func locate(
        explicit: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String = CommandLine.arguments.first ?? "",
        workingDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> ContentRoot {
        if let explicit, !explicit.isEmpty { return try ContentRoot(validating: explicit) }
        if let variable = environment["PASSERELLE_ROOT"], !variable.isEmpty {
            return try ContentRoot(validating: variable)
        }
        var tried: [String] = []
        var candidates: [URL] = []
        if !executablePath.isEmpty {
            var folder = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<5 {
                candidates.append(folder)
                folder = folder.deletingLastPathComponent()
            }
        }
        candidates.append(URL(fileURLWithPath: workingDirectory))
        for candidate in candidates {
            let path = candidate.standardizedFileURL.path
            if tried.contains(path) { continue }
            tried.append(path)
            if let root = try? ContentRoot(validating: path) { return root }
        }
        throw Failure.notFound(tried: tried)
    }

    static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }

    /// Path of `url` relative to the root, for messages.
    public func relative(_ url: URL) -> String {
        let full = url.standardizedFileURL.path
        let base = self.url.path + "/"
        return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
    }
}
