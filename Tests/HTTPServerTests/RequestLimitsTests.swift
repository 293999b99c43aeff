import Foundation
import Testing
@testable import HTTPServer
import TestSupport

/// Query arguments and headers are bounded, and a request beyond the bounds gets an answer at once.
@Suite struct RequestLimitsTests {
    private func query(_ count: Int, valueLength: Int = 1) -> String {
        (0..<count).map { "p\($0)=" + String(repeating: "v", count: valueLength) }.joined(separator: "&")
    }

    @Test func aThousandQueryArgumentsGet414AtOnce() throws {
        let calls = Counter()
        let server = try startTransportServer { _ in calls.increment(); return .text("ok") }
        defer { server.stop() }
        // libmicrohttpd 0.9.75 alone answers nothing here and closes the connection at the idle timeout.
        let outcome = try LoopbackSocket.exchange(
            port: server.port, "GET /n?\(query(1000)) HTTP/1.1\r\nHost: localhost\r\n\r\n", timeout: 5)
        #expect(outcome.status == 414)
        #expect(expectSecurityHeaders(outcome.headers))
        #expect(calls.value == 0, "the handler never sees the request")
        // The server is still fine.
        #expect(try RawHTTPClient(port: server.port).request("GET", "/n?a=1").status == 200)
    }

    @Test func queryArgumentsUpToTheLimitAreAllPassed() throws {
        let server = try startTransportServer(configure: { $0.maxQueryParameters = 100 })
        defer { server.stop() }
        let ok = try RawHTTPClient(port: server.port).request("GET", "/n?\(query(100))")
        #expect(ok.status == 200)
        #expect(ok.text == "ok 100")
        let over = try LoopbackSocket.exchange(
            port: server.port, "GET /n?\(query(101)) HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(over.status == 414)
    }

    /// A few arguments in a query that fills most of the connection's memory: libmicrohttpd 0.9.75 runs out
    /// of memory for the argument records and then neither answers nor closes.
    @Test(arguments: [32, 64, 100])
    func aLongQueryIsAnsweredPromptly(arguments: Int) throws {
        let server = try startTransportServer()
        defer { server.stop() }
        let memory = HTTPServer.Configuration().connectionMemoryLimit
        let target = "/n?" + query(arguments, valueLength: (memory * 15 / 16) / arguments - 6)
        let outcome = try LoopbackSocket.exchange(
            port: server.port, "GET \(target) HTTP/1.1\r\nHost: localhost\r\n\r\n", timeout: 5)
        #expect(outcome != .timedOut)
        if let status = outcome.status {
            #expect([200, 414, 431].contains(status))
        }
        #expect(try RawHTTPClient(port: server.port).request("GET", "/n").status == 200)
    }

    @Test func queryArgumentsAreDecodedLikeBefore() throws {
        let server = try startTransportServer { request in
            .text(request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "|"))
        }
        defer { server.stop() }
        let response = try RawHTTPClient(port: server.port)
            .request("GET", "/n?a+b=c+d&flag&bad=%zz&pct=%41%C3%A9&eq=x=y&empty=&%FF=%C3")
        #expect(response.status == 200)
        #expect(response.text == "a b=c d|flag=|bad=%zz|pct=Aé|eq=x=y|empty=|\u{FFFD}=\u{FFFD}")
        // One difference: libmicrohttpd made a field with an empty name and value of `&&`; it is skipped.
        let empty = try RawHTTPClient(port: server.port).request("GET", "/n?a=1&&b=2&")
        #expect(empty.text == "a=1|b=2")
    }

    @Test func tooManyHeadersGet431() throws {
        let calls = Counter()
        let server = try startTransportServer(configure: { $0.maxHeaderCount = 100 }) { _ in
            calls.increment()
            return .text("ok")
        }
        defer { server.stop() }
        let headers = (0..<150).map { "X-H\($0): v\r\n" }.joined()
        let outcome = try LoopbackSocket.exchange(
            port: server.port, "GET /n HTTP/1.1\r\nHost: localhost\r\n\(headers)\r\n")
        #expect(outcome.status == 431)
        #expect(expectSecurityHeaders(outcome.headers))
        #expect(calls.value == 0)
        let fine = (0..<50).map { "X-H\($0): v\r\n" }.joined()
        #expect(try LoopbackSocket.exchange(
            port: server.port, "GET /n HTTP/1.1\r\nHost: localhost\r\n\(fine)\r\n").status == 200)
    }

    @Test func defaultsAreBounded() {
        let configuration = HTTPServer.Configuration()
        #expect(configuration.maxQueryParameters == 100)
        #expect(configuration.maxHeaderCount == 100)
    }
}
