import Foundation
import Logging
import Mailroom
import MailroomSQLite
import MailroomTesting
import Synchronization
import Testing

/// Collects what a run reports, for assertions.
final class CollectingReporter: RunReporter {
    let rejections = Mutex<[String]>([])
    let duplicates = Mutex<[String]>([])
    func rejected(_ description: String) { rejections.withLock { $0.append(description) } }
    func duplicate(eventID: String, source: String, line: Int) { duplicates.withLock { $0.append(eventID) } }
    func finished(eventID: String, state: MessageState?, explanation: String) {}
    func progress(_ summary: RunSummary) {}
}

/// The send pipeline over a real outbox and the in-memory transport.
@Suite struct SendPipelineTests {
    static let factory: MessageFactory = {
        let catalog = try! TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
        let composer = MessageComposer(from: try! Mailbox(parsing: "Example Accounts <accounts@example.com>"),
                                       messageIDDomain: "mail.example.com")
        return MessageFactory(catalog: catalog, composer: composer)
    }()

    static func event(_ n: Int, locale: String = "en") -> String {
        #"{"id":"evt_\#(n)","type":"account.closure_requested","occurred_at":"2026-11-28T09:15:00Z","account":{"id":"acc_\#(n)","email":"user\#(n)@example.com","name":"Ada \#(n)","locale":"\#(locale)"},"data":{"reference":"CLS-\#(n)","effective_at":"2099-12-12T00:00:00Z"}}"#
    }

    struct Run {
        var summary: RunSummary
        var outbox: any OutboxStore
        var reporter: CollectingReporter
    }

