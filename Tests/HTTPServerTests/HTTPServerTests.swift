import Foundation
import Testing
@testable import HTTPServer
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Echoes the request as JSON, so that tests can see what the server parsed.
private func echo(_ request: HTTPRequest) -> HTTPResponse {
    if request.path == "/body" {
        return HTTPResponse(status: 200, body: .bytes(request.body))
    }
    let object: [String: Any] = [
        "method": request.method,
        "path": request.path,
        "query": Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
        "header": request.header("X-Test") ?? "",
        "cookie": request.cookies["flavour"] ?? "",
        "peer": request.peerAddress,
    ]
    return .json(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
}

private func startServer(
    _ handler: @escaping HTTPServer.Handler = echo, configure: (inout HTTPServer.Configuration) -> Void = { _ in }
) throws -> HTTPServer {
    var configuration = HTTPServer.Configuration()
    configuration.port = 0
    configuration.threads = 4
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    return server
}

@Suite struct HTTPServerTests {
    @Test func getWithQueryHeadersAndCookies() throws {
        let server = try startServer()
        defer { server.stop() }
        #expect(server.port > 0)
        let client = try RawHTTPClient(port: server.port)
        let response = try client.request(
            "GET", "/hello%20world?name=Lou%C3%AFse&empty=&x=1",
            headers: ["X-Test": "valeur", "Cookie": "flavour=vanille; other=1"])
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json; charset=utf-8")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as! [String: Any]
        #expect(object["method"] as? String == "GET")
        #expect(object["path"] as? String == "/hello world")
        #expect(object["header"] as? String == "valeur")
        #expect(object["cookie"] as? String == "vanille")
        #expect(object["peer"] as? String == "127.0.0.1")
        let query = object["query"] as! [String: String]
        #expect(query == ["name": "Louïse", "empty": "", "x": "1"])
    }

    @Test(arguments: [1, 64 * 1024, 1 << 20])
    func postBodiesAreEchoedIntact(size: Int) throws {
        let server = try startServer()
        defer { server.stop() }
        var generator = SystemRandomNumberGenerator()
        let body = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let client = try RawHTTPClient(port: server.port)
        let response = try client.request("POST", "/body", body: body)
        #expect(response.status == 200)
        #expect(response.body.count == size)
        #expect(response.body == body)
    }

    @Test func bodyAboveTheLimitGets413() throws {
        let server = try startServer()
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        let response = try client.request("POST", "/body", body: [UInt8](repeating: 65, count: (1 << 20) + 1))
        #expect(response.status == 413)
    }

    @Test func chunkedBodyAboveTheLimitGets413() throws {
        let server = try startServer(configure: { $0.maxBodySize = 1000 })
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        var raw = "POST /body HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
        for _ in 0..<3 { raw += "1f4\r\n" + String(repeating: "a", count: 500) + "\r\n" }
        raw += "0\r\n\r\n"
        try client.send(Array(raw.utf8))
        #expect(try client.readResponse().status == 413)

        let small = try RawHTTPClient(port: server.port)
        try small.send(Array(("POST /body HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n0\r\n\r\n").utf8))
        let ok = try small.readResponse()
        #expect(ok.status == 200)
        #expect(ok.text == "hello")
    }

    @Test func headersBeyondTheConnectionMemoryAreRefused() throws {
        let server = try startServer(configure: { $0.connectionMemoryLimit = 16 * 1024 })
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        let huge = String(repeating: "a", count: 32 * 1024)
        let response = try? client.request("GET", "/n", headers: ["X-Test": huge])
        // libmicrohttpd answers 431 (or closes the connection): the handler never sees the request.
        #expect(response == nil || response!.status == 431 || response!.status == 413)
        let fine = try RawHTTPClient(port: server.port).request("GET", "/n", headers: ["X-Test": "ok"])
        #expect(fine.status == 200)
    }

    @Test func twoThousandRequestsOverThirtyTwoConnections() throws {
        let server = try startServer()
        defer { server.stop() }
        let port = server.port
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 32) { connection in
            do {
                let client = try RawHTTPClient(port: port)
                for i in 0..<63 {  // 32 x 63 = 2,016 requests
                    let tag = "c\(connection)-r\(i)"
                    let response = try client.request("GET", "/n?tag=\(tag)", headers: ["X-Test": tag])
                    let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
                    let query = object?["query"] as? [String: String]
                    if response.status != 200 || query?["tag"] != tag || object?["header"] as? String != tag {
                        failures.increment()
                    }
                }
            } catch {
                failures.increment()
            }
        }
        #expect(failures.value == 0)
    }

    @Test func stopFreesThePortAndIsIdempotent() throws {
        let server = try startServer()
        let port = server.port
        server.stop()
        server.stop()
        #expect(throws: (any Error).self) { _ = try RawHTTPClient(port: port) }
        var configuration = HTTPServer.Configuration()
        configuration.port = port
        let again = HTTPServer(configuration: configuration, handler: echo)
        #expect(try again.start() == port)
        again.stop()
    }

    @Test func stopLetsARequestInProgressFinish() throws {
        let handlerStarted = DispatchSemaphore(value: 0)
        let server = try startServer { request in
            handlerStarted.signal()
            usleep(300_000)
            return .text("fini")
        }
        let client = try RawHTTPClient(port: server.port)
        try client.send(Array("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        #expect(handlerStarted.wait(timeout: .now() + 30) == .success)  // the handler is now running
        server.stop()
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "fini")
    }

    @Test func invalidHostAndBusyPortAreReported() throws {
        var configuration = HTTPServer.Configuration()
        configuration.host = "pas-une-adresse"
        #expect(throws: HTTPServerError.invalidHost("pas-une-adresse")) {
            try HTTPServer(configuration: configuration, handler: echo).start()
        }
        let first = try startServer()
        defer { first.stop() }
        configuration.host = "127.0.0.1"
        configuration.port = first.port
        let second = HTTPServer(configuration: configuration, handler: echo)
        #expect(throws: HTTPServerError.cannotListen(host: "127.0.0.1", port: first.port)) {
            try second.start()
        }
    }

    @Test func aTemporaryFileIsStreamedThenRemoved() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tmp-\(UUID().uuidString)").path
        let content = String(repeating: "ligne;1,5\r\n", count: 20_000)
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        let server = try startServer { _ in HTTPResponse(status: 200, body: .temporaryFile(path: path)) }
        defer { server.stop() }
        let response = try RawHTTPClient(port: server.port).request("GET", "/export")
        #expect(response.status == 200)
        #expect(response.text == content)
        #expect(!FileManager.default.fileExists(atPath: path), "the file is gone once served")
    }

    @Test func formBodiesAreDecoded() {
        let request = HTTPRequest(
            method: "POST", path: "/", headers: [HTTPField(name: "Content-Type",
                                                            value: "application/x-www-form-urlencoded")],
            body: Array("code=AB+CD&nom=%C3%89lise&vide=".utf8))
        #expect(request.formValue("code") == "AB CD")
        #expect(request.formValue("nom") == "Élise")
        #expect(request.formValue("vide") == "")
        #expect(request.formValue("absent") == nil)
    }
}

