import Foundation
import Logging
import Mailroom
import MailroomSQLite
import MailroomTesting
import Synchronization
import Testing

/// Messages that expire: the templates' deadlines, the `Expires` header, and a message past its
/// deadline never attempted, whether it arrives late or waits in the outbox past it.
@Suite struct ExpiryTests {
    /// 2026-12-11T23:59:59Z, the withdrawal events' `withdraw_by`.
    static let withdrawBy = Date(timeIntervalSince1970: 1_797_033_599)

    static func withdrawal(_ n: Int, withdrawBy: String = "2026-12-11T23:59:59Z") -> String {
        #"{"id":"evt_w\#(n)","type":"account.balance_outstanding","occurred_at":"2026-11-28T09:20:00Z","account":{"id":"acc_\#(n)","email":"user\#(n)@example.com","locale":"en"},"data":{"balance":{"amount":"10.00","currency":"EUR"},"withdraw_by":"\#(withdrawBy)"}}"#
    }

    static func retention(_ n: Int) -> String {
        #"{"id":"evt_r\#(n)","type":"account.closed","occurred_at":"2026-11-28T09:20:00Z","account":{"id":"acc_\#(n)","email":"user\#(n)@example.com"},"data":{"closed_at":"2026-11-28T09:00:00Z","retained":[{"category":"invoices","reason":"tax law","retain_until":"2036-12-31"}]}}"#
    }

    static func decode(_ line: String) throws -> Event {
        try EventDecoder().decode(Array(line.utf8), lineNumber: 1, source: "test")
    }

