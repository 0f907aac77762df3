import Foundation
import Testing
@testable import Mailroom
import MailroomTesting

/// Seeded random emails, addresses, locales, domains and boundaries composed, then judged by
/// readers that share no code with the writer: the test's own RFC decoders for every message
/// (wire rules, Subject, To) and Python's `email` package (policy.default) for every message's
/// headers and both decoded bodies. A refusal must be for a reason the input really has.
@Suite("Composer: random emails read back by independent parsers")
struct ComposerRoundTripTests {
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
        String(text.unicodeScalars.filter { !MessagePropertyTests.hasForbidden(String($0)) }.map(Character.init))
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

    @Test func composedMessagesReadBackAndRefusalsHaveTheirReason() throws {
        var rng = SeededGenerator(seed: 0x2026_0004_4D49_4D45)
        var composed: [(email: RenderedEmail, name: String, bytes: [UInt8])] = []
        var refusals: Set<MessageError.Code> = []
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
            let from = try Mailbox(address: "accounts@example.com", displayName: fromName)
            let reply: Mailbox? = Bool.random(using: &rng) ? try Mailbox(address: "help@example.com", displayName: replyName) : nil
            let composer = MessageComposer(from: from, replyTo: reply, messageIDDomain: domain)
            do {
                let to = try Mailbox(address: address, displayName: name)
                let message = try composer.compose(email, eventID: eventID, to: to, date: date, boundary: boundary)
                #expect(MIMEWire.problems(message.bytes).isEmpty, "case \(index): \(MIMEWire.problems(message.bytes).prefix(3))")
                let headers = MIMEWire.headers(message.bytes)
                let toValue = try #require(headers.first { $0.name == "To" }?.value)
                let subjectValue = try #require(headers.first { $0.name == "Subject" }?.value)
                #expect(MIMEWire.displayName(inMailbox: toValue) == (name.isEmpty ? nil : name), "case \(index) To")
                #expect(MIMEWire.subject(subjectValue) == email.subject, "case \(index) Subject")
                composed.append((email, name, message.bytes))
            } catch let error as MessageError {
                refusals.insert(error.code)
                #expect(
                    Self.hasReason(
                        error.code, headers: [name, email.subject, address, eventID, email.locale], address: address,
                        domain: domain, locale: email.locale, boundary: boundary), "case \(index): \(error)")
            } catch {
                Issue.record("case \(index): \(error)")
            }
        }
        #expect(composed.count > Self.cases / 2, "composed \(composed.count)")
        #expect(refusals == [.controlCharacter, .invalidAddress, .invalidDomain, .invalidBoundary, .invalidLocale])

        let reports = try PythonMIMECheck.check(composed.map(\.bytes))
        var encodings: Set<String> = []
        for (index, (item, report)) in zip(composed, reports).enumerated() {
            #expect(report.error == nil && report.defects == [], "message \(index): \(report.error ?? "") \(report.defects ?? [])")
            #expect(report.subject == item.email.subject, "message \(index) subject")
            // Python's address parser is loose about white space in display names (see
            // MessagePropertyTests); the exact name was checked by the RFC decoder above.
            #expect(
                Self.withoutWhiteSpace(report.to?.first?.display_name ?? "") == Self.withoutWhiteSpace(item.name),
                "message \(index) display name")
            #expect(report.text == MIMEWire.lineFeeds(item.email.text), "message \(index) text")
            #expect(report.html == MIMEWire.lineFeeds(item.email.html), "message \(index) html")
            for encoding in ["quoted-printable", "base64"] where item.bytes.contains(Array(encoding.utf8)) {
                encodings.insert(encoding)
            }
        }
        #expect(encodings == ["quoted-printable", "base64"])
    }

    static func withoutWhiteSpace(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "\u{FEFF}" }))
    }

    /// Whether the input has what `code` refuses, judged without the composer's own checks where
    /// a plain reading suffices: a control character, an address without one `@` between a local
    /// part and a dotted domain, a domain with a space or non-ASCII, a locale or boundary the
    /// generator made broken.
    static func hasReason(
        _ code: MessageError.Code, headers: [String], address: String, domain: String, locale: String, boundary: String?
    ) -> Bool {
        switch code {
        case .controlCharacter:
            return headers.contains(where: MessagePropertyTests.hasForbidden)
        case .invalidAddress:
            return address != "ada@example.com"
        case .invalidDomain:
            return domain != "mail.example.com"
        case .invalidLocale:
            return !["en", "de", "de-DE"].contains(locale)
        case .invalidBoundary:
            return boundary != nil && !["simple", "=_fixed", "__"].contains(boundary)
        default:
            return false
        }
    }
}
