import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serves the regular files below one root folder. Never lists a folder, never serves a hidden
/// file, and never follows a path (`..`, or a symbolic link) out of the root: all of these are 404.
public struct StaticFiles: Sendable {
    /// The root, with every symbolic link resolved.
    public let root: String

    public enum Failure: Error, LocalizedError {
        case notADirectory(String)
        public var errorDescription: String? {
            switch self {
            case .notADirectory(let path): return "le dossier « \(path) » est introuvable"
            }
        }
    }

    public init(root: String) throws {
        guard let resolved = StaticFiles.realPath(root), StaticFiles.isDirectory(resolved) else {
            throw Failure.notADirectory(root)
        }
        self.root = resolved
    }

    /// Answers a GET or HEAD for `relativePath` (the part of the URL path below the mount point).
    public func response(for request: HTTPRequest, relativePath: String) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return HTTPResponse.text("Méthode non autorisée.\n", status: 405).with(header: "Allow", "GET, HEAD")
        }
        guard let file = resolve(relativePath) else { return StaticFiles.notFound }
        var info = stat()
        guard stat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return StaticFiles.notFound }

        let modified = Int(info.st_mtim.tv_sec)
        let etag = "\"\(String(info.st_size, radix: 16))-\(String(modified, radix: 16))"
            + "-\(String(info.st_mtim.tv_nsec, radix: 16))\""
        let validators = [
            HTTPField(name: "ETag", value: etag),
            HTTPField(name: "Last-Modified", value: HTTPDate.format(modified)),
            HTTPField(name: "Cache-Control", value: "no-cache"),
        ]
        if let tags = request.header("if-none-match") {
            let listed = tags.split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "W/", with: "")
            }
            if listed.contains("*") || listed.contains(etag) {
                return HTTPResponse(status: 304, headers: validators)
            }
        } else if let since = request.header("if-modified-since").flatMap(HTTPDate.parse), modified <= since {
            return HTTPResponse(status: 304, headers: validators)
        }
        return HTTPResponse(
            status: 200,
            headers: [
                HTTPField(name: "Content-Type", value: MIMEType.forPath(file)),
                HTTPField(name: "X-Content-Type-Options", value: "nosniff"),
            ] + validators,
            body: .file(path: file))
    }

    /// The real path of a file inside the root, or nil when the path is unsafe or leaves the root.
    public func resolve(_ relativePath: String) -> String? {
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        for part in parts {
            if part.hasPrefix(".") || part.contains("\\") || part.contains("\0") || part.contains("%") {
                return nil
            }
        }
        guard !parts.isEmpty else { return nil }
        let candidate = root + "/" + parts.joined(separator: "/")
        guard let real = StaticFiles.realPath(candidate), real.hasPrefix(root + "/") else { return nil }
        return real
    }

    static let notFound = HTTPResponse.text("Page introuvable.\n", status: 404)

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// Content types by file extension.
public enum MIMEType {
    static let types: [String: String] = [
        "html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8", "json": "application/json; charset=utf-8",
        "txt": "text/plain; charset=utf-8", "md": "text/markdown; charset=utf-8",
        "csv": "text/csv; charset=utf-8", "xml": "application/xml; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "gif": "image/gif", "webp": "image/webp", "ico": "image/x-icon", "avif": "image/avif",
        "woff2": "font/woff2", "woff": "font/woff", "ttf": "font/ttf", "otf": "font/otf",
        "pdf": "application/pdf", "mp3": "audio/mpeg", "ogg": "audio/ogg", "wav": "audio/wav",
        "mp4": "video/mp4", "webm": "video/webm", "vtt": "text/vtt; charset=utf-8",
        "wasm": "application/wasm", "webmanifest": "application/manifest+json",
    ]

    public static func forPath(_ path: String) -> String {
        let ext = (path as NSString).pathExtension.lowercased()
        return types[ext] ?? "application/octet-stream"
    }
}
