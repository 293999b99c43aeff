import Foundation
import Testing
@testable import HTTPServer
import TestSupport

/// Paths that could forge a line in the request log, and requests without a plausible Host, are refused
/// with 400 before the handler runs.
@Suite struct RequestValidationTests {
    @Test(arguments: ["%0a", "%0A", "%0d", "%0d%0aGET%20/forged%20200", "%00", "%1b[31m", "%7f", "%09",
                      "%C2%85", "%E2%80%A8", "%E2%80%A9"])
    func controlCharactersInThePathGet400(escape: String) throws {
        let paths = PathRecorder()
        let server = try startTransportServer { request in paths.add(request.path); return .text("ok") }
        defer { server.stop() }
        let outcome = try LoopbackSocket.exchange(
            port: server.port, "GET /a\(escape)b HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(outcome.status == 400)
        #expect(expectSecurityHeaders(outcome.headers))
        #expect(paths.all.isEmpty, "the handler (and its log line) never sees the path")
    }

    @Test func ordinaryPathsStillPass() throws {
        let paths = PathRecorder()
        let server = try startTransportServer { request in paths.add(request.path); return .text("ok") }
        defer { server.stop() }
        for target in ["/", "/caf%C3%A9", "/a%20b", "/static/app.css", "/x%25y"] {
            let response = try RawHTTPClient(port: server.port).request("GET", target)
            #expect(response.status == 200, "\(target)")
        }
        #expect(paths.all == ["/", "/café", "/a b", "/static/app.css", "/x%y"])
    }

    @Test func theLogSafePathEscapesControlCharacters() {
        let request = HTTPRequest(method: "GET", path: "/a\nGET /forged 200\r\u{1b}[0m\u{2028}é")
        #expect(request.logSafePath == "/a%0AGET /forged 200%0D%1B[0m%E2%80%A8é")
        #expect(HTTPRequest(method: "GET", path: "/modules/m1").logSafePath == "/modules/m1")
    }

    @Test(arguments: [
        "GET /n HTTP/1.1\r\n\r\n",  // HTTP/1.1 requires Host
        "GET /n HTTP/1.1\r\nHost:\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: a b\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: evil.example/path\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: user@localhost\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: localhost:99999\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: localhost:\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: localhost:80:80\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: [::1\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: <script>\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: localhost\r\nHost: other\r\n\r\n",
        "GET /n HTTP/1.0\r\nHost: a\"b\r\n\r\n",
    ])
    func missingOrImplausibleHostGets400(raw: String) throws {
        let calls = Counter()
        let server = try startTransportServer { _ in calls.increment(); return .text("ok") }
        defer { server.stop() }
        let outcome = try LoopbackSocket.exchange(port: server.port, raw)
        #expect(outcome.status == 400)
        #expect(expectSecurityHeaders(outcome.headers))
        #expect(calls.value == 0)
    }

    @Test(arguments: [
        "GET /n HTTP/1.0\r\n\r\n",  // HTTP/1.0 may omit Host
        "GET /n HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: passerelle.lycee-exemple.fr\r\n\r\n",
        "GET /n HTTP/1.1\r\nHost: SALLE-B12.local.\r\n\r\n",
    ])
    func plausibleHostsPass(raw: String) throws {
        let server = try startTransportServer()
        defer { server.stop() }
        #expect(try LoopbackSocket.exchange(port: server.port, raw).status == 200)
    }

    @Test func hostValidation() {
        for host in ["localhost", "localhost:1", "localhost:65535", "10.0.0.2", "[fe80::1]", "[::1]:80", "a-b.c"] {
            #expect(HTTPServer.isPlausibleHost(host), "\(host)")
        }
        for host in ["", " ", ":80", "a:0x50", "a:-1", "a:65536", "[::1]x", "[]", "a..b/", "é.fr", "a_b c",
                     String(repeating: "a", count: 300)] {
            #expect(!HTTPServer.isPlausibleHost(host), "\(host)")
        }
    }
}

/// Paths seen by a handler, from several threads.
final class PathRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [String] = []
    func add(_ path: String) { lock.lock(); paths.append(path); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return paths }
}
