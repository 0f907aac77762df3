import Foundation
import Testing
@testable import Mailroom

/// The composed bytes of a representative message, compared with a file in the source tree.
///
/// Set `MAILROOM_RECORD_GOLDEN=1` to rewrite the file after an intended change (see ``GoldenFile``).
@Suite("Golden MIME message")
struct GoldenMessageTests {
    static let goldenName = "mime-basic.eml"

    static func compose() throws -> ComposedMessage {
        let composer = MessageComposer(
            from: try Mailbox(parsing: "Example Accounts <accounts@example.com>"),
            replyTo: try Mailbox(parsing: "\"Support, Example\" <support@example.com>"),
            messageIDDomain: "mail.example.com"
        )
        let email = RenderedEmail(
            templateName: "closure-confirmation", locale: "de",
            subject: "Bestätigung: Ihr Konto wird am 12. Dezember 2026 geschlossen (Referenz CLS-2026-0042)",
            text: """
                Hallo Zoë,

                wir haben Ihren Antrag erhalten. Ihr Konto und Ihr Profil werden am 12. Dezember 2026 gelöscht.
                Referenz: CLS-2026-0042 = Ihre Vorgangsnummer. \t
                .
                From now on, nothing else changes.
                Abbrechen: https://example.com/account/closure/CLS-2026-0042/cancel?source=email&utm_campaign=closure-confirmation

                """,
            html: """
                <!doctype html>
                <html lang="de"><body><p>Hallo Zo&euml;,</p><p>Ihr Konto wird am 12. Dezember 2026 gelöscht.</p></body></html>

                """
        )
        return try composer.compose(
            email, eventID: "evt_01HZX3K9",
            to: try Mailbox(address: "zoe@example.com", displayName: "Zoë Ångström"),
            date: Date(timeIntervalSince1970: 1_795_857_300), boundary: "=_golden-boundary"
        )
    }

    @Test func matchesGoldenFile() throws {
        try GoldenFile.verify(try Self.compose().bytes, named: Self.goldenName)
    }

    @Test func goldenFileParsesCleanly() throws {
        let golden = try #require(GoldenFile.contents(Self.goldenName))
        let report = try PythonMIMECheck.check(golden)
        #expect(report.wire.isEmpty)
        #expect(report.error == nil)
        #expect(report.defects == [])
        #expect(report.boundary == "=_golden-boundary")
        #expect(report.to?.first?.display_name == "Zoë Ångström")
        #expect(report.subject?.hasPrefix("Bestätigung:") == true)
    }
}
