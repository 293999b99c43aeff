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
    case tlsRefused

    public var errorDescription: String? {
        switch self {
        case .invalidHost(let host):
            return "l'adresse « \(host) » n'est pas une adresse IP valide (exemple : 127.0.0.1)"
        case .cannotListen(let host, let port):
            return "impossible d'écouter sur \(host):\(port) (port déjà utilisé ou adresse indisponible)"
        case .alreadyStarted:
            return "le serveur est déjà démarré"
        case .tlsRefused:
            return "HTTPS impossible : la clé ou le certificat est illisible, ou ils ne vont pas ensemble"
        }
    }
}

/// A small HTTP/1.1 server over libmicrohttpd: an internal thread pool (poll) calls one synchronous
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
        /// Simultaneous connections. Well above a classroom's learners: libmicrohttpd shares this limit
        /// between the worker threads, and a connection that arrives when it is reached waits unserved (up to
        /// `idleTimeout`), which 256 learners at a limit of 256 met (bench/load.py answers --users 256).
        public var connectionLimit: Int = 1024
        /// Simultaneous connections from one address (0: no limit). A classroom behind one NAT shares an
        /// address, so this stays well above what one browser opens (6 per host) times a few learners.
        public var perAddressConnectionLimit: Int = 32
        /// Seconds an idle connection is kept open (libmicrohttpd's inactivity timeout: any byte received
        /// restarts it).
        public var idleTimeout: Int = 30
        /// Seconds a client has to send one whole request, head and body, counted from the connection's
        /// start or from the end of the previous response. Unlike `idleTimeout` it cannot be extended by
        /// sending a byte now and then; when it passes the connection is closed (0: no deadline).
        public var requestTimeout: Int = 30
        /// Query arguments accepted in one request; more get 414.
        public var maxQueryParameters: Int = 100
        /// Header fields accepted in one request; more get 431. (The connection memory bounds their size.)
        public var maxHeaderCount: Int = 100
        /// HTTPS: the PEM text of the private key and of the certificate (chain). Both or neither.
        public var tls: TLS?

        public struct TLS: Sendable, Equatable {
            public var keyPEM: String
            public var certificatePEM: String
            public init(keyPEM: String, certificatePEM: String) {
                self.keyPEM = keyPEM
                self.certificatePEM = certificatePEM
            }
        }

        public init() {}
    }

    public let configuration: Configuration
    private let lock = NSLock()
    private var daemon: OpaquePointer?
    private var context: Unmanaged<ServerContext>?
    private var boundPort: UInt16 = 0
    private var deadlineTimer: DispatchSourceTimer?
    private var tlsKey: UnsafeMutablePointer<CChar>?
    private var tlsCertificate: UnsafeMutablePointer<CChar>?

    private func freeTLS() {
        free(tlsKey)
        free(tlsCertificate)
        tlsKey = nil
        tlsCertificate = nil
    }

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

        // libmicrohttpd reads the PEM text from our memory: keep copies alive while the daemon runs.
        if let tls = configuration.tls {
            tlsKey = strdup(tls.keyPEM)
            tlsCertificate = strdup(tls.certificatePEM)
        }
        let ctx = Unmanaged.passRetained(ServerContext(handler: handlerStorage, configuration: configuration))
        let started: OpaquePointer? = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                passerelle_mhd_start(
                    address, family == AF_INET6 ? 1 : 0,
                    accessHandler, ctx.toOpaque(), requestCompleted, requestTargetReceived, connectionNotified,
                    UInt32(max(1, configuration.threads)),
                    configuration.connectionMemoryLimit,
                    UInt32(max(1, configuration.connectionLimit)),
                    UInt32(max(0, configuration.perAddressConnectionLimit)),
                    UInt32(max(0, configuration.idleTimeout)),
                    tlsKey, tlsCertificate)
            }
        }
        guard let started else {
            ctx.release()
            if configuration.tls != nil {
                freeTLS()
                // A bad key or certificate and a busy port both fail here: tell them apart by binding in clear.
                var probe = configuration
                probe.tls = nil
                let plain = HTTPServer(configuration: probe) { _ in HTTPResponse(status: 503) }
                if (try? plain.start()) != nil {
                    plain.stop(gracePeriod: 0)
                    throw HTTPServerError.tlsRefused
                }
            }
            throw HTTPServerError.cannotListen(host: configuration.host, port: configuration.port)
        }
        daemon = started
        context = ctx
        boundPort = passerelle_mhd_bound_port(started)
        if boundPort == 0 { boundPort = configuration.port }
        if configuration.requestTimeout > 0 {
            let watch = ctx.takeUnretainedValue().connections
            let limit = UInt64(configuration.requestTimeout) * 1_000_000_000
            let timer = DispatchSource.makeTimerSource(queue: .global())
            let tick = min(1.0, Double(configuration.requestTimeout) / 4)
            timer.schedule(deadline: .now() + tick, repeating: tick, leeway: .milliseconds(50))
            timer.setEventHandler { watch.closeLateRequests(olderThan: limit) }
            timer.resume()
            deadlineTimer = timer
        }
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
        deadlineTimer?.cancel()
        deadlineTimer = nil
        MHD_stop_daemon(running)
        ctx.release()
        freeTLS()
        daemon = nil
        context = nil
        boundPort = 0
    }
}

