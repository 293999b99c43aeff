import Foundation
import Testing
@testable import HTTPServer
import TestSupport

/// A temporary Web root with a file, a subfolder, a hidden file, a secret beside the root and a
/// symbolic link that points out of the root.
private struct Fixture {
    let base: URL
    let root: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("static-\(UUID().uuidString)")
        root = base.appendingPathComponent("web")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("css"), withIntermediateDirectories: true)
        try "body { color: black; }".write(to: root.appendingPathComponent("css/app.css"), atomically: true, encoding: .utf8)
        try "<!doctype html><title>ok</title>".write(to: root.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try "hidden".write(to: root.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        try "secret".write(to: base.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(at: root.appendingPathComponent("escape.txt"),
                                  withDestinationURL: base.appendingPathComponent("secret.txt"))
        try fm.createSymbolicLink(at: root.appendingPathComponent("inside.css"),
                                  withDestinationURL: root.appendingPathComponent("css/app.css"))
    }

    func remove() { try? FileManager.default.removeItem(at: base) }
}

@Suite struct StaticFilesTests {
    private func serve(_ fixture: Fixture, preload: Bool) throws -> HTTPServer {
        let files = try StaticFiles(root: fixture.root.path, preload: preload)
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        let server = HTTPServer(configuration: configuration) { request in
            guard request.path.hasPrefix("/static/") else { return .text("autre", status: 404) }
            return files.response(for: request, relativePath: String(request.path.dropFirst("/static/".count)))
        }
        try server.start()
        return server
    }

    @Test(arguments: [false, true]) func servesFilesWithTypeAndValidators(preload: Bool) throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let server = try serve(fixture, preload: preload)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        let response = try client.request("GET", "/static/css/app.css")
        #expect(response.status == 200)
        #expect(response.text == "body { color: black; }")
        #expect(response.headers["content-type"] == "text/css; charset=utf-8")
        let etag = try #require(response.headers["etag"])
        let modified = try #require(response.headers["last-modified"])
        #expect(modified.hasSuffix(" GMT"))

        let byTag = try client.request("GET", "/static/css/app.css", headers: ["If-None-Match": etag])
        #expect(byTag.status == 304)
        #expect(byTag.body.isEmpty)
        let byDate = try client.request("GET", "/static/css/app.css", headers: ["If-Modified-Since": modified])
        #expect(byDate.status == 304)
        let stale = try client.request("GET", "/static/css/app.css", headers: ["If-None-Match": "\"autre\""])
        #expect(stale.status == 200)

        let html = try client.request("GET", "/static/index.html")
        #expect(html.headers["content-type"] == "text/html; charset=utf-8")
        let head = try client.request("HEAD", "/static/index.html")
        #expect(head.status == 200)
        let linked = try client.request("GET", "/static/inside.css")
        #expect(linked.status == 200)
    }

    @Test(arguments: [
        "/static/missing.css",
        "/static/css",             // a folder: never listed
        "/static/css/",
        "/static/",
        "/static/.env",            // hidden file
        "/static/../secret.txt",
        "/static/css/../../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/secret.txt",
        "/static/css/%2e%2e/%2e%2e/secret.txt",
        "/static/..%2fsecret.txt",
        "/static/%252e%252e/secret.txt",
        "/static/escape.txt",      // symbolic link out of the root
        "/static/..\\secret.txt",
    ], [false, true])
    func refusesWhatIsNotAFileInsideTheRoot(path: String, preload: Bool) throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let server = try serve(fixture, preload: preload)
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        let response = try client.request("GET", path)
        #expect(response.status == 404)
        #expect(!response.text.contains("secret"))
        #expect(!response.text.contains("hidden"))
    }

    /// Preloaded files are read once: served as they were at start-up (the file gone, or changed, until the
    /// next start), and a file added later is not served.
    @Test func preloadedFilesAreReadOnceAtStart() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let server = try serve(fixture, preload: true)
        defer { server.stop() }
        try FileManager.default.removeItem(at: fixture.root.appendingPathComponent("css/app.css"))
        try "new".write(to: fixture.root.appendingPathComponent("added.css"), atomically: true, encoding: .utf8)
        let client = try RawHTTPClient(port: server.port)
        let kept = try client.request("GET", "/static/css//app.css")
        #expect(kept.status == 200 && kept.text == "body { color: black; }")
        #expect(try client.request("GET", "/static/added.css").status == 404)
        let files = try StaticFiles(root: fixture.root.path, preload: true)
        // A new start sees the new file, and no longer the link whose target went.
        #expect(files.preloaded?.keys.sorted() == ["added.css", "index.html"])
    }

    @Test func onlyGetAndHead() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let files = try StaticFiles(root: fixture.root.path)
        let response = files.response(for: HTTPRequest(method: "POST", path: "/x"), relativePath: "index.html")
        #expect(response.status == 405)
        #expect(response.header("Allow") == "GET, HEAD")
    }

    @Test func missingRootIsAnError() {
        #expect(throws: StaticFiles.Failure.self) { try StaticFiles(root: "/nonexistent/web") }
    }

    @Test func httpDatesRoundTrip() {
        #expect(HTTPDate.format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777)
        #expect(HTTPDate.parse("hier") == nil)
    }
}
