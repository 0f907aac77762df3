import Foundation
import Testing
@testable import Mailroom

/// Hostile sizes and shapes: errors, never crashes, and messages that stay short.
@Suite("EventDecoder: limits and hostile input")
struct EventDecoderLimitTests {
    let decoder = EventDecoder()

    func rejection(_ bytes: [UInt8]) -> EventValidationError? {
        do {
            let event = try decoder.decode(bytes)
            Issue.record("accepted \(event.id)")
            return nil
        } catch {
            InvalidEventCorpusTests.expectPrintable(error)
            return error
        }
    }

    /// The closure event with `name` as account.name, JSON-escaped by Foundation.
    func line(name: String) throws -> [UInt8] {
        let array = try JSONSerialization.data(withJSONObject: [name])
        let quoted = try #require(String(data: array, encoding: .utf8)).dropFirst().dropLast()
        return Array(EventDecoderTests.closureRequested.replacingOccurrences(of: "\"Ada Lovelace\"", with: quoted).utf8)
    }

    @Test func tenMegabyteNameIsAnErrorWithAShortMessage() throws {
        let bytes = try line(name: String(repeating: "A", count: 10 * 1024 * 1024))
        #expect(bytes.count > 10_000_000)
        let error = try #require(rejection(bytes))
        #expect(error.problems.map(\.path) == ["$.account.name"])
        #expect(error.problems[0].message.contains("at most 256 characters (4096 bytes), found 10485760 bytes"))
        #expect(error.eventID == "evt_01HZX3K9")
    }

    @Test func oneCharacterWithMegabytesOfCombiningMarksIsRefused() throws {
        let name = "a" + String(repeating: "\u{301}", count: 1 << 20)
        #expect(name.count == 1)
        let error = try #require(rejection(try line(name: name)))
        #expect(error.problems.map(\.path) == ["$.account.name"])
        #expect(error.problems[0].message.contains("(4096 bytes), found 2097153 bytes"))
    }

    @Test func nameOf256CharactersIsAcceptedAnd257Rejected() throws {
        // 256 grapheme clusters of two scalars each: the limit counts characters, not bytes.
        let accepted = try decoder.decode(line(name: String(repeating: "e\u{301}", count: 256)))
        #expect(accepted.account.name?.count == 256)
        let error = try #require(rejection(try line(name: String(repeating: "e\u{301}", count: 257))))
        #expect(error.problems.map(\.path) == ["$.account.name"])
    }

    @Test func deepNestingOfAMegabyteIsRefusedWithoutExhaustingTheStack() throws {
        let bytes = Array("{\"id\": \"evt_1\", \"x\": ".utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 1 << 20)
        let error = try #require(rejection(bytes))
        #expect(error.problems.count == 1)
        #expect(error.problems[0].message.contains("nested deeper than 32 levels"))
    }

    @Test func manyBrokenRetainedEntriesAreSummarised() throws {
        let entries = Array(repeating: "{\"category\": \"\", \"reason\": \"\", \"retain_until\": \"x\"}", count: 5000)
        let text = #"{"id": "evt_many", "type": "account.closed", "occurred_at": "2026-12-12T00:00:05Z", "#
            + #""account": {"id": "a", "email": "a@example.com"}, "data": {"closed_at": "2026-12-12T00:00:00Z", "#
            + #""retained": ["# + entries.joined(separator: ",") + "]}}"
        let error = try #require(rejection(Array(text.utf8)))
        #expect(error.problems.count == EventFieldChecker.problemLimit + 1)
        #expect(error.problems.last?.message == "\(15_000 - EventFieldChecker.problemLimit) more problems not listed")
    }

    @Test func allProblemsOfOneEventAreReportedTogether() throws {
        let text = #"{"id": "evt_multi", "type": "account.closed", "occurred_at": "2025-02-29T00:00:00Z", "account": {"id": "", "email": "a b@example.com", "name": "x\u0000y", "locale": "de_DE"}, "data": {"closed_at": 17, "retained": [{"category": "c", "reason": "r", "retain_until": "2033-12-32"}, 3], "privacy_contact": "nobody"}}"#
        let error = try #require(rejection(Array(text.utf8)))
        #expect(error.eventID == "evt_multi")
        #expect(error.problems.map(\.path) == [
            "$.occurred_at", "$.account.id", "$.account.email", "$.account.name", "$.account.locale",
            "$.data.closed_at", "$.data.retained[0].retain_until", "$.data.retained[1]", "$.data.privacy_contact",
        ])
        #expect(error.description.hasPrefix("invalid event evt_multi: $.occurred_at: "))
    }

    @Test func unknownTypeStillReportsTheCommonFieldsAndIgnoresData() throws {
        let text = #"{"id": "e1", "type": "account.reopened", "occurred_at": "soon", "account": {"id": "a", "email": "a@example.com"}, "data": 5}"#
        let error = try #require(rejection(Array(text.utf8)))
        #expect(error.problems.map(\.path) == ["$.type", "$.occurred_at"])
    }

    @Test func hostileValuesAreTruncatedAndEscapedInMessages() throws {
        let hostile = #"\u001b[2J\u202Eevil"# + String(repeating: "x", count: 5000)
        let text = EventDecoderTests.closureRequested.replacingOccurrences(of: "\"account.closure_requested\"", with: "\"\(hostile)\"")
        let error = try #require(rejection(Array(text.utf8)))
        let message = try #require(error.problems.first?.message)
        #expect(message.contains(#"\u{1B}[2J\u{202E}evil"#))
        #expect(message.contains("(5011 bytes)"))
    }

    /// Measures one line of a little over 1 MiB (a 1 MiB support_url is rejected by its
    /// length, after the whole line was parsed). Prints the figure; asserts only the outcome.
    @Test func oneMegabyteLineDecodes() throws {
        let padding = String(repeating: "a", count: 1 << 20)
        let text = EventDecoderTests.closureRequested.replacingOccurrences(
            of: "\"https://example.com/help\"", with: "\"https://example.com/\(padding)\""
        )
        let bytes = Array(text.utf8)
        let clock = ContinuousClock()
        var error: EventValidationError?
        let elapsed = clock.measure { error = rejection(bytes) }
        #expect(error?.problems.map(\.path) == ["$.data.support_url"])
        print("EventDecoder: \(bytes.count)-byte line rejected in \(elapsed)")
    }
}