extension HTTPServer {
    /// True if `host` (a Host header) is a plausible `name[:port]`, `IPv4[:port]` or `[IPv6][:port]`:
    /// ASCII letters, digits, `-`, `_` and `.` in a name, a port from 1 to 65535, 255 characters at most.
    static func isPlausibleHost(_ host: String) -> Bool {
        let bytes = Array(host.utf8)
        guard !bytes.isEmpty, bytes.count <= 255 else { return false }
        func isPort(_ port: ArraySlice<UInt8>) -> Bool {
            guard (1...5).contains(port.count), port.allSatisfy({ (48...57).contains($0) }),
                  let value = Int(String(decoding: port, as: UTF8.self)) else { return false }
            return (1...65535).contains(value)
        }
        let rest: ArraySlice<UInt8>
        if bytes[0] == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close > 2 else { return false }
            let address = bytes[1..<close]
            guard address.allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }),
                  address.contains(UInt8(ascii: ":")) else { return false }
            rest = bytes[(close + 1)...]
        } else {
            let colon = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.endIndex
            let name = bytes[..<colon]
            rest = bytes[colon...]
            guard !name.isEmpty, name.allSatisfy({ isNameByte($0) }) else { return false }
        }
        if rest.isEmpty { return true }
        guard rest.first == UInt8(ascii: ":") else { return false }
        return isPort(rest.dropFirst())
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...70).contains(byte) || (97...102).contains(byte)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
    }
}

/// Waits for SIGINT or SIGTERM without ever losing one.
///
/// A process-directed signal goes to any thread that does not block it; with a handler or `SIG_IGN` on
/// such a thread, a signal sent right after start-up could be consumed there before the waiter saw it.
/// So the signals are blocked in the main thread before any other thread exists
/// (`TerminationSignals.blockInProcess()`, first thing in `main`): every thread made later inherits the
/// mask, the signal stays pending, and `wait()` takes it with `sigwait`. Commands that do not wait for a
/// signal call `unblock()` so that Ctrl+C keeps its default effect.
public final class TerminationSignals: Sendable {
    public init() {
        // The signals may already be blocked by `blockInProcess()`; blocking them again in the calling
        // thread keeps `wait()` correct when the caller forgot to (threads made before stay as they are).
        Self.block(SIG_BLOCK)
    }

    /// Blocks SIGINT and SIGTERM in the calling thread (and the threads it creates afterwards).
    public static func blockInProcess() { block(SIG_BLOCK) }

    /// Restores SIGINT and SIGTERM in the calling thread: their default action (stop the process) applies.
    public static func unblock() { block(SIG_UNBLOCK) }

    private static func block(_ how: Int32) {
        var set = Self.set()
        pthread_sigmask(how, &set, nil)
    }

    private static func set() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }

    /// Blocks until SIGINT or SIGTERM arrives (or has arrived while blocked); returns the signal number.
    public func wait() -> Int32 {
        var set = Self.set()
        var received: Int32 = 0
        while true {
            let status = sigwait(&set, &received)
            if status == 0 { return received }
            if status != EINTR { return SIGTERM }
        }
    }
}

/// What the C callbacks see: the handler, the limits, the open connections and the count of requests
/// in progress.
final class ServerContext: @unchecked Sendable {
    let handler: HTTPServer.Handler
    let maxBodySize: Int
    let maxQueryParameters: Int
    let maxHeaderCount: Int
    let connections = ConnectionWatch()
    private let lock = NSLock()
    private var inFlight = 0

    /// Where deferred responses are made: one at a time per core, so that hashes in progress (19 MiB each)
    /// stay few whatever the number of sign-ins waiting.
    let deferredWork: OperationQueue

