import Foundation
import HTTPServer
import PasserelleCore
import PasserelleStore

/// Signs people in and finds who a request comes from.
///
/// Learners give their access code; staff their user name and password. A session is a random token
/// in an HttpOnly cookie; the database keeps only its SHA-256. Repeated failures from one address are
/// slowed down (`SignInThrottle`).
public final class Authenticator: Sendable {
    public static let cookieName = "passerelle_session"
    public static let sessionLifetime: TimeInterval = 12 * 3600

    let store: Store
    let throttle: SignInThrottle

    public init(store: Store, throttle: SignInThrottle = SignInThrottle()) {
        self.store = store
        self.throttle = throttle
    }

    public enum Outcome: Sendable, Equatable {
        case signedIn(Principal, token: String)
        case rejected
        case throttled
    }

    /// Signs a learner in by access code.
    public func signInLearner(code typed: String, from peer: String) throws -> Outcome {
        guard throttle.allows(peer) else { return .throttled }
        guard let code = AccessCode(typed: typed),
              let found = try store.learnerCredentials(selector: code.selector),
              Credentials.verifyPassword(code.secret, hash: found.codeHash) else {
            throttle.recordFailure(peer)
            return .rejected
        }
        throttle.recordSuccess(peer)
        let token = try openSession(for: .learner(found.learner))
        try store.audit(AuditEntry(action: "sign-in", actorLearnerID: found.learner.id))
        return .signedIn(.learner(found.learner), token: token)
    }

    /// Signs a member of staff in by user name and password.
    public func signInStaff(username: String, password: String, from peer: String) throws -> Outcome {
        guard throttle.allows(peer) else { return .throttled }
        guard let found = try store.staffCredentials(username: username),
              Credentials.verifyPassword(password, hash: found.passwordHash) else {
            throttle.recordFailure(peer)
            return .rejected
        }
        throttle.recordSuccess(peer)
        let token = try openSession(for: .staff(found.user))
        try store.audit(AuditEntry(action: "sign-in", actorUserID: found.user.id))
        return .signedIn(.staff(found.user), token: token)
    }

    private func openSession(for principal: Principal) throws -> String {
        let token = Credentials.newToken()
        try store.createSession(tokenHash: Credentials.digest(token), principal: principal,
                                expiresAt: Date().addingTimeInterval(Authenticator.sessionLifetime))
        return token
    }

    /// Who sent this request, from its session cookie.
    public func principal(for request: HTTPRequest) -> Principal? {
        guard let token = request.cookies[Authenticator.cookieName], !token.isEmpty else { return nil }
        return try? store.principal(sessionTokenHash: Credentials.digest(token))
    }

    public func signOut(_ request: HTTPRequest) {
        guard let token = request.cookies[Authenticator.cookieName] else { return }
        try? store.deleteSession(tokenHash: Credentials.digest(token))
    }

    static func sessionCookie(_ token: String) -> String {
        "\(cookieName)=\(token); Path=/; HttpOnly; SameSite=Lax; Max-Age=\(Int(sessionLifetime))"
    }

    static let clearedCookie = "\(cookieName)=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
}

/// Counts failed sign-ins per client address: after `limit` failures within `window` seconds,
/// further attempts are refused until the window has passed.
public final class SignInThrottle: @unchecked Sendable {
    let limit: Int
    let window: TimeInterval
    private let lock = NSLock()
    private var failures: [String: [Date]] = [:]

    public init(limit: Int = 30, window: TimeInterval = 600) {
        self.limit = limit
        self.window = window
    }

    func allows(_ peer: String, now: Date = Date()) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let recent = (failures[peer] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[peer] = recent.isEmpty ? nil : recent
        return recent.count < limit
    }

    func recordFailure(_ peer: String, now: Date = Date()) {
        lock.lock()
        defer { lock.unlock() }
        failures[peer, default: []].append(now)
        if failures.count > 10_000 {  // bound memory: forget the oldest addresses
            failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
        }
    }

    func recordSuccess(_ peer: String) {
        lock.lock()
        failures[peer] = nil
        lock.unlock()
    }
}
