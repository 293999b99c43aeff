import Foundation

/// One header, query or form field. Header names are stored lowercased.
public struct HTTPField: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A complete HTTP request, with its body already read (bounded by the server's body limit).
public struct HTTPRequest: Sendable {
    /// Upper-case method, e.g. `GET`.
    public var method: String
    /// Percent-decoded path without the query string, e.g. `/static/app.css`.
    public var path: String
    /// Decoded query arguments in the order they came.
    public var query: [HTTPField]
    /// Headers with lowercased names.
    public var headers: [HTTPField]
    /// Cookies sent by the client.
    public var cookies: [String: String]
    public var body: [UInt8]
    /// Numeric address of the peer, e.g. `127.0.0.1`.
    public var peerAddress: String

    public init(
        method: String, path: String, query: [HTTPField] = [], headers: [HTTPField] = [],
        cookies: [String: String] = [:], body: [UInt8] = [], peerAddress: String = "127.0.0.1"
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers.map { HTTPField(name: $0.name.lowercased(), value: $0.value) }
        self.cookies = cookies
        self.body = body
        self.peerAddress = peerAddress
    }

    /// The first header of that name (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }

    /// The first query argument of that name.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The path with every control character percent-encoded (`%0A`, `%1B`…), safe to write on one
    /// log line. HTTPServer already refuses such paths with 400; this also holds for requests made in code.
    public var logSafePath: String {
        guard !HTTPRequest.isLogSafe(path) else { return path }
        var safe = ""
        for scalar in path.unicodeScalars {
            if HTTPRequest.isControl(scalar) {
                for byte in String(scalar).utf8 { safe += "%" + String(byte, radix: 16, uppercase: true)
                    .leftPadded(to: 2) }
            } else {
                safe.unicodeScalars.append(scalar)
            }
        }
        return safe
    }

    /// True if `text` holds no control character (C0, DEL, C1, line and paragraph separators).
    static func isLogSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains(where: isControl)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// The body as UTF-8 text (invalid sequences are repaired).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Fields of an `application/x-www-form-urlencoded` body; empty for any other content type.
    public func formFields() -> [HTTPField] {
        guard let type = header("content-type")?.lowercased(),
              type.hasPrefix("application/x-www-form-urlencoded") else { return [] }
        return HTTPRequest.parseURLEncoded(bodyText)
    }

    /// The first form field of that name.
    public func formValue(_ name: String) -> String? {
        formFields().first { $0.name == name }?.value
    }

    /// Parses `a=1&b=two+words` into fields, decoding `+` and percent escapes.
    public static func parseURLEncoded(_ text: String) -> [HTTPField] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return HTTPField(name: decode(parts[0]), value: parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}

/// A response: status, headers and either bytes in memory or a file sent with sendfile.
public struct HTTPResponse: Sendable {
    public enum Body: Sendable, Equatable {
        case bytes([UInt8])
        /// A regular file, streamed from disk by the server.
        case file(path: String)
        /// A file made for this response: the server opens it, removes its name at once and streams it,
        /// so that it disappears when the response is sent (or the connection drops).
        case temporaryFile(path: String)
    }

    public var status: Int
    public var headers: [HTTPField]
    public var body: Body
    /// Set by `deferred`: the server makes the response with this off its request workers.
    public private(set) var deferredWork: (@Sendable () -> HTTPResponse)?

    public init(status: Int, headers: [HTTPField] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response that takes long to make and needs no request worker while it is made (a password hash):
    /// `HTTPServer` suspends the connection, runs `work` on its own few threads (one per core) and sends
    /// what it returns, so that the workers keep serving other requests meanwhile. Anyone else calling a
    /// handler gets the response with `resolved`.
    public static func deferred(_ work: @escaping @Sendable () -> HTTPResponse) -> HTTPResponse {
        var response = HTTPResponse(status: 500)
        response.deferredWork = work
        return response
    }

    /// The response itself: a deferred one is made here, on the calling thread.
    public var resolved: HTTPResponse {
        guard let deferredWork else { return self }
        return deferredWork().resolved
    }

    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Returns a copy with one more header.
    public func with(header name: String, _ value: String) -> HTTPResponse {
        var copy = self
        copy.headers.append(HTTPField(name: name, value: value))
        return copy
    }

    public static func text(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status,
                     headers: [HTTPField(name: "Content-Type", value: "text/plain; charset=utf-8")],
                     body: .bytes(Array(text.utf8)))
    }

    public static func html(_ html: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status,
                     headers: [HTTPField(name: "Content-Type", value: "text/html; charset=utf-8")],
                     body: .bytes(Array(html.utf8)))
    }

    public static func json(_ data: Data, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status,
                     headers: [HTTPField(name: "Content-Type", value: "application/json; charset=utf-8")],
                     body: .bytes(Array(data)))
    }

    /// A `303 See Other` to `location` (the right answer to a form POST).
    public static func redirect(to location: String, status: Int = 303) -> HTTPResponse {
        HTTPResponse(status: status, headers: [HTTPField(name: "Location", value: location)])
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
