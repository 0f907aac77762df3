import Foundation
import Testing
@testable import Mailroom
import MailroomTesting

/// The byte-level writer (issue #4) against the pre-optimisation writer kept in `Reference/`: on
/// seeded random emails both must give identical bytes, or refuse with an identical ``MessageError``.
@Suite("Composer: byte-level writer equals the pre-optimisation oracle")
struct ComposerDifferentialTests {
    static let cases = 2500

    /// Pieces chosen for what breaks header encoding, folding and quoted-printable.
    static let pieces: [String] = [
        "a", "Z", "0", "word", "Konto", " ", "  ", "   ", "\t", " \t", ".", ",", "\"", "\\", "(", ")", "<", ">", "@", ":",
        ";", "=", "?", "_", "-", "=?", "?=", "=?utf-8?q?x?=", "=_", "--=_mailroom_", "From ", "from ", ".\n", "=\n", "--simple",
        "é", "ü", "ß", "Zoë", "Grüße", "e\u{301}", "o\u{308}\u{323}", "\u{301}", " \u{301}", "\u{FEFF}", "\u{A0}", "€",
        "\u{600}", "\u{600} ", " \u{903}", "\u{200D}", " \u{200D}", "🙂", "👩🏽‍💻", "👨‍👩‍👧‍👦", "🇩🇪", "🇩🇪🇫🇷",
        "مرحبا", "שלום", "\u{202E}", "您的帐户", "日本語", "한국어", "ภาษาไทย",
        "\n", "\r", "\r\n", "\n\n", "\r\r\n", "  \n", "\t\n", "\u{85}", "\u{2028}", "\u{7F}", "\0",
    ]

    static func randomString(_ rng: inout SeededGenerator, maxPieces: Int, longWords: Bool = true) -> String {
        var out = ""
        for _ in 0..<Int.random(in: 0...maxPieces, using: &rng) {
            switch Int.random(in: 0..<24, using: &rng) {
            case 0 where longWords:
                // One long word: past 76 octets, sometimes past 998.
                let unit = ["x", "é", "🙂", "字", "=", " ", "a\u{301}"].randomElement(using: &rng) ?? "x"
                out += String(repeating: unit, count: Int.random(in: 40...1100, using: &rng))
            case 1:
                out += String(repeating: " ", count: Int.random(in: 1...90, using: &rng)) + "\n"
            default:
                out += pieces.randomElement(using: &rng) ?? ""
            }
        }
        return out
    }

    /// Header values mostly without line breaks, so most cases get past the checks and get written.
    static func headerString(_ rng: inout SeededGenerator, maxPieces: Int) -> String {
        let text = randomString(&rng, maxPieces: maxPieces)
        if Int.random(in: 0..<12, using: &rng) == 0 { return text }
        return clean(text)
    }

    /// `text` without the characters a header value may not hold.
    static func clean(_ text: String) -> String {
        String(text.unicodeScalars.filter { !HeaderText.isForbidden($0) }.map(Character.init))
    }

    static let addresses = [
        "ada@example.com", "a.b+c@mail.example.org", "x@y.co", "user_0@sub-domain.example", "o'brien@example.ie",
        "", "ada", "ada@", "@example.com", "a..b@example.com", ".a@example.com", "a@example", "a@-x.com",
        "a@x-.com", "a@.com", "a@example..com", "é@example.com", "a b@example.com", "a@exa_mple.com",
        "a\n@example.com", "a@example.com\r", String(repeating: "l", count: 65) + "@example.com",
        "a@" + String(repeating: "d", count: 64) + ".com", "a@" + String(repeating: "abc.", count: 70) + "com",
        "\"q\"@example.com", "a@b@example.com", "a@1.2",
    ]
    static let locales = ["en", "de", "de-DE", "", "en-US-x-twain", "e", "toolonglang", "de_DE", "1en", "de-", "a-b-c-d-e-f-g-h-i", "en\n"]
    static let domains = ["mail.example.com", "example.com", "localhost", "bad domain.com", "ex\u{E4}mple.com", "-x.example.com"]
    static let eventIDs = ["evt_1", "b-0", "a:b:c", "..x..", "id.with.dots", "ü-id", "", "evt\r\n", "x/y?z", String(repeating: "e", count: 200)]
    static let boundaries: [String?] = [nil, nil, nil, nil, "simple", "=_fixed", "a b", "", "x\ny", String(repeating: "b", count: 71), "__"]

