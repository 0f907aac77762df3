import Foundation
import Mailroom

/// The pieces every end-to-end rendering test shares: the shipped templates and samples, the fixed
/// composer, and the independent expectations (HTML escaping, header set) checked against them.
enum RenderingFixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Rendering
        .deletingLastPathComponent()  // MailroomTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static let templatesDirectory = repositoryRoot.appendingPathComponent("Templates")

    /// The three templates, one per event type.
    static let templateNames = EventType.allCases.map(\.templateName)

    /// The bundled sample of each locale: `sample.json` is English, `sample.de.json` German.
    static let sampleLocales = ["en", "de"]

    static let sender = "Example Accounts <accounts@example.com>"
    static let senderAddress = "accounts@example.com"
    static let replyTo = "Example Support <support@example.com>"
    static let messageIDDomain = "mail.example.com"
    /// 2026-11-28 09:15:00 UTC, the first sample's `occurred_at`.
    static let fixedDate = Date(timeIntervalSince1970: 1_795_857_300)
    static let fixedBoundary = "=_mailroom-golden-boundary"

    /// Every header a rendered message carries, in order, each exactly once.
    static let expectedHeaders = [
        "Date", "From", "Reply-To", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type",
        "Content-Language", "Auto-Submitted",
    ]

    /// Templates whose emails have a deadline, per Templates/README.md's table.
    static let templatesWithDeadline: Set<String> = ["closure-confirmation", "withdrawal-reminder"]

    /// The headers of a rendered message of `template`: an `Expires` last when it has a deadline.
    static func expectedHeaders(template: String) -> [String] {
        expectedHeaders + (templatesWithDeadline.contains(template) ? ["Expires"] : [])
    }
    static let expectedPartHeaders = [["Content-Type", "Content-Transfer-Encoding"], ["Content-Type", "Content-Transfer-Encoding"]]

    private static let loadedCatalog = Result<TemplateCatalog, any Error> {
        try TemplateCatalog(directory: templatesDirectory)
    }

    static func catalog() throws -> TemplateCatalog { try loadedCatalog.get() }

    static func composer() throws -> MessageComposer {
        MessageComposer(
            from: try Mailbox(parsing: sender), replyTo: try Mailbox(parsing: replyTo), messageIDDomain: messageIDDomain)
    }

    static func factory() throws -> MessageFactory {
        MessageFactory(catalog: try catalog(), composer: try composer())
    }

    static func sampleURL(template: String, locale: String) -> URL {
        templatesDirectory.appendingPathComponent(template)
            .appendingPathComponent(locale == "en" ? "sample.json" : "sample.\(locale).json")
    }

    /// The bundled sample file's bytes.
    static func sampleBytes(template: String, locale: String) throws -> [UInt8] {
        Array(try Data(contentsOf: sampleURL(template: template, locale: locale)))
    }

    /// The sample as a JSON object, to be varied and encoded again.
    static func sampleObject(template: String, locale: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(try sampleBytes(template: template, locale: locale)))
        guard let event = object as? [String: Any] else { throw FixtureError("\(template) \(locale) sample is not an object") }
        return event
    }

    /// Encodes an event object (JSONSerialization) and decodes it with the real event decoder.
    static func decode(_ object: [String: Any]) throws -> Event {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return try EventDecoder().decode(Array(data))
    }

    /// What swift-mustache's escaping should give, written here per Unicode scalar, independently.
    ///
    /// Per scalar, not per `Character`: a special character that a combining mark follows, or a
    /// prepended mark precedes, is still the special character to an HTML parser.
    static func htmlEscaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Entities the plain-text parts and the subject must never contain (they are not HTML).
    static let entities = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]

    /// Whether `text` holds `part`, compared as UTF-8 bytes: `String.contains` matches whole
    /// `Character`s and would miss a value that begins with a combining mark.
    static func bytes(of text: String, contain part: String) -> Bool {
        part.isEmpty || Array(text.utf8).firstRange(of: Array(part.utf8)) != nil
    }

    static func withoutSpaces(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != " " }))
    }

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
