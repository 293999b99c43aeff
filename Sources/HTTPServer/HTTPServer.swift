import CMicroHTTPD
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Errors raised when the server cannot start. Their descriptions are in French: they reach users
/// through the command line.
public enum HTTPServerError: Error, LocalizedError, Equatable {
    case invalidHost(String)
    case cannotListen(host: String, port: UInt16)
    case alreadyStarted

    public var errorDescription: String? {
        switch self {
        case .invalidHost(let host):
            return "l'adresse « \(host) » n'est pas une adresse IP valide (exemple : 127.0.0.1)"
        case .cannotListen(let host, let port):
            return "impossible d'écouter sur \(host):\(port) (port déjà utilisé ou adresse indisponible)"
        case .alreadyStarted:
            return "le serveur est déjà démarré"
        }
    }
}

/// A small HTTP/1.1 server over libmicrohttpd: an internal epoll thread pool calls one synchronous
/// handler per complete request. It knows nothing of the application.
public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    public struct Configuration: Sendable {
        /// Numeric address to bind; loopback unless told otherwise.
        public var host: String = "127.0.0.1"
        /// Port to bind; 0 picks a free port (see `HTTPServer.port`).
        public var port: UInt16 = 8080
        /// Worker threads; defaults to the number of cores.
        public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
        /// Largest request body accepted; larger ones get 413.
        public var maxBodySize: Int = 1 << 20
        /// Memory per connection, which bounds the size of the request line and headers.
        public var connectionMemoryLimit: Int = 64 * 1024
        /// Simultaneous connections.
        public var connectionLimit: Int = 256
        /// Seconds an idle connection is kept open.
        public var idleTimeout: Int = 30

        public init() {}
    }

    public let configuration: Configuration
    private let lock = NSLock()
    private var daemon: OpaquePointer?
    private var context: Unmanaged<ServerContext>?
    private var boundPort: UInt16 = 0

    public init(configuration: Configuration = Configuration(), handler: @escaping Handler) {
        self.configuration = configuration
        self.handlerStorage = handler
    }

    private let handlerStorage: Handler

    deinit {
        stop(gracePeriod: 0)
    }

    /// The port the server listens on, once started.
    public var port: UInt16 {
        lock.lock()
        defer { lock.unlock() }
        return boundPort
    }

    /// Binds and starts the worker threads. Returns the bound port.
    @discardableResult
    public func start() throws -> UInt16 {
        lock.lock()
        defer { lock.unlock() }
        guard daemon == nil else { throw HTTPServerError.alreadyStarted }

        var storage = sockaddr_storage()
        let family = passerelle_make_sockaddr(configuration.host, configuration.port, &storage)
        guard family >= 0 else { throw HTTPServerError.invalidHost(configuration.host) }

        let ctx = Unmanaged.passRetained(ServerContext(
            handler: handlerStorage, maxBodySize: configuration.maxBodySize))
        let started: OpaquePointer? = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                passerelle_mhd_start(
                    address, family == AF_INET6 ? 1 : 0,
                    accessHandler, ctx.toOpaque(), requestCompleted,
                    UInt32(max(1, configuration.threads)),
                    configuration.connectionMemoryLimit,
                    UInt32(max(1, configuration.connectionLimit)),
                    UInt32(max(0, configuration.idleTimeout)))
            }
        }
        guard let started else {
            ctx.release()
            throw HTTPServerError.cannotListen(host: configuration.host, port: configuration.port)
        }
        daemon = started
        context = ctx
        boundPort = passerelle_mhd_bound_port(started)
        if boundPort == 0 { boundPort = configuration.port }
        return boundPort
    }

    /// Stops accepting connections, lets requests in progress finish (up to `gracePeriod` seconds),
    /// then closes every connection and frees the port. Safe to call more than once.
    public func stop(gracePeriod: Double = 10) {
        lock.lock()
        defer { lock.unlock() }
        guard let running = daemon, let ctx = context else { return }
        // New requests are answered 503 while the ones in progress finish. (MHD_quiesce_daemon is not used:
        // with an epoll thread pool it can abort the process when a worker has already paused its listen socket.)
        ctx.takeUnretainedValue().beginStopping()
        let deadline = Date().addingTimeInterval(gracePeriod)
        while ctx.takeUnretainedValue().requestsInFlight > 0 && Date() < deadline {
            usleep(5_000)
        }
        MHD_stop_daemon(running)
        ctx.release()
        daemon = nil
        context = nil
        boundPort = 0
    }
}