    @Test func composedBytesAndRefusalsMatchTheOracle() throws {
        var rng = SeededGenerator(seed: 0x2026_0004_4D49_4D45)
        var composed = 0
        var refused = 0
        var refusals: Set<MessageError.Code> = []
        var encodings: Set<String> = []
        for index in 0..<Self.cases {
            let fromName = Self.clean(Self.randomString(&rng, maxPieces: 4))
            let replyName = Self.clean(Self.randomString(&rng, maxPieces: 3))
            let domain = Int.random(in: 0..<10, using: &rng) == 0 ? (Self.domains.randomElement(using: &rng) ?? "") : "mail.example.com"
            let name = Self.headerString(&rng, maxPieces: 8)
            let address = Int.random(in: 0..<8, using: &rng) == 0 ? (Self.addresses.randomElement(using: &rng) ?? "") : "ada@example.com"
            let email = RenderedEmail(
                templateName: ["closure-confirmation", "retention.notice", "x y", "t\u{E9}"].randomElement(using: &rng) ?? "",
                locale: Int.random(in: 0..<10, using: &rng) == 0 ? (Self.locales.randomElement(using: &rng) ?? "") : "en",
                subject: Self.headerString(&rng, maxPieces: 12),
                text: Self.randomString(&rng, maxPieces: 40),
                html: Self.randomString(&rng, maxPieces: 40))
            let eventID = Int.random(in: 0..<10, using: &rng) == 0 ? (Self.eventIDs.randomElement(using: &rng) ?? "") : "evt_\(index)"
            let boundary = Int.random(in: 0..<5, using: &rng) == 0 ? (Self.boundaries.randomElement(using: &rng) ?? nil) : nil
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: -5_000_000_000...5_000_000_000, using: &rng)))

            // Making the recipient: the factory's `Mailbox(address:displayName:)` against the old checks.
            let oracleTo = Result { () throws(MessageError) in try ReferenceMIME.Mailbox(address: address, displayName: name, field: "mailbox") }
            let newTo = Result { () throws(MessageError) in try Mailbox(address: address, displayName: name) }
            switch (oracleTo, newTo) {
            case (.failure(let old), .failure(let new)):
                #expect(old == new, "case \(index): recipient refusal")
                refused += 1
                refusals.insert(new.code)
                continue
            case (.success, .success): break
            default:
                Issue.record("case \(index): recipient \(oracleTo) vs \(newTo)")
                continue
            }
            let to = try newTo.get()
            let from = try Mailbox(address: "accounts@example.com", displayName: fromName)
            let replyTo = try Mailbox(address: "help@example.com", displayName: replyName)
            let reply: Mailbox? = Bool.random(using: &rng) ? replyTo : nil
            let oracle = ReferenceComposer(from: from, replyTo: reply, messageIDDomain: domain)
            let composer = MessageComposer(from: from, replyTo: reply, messageIDDomain: domain)

            let old = Result { () throws(MessageError) in
                try oracle.compose(email, eventID: eventID, to: to, date: date, boundary: boundary)
            }
            let new = Result { () throws(MessageError) in
                try composer.compose(email, eventID: eventID, to: to, date: date, boundary: boundary)
            }
            switch (old, new) {
            case (.success(let old), .success(let new)):
                composed += 1
                for encoding in ["quoted-printable", "base64"] where new.bytes.contains(Array(encoding.utf8)) {
                    encodings.insert(encoding)
                }
                if old != new {
                    Issue.record("case \(index): bytes differ at \(Self.firstDifference(old.bytes, new.bytes))")
                }
            case (.failure(let old), .failure(let new)):
                refused += 1
                refusals.insert(new.code)
                #expect(old == new, "case \(index): refusal")
            default:
                Issue.record("case \(index): oracle \(old) vs new \(new)")
            }
        }
        #expect(composed > Self.cases / 2 && refused > Self.cases / 20, "composed \(composed), refused \(refused)")
        #expect(refusals == [.controlCharacter, .invalidAddress, .invalidDomain, .invalidBoundary, .invalidLocale])
        #expect(encodings == ["quoted-printable", "base64"])
    }

    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let index = zip(a.indices, zip(a, b)).first { $0.1.0 != $0.1.1 }?.0 ?? min(a.count, b.count)
        let context = { (bytes: [UInt8]) in String(decoding: bytes[max(0, index - 40)..<min(bytes.count, index + 40)], as: UTF8.self) }
        return "\(index) (\(a.count) vs \(b.count) bytes): \(context(a).debugDescription) vs \(context(b).debugDescription)"
    }
}
