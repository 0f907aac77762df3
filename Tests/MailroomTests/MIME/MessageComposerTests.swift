import Foundation
import Testing
@testable import Mailroom

@Suite("Message composer")
struct MessageComposerTests {
    static let date = Date(timeIntervalSince1970: 1_795_857_300)  // 2026-11-28 09:15:00 UTC

    static func composer(replyTo: Mailbox? = nil) throws -> MessageComposer {
        MessageComposer(
            from: try Mailbox(parsing: "Example Accounts <accounts@example.com>"),
            replyTo: replyTo, messageIDDomain: "mail.example.com"
        )
    }

    static let email = RenderedEmail(
        templateName: "closure-confirmation", locale: "de",
        subject: "Ihr Konto wird am 12. Dezember 2026 geschlossen – Referenz CLS-2026-0042",
        text: "Hallo Ada,\n\nIhr Konto wird am 12.12.2026 gelöscht.\nFrom now on = nothing changes. \n.\nGrüße\n",
        html: "<!doctype html>\n<html><body><p>Hallo Ada,</p><p>Ihr Konto wird am 12.12.2026 gel&ouml;scht.</p></body></html>\n"
    )

    static func recipient() throws -> Mailbox {
        try Mailbox(address: "ada@example.com", displayName: "Ada Lovelace")
    }