    init(handler: @escaping HTTPServer.Handler, configuration: HTTPServer.Configuration) {
        self.handler = handler
        deferredWork = OperationQueue()
        deferredWork.name = "HTTPServer.deferred"
        deferredWork.maxConcurrentOperationCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
        self.maxBodySize = configuration.maxBodySize
        self.maxQueryParameters = max(0, configuration.maxQueryParameters)
        self.maxHeaderCount = max(1, configuration.maxHeaderCount)
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

/// The open connections and, for each, since when it has been receiving a request. A timer closes the
/// ones that take longer than the request timeout (libmicrohttpd's own timeout only measures inactivity,
/// which a client sending one byte now and then never reaches).
final class ConnectionWatch: @unchecked Sendable {
    private struct Entry {
        var socket: Int32
        /// Monotonic nanoseconds when the current request started to arrive; nil while the handler runs
        /// and the response is sent.
        var receivingSince: UInt64?
    }

    private let lock = NSLock()
    private var entries: [OpaquePointer: Entry] = [:]

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    func opened(_ connection: OpaquePointer, socket: Int32) {
        lock.lock(); defer { lock.unlock() }
        entries[connection] = Entry(socket: socket, receivingSince: Self.now())
    }

    /// libmicrohttpd closes the socket only after this notification returns, and the sweep holds the
    /// same lock while it shuts sockets down: it never touches a socket number already reused.
    func closed(_ connection: OpaquePointer) {
        lock.lock(); defer { lock.unlock() }
        entries[connection] = nil
    }

    /// The request is complete (or answered early): the clock stops until the next request.
    func responding(_ connection: OpaquePointer) {
        lock.lock(); defer { lock.unlock() }
        entries[connection]?.receivingSince = nil
    }

    /// The response has been sent; the next request (on a kept-alive connection) starts to count now.
    func awaitingRequest(_ connection: OpaquePointer) {
        lock.lock(); defer { lock.unlock() }
        entries[connection]?.receivingSince = Self.now()
    }

    /// Shuts down connections still receiving a request after `limit` nanoseconds; libmicrohttpd then sees
    /// the end of the stream and closes them itself. `now`: for the tests; the clock is read under the lock.
    ///
    /// The clock is read once the lock is held, and a start later than it is never late: reading it before
    /// the lock let a connection whose answer had just been sent start its next wait after `now`, and
    /// `now &- since` wrapped to a huge delay: the sweep then shut a kept-alive connection down just after an
    /// answer (one answer in about 100,000 under load, `bench/load.py` saw the next request closed unanswered).
    func closeLateRequests(olderThan limit: UInt64, now: UInt64? = nil) {
        lock.lock(); defer { lock.unlock() }
        let now = now ?? Self.now()
        for (connection, entry) in entries {
            guard let since = entry.receivingSince, now > since, now - since > limit, entry.socket >= 0 else { continue }
            shutdown(entry.socket, Int32(SHUT_RDWR))
            entries[connection]?.receivingSince = nil
        }
    }

    /// When the connection's current request started to arrive (for the tests).
    func receivingSince(_ connection: OpaquePointer) -> UInt64? {
        lock.lock(); defer { lock.unlock() }
        return entries[connection]?.receivingSince
    }
}

/// State of one request between the access-handler calls; lives in libmicrohttpd's `*con_cls`. It is
/// made when the request line arrives (URI log callback) and released in the request-completed callback.
final class RequestState {
    var body: [UInt8] = []
    var tooLarge = false
    var answered = false
    /// The access handler has seen this request (its first call is over).
    var started = false
    /// The request was counted in the server's in-flight requests.
    var counted = false
    /// A deferred response being made (the connection is suspended until it is).
    var deferred: DeferredResponse?
    /// The raw request target before `?`, not yet percent-decoded.
    var rawPath: [UInt8] = []
    /// Query arguments parsed by HTTPServer; nil when libmicrohttpd parsed them (see shim.h).
    var query: [HTTPField]?
    /// More query arguments than allowed: answered 414 without decoding them.
    var tooManyQueryParameters = false
}

// MARK: - C callbacks (they capture nothing; the context travels as `cls`)

private let accessHandler: MHD_AccessHandlerCallback = {
    cls, connection, url, method, version, uploadData, uploadDataSize, conCls in
    guard let cls, let connection, let uploadDataSize, let conCls else { return passerelle_mhd_no() }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    let state: RequestState
    if let existing = conCls.pointee {
        state = Unmanaged<RequestState>.fromOpaque(existing).takeUnretainedValue()
    } else {
        // The URI log callback makes the state; this is only a safety net.
        state = RequestState()
        conCls.pointee = Unmanaged.passRetained(state).toOpaque()
    }

    // First call: headers only. Refuse what must not reach the handler, before reading any body.
    if !state.started {
        state.started = true
        state.counted = true
        guard context.begin() else {
            return answerEarly(serverResponse("Le serveur s'arrête. Réessayez dans un instant.\n", status: 503),
                               state: state, connection: connection, context: context)
        }
        if let refusal = refusal(url: url, version: version, state: state, connection: connection,
                                 context: context) {
            return answerEarly(refusal, state: state, connection: connection, context: context)
        }
        if let length = connectionValue(connection, MHD_ValueKind.HEADER_KIND, "Content-Length"),
           let declared = Int(trimmedSpaces(length)), declared > context.maxBodySize {
            state.tooLarge = true
            return answerEarly(payloadTooLarge(context.maxBodySize),
                               state: state, connection: connection, context: context)
        }
        return passerelle_mhd_yes()
    }

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

    // Final call: the whole request is here. (Called once more when a deferred response is ready.)
    if state.answered {
        if let deferred = state.deferred, let response = deferred.take() {
            state.deferred = nil
            return queue(response, on: connection)
        }
        return passerelle_mhd_yes()
    }
    state.answered = true
    context.connections.responding(connection)
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
        query: state.query ?? connectionValues(connection, MHD_ValueKind.GET_ARGUMENT_KIND),
        headers: connectionValues(connection, MHD_ValueKind.HEADER_KIND),
        cookies: cookies,
        body: state.body,
        peerAddress: peerAddress(connection))
    state.body = []
    let response = context.handler(request)
    if let work = response.deferredWork {
        // Made off the workers: suspended now, resumed (and this handler called again) once it is made.
        let deferred = DeferredResponse()
        state.deferred = deferred
        MHD_suspend_connection(connection)
        let address = UInt(bitPattern: connection)
        context.deferredWork.addOperation {
            deferred.set(work().resolved)
            if let connection = OpaquePointer(bitPattern: address) { MHD_resume_connection(connection) }
        }
        return passerelle_mhd_yes()
    }
    return queue(response, on: connection)
}

/// A deferred response, handed from the thread that makes it to the worker that sends it.
final class DeferredResponse: @unchecked Sendable {  // `lock` guards `response`
    private let lock = NSLock()
    private var response: HTTPResponse?

