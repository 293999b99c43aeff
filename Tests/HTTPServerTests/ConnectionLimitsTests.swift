import Foundation
import Testing
@testable import HTTPServer
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// One address cannot take every connection, and a slow sender cannot keep one forever.
@Suite struct ConnectionLimitsTests {
    @Test func defaults() {
        let configuration = HTTPServer.Configuration()
        #expect(configuration.perAddressConnectionLimit == 32)
        #expect(configuration.connectionLimit == 1024)
        #expect((15...30).contains(configuration.requestTimeout))
        #expect(configuration.idleTimeout <= 30)
    }

    @Test func idleSocketsFromOneAddressLeaveRoomForOthers() throws {
        let server = try startTransportServer(configure: {
            $0.connectionLimit = 8
            $0.perAddressConnectionLimit = 4
        })
        defer { server.stop() }
        // Twelve idle sockets from 127.0.0.1: without a per-address limit they take all 8 places.
        let idle = try (0..<12).map { _ in try LoopbackSocket(port: server.port) }
        usleep(300_000)
        let refused = idle.filter { $0.waitForClose(timeout: 0.2) }.count
        #expect(refused >= 8, "sockets beyond the per-address limit are closed at once")

        // Another address is still served.
        let other = try LoopbackSocket.exchange(
            port: server.port, "GET /n HTTP/1.1\r\nHost: localhost\r\n\r\n", source: "127.0.0.2", timeout: 5)
        #expect(other.status == 200)

        // And the first address again once its idle sockets are gone.
        idle.forEach { $0.close() }
        usleep(200_000)
        #expect(try RawHTTPClient(port: server.port).request("GET", "/n").status == 200)
    }

    /// A byte every 300 ms keeps libmicrohttpd's inactivity timeout from ever firing; the request deadline
    /// closes the connection anyway.
    @Test(arguments: ["header", "body"])
    func aSlowSenderIsCutOff(part: String) throws {
        let calls = Counter()
        let server = try startTransportServer(configure: {
            $0.requestTimeout = 2
            $0.idleTimeout = 30
        }) { _ in calls.increment(); return .text("ok") }
        defer { server.stop() }
        let socket = try LoopbackSocket(port: server.port)
        let trickle: [UInt8]
        if part == "header" {
            socket.send("GET /n HTTP/1.1\r\nHost: localhost\r\n")
            trickle = Array("X-Slow: \(String(repeating: "a", count: 100))".utf8)
        } else {
            socket.send("POST /n HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n")
            trickle = Array(String(repeating: "b", count: 100).utf8)
        }
        let start = Date()
        var closed = false
        for byte in trickle.prefix(40) {  // 40 x 300 ms = 12 s at most
            if !socket.send([byte]) || socket.waitForClose(timeout: 0.3) {
                closed = true
                break
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(closed)
        #expect(elapsed < 8, "closed after \(elapsed) s")
        #expect(calls.value == 0)
        #expect(try RawHTTPClient(port: server.port).request("GET", "/n").status == 200)
    }

    @Test func aSlowHandlerAndKeepAliveAreNotCutOff() throws {
        let server = try startTransportServer(configure: { $0.requestTimeout = 1 }) { request in
            if request.path == "/slow" { usleep(2_000_000) }
            return .text("ok")
        }
        defer { server.stop() }
        let client = try RawHTTPClient(port: server.port)
        #expect(try client.request("GET", "/slow").status == 200)
        usleep(500_000)
        #expect(try client.request("GET", "/n").status == 200)
        usleep(500_000)
        #expect(try client.request("GET", "/n").status == 200)
    }

    @Test func anIdleKeepAliveConnectionIsClosedAtTheDeadline() throws {
        let server = try startTransportServer(configure: {
            $0.requestTimeout = 1
            $0.idleTimeout = 30
        })
        defer { server.stop() }
        let socket = try LoopbackSocket(port: server.port)
        socket.send("GET /n HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(socket.readResponseHead(timeout: 5).status == 200)
        #expect(socket.waitForClose(timeout: 5))
    }
}

@Suite struct TrimmedSpacesTests {
    @Test(arguments: [("  example.org:8080\t", "example.org:8080"), ("a b", "a b"), (" \t ", ""), ("", ""), ("\tx", "x"),
                      ("é ", "é")])
    func spacesAndTabsGoAtBothEnds(text: String, expected: String) {
        #expect(trimmedSpaces(text) == expected)
    }
}

/// The request timeout's sweep (`ConnectionWatch`): only a request that has taken longer than the limit is cut.
@Suite struct ConnectionWatchTests {
    @Test func aWaitThatStartedAfterTheSweepReadTheClockIsNotLate() throws {
        var sockets: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &sockets) == 0)
        defer { close(sockets[0]); close(sockets[1]) }
        let watch = ConnectionWatch()
        let connection = try #require(OpaquePointer(bitPattern: 0x1000))  // a key only: never dereferenced
        watch.opened(connection, socket: sockets[0])
        watch.responding(connection)
        watch.awaitingRequest(connection)  // an answer was sent: the wait for the next request starts now
        let since = try #require(watch.receivingSince(connection))
        // A sweep whose clock was read a moment before that start: not late (before the fix, `now &- since`
        // wrapped to 2^64 ns and the connection was shut down just after its answer).
        watch.closeLateRequests(olderThan: 30_000_000_000, now: since - 1_000)
        #expect(watch.receivingSince(connection) == since)
        var byte: UInt8 = 0
        #expect(recv(sockets[1], &byte, 1, Int32(MSG_DONTWAIT)) == -1, "the socket is still open: nothing to read yet")
        // Within the limit: kept. Past it: shut down, and the peer reads the end of the stream.
        watch.closeLateRequests(olderThan: 30_000_000_000, now: since + 30_000_000_000)
        #expect(watch.receivingSince(connection) == since)
        watch.closeLateRequests(olderThan: 30_000_000_000, now: since + 30_000_000_001)
        #expect(watch.receivingSince(connection) == nil)
        #expect(recv(sockets[1], &byte, 1, Int32(MSG_DONTWAIT)) == 0)
        watch.closed(connection)
    }
}
