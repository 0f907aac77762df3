import Crypto
import Foundation
import Mailroom

/// The key of the recipients' keyed hash (`retention.hash_key_file`), and the hashes redaction keeps.
///
/// HMAC-SHA256 of the lower-cased address, in hex: whoever holds the key and knows an address
/// can ask whether a message went to it; the outbox alone (database and backups) cannot be
/// searched for addresses by guessing, since the key is not in it.
struct RedactionKey: Sendable {
    private let key: SymmetricKey

    static func load(_ path: String) throws -> RedactionKey {
        let bytes: [UInt8]
        do {
            bytes = try SecretFile.read(path, what: "the retention hash key file")
        } catch {
            throw Failure.configuration("retention.hash_key_file: \(error.message)")
        }
        // A newline an editor added is not part of the key.
        var trimmed = bytes[...]
        while let last = trimmed.last, last == 0x0A || last == 0x0D { trimmed = trimmed.dropLast() }
        guard trimmed.count >= 32 else {
            throw Failure.configuration("retention.hash_key_file: \(path) holds \(trimmed.count) bytes; use at least 32 "
                                        + "random ones, e.g. `openssl rand -base64 48 > \(path); chmod 600 \(path)`")
        }
        return RedactionKey(key: SymmetricKey(data: Data(trimmed)))
    }

    private init(key: SymmetricKey) { self.key = key }

    func recipientHash(_ address: String) -> String {
        Self.hex(HMAC<SHA256>.authenticationCode(for: Data(address.lowercased().utf8), using: key))
    }

    var hashes: RedactionHashes {
        RedactionHashes(recipient: { [self] in recipientHash($0) }, content: { Self.hex(SHA256.hash(data: $0)) })
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