/// Catches SIGINT and SIGTERM from the moment it is created, so that a signal sent as soon as the
/// server says it is listening is not lost. `wait()` blocks until one arrives.
public final class TerminationSignals: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let received = SignalBox()
    private var sources: [DispatchSourceSignal] = []

    public init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [received, semaphore] in
                received.set(sig)
                semaphore.signal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until SIGINT or SIGTERM arrives (or has arrived); returns the signal number.
    public func wait() -> Int32 {
        semaphore.wait()
        return received.value
    }

    deinit {
        sources.forEach { $0.cancel() }
    }
}

private final class SignalBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int32 = 0
    func set(_ value: Int32) { lock.lock(); stored = value; lock.unlock() }
    var value: Int32 { lock.lock(); defer { lock.unlock() }; return stored }
}

/// What the C callbacks see: the handler, the limits and the count of requests in progress.
final class ServerContext: @unchecked Sendable {
    let handler: HTTPServer.Handler
    let maxBodySize: Int
    private let lock = NSLock()
    private var inFlight = 0

    init(handler: @escaping HTTPServer.Handler, maxBodySize: Int) {
        self.handler = handler
        self.maxBodySize = maxBodySize
    }

    private var stopping = false

    var requestsInFlight: Int { lock.lock(); defer { lock.unlock() }; return inFlight }
    var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }
    func beginStopping() { lock.lock(); stopping = true; lock.unlock() }
    /// Counts a new request; false when the server is stopping (the request is then refused).
    func begin() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        inFlight += 1
        return !stopping
    }
    func end() { lock.lock(); inFlight -= 1; lock.unlock() }
}

/// State of one request between the access-handler calls; lives in libmicrohttpd's `*con_cls`.
final class RequestState {
    var body: [UInt8] = []
    var tooLarge = false
    var answered = false
}

// MARK: - C callbacks (they capture nothing; the context travels as `cls`)

private let accessHandler: MHD_AccessHandlerCallback = {
    cls, connection, url, method, _, uploadData, uploadDataSize, conCls in
    guard let cls, let connection, let uploadDataSize, let conCls else { return passerelle_mhd_no() }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()

    // First call: headers only. Set up the request state.
    guard let existing = conCls.pointee else {
        let state = RequestState()
        conCls.pointee = Unmanaged.passRetained(state).toOpaque()
        guard context.begin() else {
            state.answered = true
            return queue(HTTPResponse.text("Le serveur s'arrête. Réessayez dans un instant.\n", status: 503)
                .with(header: "Connection", "close"), on: connection)
        }
        if let length = connectionValue(connection, MHD_ValueKind.HEADER_KIND, "Content-Length"),
           let declared = Int(length.trimmingCharacters(in: .whitespaces)), declared > context.maxBodySize {
            state.tooLarge = true
            state.answered = true
            return queue(payloadTooLarge(context.maxBodySize), on: connection)
        }
        return passerelle_mhd_yes()
    }
    let state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()

    // Middle calls: body chunks.
    if uploadDataSize.pointee > 0 {
        let size = uploadDataSize.pointee
        if !state.tooLarge, let uploadData {
            if state.body.count + size > context.maxBodySize {
                state.tooLarge = true
                state.body = []
            } else {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: size) { bytes in
                    state.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: size))
                }
            }
        }
        uploadDataSize.pointee = 0
        return passerelle_mhd_yes()
    }

    // Final call: the whole request is here.
    if state.answered { return passerelle_mhd_yes() }
    state.answered = true
    if state.tooLarge {
        return queue(payloadTooLarge(context.maxBodySize), on: connection)
    }
    var cookies: [String: String] = [:]
    for field in connectionValues(connection, MHD_ValueKind.COOKIE_KIND) where cookies[field.name] == nil {
        cookies[field.name] = field.value
    }
    let request = HTTPRequest(
        method: method.map { String(cString: $0) } ?? "GET",
        path: url.map { String(cString: $0) } ?? "/",
        query: connectionValues(connection, MHD_ValueKind.GET_ARGUMENT_KIND),
        headers: connectionValues(connection, MHD_ValueKind.HEADER_KIND),
        cookies: cookies,
        body: state.body,
        peerAddress: peerAddress(connection))
    state.body = []
    return queue(context.handler(request), on: connection)
}