/// Responses made off the request workers (`HTTPResponse.deferred`, the password hashes): while one is being
/// made, the only worker serves other requests; then the deferred response arrives whole, on its connection.
@Suite struct DeferredResponseTests {
    @Test func aSlowDeferredResponseHoldsNoWorker() throws {
        let release = DispatchSemaphore(value: 0)
        let server = try startServer({ request in
            guard request.path == "/lent" else { return .text("rapide \(request.path)") }
            return .deferred {
                _ = release.wait(timeout: .now() + 10)  // made only once the fast requests were answered
                return HTTPResponse.text("lent, fait à part", status: 201).with(header: "X-Fait", "oui")
            }
        }, configure: { $0.threads = 1 })
        defer { server.stop() }
        let slow = Result<RawHTTPClient.Response, any Error>.Box()
        let done = DispatchSemaphore(value: 0)
        let port = server.port
        Thread.detachNewThread {
            slow.value = Result { try RawHTTPClient(port: port).request("GET", "/lent") }
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.2)  // the slow request is in, its connection suspended
        // With one worker, these would wait behind the slow response if it held the worker.
        for index in 0..<5 {
            let fast = try RawHTTPClient(port: port).request("GET", "/vite\(index)")
            #expect(fast.status == 200 && String(decoding: fast.body, as: UTF8.self) == "rapide /vite\(index)")
        }
        #expect(slow.value == nil, "the slow response waits for its work")
        release.signal()
        #expect(done.wait(timeout: .now() + 10) == .success)
        let response = try #require(try slow.value?.get())
        #expect(response.status == 201)
        #expect(response.headers["x-fait"] == "oui")
        #expect(String(decoding: response.body, as: UTF8.self) == "lent, fait à part")
    }

    @Test func manyDeferredResponsesAllArriveAndTheServerStops() throws {
        let server = try startServer({ request in
            .deferred { Thread.sleep(forTimeInterval: 0.01); return .text("fait \(request.path)") }
        }, configure: { $0.threads = 2 })
        let port = server.port
        let group = DispatchGroup()
        let bodies = (0..<24).map { _ in Result<String, any Error>.Box() }
        for index in 0..<24 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                bodies[index].value = Result { try RawHTTPClient(port: port).request("GET", "/n\(index)").text }
            }
        }
        #expect(group.wait(timeout: .now() + 20) == .success)
        #expect(bodies.map { try? $0.value?.get() } == (0..<24).map { "fait /n\($0)" })
        server.stop(gracePeriod: 2)
    }

    @Test func resolvedMakesADeferredResponseHere() {
        let response = HTTPResponse.deferred { .text("fait") }
        #expect(response.resolved.status == 200)
        #expect(response.resolved.deferredWork == nil)
        #expect(HTTPResponse.text("direct").resolved.status == 200)
    }
}

extension Result {
    /// A result handed from one thread to another in a test.
    final class Box: @unchecked Sendable {  // `lock` guards `stored`
        private let lock = NSLock()
        private var stored: Result?
        var value: Result? {
            get { lock.lock(); defer { lock.unlock() }; return stored }
            set { lock.lock(); stored = newValue; lock.unlock() }
        }
    }
}
