import Foundation
import Testing
@testable import HTTPServer
import TestSupport

/// The responses HTTPServer writes itself (not the handler's) carry the security headers too.
@Suite struct ErrorResponseHeadersTests {
    @Test func declaredBodyTooLargeGets413WithSecurityHeaders() throws {
        let server = try startTransportServer(configure: { $0.maxBodySize = 100 })
        defer { server.stop() }
        let outcome = try LoopbackSocket.exchange(
            port: server.port, "POST /n HTTP/1.1\r\nHost: localhost\r\nContent-Length: 101\r\n\r\n")
        #expect(outcome.status == 413)
        #expect(expectSecurityHeaders(outcome.headers))
        #expect(outcome.headers["connection"] == "close")
    }

    @Test func chunkedBodyTooLargeGets413WithSecurityHeaders() throws {
        let server = try startTransportServer(configure: { $0.maxBodySize = 100 })
        defer { server.stop() }
        let chunk = String(repeating: "a", count: 200)
        let outcome = try LoopbackSocket.exchange(
            port: server.port,
            "POST /n HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nc8\r\n\(chunk)\r\n0\r\n\r\n")
        #expect(outcome.status == 413)
        #expect(expectSecurityHeaders(outcome.headers))
    }

    @Test func stoppingGets503WithSecurityHeaders() throws {
        let server = try startTransportServer()
        // A request in progress that blocks no worker thread: its body is still on the way.
        let slow = try LoopbackSocket(port: server.port)
        let other = try LoopbackSocket(port: server.port)
        slow.send("POST /slow HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nab")
        usleep(200_000)
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            server.stop()
            stopped.signal()
        }
        usleep(200_000)  // stop() is now waiting for /slow
        other.send("GET /n HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let outcome = other.readResponseHead(timeout: 5)
        #expect(outcome.status == 503)
        #expect(expectSecurityHeaders(outcome.headers))
        slow.send("cd")
        #expect(slow.readResponseHead(timeout: 5).status == 200)
        #expect(stopped.wait(timeout: .now() + 15) == .success)
    }

    @Test func theHandlersOwnHeadersAreLeftAlone() throws {
        let server = try startTransportServer { _ in
            HTTPResponse.text("ok").with(header: "Content-Security-Policy", "default-src 'self'")
        }
        defer { server.stop() }
        let outcome = try LoopbackSocket.exchange(port: server.port, "GET /n HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(outcome.status == 200)
        #expect(outcome.headers["content-security-policy"] == "default-src 'self'")
        #expect(outcome.headers["x-frame-options"] == nil, "HTTPServer adds nothing to the handler's responses")
    }
}