private let requestCompleted: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls, let conCls, let existing = conCls.pointee else { return }
    Unmanaged<RequestState>.fromOpaque(existing).release()
    conCls.pointee = nil
    Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().end()
}

private func payloadTooLarge(_ limit: Int) -> HTTPResponse {
    HTTPResponse.text("Requête trop volumineuse : la limite est de \(limit) octets.\n", status: 413)
        .with(header: "Connection", "close")
}

/// Collects the values of one kind (headers, cookies, query arguments) in order.
private final class FieldCollector {
    var fields: [HTTPField] = []
    let lowercaseNames: Bool
    init(lowercaseNames: Bool) { self.lowercaseNames = lowercaseNames }
}

private func connectionValues(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [HTTPField] {
    let collector = FieldCollector(lowercaseNames: kind == MHD_ValueKind.HEADER_KIND)
    withExtendedLifetime(collector) {
        _ = MHD_get_connection_values(connection, kind, { cls, _, key, value in
            guard let cls, let key else { return passerelle_mhd_yes() }
            let collector = Unmanaged<FieldCollector>.fromOpaque(cls).takeUnretainedValue()
            let name = String(cString: key)
            collector.fields.append(HTTPField(
                name: collector.lowercaseNames ? name.lowercased() : name,
                value: value.map { String(cString: $0) } ?? ""))
            return passerelle_mhd_yes()
        }, Unmanaged.passUnretained(collector).toOpaque())
    }
    return collector.fields
}

private func connectionValue(_ connection: OpaquePointer, _ kind: MHD_ValueKind, _ key: String) -> String? {
    MHD_lookup_connection_value(connection, kind, key).map { String(cString: $0) }
}

private func peerAddress(_ connection: OpaquePointer) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    let ok = buffer.withUnsafeMutableBufferPointer {
        passerelle_mhd_peer_address(connection, $0.baseAddress, $0.count)
    }
    guard ok == 0 else { return "" }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

private func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
    var mhdResponse: OpaquePointer?
    var response = response
    switch response.body {
    case .bytes(let bytes):
        mhdResponse = bytes.withUnsafeBytes { passerelle_mhd_response_copy($0.count, $0.baseAddress) }
    case .file(let path), .temporaryFile(let path):
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if case .temporaryFile = response.body { unlink(path) }
        var info = stat()
        if fd >= 0, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            mhdResponse = MHD_create_response_from_fd(Int(info.st_size), fd)
            if mhdResponse == nil { close(fd) }
        } else {
            // The file went away between the handler's check and now.
            if fd >= 0 { close(fd) }
            response = HTTPResponse.text("Page introuvable.\n", status: 404)
            let text = Array("Page introuvable.\n".utf8)
            mhdResponse = text.withUnsafeBytes { passerelle_mhd_response_copy($0.count, $0.baseAddress) }
        }
    }
    guard let mhdResponse else { return passerelle_mhd_no() }
    defer { MHD_destroy_response(mhdResponse) }
    for field in response.headers {
        _ = MHD_add_response_header(mhdResponse, field.name, field.value)
    }
    return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
}
