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

    /// A hash to verify against when the account does not exist, so that an unknown selector or user
    /// name costs the same time as a known one with a wrong secret (timing does not tell which exist).
    private static let dummyHash: String = (try? Credentials.hashPassword(Credentials.newToken())) ?? ""

    /// Signs a learner in by access code.
    public func signInLearner(code typed: String, from peer: String) throws -> Outcome {
        let code = AccessCode(typed: typed)
        // Failures count against the code's public selector (the "account") and the address.
        let account = "code:" + (code?.selector ?? "?")
        guard throttle.allows(account: account, peer: peer) else { return .throttled }
        let found = try code.flatMap { try store.learnerCredentials(selector: $0.selector) }
        let verified = Credentials.verifyPassword(code?.secret ?? typed, hash: found?.codeHash ?? Authenticator.dummyHash)
        guard let found, verified else {
            throttle.recordFailure(account: account, peer: peer)
            try store.audit(AuditEntry(action: "sign-in-failed", targetType: "learner-code"))
            return .rejected
        }
        throttle.recordSuccess(account: account)
        if Credentials.needsRehash(found.codeHash), let code {
            // A hash from an older cost: replaced now that the secret is known, so that every account
            // costs the same time to check (and the dummy hash's time matches).
            try store.upgradeAccessCodeHash(learnerID: found.learner.id, hash: try Credentials.hashPassword(code.secret))
        }
        let token = try openSession(for: .learner(found.learner))
        try store.audit(AuditEntry(action: "sign-in", actorLearnerID: found.learner.id))
        return .signedIn(.learner(found.learner), token: token)
    }

    /// Signs a member of staff in by user name and password.
    public func signInStaff(username: String, password: String, from peer: String) throws -> Outcome {
        let account = "staff:" + username.lowercased().prefix(200)
        guard throttle.allows(account: account, peer: peer) else { return .throttled }
        let found = username.count <= 200 && password.count <= 1_000 ? try store.staffCredentials(username: username) : nil
        let verified = Credentials.verifyPassword(String(password.prefix(1_000)), hash: found?.passwordHash ?? Authenticator.dummyHash)
        guard let found, verified else {
            throttle.recordFailure(account: account, peer: peer)
            try store.audit(AuditEntry(action: "sign-in-failed", targetType: "staff"))
            return .rejected
        }
        throttle.recordSuccess(account: account)
        if Credentials.needsRehash(found.passwordHash) {
            try store.upgradePasswordHash(userID: found.user.id, hash: try Credentials.hashPassword(String(password.prefix(1_000))))
        }
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

    /// The session cookie: HttpOnly always; over HTTPS also `Secure` and `SameSite=Strict`.
    static func sessionCookie(_ token: String, secure: Bool = false) -> String {
        "\(cookieName)=\(token); Path=/; HttpOnly; \(secure ? "Secure; SameSite=Strict" : "SameSite=Lax"); Max-Age=\(Int(sessionLifetime))"
    }

    static func clearedCookie(secure: Bool = false) -> String {
        "\(cookieName)=; Path=/; HttpOnly; \(secure ? "Secure; SameSite=Strict" : "SameSite=Lax"); Max-Age=0"
    }
}

/// Slows down guessing without locking a classroom out.
///
/// Failures are counted per account (a learner code's public selector, a staff user name) and per
/// client address, over a sliding `window`. Past `accountFreeTries` failures on one account, or
/// `addressFreeTries` from one address (a whole classroom can sit behind one NAT, so this one is
/// high), each new attempt must wait a delay that doubles with every further failure, up to
/// `maximumDelay` for an account and `maximumAddressDelay` for an address (kept short, so that one
/// person mistyping cannot keep a classroom out for long): a growing delay, not a lock. A success clears only its own account's failures:
/// another account's success from the same address does not wipe the address's count.
public final class SignInThrottle: @unchecked Sendable {
    let accountFreeTries: Int
    let addressFreeTries: Int
    let window: TimeInterval
    let maximumDelay: TimeInterval
    let maximumAddressDelay: TimeInterval
    let baseDelay: TimeInterval
    private let lock = NSLock()
    private var failures: [String: [Date]] = [:]

    public init(accountFreeTries: Int = 5, addressFreeTries: Int = 60, window: TimeInterval = 900,
                maximumDelay: TimeInterval = 600, maximumAddressDelay: TimeInterval = 30, baseDelay: TimeInterval = 1) {
        self.accountFreeTries = max(1, accountFreeTries)
        self.addressFreeTries = max(1, addressFreeTries)
        self.window = window
        self.maximumDelay = maximumDelay
        self.maximumAddressDelay = maximumAddressDelay
        self.baseDelay = baseDelay
    }

    /// Whether an attempt on `account` from `peer` may be checked now.
    func allows(account: String, peer: String, now: Date = Date()) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return ready("a:" + account, free: accountFreeTries, cap: maximumDelay, now: now)
            && ready("p:" + peer, free: addressFreeTries, cap: maximumAddressDelay, now: now)
    }

    func recordFailure(account: String, peer: String, now: Date = Date()) {
        lock.lock()
        defer { lock.unlock() }
        failures["a:" + account, default: []].append(now)
        failures["p:" + peer, default: []].append(now)
        if failures.count > 20_000 {  // bound memory: forget keys with nothing recent
            failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
        }
    }

    func recordSuccess(account: String) {
        lock.lock()
        failures["a:" + account] = nil
        lock.unlock()
    }

    /// The delay a key must wait after its last failure: none for the first `free` failures, then 1 s,
    /// 2 s, 4 s… (times `baseDelay`) up to the cap.
    static func delay(afterFailures count: Int, free: Int, cap: TimeInterval, base: TimeInterval = 1) -> TimeInterval {
        guard count >= free else { return 0 }
        let exponent = min(count - free, 30)
        return min(cap, base * Double(1 << exponent))
    }

    private func ready(_ key: String, free: Int, cap: TimeInterval, now: Date) -> Bool {
        let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[key] = recent.isEmpty ? nil : recent
        guard let last = recent.last else { return true }
        return now.timeIntervalSince(last) >= SignInThrottle.delay(afterFailures: recent.count, free: free, cap: cap, base: baseDelay)
    }
}
