import Testing
@testable import Mailroom

@Suite("Quoted-printable and base64 bodies")
struct QuotedPrintableTests {
    private func encode(_ text: String) -> String {
        String(decoding: QuotedPrintable.encode(lines: ReferenceMIME.BodyText(text).lines), as: UTF8.self)
    }

    private func roundTrips(_ text: String) -> Bool {
        let encoded = QuotedPrintable.encode(lines: ReferenceMIME.BodyText(text).lines)
        return MIMEDecoders.quotedPrintable(encoded) == ReferenceMIME.BodyText(text).canonicalBytes
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
        let quoted = QuotedPrintable.encode(lines: ReferenceMIME.BodyText("您的帐户将于12月12日关闭。🙂🙂🙂\n").lines)
        #expect(part.encodedBody.count < quoted.count)
    }

    @Test func base64BodyHasSeventySixColumnLines() {
        let part = TextPart(subtype: "html", text: String(repeating: "日本語", count: 200))
        #expect(part.transferEncoding == .base64)
        let lines = String(decoding: part.encodedBody, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.dropLast().allSatisfy { $0.utf8.count == 76 })
        #expect(lines.last.map { $0.utf8.count <= 76 } == true)
    }

    @Test func base64MatchesFoundation() {
        for length in 0..<8 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 200) }
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString())
        }
    }
}

import Foundation
