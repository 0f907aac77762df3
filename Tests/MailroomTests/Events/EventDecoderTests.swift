import Foundation
import Testing
@testable import Mailroom

/// Valid events of every type decode to exactly the values they state.
@Suite("EventDecoder: valid events")
struct EventDecoderTests {
    let decoder = EventDecoder()

    static let closureRequested = #"""
    {"id": "evt_01HZX3K9", "type": "account.closure_requested", "occurred_at": "2026-11-28T09:15:00Z",
     "account": {"id": "acc_123", "email": "ada@example.com", "name": "Ada Lovelace", "locale": "en"},
     "data": {"reference": "CLS-2026-0042", "effective_at": "2026-12-12T00:00:00Z",
              "cancel_url": "https://example.com/account/closure/CLS-2026-0042/cancel",
              "support_url": "https://example.com/help"}, "extra": {"ignored": [1, 2, {"deep": null}]}}
    """#.replacingOccurrences(of: "\n", with: " ")

    static let balanceOutstanding = #"""
    {"id": "evt:02.BAL-x", "type": "account.balance_outstanding", "occurred_at": "2026-11-28t10:15:00.250+01:00",
     "account": {"id": "acc_456", "email": "grace@example.org", "name": "Grace \u00c9milie \ud83d\ude00", "locale": "zh-Hant-TW"},
     "data": {"balance": {"amount": "1250.75", "currency": "EUR"}, "withdraw_by": "2026-12-10T23:59:59+01:00"}}
    """#.replacingOccurrences(of: "\n", with: " ")

    static let closed = #"""
    {"id": "evt_03CLS", "type": "account.closed", "occurred_at": "2026-12-12T00:00:05z",
     "account": {"id": "acc_789", "email": "linus@example.net", "name": null},
     "data": {"closed_at": "2026-12-12T00:00:00Z", "privacy_contact": "privacy@example.com", "retained": [
        {"category": "invoices", "reason": "tax law", "retain_until": "2033-12-31"},
        {"category": "support tickets", "reason": "legal claims", "retain_until": "2028-12-12T00:00:00Z"}]}}
    """#.replacingOccurrences(of: "\n", with: " ")

    func decode(_ text: String) throws -> Event {
        try decoder.decode(Array(text.utf8), lineNumber: 1, source: "test")
    }

    @Test func closureRequested() throws {
        let event = try decode(Self.closureRequested)
        #expect(event.id == "evt_01HZX3K9")
        #expect(event.type == .closureRequested)
        #expect(event.type.templateName == "closure-confirmation")
        #expect(event.occurredAt == Timestamp(date: Date(timeIntervalSince1970: 1_795_857_300), text: "2026-11-28T09:15:00Z"))
        #expect(event.account == Account(id: "acc_123", email: "ada@example.com", name: "Ada Lovelace", locale: "en"))
        #expect(event.payload == .closureRequested(ClosureRequested(
            reference: "CLS-2026-0042",
            effectiveAt: Timestamp(date: Date(timeIntervalSince1970: 1_797_033_600), text: "2026-12-12T00:00:00Z"),
            cancelURL: "https://example.com/account/closure/CLS-2026-0042/cancel",
            supportURL: "https://example.com/help"
        )))
    }

    @Test func balanceOutstanding() throws {
        let event = try decode(Self.balanceOutstanding)
        #expect(event.id == "evt:02.BAL-x")
        #expect(event.type == .balanceOutstanding)
        // 10:15:00.250+01:00 is 09:15:00.250Z; lower-case 't' is allowed by RFC 3339.
        #expect(event.occurredAt.date == Date(timeIntervalSince1970: 1_795_857_300.25))
        #expect(event.occurredAt.text == "2026-11-28t10:15:00.250+01:00")
        #expect(event.occurredAt.dateOnly == false)
        #expect(event.account.name == "Grace Émilie 😀")
        #expect(event.account.locale == "zh-Hant-TW")
        guard case .balanceOutstanding(let data) = event.payload else {
            Issue.record("wrong payload \(event.payload)")
            return
        }
        #expect(data.balance.amount == "1250.75")
        #expect(data.balance.currency == "EUR")
        #expect(data.balance.value == Decimal(sign: .plus, exponent: -2, significand: 125_075))
        #expect(data.withdrawBy.date == Date(timeIntervalSince1970: 1_796_943_599))
        #expect(data.withdrawURL == nil)
    }

    @Test func closed() throws {
        let event = try decode(Self.closed)
        #expect(event.type == .closed)
        #expect(event.occurredAt.date == Date(timeIntervalSince1970: 1_797_033_605))
        #expect(event.account.name == nil)
        #expect(event.account.locale == nil)
        guard case .closed(let data) = event.payload else {
            Issue.record("wrong payload \(event.payload)")
            return
        }
        #expect(data.closedAt.date == Date(timeIntervalSince1970: 1_797_033_600))
        #expect(data.privacyContact == "privacy@example.com")
        #expect(data.retained == [
            RetainedRecord(category: "invoices", reason: "tax law",
                           retainUntil: Timestamp(date: Date(timeIntervalSince1970: 2_019_600_000), text: "2033-12-31", dateOnly: true)),
            RetainedRecord(category: "support tickets", reason: "legal claims",
                           retainUntil: Timestamp(date: Date(timeIntervalSince1970: 1_860_192_000), text: "2028-12-12T00:00:00Z")),
        ])
    }

    @Test func emptyNameMeansNoDisplayName() throws {
        let line = Self.closureRequested.replacingOccurrences(of: "\"Ada Lovelace\"", with: "\"\"")
        #expect(try decode(line).account.name == nil)
    }

    @Test func byteOrderMarkAndSurroundingWhitespaceAreAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF, 0x20, 0x09] + Array(Self.closed.utf8) + [0x20, 0x0D]
        #expect(try decoder.decode(bytes).id == "evt_03CLS")
        #expect(try decoder.decode(bytes[...]).id == "evt_03CLS")
    }

    @Test(arguments: [
        ("1250.75", "EUR", Decimal(sign: .plus, exponent: -2, significand: 125_075)),
        ("0", "USD", Decimal(0)),
        ("0.5", "GBP", Decimal(sign: .plus, exponent: -1, significand: 5)),
        ("1250.70", "CHF", Decimal(sign: .plus, exponent: -1, significand: 12_507)),
        ("1000", "JPY", Decimal(1000)),
        ("1.234", "KWD", Decimal(sign: .plus, exponent: -3, significand: 1234)),
        ("12345678901234567890.12", "USD", Decimal(string: "12345678901234567890.12", locale: Locale(identifier: "en_US_POSIX"))!),
    ])
    func amounts(amount: String, currency: String, value: Decimal) throws {
        let line = Self.balanceOutstanding
            .replacingOccurrences(of: "\"1250.75\"", with: "\"\(amount)\"")
            .replacingOccurrences(of: "\"EUR\"", with: "\"\(currency)\"")
        guard case .balanceOutstanding(let data) = try decode(line).payload else {
            Issue.record("wrong payload")
            return
        }
        #expect(data.balance == Money(amount: amount, value: value, currency: currency))
    }

    /// The contract allows every id of its characters, dots only included; the outbox key encodes them.
    @Test(arguments: [".", "..", String(repeating: ".", count: 128)])
    func idsOfDotsOnlyAreValid(id: String) throws {
        let event = try decode(Self.closureRequested.replacingOccurrences(of: "\"evt_01HZX3K9\"", with: "\"\(id)\""))
        #expect(event.id == id)
    }
}