    func set(_ value: HTTPResponse) {
        lock.lock()
        defer { lock.unlock() }
        response = value
    }

    func take() -> HTTPResponse? {
        lock.lock()
        defer { lock.unlock() }
        defer { response = nil }
        return response
    }
}

/// Called once per request with the raw target, before libmicrohttpd parses it. Makes the request's state,
/// keeps the raw path, and parses the query here rather than in libmicrohttpd (see `passerelle_mhd_hide_query`).
private let requestTargetReceived: passerelle_uri_log_callback = { cls, uri, _ in
    let state = RequestState()
    if let cls, let uri {
        let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
        let target = UnsafeBufferPointer(start: UnsafeRawPointer(uri).assumingMemoryBound(to: UInt8.self),
                                         count: strlen(uri))
        if let mark = target.firstIndex(of: UInt8(ascii: "?")) {
            state.rawPath = Array(target[..<mark])
            let rawQuery = Array(target[(mark + 1)...])
            let count = queryFieldCount(rawQuery)
            if count > context.maxQueryParameters {
                state.tooManyQueryParameters = true
                // Hidden from libmicrohttpd too, so that it does not run out of memory before the 414.
                _ = passerelle_mhd_hide_query(uri)
            } else if passerelle_mhd_hide_query(uri) == 1 {
                state.query = decodeQuery(rawQuery)
            }
        } else {
            state.rawPath = Array(target)
        }
    }
    return Unmanaged.passRetained(state).toOpaque()
}

private let requestCompleted: MHD_RequestCompletedCallback = { cls, connection, conCls, _ in
    guard let cls else { return }
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()
    if let connection { context.connections.awaitingRequest(connection) }
    guard let conCls, let existing = conCls.pointee else { return }
    let state = Unmanaged<RequestState>.fromOpaque(existing).takeRetainedValue()
    conCls.pointee = nil
    if state.counted { context.end() }
}

private let connectionNotified: MHD_NotifyConnectionCallback = { cls, connection, _, code in
    guard let cls, let connection else { return }
    let watch = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().connections
    if passerelle_mhd_connection_started(code) == 1 {
        watch.opened(connection, socket: passerelle_mhd_connection_fd(connection))
    } else {
        watch.closed(connection)
    }
}

/// Answers on the first call, before any body is read, and closes the connection afterwards.
private func answerEarly(
    _ response: HTTPResponse, state: RequestState, connection: OpaquePointer, context: ServerContext
) -> MHD_Result {
    state.answered = true
    context.connections.responding(connection)
    return queue(response, on: connection)
}

/// Why a request must not reach the handler, as the response to send; nil if it may.
private func refusal(
    url: UnsafePointer<CChar>?, version: UnsafePointer<CChar>?, state: RequestState,
    connection: OpaquePointer, context: ServerContext
) -> HTTPResponse? {
    if state.tooManyQueryParameters {
        return serverResponse(
            "Adresse trop longue : plus de \(context.maxQueryParameters) paramètres.\n", status: 414)
    }
    let headers = connectionValues(connection, MHD_ValueKind.HEADER_KIND)
    if headers.count > context.maxHeaderCount {
        return serverResponse(
            "Trop d'en-têtes dans la requête : la limite est de \(context.maxHeaderCount).\n", status: 431)
    }
    let hosts = headers.filter { $0.name == "host" }
    let protocolVersion = version.map { String(cString: $0).uppercased() } ?? ""
    let hostIsValid: Bool
    switch hosts.count {
    case 0: hostIsValid = protocolVersion == "HTTP/1.0"  // HTTP/1.1 requires Host
    case 1: hostIsValid = HTTPServer.isPlausibleHost(trimmedSpaces(hosts[0].value))
    default: hostIsValid = false
    }
    if !hostIsValid {
        return serverResponse("Requête invalide : en-tête Host absent ou incorrect.\n", status: 400)
    }
    let path = url.map { String(cString: $0) } ?? "/"
    if !HTTPRequest.isLogSafe(path) || containsEncodedNUL(state.rawPath) {
        return serverResponse("Requête invalide : l'adresse contient des caractères de contrôle.\n", status: 400)
    }
    return nil
}

/// The text without its leading and trailing spaces and tabs (what HTTP calls optional white space), without
/// Foundation's `trimmingCharacters`, which was a twentieth of a small request's time.
func trimmedSpaces(_ text: String) -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else {
        return ""
    }
    return String(text[first...last])
}

