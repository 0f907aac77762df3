import Foundation
import MailroomTesting
import Testing

@testable import Mailroom

/// The hand-written journal and meta encoding writes exactly what `JSONEncoder` (the outbox's
/// documented conventions) writes, on generated records with hostile text and arbitrary times.
@Suite struct OutboxJSONWriterTests {
    /// Text with every kind of byte the escaping must get right.
    static func text(_ random: inout SeededGenerator) -> String {
        let pieces: [String] = [
            "", "a", "Ok", "\"", "\\", "/", "</script>", "\u{0}", "\u{1}", "\u{8}", "\t", "\n", "\u{B}", "\u{C}", "\r",
            "\u{1F}", " ", "\u{7F}", "\u{80}", "é", "ß", "€", "\u{2028}", "\u{2029}", "\u{FEFF}", "😀", "👩‍👩‍👧", "日本",
            "e\u{301}", "\u{202E}", "250 2.0.0 Ok: queued as 4XyZ", "{\"a\":1}", "%", "\u{FFFD}",
        ]
        let count = Int.random(in: 0...8, using: &random)
        return (0..<count).map { _ in pieces.randomElement(using: &random) ?? "" }.joined()
    }

    static func date(_ random: inout SeededGenerator) -> Date {
        switch Int.random(in: 0...3, using: &random) {
        case 0: Date(timeIntervalSince1970: Double(Int.random(in: 0...4_102_444_800, using: &random)))
        case 1: Date(timeIntervalSince1970: Double.random(in: 0...4_102_444_800, using: &random))
        case 2: Date(timeIntervalSince1970: Double(Int.random(in: 1_700_000_000_000...1_900_000_000_000, using: &random)) / 1000)
        default: Date(timeIntervalSinceReferenceDate: Double.random(in: 0...1_000_000_000, using: &random))
        }
    }

    static func entry(_ random: inout SeededGenerator) -> JournalEntry {
        let kinds: [JournalEntry.Kind] = [.stored, .attemptStarted, .attempt, .state, .repaired]
        let reply: JournalEntry.Reply? = Bool.random(using: &random)
            ? JournalEntry.Reply(SMTPReply(
                code: Int.random(in: 200...599, using: &random),
                enhancedCode: Bool.random(using: &random) ? "4.3.\(Int.random(in: 0...9, using: &random))" : nil,
                text: text(&random)))
            : nil
        let time = date(&random)
        let kind = kinds.randomElement(using: &random) ?? .stored
        let state = MessageState.allCases.randomElement(using: &random) ?? .queued
        let attempt = Bool.random(using: &random) ? Int.random(in: 1...10_000, using: &random) : nil
        let duration = Bool.random(using: &random) ? Int.random(in: 0...10_000_000, using: &random) : nil
        let classification = Bool.random(using: &random) ? text(&random) : nil
        let next = Bool.random(using: &random) ? date(&random) : nil
        let detail = Bool.random(using: &random) ? text(&random) : nil
        let pid = Bool.random(using: &random) ? Int32.random(in: 1...Int32.max, using: &random) : nil
        return JournalEntry(
            time: time, kind: kind, state: state, attempt: attempt, durationMs: duration, reply: reply,
            classification: classification, nextAttemptAt: next, detail: detail, pid: pid)
    }

    static func encoded<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        [UInt8](try OutboxCoding.encoder().encode(value)) + [UInt8(ascii: "\n")]
    }

    @Test func journalEntriesMatchJSONEncoder() throws {
        var random = SeededGenerator(seed: 0x4A4F55524E414C)
        for index in 0..<3000 {
            let entry = Self.entry(&random)
            let expected = try Self.encoded(entry)
            let actual = entry.jsonLine
            #expect(actual == expected, "record \(index): \(String(decoding: actual, as: UTF8.self)) vs \(String(decoding: expected, as: UTF8.self))")
            if actual != expected { return }
        }
    }

    @Test func metaMatchesJSONEncoder() throws {
        var random = SeededGenerator(seed: 0x4D455441)
        for index in 0..<1000 {
            let recipients = (0..<Int.random(in: 0...3, using: &random)).map { "r\($0)@\(Self.text(&random))" }
            let meta = MessageMeta(
                eventID: Self.text(&random), eventType: "account.closed", template: Self.text(&random),
                locale: Bool.random(using: &random) ? Self.text(&random) : nil,
                envelope: Envelope(sender: Self.text(&random), recipients: recipients),
                messageID: "<\(Self.text(&random))@example.com>", createdAt: Self.date(&random),
                size: Int.random(in: 0...Int(Int32.max), using: &random))
            let expected = try Self.encoded(meta)
            #expect(meta.jsonLine == expected, "meta \(index): \(String(decoding: meta.jsonLine, as: UTF8.self))")
            if meta.jsonLine != expected { return }
        }
    }

    @Test(arguments: [0.0, 0.0005, 0.0015, 0.9996, -0.0004, -86_400.5, 951_782_400.25, 1_780_000_000.9999, 4_102_444_799.999])
    func timestampsRoundDownLikeFoundation(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        var bytes: [UInt8] = []
        OutboxJSONWriter.appendTimestamp(date, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == OutboxCoding.string(date))
    }
}

