import Mailroom
import MailroomTesting
import Testing

@testable import MailroomSMTP


/// Test oracle: assembles server reply lines, as libcurl's debug stream hands them over, into ``SMTPReply``s.
///
/// A reply is one or more lines `NNN-text` ending with a line `NNN text`. The enhanced status
/// code (RFC 3463, e.g. `5.1.1`) is split off when the first line starts with one, and dropped
/// from the following lines that repeat it.
/// The parser as it was before it read bytes (commit 0c7e... parent), kept as the oracle.
struct ReferenceSMTPReplyParser {
    private var pending: [(code: Int, text: Substring)] = []

    mutating func reset() { pending = [] }

    /// Feeds one line without its line ending; returns the reply once its last line has arrived.
    mutating func consume(line: Substring) -> SMTPReply? {
        let bytes = Array(line.utf8.prefix(4))
        guard bytes.count >= 3, bytes[0...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let code = Int(String(decoding: bytes[0...2], as: UTF8.self)) else {
            // Not SMTP: keep it as a reply of its own so the attempt can show what arrived.
            pending = []
            return SMTPReply(code: 0, text: String(line))
        }
        let separator: UInt8? = bytes.count > 3 ? bytes[3] : nil
        let text = line.dropFirst(bytes.count > 3 ? 4 : 3)
        pending.append((code, text))
        if separator == UInt8(ascii: "-") { return nil }
        defer { pending = [] }
        return Self.reply(from: pending)
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

    /// `class.subject.detail` with class 2, 4 or 5 matching the reply code's first digit.
    private static func enhancedCode(prefixOf text: Substring, replyCode: Int) -> String? {
        let token = text.prefix(while: { $0 != " " })
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let first = parts[0].first, ["2", "4", "5"].contains(first), String(first) == String(replyCode / 100) else {
            return nil
        }
        return String(token)
    }
}


/// The byte-level parser gives the replies the Character-based one gave, line by line, on
/// generated server output (codes, continuation lines, enhanced codes valid and not, non-ASCII).
@Suite struct SMTPReplyParserDifferentialTests {
    @Test func generatedLinesParseAsBefore() {
        var random = SeededGenerator(seed: 0x534D5450)
        let pieces = ["250", "451", "550", "2", "25", "-", " ", "  ", "2.0.0", "4.3.0", "5.1.1", "2.0.00", "2.0", "5.1.1.1",
                      "6.0.0", "4.7.1", "Ok", "queued as 4XyZ", "é", "\u{301}", "日本", ".", "..", "a.b.c", "250-", "250 ", "x"]
        var new = SMTPReplyParser()
        var reference = ReferenceSMTPReplyParser()
        for index in 0..<20_000 {
            let count = Int.random(in: 0...5, using: &random)
            let line = (0..<count).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
            let expected = reference.consume(line: line[...])
            let actual = new.consume(line: line[...])
            #expect(actual == expected, "line \(index): \(line.debugDescription)")
            if actual != expected { return }
        }
    }
}