/// True if the raw path holds `%00` (libmicrohttpd decodes it into a NUL that would end the C string).
private func containsEncodedNUL(_ raw: [UInt8]) -> Bool {
    guard raw.count >= 3 else { return false }
    for i in 0...(raw.count - 3)
    where raw[i] == UInt8(ascii: "%") && raw[i + 1] == UInt8(ascii: "0") && raw[i + 2] == UInt8(ascii: "0") {
        return true
    }
    return false
}

/// Number of non-empty `&`-separated fields in a raw query.
private func queryFieldCount(_ raw: [UInt8]) -> Int {
    var count = 0
    var fieldIsEmpty = true
    for byte in raw {
        if byte == UInt8(ascii: "&") {
            if !fieldIsEmpty { count += 1 }
            fieldIsEmpty = true
        } else {
            fieldIsEmpty = false
        }
    }
    return fieldIsEmpty ? count : count + 1
}

/// Decodes a raw query as libmicrohttpd does: fields split on `&`, name and value on the first `=`,
/// `+` is a space, `%XY` a byte (an invalid escape stays as it is), invalid UTF-8 is repaired.
func decodeQuery(_ raw: [UInt8]) -> [HTTPField] {
    raw.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { field in
        let parts = field.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
        let name = parts.first.map(Array.init) ?? []
        let value = parts.count > 1 ? Array(parts[1]) : []
        return HTTPField(name: percentDecoded(name), value: percentDecoded(value))
    }
}

private func percentDecoded(_ bytes: [UInt8]) -> String {
    func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
        let byte = bytes[i]
        if byte == UInt8(ascii: "%"), i + 2 < bytes.count, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) {
            out.append(high << 4 | low)
            i += 3
        } else {
            out.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Headers on every response HTTPServer writes itself (errors): the same defaults the application uses,
/// with nothing allowed to load since these are plain text.
let serverSecurityHeaders: [(String, String)] = [
    ("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
]

/// A plain-text response written by HTTPServer itself, with the security headers.
func serverResponse(_ text: String, status: Int, closing: Bool = true) -> HTTPResponse {
    var response = HTTPResponse.text(text, status: status)
    for (name, value) in serverSecurityHeaders {
        response.headers.append(HTTPField(name: name, value: value))
    }
    if closing { response.headers.append(HTTPField(name: "Connection", value: "close")) }
    return response
}

private func payloadTooLarge(_ limit: Int) -> HTTPResponse {
    serverResponse("Requête trop volumineuse : la limite est de \(limit) octets.\n", status: 413)
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
    return buffer.withUnsafeBufferPointer { $0.baseAddress.map { String(cString: $0) } ?? "" }
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
            response = serverResponse("Page introuvable.\n", status: 404, closing: false)
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