/// Reading back: ``OutboxJSONReader`` gives the values `JSONDecoder` gives, for what the writer
/// wrote and for lines it did not write (other key orders, nulls, unknown keys, broken fields).
@Suite struct OutboxJSONReaderTests {
    @Test func journalEntriesReadLikeJSONDecoder() throws {
        var random = SeededGenerator(seed: 0x52454144)
        let decoder = OutboxCoding.decoder()
        for index in 0..<3000 {
            let line = OutboxJSONWriterTests.entry(&random).jsonLine.dropLast()
            let expected = try decoder.decode(JournalEntry.self, from: Data(line))
            let actual = OutboxJSONReader.journalEntry(line)
            #expect(actual == expected, "record \(index): \(String(decoding: line, as: UTF8.self))")
            if actual != expected { return }
        }
    }

    @Test func metaReadsLikeJSONDecoder() throws {
        var random = SeededGenerator(seed: 0x4D455441)
        let decoder = OutboxCoding.decoder()
        for index in 0..<1000 {
            let meta = MessageMeta(
                eventID: OutboxJSONWriterTests.text(&random), eventType: "account.closed", template: "retention-notice",
                locale: Bool.random(using: &random) ? "de" : nil,
                envelope: Envelope(sender: "a@example.com", recipients: ["b@example.com"]),
                messageID: "<\(index)@example.com>", createdAt: OutboxJSONWriterTests.date(&random),
                size: Int.random(in: 0...1_000_000, using: &random))
            let bytes = meta.jsonLine
            #expect(OutboxJSONReader.meta(bytes) == (try decoder.decode(MessageMeta.self, from: Data(bytes))), "meta \(index)")
        }
    }

    @Test(arguments: [
        #"{"time":"2026-11-28T09:15:00.120Z","state":"queued","kind":"stored","detail":null,"extra":[1,{"x":2}]}"#,
        #"{"kind":"attempt","state":"sent","time":"2026-11-28T09:15:00Z","attempt":2,"reply":{"text":"Ok","code":250}}"#,
        #"{"kind":"attempt","state":"sent","time":"2026-11-28T09:15:00.5+01:00","pid":77}"#,
        #"{"kind":"stored","state":"queued"}"#,
        #"{"kind":"stored","state":"mailed","time":"2026-11-28T09:15:00.120Z"}"#,
        #"{"kind":"stored","state":"queued","time":"2026-11-28T09:15:00.120Z","attempt":"1"}"#,
        #"{"kind":"stored","state":"queued","time":"2026-13-28T09:15:00.120Z"}"#,
        #"{"kind":"stored","state":"queued","time":"yesterday"}"#,
        #"{"kind":"attempt","state":"sent","time":"2026-11-28T09:15:00.120Z","reply":{"code":250}}"#,
        #"[1,2]"#,
    ])
    func handWrittenLinesReadLikeJSONDecoder(_ line: String) {
        let expected = try? OutboxCoding.decoder().decode(JournalEntry.self, from: Data(line.utf8))
        #expect(OutboxJSONReader.journalEntry(Array(line.utf8)[...]) == expected)
    }

    @Test func timestampsReadLikeFoundation() {
        var random = SeededGenerator(seed: 0x54494D45)
        var fastCount = 0
        for _ in 0..<5000 {
            let date = OutboxJSONWriterTests.date(&random)
            let text = OutboxCoding.string(date)
            let fast = OutboxJSONReader.timestamp(text)
            #expect(fast == nil || fast == OutboxCoding.date(text), "\(text)")
            if fast != nil { fastCount += 1 }
        }
        // Most generated times are far from 2001 and must take the fast path.
        #expect(fastCount > 4000)
    }
}