    @Test func writesTheExpectedHeadersInOrder() throws {
        let message = try Self.composer().compose(Self.email, eventID: "evt_01HZX3K9", to: Self.recipient(), date: Self.date)
        #expect(MIMEWire.headerNames(message.bytes) == [
            "Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type", "Content-Language",
            "Auto-Submitted",
        ])
        let headers = Dictionary(MIMEWire.headers(message.bytes).map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        #expect(headers["Date"] == "Sat, 28 Nov 2026 09:15:00 +0000")
        #expect(headers["From"] == "Example Accounts <accounts@example.com>")
        #expect(headers["To"] == "Ada Lovelace <ada@example.com>")
        #expect(headers["MIME-Version"] == "1.0")
        #expect(headers["Content-Language"] == "de")
        #expect(headers["Auto-Submitted"] == "auto-generated")
        #expect(headers["Message-ID"] == message.messageID)
        #expect(MIMEWire.problems(message.bytes).isEmpty)
    }

    @Test func envelopeIsSeparateFromHeaders() throws {
        let replyTo = try Mailbox(parsing: "Support <support@example.com>")
        let message = try Self.composer(replyTo: replyTo)
            .compose(Self.email, eventID: "evt_1", to: Self.recipient(), date: Self.date)
        #expect(message.envelope == Envelope(sender: "accounts@example.com", recipients: ["ada@example.com"]))
        #expect(MIMEWire.headers(message.bytes).contains { $0.name == "Reply-To" && $0.value == "Support <support@example.com>" })
    }

    @Test func messageIDIsDeterministicAndSanitised() throws {
        let composer = try Self.composer()
        let first = try composer.compose(Self.email, eventID: "evt:01HZX3K9", to: Self.recipient(), date: Self.date)
        let again = try composer.compose(Self.email, eventID: "evt:01HZX3K9", to: Self.recipient(), date: Self.date.addingTimeInterval(60))
        #expect(first.messageID == again.messageID)
        #expect(first.messageID.hasPrefix("<evt-01HZX3K9.closure-confirmation."))
        #expect(first.messageID.hasSuffix("@mail.example.com>"))
        let colliding = try composer.compose(Self.email, eventID: "evt-01HZX3K9", to: Self.recipient(), date: Self.date)
        #expect(first.messageID != colliding.messageID)
        // Nothing of the address: the Message-ID outlives redaction.
        let other = try composer.compose(Self.email, eventID: "evt:01HZX3K9", to: Mailbox(address: "bob@example.com"), date: Self.date)
        #expect(other.messageID == first.messageID)
        #expect(!first.messageID.contains(StableHash.hex(of: "evt:01HZX3K9", "closure-confirmation", try Self.recipient().address)))
        let dotty = try composer.compose(Self.email, eventID: "..a..b.", to: Self.recipient(), date: Self.date)
        #expect(dotty.messageID.hasPrefix("<a.b.closure-confirmation."))
    }

    @Test func sameInputsGiveIdenticalBytes() throws {
        let a = try Self.composer().compose(Self.email, eventID: "evt_1", to: Self.recipient(), date: Self.date)
        let b = try Self.composer().compose(Self.email, eventID: "evt_1", to: Self.recipient(), date: Self.date)
        #expect(a == b)
        let boundary = try #require(MIMEWire.headers(a.bytes).first { $0.name == "Content-Type" }?.value)
        #expect(boundary.contains("boundary=\"=_"))
    }

    @Test func refusesControlCharactersInEveryHeaderValue() throws {
        let composer = try Self.composer()
        var email = Self.email
        email.subject = "Hello\r\nBcc: eve@example.com"
        let subject = try #require(throws: MessageError.self) {
            try composer.compose(email, eventID: "evt_1", to: Self.recipient(), date: Self.date)
        }
        #expect(subject.code == .controlCharacter && subject.field == "Subject")
        #expect(subject.message.contains("Subject") && subject.message.contains("Bcc"))

        for bad in ["a\0b", "a\u{2028}b", "a\u{2029}b", "a\u{7F}", "a\tb", "a\u{9B}"] {
            email.subject = bad
            #expect(throws: MessageError.self) {
                try composer.compose(email, eventID: "evt_1", to: Self.recipient(), date: Self.date)
            }
        }
        #expect(throws: MessageError.self) {
            try composer.compose(Self.email, eventID: "evt_1\nBcc: x", to: Self.recipient(), date: Self.date)
        }
        var locale = Self.email
        locale.locale = "de\r\nBcc: x"
        #expect(throws: MessageError.self) {
            try composer.compose(locale, eventID: "evt_1", to: Self.recipient(), date: Self.date)
        }
    }

    @Test func refusesBadDomainBoundaryAndLocale() throws {
        let bad = MessageComposer(from: try Mailbox(address: "a@example.com"), messageIDDomain: "localhost")
        let domain = try #require(throws: MessageError.self) {
            try bad.compose(Self.email, eventID: "evt_1", to: Self.recipient(), date: Self.date)
        }
        #expect(domain.code == .invalidDomain)
        let boundary = try #require(throws: MessageError.self) {
            try Self.composer().compose(Self.email, eventID: "evt_1", to: Self.recipient(), date: Self.date, boundary: "bad boundary\r\n")
        }
        #expect(boundary.code == .invalidBoundary)
        var email = Self.email
        email.text = "line\n--fixed\nmore"
        #expect(throws: MessageError.self) {
            try Self.composer().compose(email, eventID: "evt_1", to: Self.recipient(), date: Self.date, boundary: "fixed")
        }
        email.locale = "de_DE"
        let locale = try #require(throws: MessageError.self) {
            try Self.composer().compose(email, eventID: "evt_1", to: Self.recipient(), date: Self.date)
        }
        #expect(locale.code == .invalidLocale)
    }

    @Test(arguments: [
        (0.0, "Thu, 1 Jan 1970 00:00:00 +0000"),
        (951_782_400.0, "Tue, 29 Feb 2000 00:00:00 +0000"),
        (1_795_857_300.5, "Sat, 28 Nov 2026 09:15:00 +0000"),
        (4_102_444_799.0, "Thu, 31 Dec 2099 23:59:59 +0000"),
    ])
    func formatsDatesInUTC(seconds: Double, expected: String) {
        #expect(MessageDate.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func pythonParsesWhatWeMeantToSend() throws {
        let replyTo = try Mailbox(parsing: "\"Support, Example\" <support@example.com>")
        let to = try Mailbox(address: "ada@example.com", displayName: "Ada Lovelace-Byron (Zoë) 🙂")
        var email = Self.email
        email.subject = "您的帐户将于12月12日关闭 — 👩🏽‍💻 " + String(repeating: "lang ", count: 30)
        let message = try Self.composer(replyTo: replyTo).compose(email, eventID: "evt_01HZX3K9", to: to, date: Self.date)
        let report = try PythonMIMECheck.check(message.bytes)
        #expect(report.wire.isEmpty)
        #expect(report.error == nil)
        #expect(report.defects == [])
        #expect(report.header_names == [
            "Date", "From", "Reply-To", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type",
            "Content-Language", "Auto-Submitted",
        ])
        #expect(report.subject == email.subject)
        #expect(report.from == [.init(display_name: "Example Accounts", address: "accounts@example.com")])
        #expect(report.to == [.init(display_name: to.displayName ?? "", address: "ada@example.com")])
        #expect(report.reply_to == [.init(display_name: "Support, Example", address: "support@example.com")])
        #expect(report.message_id == message.messageID)
        #expect(report.date == "Sat, 28 Nov 2026 09:15:00 +0000")
        #expect(report.parts == ["text/plain", "text/html"])
        #expect(report.text == email.text)
        #expect(report.html == email.html)
    }
}
