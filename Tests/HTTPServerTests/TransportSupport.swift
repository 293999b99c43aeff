import Foundation
@testable import HTTPServer
import TestSupport

/// A server on a free loopback port for the transport tests; `configure` adjusts the limits.
func startTransportServer(configure: (inout HTTPServer.Configuration) -> Void = { _ in }) throws -> HTTPServer {
    try startTransportServer(configure: configure) { request in .text("ok \(request.query.count)") }
}

/// The same with a handler of the test's own.
func startTransportServer(
    configure: (inout HTTPServer.Configuration) -> Void = { _ in },
    handler: @escaping HTTPServer.Handler
) throws -> HTTPServer {
    var configuration = HTTPServer.Configuration()
    configuration.port = 0
    configuration.threads = 2
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    return server
}

/// The security headers every response that HTTPServer writes itself must carry.
func expectSecurityHeaders(_ headers: [String: String]) -> Bool {
    headers["x-content-type-options"] == "nosniff"
        && headers["x-frame-options"] == "DENY"
        && headers["referrer-policy"] == "same-origin"
        && (headers["content-security-policy"]?.contains("default-src 'none'") ?? false)
}
