import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP socket for transport tests: it can connect from a chosen loopback address (Linux routes all
/// of 127.0.0.0/8 to the loopback interface), stay idle, trickle bytes, and tell whether the server closed
/// it, without ever blocking longer than asked. Writes never raise SIGPIPE.
public final class LoopbackSocket {
    /// What came back from the server.
    public enum Outcome: Equatable, Sendable {
        /// A response head: status and headers (lowercased names). The body is not read.
        case response(status: Int, headers: [String: String])
        /// The server closed the connection before a complete response head.
        case closed
        /// Nothing conclusive within the time allowed.
        case timedOut
    }

    public enum Failure: Error { case socket(Int32), bind(Int32), connect(Int32) }

    private var fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `host:port`, from `source` (a local address such as 127.0.0.2) when given.
    public init(port: UInt16, host: String = "127.0.0.1", source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.socket(errno) }
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_port = 0
            inet_pton(AF_INET, source, &local.sin_addr)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { let e = errno; _ = Glibc.close(fd); throw Failure.bind(e) }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { let e = errno; _ = Glibc.close(fd); throw Failure.connect(e) }
    }

    deinit { close() }

    /// Closes the socket now (idempotent).
    public func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    /// Sends every byte; false if the connection is gone.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads until a complete response head arrives, the server closes, or `timeout` seconds pass.
    public func readResponseHead(timeout: Double) -> Outcome {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let end = headEnd() {
                let head = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.isEmpty ? [] : lines.removeFirst().split(separator: " ")
                guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return .closed }
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                        .trimmingCharacters(in: .whitespaces)
                }
                return .response(status: status, headers: headers)
            }
            switch fill(until: deadline) {
            case .data: continue
            case .closed: return .closed
            case .timedOut: return .timedOut
            }
        }
    }

    /// True if the server closes the connection within `timeout` seconds (any data it sends is discarded).
    public func waitForClose(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            switch fill(until: deadline) {
            case .data: buffer.removeAll()
            case .closed: return true
            case .timedOut: return false
            }
        }
    }

    private enum Fill { case data, closed, timedOut }

    private func fill(until deadline: Date) -> Fill {
        let remaining = deadline.timeIntervalSinceNow
        guard remaining > 0 else { return .timedOut }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(min(remaining, 3600) * 1000) + 1)
        if ready == 0 { return .timedOut }
        if ready < 0 { return errno == EINTR ? .data : .closed }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffer.append(contentsOf: chunk[0..<n])
            return .data
        }
        if n < 0 && (errno == EINTR || errno == EAGAIN) { return .data }
        return .closed
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4)
        where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }
}

extension LoopbackSocket {
    /// Connects, sends `raw` exactly as given and reads the response head.
    public static func exchange(
        port: UInt16, _ raw: String, source: String? = nil, timeout: Double = 5
    ) throws -> Outcome {
        let socket = try LoopbackSocket(port: port, source: source)
        socket.send(raw)
        return socket.readResponseHead(timeout: timeout)
    }
}

extension LoopbackSocket.Outcome {
    /// The status, if a response came.
    public var status: Int? {
        if case .response(let status, _) = self { return status }
        return nil
    }

    /// The headers (lowercased names), empty if no response came.
    public var headers: [String: String] {
        if case .response(_, let headers) = self { return headers }
        return [:]
    }
}
