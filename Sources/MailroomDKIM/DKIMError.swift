/// Why a DKIM key cannot be loaded, made or used.
///
/// No message ever holds key material: a key file is named by its path, never quoted.
public struct DKIMError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The key file is missing or cannot be read.
        case unreadable
        /// Others than the file's owner may read or write the key file.
        case permissions
        /// The file is not a PEM RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8) private key.
        case notAKey
        /// An RSA key shorter than 2048 bits, which receivers treat as no signature (RFC 8301).
        case weakKey
        /// A domain or selector that cannot appear in a DNS name or a DKIM tag.
        case badName
        /// The message to sign has no header section we can read, or lacks a required field.
        case badMessage
        /// The signature itself could not be made (swift-crypto's error, summarised).
        case signing
    }

    public let code: Code
    public let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
