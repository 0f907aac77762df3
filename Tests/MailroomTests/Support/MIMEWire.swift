import Foundation

/// Swift-side checks of raw message bytes, independent of the code that wrote them.
enum MIMEWire {
    /// Bare CR or LF, lines over 998 octets, 8-bit bytes, a missing final CRLF: empty when clean.
    static func problems(_ bytes: [UInt8]) -> [String] {
        var problems: [String] = []
        var line = 0
        var length = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 { problems.append("line \(line + 1): 8-bit byte \(byte)") }
            if byte == 0x0D {
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                    if length > 998 { problems.append("line \(line + 1): \(length) octets") }
                    line += 1
                    length = 0
                    index += 2
                    continue
                }
                problems.append("line \(line + 1): bare CR")
            } else if byte == 0x0A {
                problems.append("line \(line + 1): bare LF")
            }
            length += 1
            index += 1
        }
        if length > 0 { problems.append("message does not end with CRLF") }
        return problems
    }

    /// The lines of a CRLF message, without their CRLF.
    static func lines(_ bytes: [UInt8]) -> [String] {
        var text = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        if text.last == "" { text.removeLast() }
        return text
    }

    /// The top-level header fields, unfolded, in order: (name, value without the leading space).
    static func headers(_ bytes: [UInt8]) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for line in lines(bytes) {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += line
                continue
            }
            let name = String(line.prefix { $0 != ":" })
            var value = String(line.dropFirst(name.count + 1))
            if value.first == " " { value.removeFirst() }
            fields.append((name, value))
        }
        return fields
    }

    static func headerNames(_ bytes: [UInt8]) -> [String] { headers(bytes).map(\.name) }

    /// Text with every CRLF, CR and LF turned into LF: what a reader gets back from our canonical body.
    ///
    /// Works on scalars: Foundation's `replacingOccurrences` misses a CRLF followed by a combining mark.
    static func lineFeeds(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            if afterCR {
                afterCR = false
                if scalar == "\n" { continue }
            }
            if scalar == "\r" {
                out.append("\n")
                afterCR = true
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The display name in an unfolded `Name <addr>` value, decoded by RFC 5322/2047 rules:
    /// a quoted string is unescaped, encoded words are joined ignoring the space between them.
    static func displayName(inMailbox value: String) -> String? {
        guard let open = value.lastIndex(of: "<") else { return nil }
        var phrase = String(value[..<open])
        guard phrase.hasSuffix(" ") else { return nil }
        phrase.removeLast()
        if phrase.hasPrefix("\""), phrase.hasSuffix("\""), phrase.count >= 2 {
            var out = ""
            var escaped = false
            for character in phrase.dropFirst().dropLast() {
                if !escaped && character == "\\" { escaped = true; continue }
                escaped = false
                out.append(character)
            }
            return out
        }
        return MIMEDecoders.encodedWords(phrase)
    }

    /// The unfolded Subject decoded.
    static func subject(_ value: String) -> String? {
        MIMEDecoders.encodedWords(value)
    }
}
