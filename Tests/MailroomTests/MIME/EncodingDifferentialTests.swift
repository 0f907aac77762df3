import Foundation
import Testing
@testable import Mailroom
import MailroomTesting

/// The byte-level pieces (issue #4) one by one against the pre-optimisation oracle in `Reference/`,
/// so a difference points at its function rather than at a whole message.
@Suite("Encoders: byte-level pieces equal the pre-optimisation oracle")
struct EncodingDifferentialTests {
    typealias Generate = ComposerDifferentialTests

    @Test func headerTokensMatch() {
        var rng = SeededGenerator(seed: 0x4845_4144_4552)
        for index in 0..<3000 {
            // Header values reach the encoders only after the control-character check.
            let text = String(Generate.randomString(&rng, maxPieces: 10).unicodeScalars
                .filter { !HeaderText.isForbidden($0) }.map(Character.init))
            let name = ["Subject", "To", "From", "Reply-To", "X"].randomElement(using: &rng) ?? "Subject"
            #expect(HeaderEncoding.unstructured(text, headerName: name)
                    == ReferenceMIME.HeaderEncoding.unstructured(text, headerName: name), "case \(index) unstructured")
            #expect(HeaderEncoding.phrase(text, headerName: name)
                    == ReferenceMIME.HeaderEncoding.phrase(text, headerName: name), "case \(index) phrase")
            let limit = Int.random(in: -5...90, using: &rng)
            if !text.isEmpty {
                #expect(EncodedWord.encode(text, firstLimit: limit)
                        == ReferenceMIME.EncodedWord.encode(text, firstLimit: limit), "case \(index) encoded words")
            }
            let tokens = ReferenceMIME.HeaderEncoding.unstructured(text, headerName: name)
            #expect(HeaderField(name: name, tokens: tokens).rendered
                    == ReferenceMIME.HeaderField(name: name, tokens: tokens).rendered, "case \(index) folding")
        }
    }

    @Test func bodiesMatch() {
        var rng = SeededGenerator(seed: 0x424F_4459)
        for index in 0..<1500 {
            let text = Generate.randomString(&rng, maxPieces: 50)
            let lines = ReferenceMIME.BodyText(text).lines
            #expect(QuotedPrintable.encode(lines: lines) == ReferenceMIME.QuotedPrintable.encode(lines: lines), "case \(index) QP")
            let new = TextPart(subtype: "plain", text: text)
            let old = ReferenceMIME.TextPart(subtype: "plain", text: text)
            #expect(new.transferEncoding.rawValue == old.transferEncoding.rawValue, "case \(index) encoding")
            #expect(new.encodedBody == old.encodedBody, "case \(index) body")
            let bytes = Array(text.utf8)
            #expect(Base64.encode(bytes) == ReferenceMIME.Base64.encode(bytes), "case \(index) base64")
            #expect(Base64.encodeBody(bytes) == ReferenceMIME.Base64.encodeBody(bytes), "case \(index) base64 body")
            #expect(Base64.encodeBody(bytes).count == Base64.bodyLength(bytes.count), "case \(index) base64 length")
        }
    }

    @Test func addressChecksAndControlChecksMatch() {
        var rng = SeededGenerator(seed: 0x4144_4452)
        let parts = ["a", "Z", "9", ".", "..", "@", "-", "_", "+", "é", " ", "\n", "\u{7F}", "\"", "example", "com", "xn--bcher-kva"]
        var candidates = Generate.addresses
        for _ in 0..<4000 {
            var address = ""
            for _ in 0..<Int.random(in: 0...12, using: &rng) { address += parts.randomElement(using: &rng) ?? "" }
            candidates.append(address)
            candidates.append("user@" + address)
            candidates.append(address + "@example.com")
        }
        for address in candidates {
            let old = ReferenceMIME.AddressSpec.problem(with: address)
            #expect(AddressSpec.problem(with: address) == old, "\(address.debugDescription)")
            #expect(AddressSpec.isValid(address) == (old == nil), "\(address.debugDescription)")
        }
        for index in 0..<3000 {
            let text = Generate.randomString(&rng, maxPieces: 6, longWords: false)
            #expect(HeaderText.hasForbidden(text) == text.unicodeScalars.contains(where: ReferenceMIME.HeaderText.isForbidden),
                    "case \(index) \(text.debugDescription)")
        }
    }

    @Test(arguments: [-62_135_596_800, -1, 0, 59, 86_399, 951_782_400, 1_795_000_000, 253_402_300_799, 4_000_000_000_000])
    func datesMatch(seconds: Int64) {
        let date = Date(timeIntervalSince1970: Double(seconds))
        #expect(MessageDate.format(date) == ReferenceMIME.MessageDate.format(date))
    }
}
