/// A DKIM signing algorithm: the `a=` tag and the key type of the DNS record's `k=` tag.
public enum DKIMAlgorithm: String, Sendable, CaseIterable {
    /// RSA PKCS#1 v1.5 over SHA-256 (RFC 6376), with a key of at least 2048 bits (RFC 8301).
    case rsaSHA256 = "rsa-sha256"
    /// Ed25519 over the SHA-256 of the signed data (RFC 8463).
    case ed25519SHA256 = "ed25519-sha256"

    /// The `k=` value of the key's DNS record.
    public var keyType: String {
        switch self {
        case .rsaSHA256: "rsa"
        case .ed25519SHA256: "ed25519"
        }
    }

    /// The short name `mailroom dkim keygen --algorithm` takes.
    public init?(keyType: String) {
        guard let match = Self.allCases.first(where: { $0.keyType == keyType }) else { return nil }
        self = match
    }
}
