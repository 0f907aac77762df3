import Foundation
import Mailroom
import MailroomTesting
import Testing

/// `prune` in every engine: redaction and deletion of terminal messages only, by a manual clock,
/// with the keyed hash answering "did we send to X?".
@Suite struct RetentionConformanceTests {
    let place: TemporaryDirectory
    let clock = ManualTestClock()

    init() throws {
        place = try TemporaryDirectory()
    }

    /// Stand-ins for the keyed hash and the digest: the engine keeps what it is given.
    static let hashes = RedactionHashes(
        recipient: { "keyed:" + String($0.reversed()) },
        content: { bytes in "digest:\(bytes.count):\(bytes.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })" })

    static func message(_ id: String, state: MessageState) -> NewMessage {
        var message = OutboxFixtures.message(id, state: state)
        message.composed.envelope.recipients = ["\(id)@Example.com"]
        message.composed.bytes = Array("To: Someone <\(id)@Example.com>\r\n\r\nYour balance\r\n".utf8)
        return message
    }

    /// Every state, at the clock's time; returns their event ids by state.
    func storeEveryState(_ store: any OutboxStore, prefix: String) throws -> [MessageState: String] {
        var ids: [MessageState: String] = [:]
        for state in MessageState.allCases {
            let id = "\(prefix)_\(state.rawValue)"
            ids[state] = id
            _ = try store.store([Self.message(id, state: state)], leasingTo: nil)
        }
        return ids
    }

