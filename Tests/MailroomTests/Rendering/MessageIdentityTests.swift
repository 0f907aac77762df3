import Foundation
import Mailroom
import Testing

/// `MessageFactory` names a message after its event: re-rendering the same event later (a replay, a
/// crash recovery) gives the same Message-ID, so recipients' clients and our logs see one message.
@Suite("Rendered messages: Message-ID identity")
struct MessageIdentityTests {
    static let firstDate = RenderingFixtures.fixedDate
    static let laterDate = RenderingFixtures.fixedDate.addingTimeInterval(3 * 86_400 + 17)

    static func event(_ template: String, _ change: (inout [String: Any]) -> Void = { _ in }) throws -> Event {
        var object = try RenderingFixtures.sampleObject(template: template, locale: "en")
        change(&object)
        return try RenderingFixtures.decode(object)
    }

    static func setting(_ key: String, in section: String, to value: Any) -> (inout [String: Any]) -> Void {
        { object in
            var inner = object[section] as? [String: Any] ?? [:]
            inner[key] = value
            object[section] = inner
        }
    }

    /// The message without its Date line: what must not depend on when it was composed.
    static func withoutDate(_ bytes: [UInt8]) -> [String] {
        MIMEWire.lines(bytes).filter { !$0.hasPrefix("Date: ") }
    }

    @Test(arguments: RenderingFixtures.templateNames)
    func sameEventAtAnotherDateKeepsItsMessageID(template: String) throws {
        let factory = try RenderingFixtures.factory()
        let event = try Self.event(template)
        let first = try factory.make(event, date: Self.firstDate)
        let later = try factory.make(event, date: Self.laterDate)
        #expect(first.message.messageID == later.message.messageID)
        #expect(first.message.bytes != later.message.bytes, "the Date header must differ")
        #expect(Self.withoutDate(first.message.bytes) == Self.withoutDate(later.message.bytes))
        let header = MIMEWire.headers(first.message.bytes).first { $0.name == "Message-ID" }?.value
        #expect(header == first.message.messageID)
        #expect(first.message.messageID.hasSuffix("@\(RenderingFixtures.messageIDDomain)>"))
    }

    @Test(arguments: RenderingFixtures.templateNames)
    func anotherEventGetsAnotherMessageID(template: String) throws {
        let factory = try RenderingFixtures.factory()
        let original = try factory.make(try Self.event(template), date: Self.firstDate).message.messageID
        let variants: [(String, Event)] = [
            ("another id", try Self.event(template) { $0["id"] = "evt_01HZX3K9-2" }),
            ("an id that sanitises alike", try Self.event(template) { $0["id"] = ($0["id"] as? String ?? "") + ":" }),
        ]
        var seen: Set<String> = [original]
        for (what, event) in variants {
            let messageID = try factory.make(event, date: Self.firstDate).message.messageID
            #expect(messageID != original, "\(what) must change the Message-ID")
            seen.insert(messageID)
        }
        #expect(seen.count == variants.count + 1, "all Message-IDs distinct")
    }

    /// The Message-ID outlives redaction: nothing in it may depend on the address, or a redacted
    /// outbox could be tested against a guessed one.
    @Test(arguments: RenderingFixtures.templateNames)
    func theAddressLeavesNoTraceInTheMessageID(template: String) throws {
        let factory = try RenderingFixtures.factory()
        let original = try factory.make(try Self.event(template), date: Self.firstDate).message
        for address in ["grace@example.com", "Ada@example.com"] {
            let other = try factory.make(try Self.event(template, Self.setting("email", in: "account", to: address)),
                                         date: Self.firstDate).message
            #expect(other.messageID == original.messageID, "\(address)")
            #expect(other.envelope.recipients != original.envelope.recipients, "the message itself goes elsewhere")
        }
    }

    @Test func theDisplayNameAndLocaleDoNotMakeAnotherMessage() throws {
        let factory = try RenderingFixtures.factory()
        let template = "closure-confirmation"
        let original = try factory.make(try Self.event(template), date: Self.firstDate).message.messageID
        let renamed = try Self.event(template, Self.setting("name", in: "account", to: "Augusta Ada King"))
        let german = try Self.event(template, Self.setting("locale", in: "account", to: "de"))
        #expect(try factory.make(renamed, date: Self.laterDate).message.messageID == original)
        #expect(try factory.make(german, date: Self.laterDate).message.messageID == original)
    }
}
