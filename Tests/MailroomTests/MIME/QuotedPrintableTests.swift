import Testing
@testable import Mailroom

@Suite("Quoted-printable and base64 bodies")
struct QuotedPrintableTests {
    /// RFC 2045 canonical text: lines split at every CR, LF and CRLF.
    private static func lines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        var afterCR = false
        for byte in text.utf8 {
            defer { afterCR = byte == 0x0D }
            if byte == 0x0A && afterCR { continue }
            if byte == 0x0A || byte == 0x0D { lines.append([]) } else { lines[lines.count - 1].append(byte) }
        }
        return lines
    }

    private func encode(_ text: String) -> String {
        String(decoding: QuotedPrintable.encode(lines: Self.lines(text)), as: UTF8.self)
    }

    private func roundTrips(_ text: String) -> Bool {
        let encoded = QuotedPrintable.encode(lines: Self.lines(text))
        return MIMEDecoders.quotedPrintable(encoded) == Array(Self.lines(text).joined(separator: [0x0D, 0x0A]))
    }

    @Test func trailingWhitespaceIsEscaped() {
        #expect(encode("a \nb\t\nc ") == "a=20\r\nb=09\r\nc=20")
        #expect(encode("inner space stays") == "inner space stays")
    }

    @Test func equalsSignIsEscaped() {
        #expect(encode("a=b") == "a=3Db")
        #expect(encode("=") == "=3D")
    }

    @Test func dotAtLineStartIsLeftForSMTPToStuff() {
        #expect(encode("one\n.\ntwo\n.three") == "one\r\n.\r\ntwo\r\n.three")
    }

    @Test func fromAtLineStartIsEscaped() {
        #expect(encode("From here\nnot From") == "=46rom here\r\nnot From")
    }

    @Test func nonASCIIIsEscapedAsUTF8() {
        #expect(encode("Grüße €") == "Gr=C3=BC=C3=9Fe =E2=82=AC")
        #expect(encode("\u{0}\u{2028}") == "=00=E2=80=A8")
    }

    @Test func lineEndingsAreNormalisedToCRLF() {
        #expect(encode("a\rb\r\nc\nd\n") == "a\r\nb\r\nc\r\nd\r\n")
        #expect(encode("\r\n\r\n") == "\r\n\r\n")
    }

    @Test(arguments: [75, 76, 77, 200, 2000])
    func longLinesGetSoftBreaksWithinSeventySixColumns(length: Int) {
        let text = String(repeating: "x", count: length)
        let encoded = encode(text)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
        #expect(lines.count == (length <= 76 ? 1 : (length + 74) / 75))
        #expect(roundTrips(text))
    }

    @Test func escapesAreNeverSplitAcrossSoftBreaks() {
        let text = String(repeating: "é", count: 100) + " " + String(repeating: "= ", count: 60)
        let lines = encode(text).components(separatedBy: "\r\n")
        for line in lines {
            #expect(line.utf8.count <= 76)
            // A soft-break `=` is the only `=` not followed by two hex digits.
            let body = line.hasSuffix("=") ? String(line.dropLast()) : line
            let pieces = body.components(separatedBy: "=").dropFirst()
            #expect(pieces.allSatisfy { $0.count >= 2 && UInt8($0.prefix(2), radix: 16) != nil })
        }
        #expect(roundTrips(text))
    }

    @Test func trailingSpaceBeforeASoftBreakIsSafe() {
        let text = String(repeating: "a", count: 74) + "  b"
        #expect(roundTrips(text))
        #expect(!encode(text).components(separatedBy: "\r\n").contains { $0.hasSuffix(" ") })
    }

    @Test func asciiTextIsQuotedPrintable() {
        let part = TextPart(subtype: "plain", text: "Hello Ada,\n\nyour account closes on 12 December.\n")
        #expect(part.transferEncoding == .quotedPrintable)
    }

    @Test func cjkAndEmojiTextIsBase64WhenShorter() {
        let part = TextPart(subtype: "plain", text: "您的帐户将于12月12日关闭。🙂🙂🙂\n")
        #expect(part.transferEncoding == .base64)
        let quoted = QuotedPrintable.encode(lines: Self.lines("您的帐户将于12月12日关闭。🙂🙂🙂\n"))
        #expect(part.encodedBody.count < quoted.count)
    }

    @Test func base64BodyHasSeventySixColumnLines() {
        let part = TextPart(subtype: "html", text: String(repeating: "日本語", count: 200))
        #expect(part.transferEncoding == .base64)
        let lines = String(decoding: part.encodedBody, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.dropLast().allSatisfy { $0.utf8.count == 76 })
        #expect(lines.last.map { $0.utf8.count <= 76 } == true)
    }

    /// Every length around the line boundary: 76-character lines joined by CRLF, no CRLF at the
    /// end, the length ``Base64/bodyLength(_:)`` predicts, and the bytes back when decoded.
    @Test func base64BodiesHaveCRLFLinesAndThePredictedLength() {
        for length in 0..<240 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 200) }
            let body = Base64.encodeBody(bytes)
            #expect(body.utf8.count == Base64.bodyLength(length), "\(length)")
            let lines = body.components(separatedBy: "\r\n")
            #expect(lines.dropLast().allSatisfy { $0.utf8.count == 76 } && lines.last.map { $0.utf8.count <= 76 } == true)
            #expect(!body.utf8.contains(0x0A) || body.contains("\r\n"))
            #expect(!body.hasSuffix("\r\n"))
            #expect(Data(base64Encoded: lines.joined()).map(Array.init) == bytes, "\(length)")
        }
    }
}

import Foundation
