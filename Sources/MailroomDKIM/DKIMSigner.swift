import Crypto
import Foundation
import Mailroom

/// Adds one `DKIM-Signature` field per key (RFC 6376, relaxed/relaxed) on top of a composed message.
///
/// Signing is deterministic: RSA PKCS#1 v1.5 and Ed25519 signatures depend only on the key and
/// the data, and `t=` is the message's own date, so a message composed again after a crash gets
/// the same bytes.
public struct DKIMSigner: Sendable {
    public let keys: [DKIMKey]

    /// The fields signed, in this order, each when present (From always: RFC 6376 section 5.4
    /// requires it). From is named once more than it occurs, so that a From added in transit
    /// breaks the signature (section 8.15). Expires is signed so the deadline cannot be moved.
    public static let signedFields = [
        "From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Reply-To",
        "Auto-Submitted", "Expires",
    ]

    public init(keys: [DKIMKey]) {
        self.keys = keys
    }

    /// `message` with a signature per key prepended (the first key's on top).
    ///
    /// - Parameter date: the signature's `t=`; the composer passes the `Date` header's time.
    /// - Throws: ``DKIMError`` when the message has no header section or no From field, or a key
    ///   cannot sign.
    public func sign(_ message: [UInt8], date: Date) throws(DKIMError) -> [UInt8] {
        guard !keys.isEmpty else { return message }
        let header = try HeaderSection(message)
        let names = try header.signedNames()
        var canonicalHeaders: [UInt8] = []
        canonicalHeaders.reserveCapacity(header.end)
        header.appendCanonical(names, to: &canonicalHeaders)
        let bodyHash = Data(SHA256.hash(data: DKIMCanonicalization.relaxedBody(message[header.end...])))
            .base64EncodedString()
        let time = Int64(date.timeIntervalSince1970.rounded(.down))

        var fields: [[UInt8]] = []
        for key in keys {
            var field = DKIMSignatureField()
            field.tag("v=1;")
            field.tag("a=\(key.algorithm.rawValue);")
            field.tag("c=relaxed/relaxed;")
            field.tag("d=\(key.domain);")
            field.tag("s=\(key.selector);")
            field.tag("t=\(time);")
            for (index, name) in names.enumerated() {
                let piece = (index == 0 ? "h=" : "") + name + (index == names.count - 1 ? ";" : ":")
                index == 0 ? field.tag(piece) : field.continuation(piece)
            }
            field.tag("bh=\(bodyHash);")
            field.tag("b=")
            // The data signed ends with this field as written so far (b= empty), canonicalised,
            // without its CRLF (section 3.7).
            var data = canonicalHeaders
            DKIMCanonicalization.appendRelaxedHeader(field.bytes[...], to: &data)
            data.removeLast(2)
            let signature = Data(try key.sign(data)).base64EncodedString()
            var rest = Substring(signature)
            while !rest.isEmpty {
                field.continuation(String(rest.prefix(64)))
                rest = rest.dropFirst(64)
            }
            fields.append(field.bytes + [0x0D, 0x0A])
        }
        var out: [UInt8] = []
        out.reserveCapacity(message.count + fields.reduce(0) { $0 + $1.count })
        for field in fields { out.append(contentsOf: field) }
        out.append(contentsOf: message)
        return out
    }
}

/// The `DKIM-Signature` field being written, folded at 78 columns between its pieces.
private struct DKIMSignatureField {
    private(set) var bytes: [UInt8] = Array("DKIM-Signature:".utf8)
    private var column = 15

    /// A new tag: after a space, or on a continuation line when it does not fit.
    mutating func tag(_ text: String) { append(text, separated: true) }

    /// More of the current tag's value (a header name, a stretch of base64), with no space unless
    /// folded: RFC 6376 allows folding whitespace inside `h=` and `b=`, and verifiers drop it.
    mutating func continuation(_ text: String) { append(text, separated: false) }

    private mutating func append(_ text: String, separated: Bool) {
        let width = text.utf8.count + (separated ? 1 : 0)
        if column + width > 78 && column > 1 {
            bytes.append(contentsOf: [0x0D, 0x0A, 0x09])
            column = 1
        } else if separated {
            bytes.append(UInt8(ascii: " "))
            column += 1
        }
        bytes.append(contentsOf: text.utf8)
        column += text.utf8.count
    }
}

extension DKIMSigner {
    /// This signer as the message factory's signing step.
    public var signing: MessageFactory.Signing {
        { [self] message, date in try sign(message, date: date) }
    }
}
