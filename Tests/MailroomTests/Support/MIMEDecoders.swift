import Foundation

/// Small reference decoders for unit tests, written from the RFCs independently of the encoders.
enum MIMEDecoders {
    /// RFC 2045 quoted-printable: `=XX` escapes, `=` CRLF soft breaks; CRLF kept as hard breaks.
    static func quotedPrintable(_ encoded: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        var index = 0
        while index < encoded.count {
            let byte = encoded[index]
            guard byte == UInt8(ascii: "=") else {
                out.append(byte)
                index += 1
                continue
            }
            if index + 2 < encoded.count, encoded[index + 1] == 0x0D, encoded[index + 2] == 0x0A {
                index += 3
                continue
            }
            guard index + 2 < encoded.count,
                  let value = UInt8(String(decoding: encoded[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            else { return nil }
            out.append(value)
            index += 3
        }
        return out
    }

    /// Decodes an unfolded header value of encoded words and plain words separated by single spaces.
    ///
    /// RFC 2047 section 6.2: the space between two adjacent encoded words is dropped, a space next to
    /// a plain word is kept. Every encoded word must be valid UTF-8 on its own (section 5).
    static func encodedWords(_ value: String) -> String? {
        var out = ""
        var previousWasEncoded = false
        for (index, token) in value.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            guard token.hasPrefix("=?") else {
                if index > 0 { out += " " }
                out += token
                previousWasEncoded = false
                continue
            }
            guard let decoded = decodeWord(token) else { return nil }
            if index > 0 && !previousWasEncoded { out += " " }
            out += decoded
            previousWasEncoded = true
        }
        return out
    }

    private static func decodeWord(_ word: Substring) -> String? {
        guard word.hasPrefix("=?utf-8?"), word.hasSuffix("?="), word.count >= 12 else { return nil }
        let scheme = word.dropFirst(8).prefix(1)
        let payload = String(word.dropFirst(10).dropLast(2))
        var decoded: [UInt8]
        if scheme == "b" {
            guard let data = Data(base64Encoded: payload) else { return nil }
            decoded = Array(data)
        } else if scheme == "q" {
            guard !payload.contains(" "),
                  let qp = quotedPrintable(Array(payload.replacingOccurrences(of: "_", with: " ").utf8))
            else { return nil }
            decoded = qp
        } else {
            return nil
        }
        return String(validating: decoded, as: UTF8.self)
    }
}
