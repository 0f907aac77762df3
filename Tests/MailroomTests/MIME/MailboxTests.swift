import Testing
@testable import Mailroom

@Suite("Mailbox parsing and validation")
struct MailboxTests {
    @Test func parsesNameAndAngleAddress() throws {
        let mailbox = try Mailbox(parsing: "Example Accounts <accounts@example.com>")
        #expect(mailbox.displayName == "Example Accounts")
        #expect(mailbox.address == "accounts@example.com")
    }

    @Test func parsesQuotedName() throws {
        let mailbox = try Mailbox(parsing: "\"Quoted, Name\" <a@b.example>")
        #expect(mailbox.displayName == "Quoted, Name")
        #expect(mailbox.address == "a@b.example")
        let escaped = try Mailbox(parsing: #""Say \"hi\" \\ bye" <a@b.example>"#)
        #expect(escaped.displayName == #"Say "hi" \ bye"#)
    }

    @Test func parsesBareAndBracketedAddresses() throws {
        #expect(try Mailbox(parsing: "a@b.example") == Mailbox(address: "a@b.example"))
        #expect(try Mailbox(parsing: "  <a@b.example> ") == Mailbox(address: "a@b.example"))
        #expect(try Mailbox(parsing: "a@b.example").displayName == nil)
    }

    @Test func keepsUnicodeNames() throws {
        let mailbox = try Mailbox(parsing: "Zoë Ångström <zoe@example.com>")
        #expect(mailbox.displayName == "Zoë Ångström")
    }

    @Test(arguments: [
        "Ada <ada@example.com", "Ada ada@example.com", "\"Ada <ada@example.com>", "\"Ada\" x <ada@example.com>",
        "Ada <ada@localhost>", "Ada <>", "", "Ada <ädä@example.com>", "a\"b <ada@example.com>",
    ])
    func refusesMalformedMailboxes(text: String) {
        #expect(throws: MessageError.self) { try Mailbox(parsing: text) }
    }

    @Test(arguments: [
        "Ada\r\nBcc: eve@example.com <ada@example.com>", "Ada <ada@example.com>\r\nBcc: eve@example.com",
        "Ada\0 <ada@example.com>", "Ada\n<ada@example.com>", "Ada\u{2028} <ada@example.com>",
        "Ada\t <ada@example.com>", "Ada\u{85} <ada@example.com>", "ada@example.com\r",
    ])
    func refusesControlCharactersAnywhere(text: String) throws {
        let error = try #require(throws: MessageError.self) { try Mailbox(parsing: text) }
        #expect(error.code == .controlCharacter)
        #expect(!error.message.contains("\r") && !error.message.contains("\n") && !error.message.contains("\0"))
        #expect(error.message.contains("\\u{"))
    }

    @Test func memberwiseInitValidatesBothParts() throws {
        let bad = try #require(throws: MessageError.self) {
            try Mailbox(address: "ada@example.com\r\nRCPT TO:<eve@example.com>")
        }
        #expect(bad.code == .controlCharacter)
        #expect(bad.field == "mailbox address")
        let invalid = try #require(throws: MessageError.self) { try Mailbox(address: "not an address") }
        #expect(invalid.code == .invalidAddress)
        #expect(invalid.message.contains("\"not an address\""))
        let name = try #require(throws: MessageError.self) {
            try Mailbox(address: "ada@example.com", displayName: "Ada\nBcc: eve@example.com")
        }
        #expect(name.code == .controlCharacter)
        #expect(name.field == "mailbox display name")
        #expect(try Mailbox(address: "ada@example.com", displayName: "").displayName == nil)
    }
}