    @Test("template.json gives each template its deadline, written as Expires and read back from the bytes")
    func deadlinesAndExpiresHeader() throws {
        let factory = SendPipelineTests.factory
        let date = Date(timeIntervalSince1970: 1_795_857_300)
        let withdrawal = try factory.make(Self.decode(Self.withdrawal(1)), date: date)
        #expect(withdrawal.email.deadline == MessageDeadline(field: "data.withdraw_by", date: Self.withdrawBy,
                                                             text: "2026-12-11T23:59:59Z"))
        #expect(withdrawal.message.expires == Self.withdrawBy)
        let text = String(decoding: withdrawal.message.bytes, as: UTF8.self)
        #expect(text.contains("\r\nExpires: Fri, 11 Dec 2026 23:59:59 +0000\r\n"))

        let retention = try factory.make(Self.decode(Self.retention(1)), date: date)
        #expect(retention.email.deadline == nil && retention.message.expires == nil)
        #expect(!String(decoding: retention.message.bytes, as: UTF8.self).contains("Expires:"))

        let closure = try factory.make(Self.decode(SendPipelineTests.event(1)), date: date)
        #expect(closure.email.deadline?.field == "data.effective_at")
        // 2099-12-12T00:00:00Z
        #expect(closure.message.expires == Date(timeIntervalSince1970: 4_100_716_800))
    }

    @Test("a template.json that is not JSON, has an unknown key or names a field its event lacks stops loading",
          arguments: [#"{"deadline": "data.reference"}"#, #"{"deadline": "data.withdraw_by"}"#, #"{"expires": null}"#,
                      #"{"deadline": 3}"#, "not json"])
    func badMetadata(_ text: String) throws {
        let copy = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(copy) }
        try text.write(to: copy.appending(path: "closure-confirmation/template.json"), atomically: true, encoding: .utf8)
        let error = try #require(throws: TemplateError.self) { try TemplateCatalog(directory: copy) }
        #expect(error.code == .metadata, "\(error)")
        #expect(error.message.contains("closure-confirmation/template.json"), "\(error)")
    }

    /// A pipeline run at `now` over a fresh or given outbox; `transport` nil: no transport (held).
    func send(_ lines: [String], at now: Date, transport: InMemoryTransport?, outbox: any OutboxStore)
        throws -> RunSummary
    {
        let logger = Logger(label: "test")
        let delivery = transport.map { transport -> (dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder) in
            let recorder = OutboxDeliveryRecorder(store: outbox, logger: logger)
            let dispatcher = DeliveryDispatcher(transport: transport, connections: 2, policy: .default,
                                                observer: recorder, logger: logger, clock: ManualTestClock(now))
            dispatcher.start()
            return (dispatcher, recorder)
        }
        let pipeline = SendPipeline(factory: SendPipelineTests.factory, store: outbox, delivery: delivery,
                                    reporter: CollectingReporter(), logger: logger, now: { now })
        let directory = try TemporaryDirectory()
        let file = directory.path + "/events.ndjson"
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: file))
        let handle = try #require(FileHandle(forReadingAtPath: file))
        pipeline.consume(EventStreamReader(fileHandle: handle), source: "events.ndjson")
        return pipeline.finish()
    }

    @Test("an event already past its deadline is stored expired at once, never attempted, and the run exits 0",
          arguments: [true, false])
    func expiredOnArrival(withTransport: Bool) throws {
        let directory = try TemporaryDirectory()
        let outbox = try SQLiteOutboxStore(directory: directory.outboxPath)
        let transport = withTransport ? InMemoryTransport() : nil
        let late = Self.withdrawBy.addingTimeInterval(1)
        let summary = try send([Self.withdrawal(1), Self.retention(1), Self.withdrawal(2)], at: late,
                               transport: transport, outbox: outbox)
        #expect(summary.expired == 2)
        #expect(summary.exitCode == ExitStatus.success)
        #expect(summary.line.contains("expired 2"))
        if let transport {
            #expect(summary.sent == 1 && transport.totalAttempts == 1)
        } else {
            #expect(summary.held == 1)
        }
        #expect(try outbox.records(RecordFilter(states: [.expired])).map(\.eventID) == ["evt_w1", "evt_w2"])
        #expect(try outbox.status().counts[.expired] == 2 && outbox.status().leased == 0)
        let stored = try #require(try outbox.journal(eventID: "evt_w1").first)
        #expect(stored.state == .expired)
        #expect(stored.detail?.contains("data.withdraw_by 2026-12-11T23:59:59Z") == true, "\(stored)")
        // Exactly at the deadline it is already too late.
        let exactly = try TemporaryDirectory()
        let exactOutbox = try SQLiteOutboxStore(directory: exactly.outboxPath)
        #expect(try send([Self.withdrawal(3)], at: Self.withdrawBy, transport: nil, outbox: exactOutbox).expired == 1)
    }

    /// Runs a replay of `selection` at `now`.
    func replay(_ selection: ReplaySelection, at now: Date, transport: InMemoryTransport, outbox: any OutboxStore) throws
        -> RunSummary
    {
        let logger = Logger(label: "test")
        let recorder = OutboxDeliveryRecorder(store: outbox, logger: logger)
        let dispatcher = DeliveryDispatcher(transport: transport, connections: 1, policy: .default,
                                            observer: recorder, logger: logger, clock: ManualTestClock(now))
        dispatcher.start()
        let runner = ReplayRunner(store: outbox, logger: logger, now: { now })
        return runner.deliver(try runner.plan(selection), selection: selection, dispatcher: dispatcher, recorder: recorder)
    }

    @Test("held messages whose deadline passed before replay are expired, not attempted; replay --force sends one")
    func deadlinePassedWhileStored() throws {
        let directory = try TemporaryDirectory()
        let outbox = try SQLiteOutboxStore(directory: directory.outboxPath)
        let early = Self.withdrawBy.addingTimeInterval(-86_400)
        let stored = try send([Self.withdrawal(1), Self.withdrawal(2), Self.retention(1)], at: early,
                              transport: nil, outbox: outbox)
        #expect(stored.held == 3 && stored.expired == 0)

        let transport = InMemoryTransport()
        let after = Self.withdrawBy.addingTimeInterval(3600)
        let summary = try replay(ReplaySelection(), at: after, transport: transport, outbox: outbox)
        #expect(summary.expired == 2 && summary.sent == 1, "\(summary)")
        #expect(summary.exitCode == ExitStatus.success)
        #expect(transport.totalAttempts == 1)
        #expect(try outbox.records(RecordFilter(states: [.expired])).map(\.eventID) == ["evt_w1", "evt_w2"])
        let entry = try #require(try outbox.journal(eventID: "evt_w1").last)
        #expect(entry.state == .expired && entry.detail?.contains("passed before it could be sent") == true, "\(entry)")
        #expect(try outbox.record(eventID: "evt_w1")?.attempts == 0)

        // A plain replay leaves them; --state expired without --force is refused; --force sends.
        #expect(try replay(ReplaySelection(), at: after, transport: transport, outbox: outbox).sent == 0)
        #expect(ReplaySelection(states: [.expired]).problem != nil)
        let forced = try replay(ReplaySelection(eventIDs: ["evt_w2"], force: true), at: after, transport: transport,
                                outbox: outbox)
        #expect(forced.sent == 1 && forced.expired == 0, "\(forced)")
        #expect(try outbox.record(eventID: "evt_w2")?.state == .sent)
        #expect(try outbox.record(eventID: "evt_w1")?.state == .expired)
        #expect(transport.totalAttempts == 2)
    }

    @Test("a deadline that passes between two attempts of a run stops the retry")
    func deadlinePassesBetweenRetries() throws {
        let directory = try TemporaryDirectory()
        let outbox = try SQLiteOutboxStore(directory: directory.outboxPath)
        let clock = ManualTestClock(Self.withdrawBy.addingTimeInterval(-10))
        // The relay answers 451 and, meanwhile, the deadline passes.
        let transport = InMemoryTransport { _, _ in
            clock.advance(by: 60)
            return DeliveryAttempt(failure: .rejected, reply: SMTPReply(code: 451, enhancedCode: "4.3.0", text: "try later"),
                                   stage: .rcptTo, messageFullySent: false)
        }
        let logger = Logger(label: "test")
        let recorder = OutboxDeliveryRecorder(store: outbox, logger: logger)
        let policy = RetryPolicy(attempts: 4, initialDelay: .milliseconds(1), maxDelay: .milliseconds(2))
        let dispatcher = DeliveryDispatcher(transport: transport, connections: 1, policy: policy, observer: recorder,
                                            logger: logger, clock: clock)
        dispatcher.start()
        let pipeline = SendPipeline(factory: SendPipelineTests.factory, store: outbox,
                                    delivery: (dispatcher: dispatcher, recorder: recorder),
                                    reporter: CollectingReporter(), logger: logger, now: clock.closure)
        let file = directory.path + "/events.ndjson"
        try Data(Self.withdrawal(1).utf8).write(to: URL(fileURLWithPath: file))
        let handle = try #require(FileHandle(forReadingAtPath: file))
        pipeline.consume(EventStreamReader(fileHandle: handle), source: "events.ndjson")
        let summary = pipeline.finish()
        #expect(transport.totalAttempts == 1)
        #expect(summary.expired == 1 && summary.deferred == 0, "\(summary)")
        #expect(try outbox.record(eventID: "evt_w1")?.state == .expired)
        #expect(try outbox.journal(eventID: "evt_w1").map(\.kind) == [.stored, .attemptStarted, .attempt, .state])
    }
}