    /// Runs `lines` through a pipeline; `transport` nil means no transport (held).
    func run(_ lines: [String], transport: InMemoryTransport?, directory: TemporaryDirectory,
             policy: RetryPolicy = RetryPolicy(attempts: 2, initialDelay: .milliseconds(1), maxDelay: .milliseconds(2))) throws -> Run {
        let outbox = try SQLiteOutboxStore(directory: directory.outboxPath)
        let reporter = CollectingReporter()
        let logger = Logger(label: "test")
        let delivery = transport.map { transport -> (DeliveryDispatcher, OutboxDeliveryRecorder) in
            let recorder = OutboxDeliveryRecorder(store: outbox, logger: logger)
            let dispatcher = DeliveryDispatcher(transport: transport, connections: 3, policy: policy,
                                                observer: recorder, logger: logger, generator: SeededGenerator(seed: 3))
            dispatcher.start()
            return (dispatcher, recorder)
        }
        let pipeline = SendPipeline(factory: Self.factory, store: outbox,
                                    delivery: delivery.map { (dispatcher: $0.0, recorder: $0.1) },
                                    reporter: reporter, logger: logger, batchSize: 16)
        let file = directory.path + "/events-\(UUID().uuidString).ndjson"
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: file))
        let handle = try #require(FileHandle(forReadingAtPath: file))
        pipeline.consume(EventStreamReader(fileHandle: handle), source: "events.ndjson")
        return Run(summary: pipeline.finish(), outbox: outbox, reporter: reporter)
    }

    @Test func storesThenDeliversEveryValidEventOnceAndRejectsTheRest() throws {
        let directory = try TemporaryDirectory()
        let transport = InMemoryTransport()
        var lines = (1...50).map { Self.event($0, locale: $0.isMultiple(of: 2) ? "de" : "en") }
        lines.insert(#"{"id":"evt_bad","type":"account.closed"}"#, at: 10)
        lines.insert("not json", at: 20)
        let result = try run(lines, transport: transport, directory: directory)
        #expect(result.summary.sent == 50)
        #expect(result.summary.rejected == 2)
        #expect(result.summary.exitCode == ExitStatus.invalidInput)
        #expect(transport.deliveries.count == 50)
        // The bytes delivered are the bytes stored.
        for delivery in transport.deliveries {
            let id = "evt_" + String(delivery.envelope.recipients[0].dropFirst(4).prefix { $0 != "@" })
            #expect(try result.outbox.content(eventID: id)?.message.bytes == delivery.bytes)
        }
        let status = try result.outbox.status()
        #expect(status.counts[.sent] == 50 && status.rejected == 2)
        #expect(result.reporter.rejections.withLock { $0 }.contains { $0.contains("evt_bad") && $0.contains("$.data") })
    }

    @Test func aRepeatedEventIsADuplicateAcrossRunsAndNeverSentAgain() throws {
        let directory = try TemporaryDirectory()
        let transport = InMemoryTransport()
        let lines = (1...10).map { Self.event($0) } + [Self.event(3)]
        let first = try run(lines, transport: transport, directory: directory)
        #expect(first.summary.sent == 10 && first.summary.duplicate == 1)
        let second = try run(lines, transport: transport, directory: directory)
        #expect(second.summary.sent == 0 && second.summary.duplicate == 11)
        #expect(second.summary.exitCode == ExitStatus.success)
        #expect(transport.deliveries.count == 10)
    }

    @Test func withoutATransportMessagesAreHeldThenReplayDeliversThem() throws {
        let directory = try TemporaryDirectory()
        let held = try run((1...20).map { Self.event($0) }, transport: nil, directory: directory)
        #expect(held.summary.held == 20 && held.summary.exitCode == ExitStatus.success)
        #expect(try held.outbox.records(RecordFilter(states: [.held])).count == 20)

        let transport = InMemoryTransport()
        let logger = Logger(label: "test")
        let recorder = OutboxDeliveryRecorder(store: held.outbox, logger: logger)
        let dispatcher = DeliveryDispatcher(transport: transport, connections: 2, policy: .default, observer: recorder, logger: logger)
        dispatcher.start()
        let runner = ReplayRunner(store: held.outbox, logger: logger)
        let selection = ReplaySelection()
        let planned = try runner.plan(selection)
        #expect(planned.count == 20)
        let summary = runner.deliver(planned, selection: selection, dispatcher: dispatcher, recorder: recorder)
        #expect(summary.sent == 20 && summary.exitCode == ExitStatus.success)
        #expect(transport.deliveries.count == 20)
        // Nothing left to replay; a sent message needs --force.
        #expect(try runner.plan(ReplaySelection()).isEmpty)
        #expect(ReplaySelection(states: [.sent]).problem != nil)
        #expect(try runner.plan(ReplaySelection(eventIDs: ["evt_3"], force: true)).map(\.eventID) == ["evt_3"])
    }

    @Test func aConfigurationErrorStopsTheRunAndLeavesTheRestQueued() throws {
        let directory = try TemporaryDirectory()
        let transport = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .tlsNotTrusted, reply: nil, stage: .connect, messageFullySent: false,
                            detail: "SSL certificate problem: unable to get local issuer certificate")
        }
        let result = try run((1...40).map { Self.event($0) }, transport: transport, directory: directory)
        #expect(result.summary.exitCode == ExitStatus.configuration)
        #expect(result.summary.configurationError?.contains("certificate") == true)
        #expect(transport.totalAttempts <= 3)
        #expect(transport.deliveries.isEmpty)
        // Nothing is lost: every stored message is still deliverable by a replay.
        let records = try result.outbox.records(RecordFilter())
        #expect(records.allSatisfy { $0.state == .queued })
        #expect(try ReplayRunner(store: result.outbox, logger: Logger(label: "t")).plan(ReplaySelection()).count == records.count)
    }

    @Test func aForcedReplayThatNeverRunsLeavesASentMessageSent() throws {
        let directory = try TemporaryDirectory()
        let first = try run((1...3).map { Self.event($0) }, transport: InMemoryTransport(), directory: directory)
        #expect(first.summary.sent == 3)
        let refusing = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .tlsNotTrusted, reply: nil, stage: .connect, messageFullySent: false)
        }
        let logger = Logger(label: "test")
        let recorder = OutboxDeliveryRecorder(store: first.outbox, logger: logger)
        let dispatcher = DeliveryDispatcher(transport: refusing, connections: 1, policy: .default, observer: recorder, logger: logger)
        dispatcher.start()
        let runner = ReplayRunner(store: first.outbox, logger: logger)
        let selection = ReplaySelection(eventIDs: ["evt_1", "evt_2", "evt_3"], force: true)
        let summary = runner.deliver(try runner.plan(selection), selection: selection, dispatcher: dispatcher, recorder: recorder)
        #expect(summary.exitCode == ExitStatus.configuration)
        // None became deliverable by a plain replay: they may already be in the recipients' inboxes.
        #expect(try first.outbox.records(RecordFilter()).allSatisfy { $0.state == .sent })
        #expect(try runner.plan(ReplaySelection()).isEmpty)
    }

    @Test func transientFailuresEndDeferredWithANextAttemptThatReplayWaitsFor() throws {
        let directory = try TemporaryDirectory()
        let transport = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .rejected, reply: SMTPReply(code: 451, enhancedCode: "4.3.0", text: "try later"),
                            stage: .rcptTo, messageFullySent: false)
        }
        let policy = RetryPolicy(attempts: 2, initialDelay: .milliseconds(1), maxDelay: .seconds(600))
        let result = try run((1...5).map { Self.event($0) }, transport: transport, directory: directory, policy: policy)
        #expect(result.summary.deferred == 5 && result.summary.exitCode == ExitStatus.tryAgainLater)
        #expect(transport.totalAttempts == 10)
        let deferred = try result.outbox.records(RecordFilter(states: [.deferred]))
        #expect(deferred.count == 5 && deferred.allSatisfy { $0.nextAttemptAt != nil && $0.lastReply?.code == 451 })
        let runner = ReplayRunner(store: result.outbox, logger: Logger(label: "t"))
        let far = deferred.compactMap(\.nextAttemptAt).min()!
        // Not yet due: a plain replay leaves them; --state deferred takes them all.
        if far > Date().addingTimeInterval(1) { #expect(try runner.plan(ReplaySelection()).isEmpty) }
        #expect(try runner.plan(ReplaySelection(states: [.deferred])).count == 5)
    }
}
