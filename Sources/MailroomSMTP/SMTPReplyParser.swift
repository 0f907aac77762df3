import Mailroom

/// Assembles server reply lines, as libcurl's debug stream hands them over, into ``SMTPReply``s.
///
/// A reply is one or more lines `NNN-text` ending with a line `NNN text`. The enhanced status
/// code (RFC 3463, e.g. `5.1.1`) is split off when the first line starts with one, and dropped
/// from the following lines that repeat it.
struct SMTPReplyParser {
    private var pending: [(code: Int, text: Substring)] = []

    mutating func reset() { pending = [] }

    /// Feeds one line without its line ending; returns the reply once its last line has arrived.
    mutating func consume(line: Substring) -> SMTPReply? {
        let utf8 = line.utf8
        var index = utf8.startIndex
        var code = 0
        for _ in 0..<3 {
            let digit = index < utf8.endIndex ? utf8[index] &- UInt8(ascii: "0") : 10
            guard digit < 10 else {
                // Not SMTP: keep it as a reply of its own so the attempt can show what arrived.
                pending = []
                return SMTPReply(code: 0, text: String(line))
            }
            code = code * 10 + Int(digit)
            index = utf8.index(after: index)
        }
        let separator: UInt8? = index < utf8.endIndex ? utf8[index] : nil
        var text = separator == nil ? line[index...] : line[utf8.index(after: index)...]
        if let separator, separator >= 0x80 || (text.utf8.first ?? 0) >= 0x80 {
            // A combining mark may join the separator to a neighbour: count Characters, as before.
            text = line.dropFirst(4)
        }
        if separator == UInt8(ascii: "-") {
            pending.append((code, text))
            return nil
        }
        if pending.isEmpty { return Self.reply(code: code, line: text) }
        pending.append((code, text))
        defer { pending = [] }
        return Self.reply(from: pending)
    }

    /// The common one-line reply, without building arrays; the same result as ``reply(from:)``.
    private static func reply(code: Int, line text: Substring) -> SMTPReply {
        let enhanced = enhancedCode(prefixOf: text, replyCode: code)
        var rest = text
        if let enhanced, text.hasPrefix(enhanced) { rest = text.dropFirst(enhanced.count).drop(while: { $0 == " " }) }
        return SMTPReply(code: code, enhancedCode: enhanced, text: String(rest))
    }

    private static func reply(from lines: [(code: Int, text: Substring)]) -> SMTPReply {
        let code = lines.last?.code ?? 0
        let enhanced = lines.first.flatMap { enhancedCode(prefixOf: $0.text, replyCode: code) }
        let texts = lines.map { line -> Substring in
            guard let enhanced, line.text.hasPrefix(enhanced) else { return line.text }
            return line.text.dropFirst(enhanced.count).drop(while: { $0 == " " })
        }
        return SMTPReply(code: code, enhancedCode: enhanced, text: texts.filter { !$0.isEmpty }.joined(separator: " "))
    }

    /// `class.subject.detail` (1-3 ASCII digits each) with class 2, 4 or 5 matching the reply
    /// code's first digit, read from the bytes up to the first space.
    private static func enhancedCode(prefixOf text: Substring, replyCode: Int) -> String? {
        let utf8 = text.utf8
        let end = utf8.firstIndex(of: UInt8(ascii: " ")) ?? utf8.endIndex
        // A space that a combining mark follows is part of a Character, not a separator: leave
        // such (absurd) text to the Character-based reading.
        if end < utf8.endIndex, let next = utf8[utf8.index(after: end)...].first, next >= 0x80 {
            return enhancedCodeByCharacters(prefixOf: text, replyCode: replyCode)
        }
        var dots = 0
        var digits = 0
        for byte in utf8[..<end] {
            if byte == UInt8(ascii: ".") {
                guard (1...3).contains(digits) else { return nil }
                dots += 1
                digits = 0
            } else if byte &- UInt8(ascii: "0") < 10 {
                digits += 1
            } else {
                return nil
            }
        }
        guard dots == 2, (1...3).contains(digits), let first = utf8.first,
              first == UInt8(ascii: "0") + UInt8(replyCode / 100 % 10), [UInt8(ascii: "2"), UInt8(ascii: "4"), UInt8(ascii: "5")].contains(first)
        else { return nil }
        return String(text[..<end])
    }

    private static func enhancedCodeByCharacters(prefixOf text: Substring, replyCode: Int) -> String? {
        let token = text.prefix(while: { $0 != " " })
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let first = parts[0].first, ["2", "4", "5"].contains(first), String(first) == String(replyCode / 100) else {
            return nil
        }
        return String(token)
    }
}
