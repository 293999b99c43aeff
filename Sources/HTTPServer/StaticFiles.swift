import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Serves the regular files below one root folder. Never lists a folder, never serves a hidden
/// file, and never follows a path (`..`, or a symbolic link) out of the root: all of these are 404.
public struct StaticFiles: Sendable {
    /// The root, with every symbolic link resolved.
    public let root: String
    /// With `preload`: every file below the root read once at start-up, by the path a request names.
    let preloaded: [String: Preloaded]?

    /// A file as it was at start-up: its bytes (or its real path, when too large to keep), type and validators.
    struct Preloaded: Sendable {
        var body: HTTPResponse.Body
        var contentType: String
        var etag: String
        var modified: Int
    }

    /// Files larger than this stay on disk when preloading (they are sent from their file at each request).
    public static let preloadFileLimit = 1 << 20

    public enum Failure: Error, LocalizedError {
        case notADirectory(String)
        public var errorDescription: String? {
            switch self {
            case .notADirectory(let path): return "le dossier « \(path) » est introuvable"
            }
        }
    }

    /// Serves the files below `root`. With `preload`, the files are found, read and described once, here:
    /// requests then cost no system call, and a file added or changed afterwards is seen at the next start
    /// (the right trade for the application's own CSS and scripts, which ship with it).
    public init(root: String, preload: Bool = false) throws {
        guard let resolved = StaticFiles.realPath(root), StaticFiles.isDirectory(resolved) else {
            throw Failure.notADirectory(root)
        }
        self.root = resolved
        preloaded = preload ? StaticFiles.preload(root: resolved) : nil
    }

    /// Answers a GET or HEAD for `relativePath` (the part of the URL path below the mount point).
    public func response(for request: HTTPRequest, relativePath: String) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            return HTTPResponse.text("Méthode non autorisée.\n", status: 405).with(header: "Allow", "GET, HEAD")
        }
        if let preloaded {
            guard let key = StaticFiles.safeRelativePath(relativePath), let file = preloaded[key] else { return StaticFiles.notFound }
            return respond(request, etag: file.etag, modified: file.modified, contentType: file.contentType, body: file.body)
        }
        guard let file = resolve(relativePath) else { return StaticFiles.notFound }
        var info = stat()
        guard stat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return StaticFiles.notFound }
        let modified = Int(info.st_mtim.tv_sec)
        return respond(request, etag: StaticFiles.etag(info), modified: modified, contentType: MIMEType.forPath(file),
                       body: .file(path: file))
    }

    private func respond(_ request: HTTPRequest, etag: String, modified: Int, contentType: String,
                         body: HTTPResponse.Body) -> HTTPResponse {
        let validators = [
            HTTPField(name: "ETag", value: etag),
            HTTPField(name: "Last-Modified", value: HTTPDate.format(modified)),
            HTTPField(name: "Cache-Control", value: "no-cache"),
        ]
        if let tags = request.header("if-none-match") {
            let listed = tags.split(separator: ",").map {
                trimmedSpaces(String($0)).replacingOccurrences(of: "W/", with: "")
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
                HTTPField(name: "Content-Type", value: contentType),
                HTTPField(name: "X-Content-Type-Options", value: "nosniff"),
            ] + validators,
            body: body)
    }

    static func etag(_ info: stat) -> String {
        "\"\(String(info.st_size, radix: 16))-\(String(Int(info.st_mtim.tv_sec), radix: 16))"
            + "-\(String(info.st_mtim.tv_nsec, radix: 16))\""
    }

    /// The path below the root a request names, its parts joined by one `/`; nil when a part is hidden or
    /// could be an escape (`\`, NUL, `%`), or when it names the root itself.
    static func safeRelativePath(_ relativePath: String) -> String? {
        // Byte by byte: `Substring.contains(String)` goes through Foundation and was half of a static file's time.
        let parts = relativePath.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        for part in parts {
            if part.first == UInt8(ascii: ".")
                || part.contains(where: { $0 == UInt8(ascii: "\\") || $0 == 0 || $0 == UInt8(ascii: "%") }) {
                return nil
            }
        }
        guard !parts.isEmpty else { return nil }
        return parts.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
    }

    /// Every regular file below `root` that `resolve` would serve, by its path relative to the root.
    static func preload(root: String) -> [String: Preloaded] {
        var files: [String: Preloaded] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return files }
        let probe = StaticFiles(resolvedRoot: root)
        while let relative = walker.nextObject() as? String {
            guard let key = safeRelativePath(relative), let real = probe.resolve(key) else { continue }
            var info = stat()
            guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            var body = HTTPResponse.Body.file(path: real)
            if Int(info.st_size) <= preloadFileLimit, let data = FileManager.default.contents(atPath: real),
               data.count == Int(info.st_size) {
                body = .bytes(Array(data))
            }
            files[key] = Preloaded(body: body, contentType: MIMEType.forPath(real), etag: etag(info),
                                   modified: Int(info.st_mtim.tv_sec))
        }
        return files
    }

    private init(resolvedRoot: String) {
        root = resolvedRoot
        preloaded = nil
    }

    /// The real path of a file inside the root, or nil when the path is unsafe or leaves the root.
    public func resolve(_ relativePath: String) -> String? {
        guard let relative = StaticFiles.safeRelativePath(relativePath) else { return nil }
        guard let real = StaticFiles.realPath(root + "/" + relative), real.hasPrefix(root + "/") else { return nil }
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
