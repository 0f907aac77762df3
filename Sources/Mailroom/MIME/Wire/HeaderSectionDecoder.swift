import Foundation

/// Reads a message's header section as a mail client shows it: unfolded, with RFC 2047 encoded
/// words decoded. The reverse of ``HeaderValueEncoder`` and ``EncodedWord``, for previews.
///
/// Lenient as a reader should be: a malformed encoded word, or one in a charset Foundation does
/// not know, is shown as written rather than dropped.
package enum HeaderSectionDecoder {
    /// The fields of the header section at the start of `bytes` (up to the first empty line), in order.
    package static func fields(of bytes: [UInt8]) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        let text = String(decoding: bytes, as: UTF8.self)
        // "\r\n" is one Character in Swift: split at either form of line end.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.isEmpty { break }
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                // RFC 5322 unfolding: the line break goes, the whitespace stays.
                fields[fields.count - 1].value += line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" })
            fields.append((String(line[..<colon]), String(value)))
        }
        return fields.map { ($0.name, decode($0.value)) }
    }

    /// `value` with its encoded words decoded; whitespace between two adjacent encoded words is
    /// dropped (RFC 2047 section 6.2), other text is kept as it is.
    package static func decode(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var output = ""
        var previousWasEncoded = false
        var rest = Substring(value)
        while !rest.isEmpty {
            let space = rest.prefix(while: { $0 == " " || $0 == "\t" })
            rest = rest.dropFirst(space.count)
            let token = rest.prefix(while: { $0 != " " && $0 != "\t" })
            rest = rest.dropFirst(token.count)
            if let decoded = decodeWord(token) {
                output += (previousWasEncoded ? "" : String(space)) + decoded
                previousWasEncoded = true
            } else {
                output += space + token
                previousWasEncoded = false
            }
        }
        return output
    }

    /// One `=?charset?B|Q?text?=` word, or nil when `token` is not a well-formed one.
    static func decodeWord(_ token: Substring) -> String? {
        guard token.hasPrefix("=?"), token.hasSuffix("?="), token.count >= 8 else { return nil }
        let parts = token.dropFirst(2).dropLast(2).split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        // RFC 2231 allows a language after `*` in the charset: `utf-8*de`.
        let charset = parts[0].split(separator: "*").first.map { $0.lowercased() } ?? ""
        let bytes: [UInt8]?
        switch parts[1].lowercased() {
        case "b":
            var base64 = String(parts[2])
            while base64.count % 4 != 0 { base64 += "=" }
            bytes = Data(base64Encoded: base64).map(Array.init)
        case "q":
            bytes = decodeQ(parts[2])
        default:
            bytes = nil
        }
        guard let bytes else { return nil }
        switch charset {
        case "utf-8", "utf8", "us-ascii":
            return String(decoding: bytes, as: UTF8.self)
        case "iso-8859-1", "latin1":
            return String(bytes: bytes, encoding: .isoLatin1)
        case "windows-1252", "cp1252":
            return String(bytes: bytes, encoding: .windowsCP1252)
        default:
            return nil
        }
    }

    private static func decodeQ(_ text: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            switch utf8[i] {
            case UInt8(ascii: "_"):
                bytes.append(0x20)
                i += 1
            case UInt8(ascii: "="):
                guard i + 2 < utf8.count, let byte = UInt8(String(decoding: utf8[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) else {
                    return nil
                }
                bytes.append(byte)
                i += 3
            default:
                bytes.append(utf8[i])
                i += 1
            }
        }
        return bytes
    }
}
