import Crypto
import Foundation
import _CryptoExtras

/// One signing identity: a private key with the domain (`d=`) and selector (`s=`) it signs for.
///
/// The key material is private to this type: no description, error or log line shows it, and the
/// only way out is ``pemRepresentation``, which `mailroom dkim keygen` writes to a 0600 file.
public struct DKIMKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let domain: String
    public let selector: String

    private enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    private let material: Material

    public var algorithm: DKIMAlgorithm {
        switch material {
        case .rsa: .rsaSHA256
        case .ed25519: .ed25519SHA256
        }
    }

    /// Reads a PEM private key: RSA as PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE
    /// KEY`), Ed25519 as PKCS#8 (what `openssl genpkey -algorithm ed25519` writes).
    ///
    /// - Throws: ``DKIMError`` naming `source` (a path, never the text), for anything that is not
    ///   one such key, or an RSA key under 2048 bits.
    public init(pem: String, domain: String, selector: String, source: String = "the key") throws(DKIMError) {
        try Self.checkName(domain, what: "domain")
        try Self.checkName(selector, what: "selector")
        self.domain = domain
        self.selector = selector
        if pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
            throw DKIMError(.notAKey, "\(source) is encrypted; Mailroom signs unattended, so store the key "
                + "unencrypted in a file only the mailer's user can read (chmod 600)")
        }
        if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            material = .rsa(key)
        } else if let key = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) {
            material = .ed25519(key)
        } else if let key = try? _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem) {
            throw DKIMError(.weakKey, "\(source) is a \(key.keySizeInBits)-bit RSA key; DKIM needs at least "
                + "2048 bits (RFC 8301): make a new one with `mailroom dkim keygen`")
        } else {
            throw DKIMError(.notAKey, "\(source) is not a PEM private key: expected an RSA key (PKCS#1 or "
                + "PKCS#8) or an Ed25519 key (PKCS#8)")
        }
    }

    /// A new key: RSA of `rsaBits` bits (2048 by default) or Ed25519.
    public static func generate(_ algorithm: DKIMAlgorithm, domain: String, selector: String,
                                rsaBits: Int = 2048) throws(DKIMError) -> DKIMKey {
        try checkName(domain, what: "domain")
        try checkName(selector, what: "selector")
        switch algorithm {
        case .ed25519SHA256:
            return DKIMKey(domain: domain, selector: selector, material: .ed25519(Curve25519.Signing.PrivateKey()))
        case .rsaSHA256:
            guard rsaBits >= 2048 else {
                throw DKIMError(.weakKey, "an RSA key for DKIM needs at least 2048 bits (RFC 8301), not \(rsaBits)")
            }
            do {
                let key = try _RSA.Signing.PrivateKey(keySize: .init(bitCount: rsaBits))
                return DKIMKey(domain: domain, selector: selector, material: .rsa(key))
            } catch {
                throw DKIMError(.signing, "cannot generate a \(rsaBits)-bit RSA key: \(error)")
            }
        }
    }

    private init(domain: String, selector: String, material: Material) {
        self.domain = domain
        self.selector = selector
        self.material = material
    }

    /// The private key as PKCS#8 PEM, for the key file.
    public var pemRepresentation: String {
        switch material {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .ed25519(let key): key.pemRepresentation
        }
    }

    /// Where receivers look the public key up: `selector._domainkey.domain`.
    public var dnsName: String { "\(selector)._domainkey.\(domain)" }

    /// The TXT record's text (RFC 6376 section 3.6.1): `v=DKIM1; k=rsa; p=...`. RSA publishes
    /// the SubjectPublicKeyInfo DER, Ed25519 the raw 32-byte key (RFC 8463 section 4.2).
    public var dnsRecord: String {
        let publicKey: Data
        switch material {
        case .rsa(let key): publicKey = key.publicKey.derRepresentation
        case .ed25519(let key): publicKey = key.publicKey.rawRepresentation
        }
        return "v=DKIM1; k=\(algorithm.keyType); p=\(publicKey.base64EncodedString())"
    }

    /// The `b=` signature over the canonical header data (RFC 6376 section 3.7).
    func sign(_ data: [UInt8]) throws(DKIMError) -> [UInt8] {
        let digest = SHA256.hash(data: data)
        do {
            switch material {
            case .rsa(let key):
                return Array(try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
            case .ed25519(let key):
                // RFC 8463 section 3: PureEdDSA over the SHA-256 hash, not over the data itself.
                return Array(try key.signature(for: Array(digest)))
            }
        } catch {
            throw DKIMError(.signing, "cannot sign with the \(algorithm.rawValue) key of \(dnsName): \(type(of: error))")
        }
    }

    public var description: String { "DKIM \(algorithm.rawValue) key \(dnsName)" }
    public var debugDescription: String { description }

    /// A domain or selector: dot-separated labels of letters, digits, `-` and `_` (RFC 6376
    /// section 3.1 allows `_` in selectors; domains given as A-labels).
    private static func checkName(_ name: String, what: String) throws(DKIMError) {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !name.isEmpty && name.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
        }
        guard valid else {
            throw DKIMError(.badName, "DKIM \(what) '\(name)' is not a DNS name: use dot-separated labels of "
                + "letters, digits and '-' (an internationalised domain as its xn-- A-labels)")
        }
    }
}
