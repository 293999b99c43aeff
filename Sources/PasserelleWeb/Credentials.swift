import CSodium
import Foundation
import PasserelleCore

/// Secrets: argon2id password hashes, random tokens and token digests, from libsodium.
public enum Credentials {
    private static let ready: Bool = sodium_init() >= 0
    /// How many hashes were verified since start (tests check that unknown accounts cost a hash too).
    static let verifications = Counter()

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func increment() { lock.lock(); count &+= 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return count }
    }

    /// An argon2id hash in libsodium's string format (salt and parameters included).
    public static func hashPassword(_ password: String) throws -> String {
        precondition(ready, "libsodium could not be initialised")
        var output = [CChar](repeating: 0, count: passerelle_pwhash_strbytes())
        let result = crypto_pwhash_str(&output, password, UInt64(password.utf8.count),
                                       passerelle_pwhash_opslimit(), passerelle_pwhash_memlimit())
        guard result == 0 else { throw CredentialsError.outOfMemory }
        return output.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Checks a password against a hash made by `hashPassword`, in constant time.
    public static func verifyPassword(_ password: String, hash: String) -> Bool {
        precondition(ready, "libsodium could not be initialised")
        verifications.increment()
        return crypto_pwhash_str_verify(hash, password, UInt64(password.utf8.count)) == 0
    }

    /// True when `hash` was made with other costs than today's (it is replaced at the next sign-in), or
    /// is not a hash at all.
    public static func needsRehash(_ hash: String) -> Bool {
        precondition(ready, "libsodium could not be initialised")
        return passerelle_pwhash_needs_rehash(hash) != 0
    }

    /// `count` cryptographically random bytes.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        precondition(ready, "libsodium could not be initialised")
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    /// A random session token: 32 bytes as URL-safe base64 without padding.
    public static func newToken() -> String {
        Data(randomBytes(32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// SHA-256 of a token, in hex: what the database keeps instead of the token itself.
    public static func digest(_ token: String) -> String {
        precondition(ready, "libsodium could not be initialised")
        var out = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        let bytes = Array(token.utf8)
        crypto_hash_sha256(&out, bytes, UInt64(bytes.count))
        return out.map { String(format: "%02x", $0) }.joined()
    }

    /// A random password for generated accounts: four groups of four characters without look-alikes.
    public static func newPassword() -> String {
        var generator = SodiumRandom()
        return (0..<4).map { _ in
            String((0..<4).map { _ in AccessCode.alphabet.randomElement(using: &generator)! }).lowercased()
        }.joined(separator: "-")
    }

    /// A new access code drawn from libsodium's generator.
    public static func newAccessCode() -> AccessCode {
        var generator = SodiumRandom()
        return AccessCode.generate(using: &generator)
    }
}

public enum CredentialsError: Error, LocalizedError {
    case outOfMemory
    public var errorDescription: String? { "mémoire insuffisante pour calculer l'empreinte du mot de passe" }
}

/// libsodium's random numbers as a Swift generator.
struct SodiumRandom: RandomNumberGenerator {
    mutating func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { randombytes_buf($0.baseAddress!, 8) }
        return value
    }
}