    @Test(arguments: StoreEngine.all)
    func redactsOnlyOldTerminalMessagesKeepingTheProofOfSending(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let old = try storeEveryState(store, prefix: "old")
        // A relay reply that quotes the address, journaled on the old sent message.
        let sentID = try #require(old[.sent])
        _ = try store.store([Self.message("old_delivered", state: .queued)], leasingTo: nil)
        let lease = try #require(try store.claim(["old_delivered"], allowing: [.queued], owner: .current).first?.lease)
        _ = try store.beginAttempt(lease)
        try store.recordAttempt(lease, result: AttemptRecord(
            duration: .milliseconds(5), reply: SMTPReply(code: 250, enhancedCode: "2.0.0",
                                                         text: "Ok: queued as 4F2A1 for old_delivered@example.com"),
            classification: "sent"), newState: .sent, nextAttemptAt: nil, release: true)
        clock.advance(by: 100 * 86_400)
        let cutoff = clock.now
        clock.advance(by: 1)
        let recent = try storeEveryState(store, prefix: "new")
        let before = try store.status()

        let report = try store.prune(PruneRequest(redactBefore: cutoff, deleteBefore: nil, hashes: Self.hashes, batchSize: 2))
        #expect(report.redacted == 4 && report.deleted == 0, "\(report)")
        #expect(report.uncertainKept == 1)

        for state in RetentionPolicy.terminalStates {
            let id = try #require(old[state])
            let record = try #require(try store.record(eventID: id))
            let redaction = try #require(record.redaction, "\(id)")
            #expect(record.recipients.isEmpty && record.state == state)
            #expect(redaction.recipientHashes == [Self.hashes.recipient("\(id)@example.com")])
            #expect(redaction.contentSHA256 == Self.hashes.content(Self.message(id, state: state).composed.bytes))
            #expect(abs(redaction.redactedAt.timeIntervalSince(clock.now)) < 0.001)
            // Kept: the proof of sending.
            #expect(record.messageID == "<\(id)@mail.example.com>" && record.template == "retention-notice")
            let content = try #require(try store.content(eventID: id))
            #expect(content.message.bytes.isEmpty && content.event.isEmpty)
            #expect(try store.journal(eventID: id).last?.kind == .redacted)
        }
        // The relay's reply stays, without the address.
        let delivered = try #require(try store.record(eventID: "old_delivered"))
        #expect(delivered.lastReply?.text == "Ok: queued as 4F2A1 for [redacted]")
        let attempt = try #require(try store.journal(eventID: "old_delivered").first { $0.kind == .attempt })
        #expect(attempt.reply?.text == "Ok: queued as 4F2A1 for [redacted]" && attempt.reply?.code == 250)

        // Not terminal, or too recent: untouched, bytes and all.
        for (state, id) in old where !RetentionPolicy.terminalStates.contains(state) {
            #expect(try store.record(eventID: id)?.redaction == nil, "\(id)")
            #expect(try store.content(eventID: id)?.message.bytes == Self.message(id, state: state).composed.bytes)
        }
        for id in recent.values { #expect(try store.record(eventID: id)?.redaction == nil, "\(id)") }
        #expect(try store.status().counts == before.counts)

        // "Did we send to X?": answered by whoever can compute X's keyed hash.
        var filter = RecordFilter()
        filter.recipientHash = Self.hashes.recipient("\(sentID)@example.com")
        #expect(try store.records(filter).map(\.eventID) == [sentID])
        filter.recipientHash = Self.hashes.recipient("nobody@example.com")
        #expect(try store.records(filter).isEmpty)

        // Nothing left to do: a second prune changes nothing.
        let again = try store.prune(PruneRequest(redactBefore: cutoff, deleteBefore: nil, hashes: Self.hashes))
        #expect(again.redacted == 0)
    }

    @Test(arguments: StoreEngine.all)
    func deletesOnlyOldTerminalMessagesAndOldRejectedLines(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let old = try storeEveryState(store, prefix: "old")
        try store.recordRejected(RejectedEvent(time: clock.now, source: "a.ndjson", line: 1, eventID: nil,
                                               problems: ["$.id: missing"], raw: Array(#"{"account":{"email":"x@example.com"}}"#.utf8)))
        clock.advance(by: 3650 * 86_400)
        let cutoff = clock.now
        let recent = try storeEveryState(store, prefix: "new")
        try store.recordRejected(RejectedEvent(time: clock.now, source: "b.ndjson", line: 1, eventID: nil,
                                               problems: ["$.id: missing"], raw: Array("{}".utf8)))

        let dry = try store.prune(PruneRequest(redactBefore: cutoff, deleteBefore: cutoff, hashes: Self.hashes, dryRun: true))
        #expect(dry.deleted == 3 && dry.redacted == 0 && dry.rejectedDeleted == 1, "\(dry)")
        #expect(try store.status().total == 2 * MessageState.allCases.count, "a dry run changed something")

        let report = try store.prune(PruneRequest(redactBefore: nil, deleteBefore: cutoff, hashes: Self.hashes, batchSize: 2))
        #expect(report.deleted == 3 && report.rejectedDeleted == 1, "\(report)")
        for (state, id) in old {
            let kept = try store.record(eventID: id) != nil
            #expect(kept == !RetentionPolicy.terminalStates.contains(state), "\(id)")
            if !kept { #expect(try store.journal(eventID: id).isEmpty && store.content(eventID: id) == nil) }
        }
        for id in recent.values { #expect(try store.record(eventID: id) != nil) }
        let status = try store.status()
        #expect(status.total == 2 * MessageState.allCases.count - 3)
        #expect(status.counts[.sent] == 1 && status.counts[.queued] == 2 && status.rejected == 1)
        #expect(try store.rejected(since: nil, until: nil, after: nil, limit: 10).map(\.source) == ["b.ndjson"])
    }

    @Test(arguments: StoreEngine.all)
    func redactsTheExcerptsOfOldRejectedLines(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        try store.recordRejected(RejectedEvent(time: clock.now, source: "a.ndjson", line: 7, eventID: "evt_bad",
                                               problems: ["$.type: unknown", #"$.account.email: the address was "zed private@x""#],
                                               raw: Array(#"{"name":"Zed Private"}"#.utf8)))
        clock.advance(by: 91 * 86_400)
        let report = try store.prune(PruneRequest(redactBefore: clock.now, deleteBefore: nil, hashes: Self.hashes))
        #expect(report.rejectedRedacted == 1)
        let rejected = try #require(try store.rejected(since: nil, until: nil, after: nil, limit: 10).first)
        #expect(rejected.excerpt.isEmpty && rejected.line == 7 && rejected.eventID == "evt_bad")
        #expect(rejected.problems == ["$.type", "$.account.email"])
    }

    @Test(arguments: StoreEngine.all)
    func nothingToDoIsNoError(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        _ = try store.store([Self.message("evt_new", state: .sent)], leasingTo: nil)
        for dryRun in [true, false] {
            let report = try store.prune(PruneRequest(redactBefore: clock.now.addingTimeInterval(-60),
                                                      deleteBefore: clock.now.addingTimeInterval(-120),
                                                      hashes: Self.hashes, dryRun: dryRun))
            #expect(report == PruneReport())
        }
        #expect(try store.record(eventID: "evt_new")?.redaction == nil)
    }
}
