import Foundation
import Logging
import Mailroom
import MailroomTesting
import Synchronization
import Testing

/// Records every observer call, for assertions.
final class RecordingObserver: DeliveryObserver {
    struct Finish: Sendable {
        var eventID: String
        var verdict: DeliveryVerdict?
        var disposition: DeliveryDisposition
    }
    let started = Mutex<[String]>([])
    let finished = Mutex<[Finish]>([])
    /// Signalled after each finish, for ``waitForFinishes(_:)``.
    private let progress = NSCondition()

    func willAttempt(_ job: DeliveryJob) -> Bool {
        started.withLock { $0.append(job.eventID) }
        return true
    }
    var recordingFailure: String? { nil }
    func didFinish(_ job: DeliveryJob, attempt: DeliveryAttempt?, verdict: DeliveryVerdict?, disposition: DeliveryDisposition) {
        finished.withLock { $0.append(Finish(eventID: job.eventID, verdict: verdict, disposition: disposition)) }
        progress.lock()
        progress.broadcast()
        progress.unlock()
    }

    /// Blocks until `count` finishes were reported, so that a test moves its clock only once the
    /// dispatcher is done with what came before. False if that does not happen within a minute
    /// (a hang guard, not a timing assertion).
    func waitForFinishes(_ count: Int) -> Bool {
        let guardTime = Date().addingTimeInterval(60)
        progress.lock()
        defer { progress.unlock() }
        while finished.withLock({ $0.count }) < count {
            if !progress.wait(until: guardTime) { return finished.withLock { $0.count } >= count }
        }
        return true
    }

    func disposition(of eventID: String) -> DeliveryDisposition? {
        finished.withLock { $0.last { $0.eventID == eventID }?.disposition }
    }
    func finalDispositions() -> [String: DeliveryDisposition] {
        finished.withLock { list in
            Dictionary(list.filter(\.disposition.isFinal).map { ($0.eventID, $0.disposition) }, uniquingKeysWith: { _, b in b })
        }
    }
}

@Suite struct DeliveryDispatcherTests {
    static func job(_ n: Int) -> DeliveryJob {
        let message = ComposedMessage(envelope: Envelope(sender: "a@example.com", recipients: ["r\(n)@example.com"]),
                                      messageID: "<m\(n)@example.com>", bytes: Array("Subject: \(n)\r\n\r\nbody\r\n".utf8))
        return DeliveryJob(eventID: "evt_\(n)", message: message, storedAt: clockStart)
    }

    static let clockStart = Date(timeIntervalSince1970: 1_796_000_000)

    static let fast = RetryPolicy(attempts: 3, initialDelay: .milliseconds(2), maxDelay: .milliseconds(10), lifetime: .seconds(3600))

    /// A run on a manual clock: retries come due without real waiting.
    func run(_ transport: InMemoryTransport, jobs: Int, connections: Int = 4, policy: RetryPolicy = fast,
             observer: RecordingObserver = RecordingObserver()) -> (RecordingObserver, String?) {
        let dispatcher = DeliveryDispatcher(transport: transport, connections: connections, policy: policy,
                                            observer: observer, logger: Logger(label: "test"),
                                            clock: ManualTestClock(Self.clockStart), generator: SeededGenerator(seed: 42))
        dispatcher.start()
        for n in 0..<jobs { dispatcher.submit(Self.job(n)) }
        return (observer, dispatcher.finish())
    }

    @Test func deliversEveryMessageOnceOverSeveralConnections() {
        let transport = InMemoryTransport()
        let (observer, stop) = run(transport, jobs: 500, connections: 4)
        #expect(stop == nil)
        #expect(transport.deliveries.count == 500)
        #expect(Set(transport.deliveries.map(\.envelope.recipients)).count == 500)
        #expect(transport.connectionsMade == 4)
        #expect(Set(transport.deliveries.map(\.connection)).count > 1)
        #expect(observer.finalDispositions().values.allSatisfy { $0 == .sent })
    }

    @Test func transientFailureIsRetriedWithinTheRunThenSucceeds() {
        let transport = InMemoryTransport { message, attempt in
            attempt < 3
                ? DeliveryAttempt(failure: .rejected, reply: SMTPReply(code: 451, text: "later"), stage: .rcptTo, messageFullySent: false)
                : .sent(reply: SMTPReply(code: 250, text: "ok"))
        }
        let (observer, _) = run(transport, jobs: 20)
        #expect(transport.deliveries.count == 20)
        #expect(transport.totalAttempts == 60)
        #expect(observer.finalDispositions().values.allSatisfy { $0 == .sent })
    }

    @Test func transientFailureBeyondTheAttemptsIsDeferredWithANextTime() {
        let transport = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .rejected, reply: SMTPReply(code: 451, text: "later"), stage: .rcptTo, messageFullySent: false)
        }
        let (observer, _) = run(transport, jobs: 5)
        #expect(transport.totalAttempts == 15)
        for disposition in observer.finalDispositions().values {
            guard case .deferred(let until) = disposition else { Issue.record("\(disposition)"); continue }
            #expect(until > Self.clockStart)
        }
    }

    @Test func permanentFailureIsTriedOnce() {
        let transport = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .rejected, reply: SMTPReply(code: 550, text: "no such user"), stage: .rcptTo, messageFullySent: false)
        }
        let (observer, _) = run(transport, jobs: 10)
        #expect(transport.totalAttempts == 10)
        #expect(observer.finalDispositions().values.allSatisfy { $0 == .failed })
    }

    @Test func uncertainIsNeverRetried() {
        let transport = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .timedOut, reply: nil, stage: .endOfData, messageFullySent: true)
        }
        // Fewer than the circuit breaker's threshold (2 x 4 connections): every one is attempted.
        let (observer, _) = run(transport, jobs: 6)
        #expect(transport.totalAttempts == 6)
        #expect(observer.finalDispositions().values.allSatisfy { $0 == .uncertain })
    }

    @Test func configurationErrorStopsTheRun() {
        let transport = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .loginDenied, reply: SMTPReply(code: 535, enhancedCode: "5.7.8", text: "bad credentials"),
                            stage: .auth, messageFullySent: false)
        }
        let (observer, stop) = run(transport, jobs: 300, connections: 2)
        #expect(stop?.contains("535") == true)
        // At most one attempt per connection before the stop is seen; every job is accounted for.
        #expect(transport.totalAttempts <= 2)
        #expect(observer.finalDispositions().count == 300)
    }

    @Test func unreachableRelayDefersTheRestWithoutHammering() {
        let transport = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .couldNotConnect, reply: nil, stage: .connect, messageFullySent: false)
        }
        let (observer, stop) = run(transport, jobs: 200, connections: 2)
        #expect(stop == nil)
        #expect(transport.totalAttempts < 20)
        let finals = observer.finalDispositions()
        #expect(finals.count == 200)
        #expect(finals.values.allSatisfy { if case .deferred = $0 { true } else { false } })
    }

    /// A relay that accepts connections and then stops answering costs a reply timeout per
    /// attempt: after a few in a row the rest is deferred without attempts.
    @Test(arguments: [SMTPStage.greeting, .rcptTo, .endOfData])
    func stallingRelayDefersTheRestWithoutHammering(stage: SMTPStage) {
        let transport = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .timedOut, reply: nil, stage: stage, messageFullySent: stage == .endOfData)
        }
        let (observer, stop) = run(transport, jobs: 200, connections: 2)
        #expect(stop == nil)
        #expect(transport.totalAttempts < 20, "\(transport.totalAttempts) attempts")
        let finals = observer.finalDispositions()
        #expect(finals.count == 200)
        let deferred = finals.values.filter { if case .deferred = $0 { true } else { false } }.count
        #expect(deferred >= 180, "\(finals.values)")
    }

    /// A stop by signal: the attempt in flight is given up before its data (the in-memory
    /// transport answers before it asks); the waiting jobs, and those submitted later, are not
    /// attempted; it is not a configuration error.
    @Test func interruptGivesUpBeforeTheDataAndAttemptsNoMore() {
        final class Box: @unchecked Sendable {
            // @unchecked: set once before the first submit, read by the one worker.
            var dispatcher: DeliveryDispatcher?
        }
        let box = Box()
        let transport = InMemoryTransport { _, _ in
            box.dispatcher?.interrupt("stopped by SIGTERM")
            return .sent(reply: SMTPReply(code: 250, text: "ok"))
        }
        let observer = RecordingObserver()
        let dispatcher = DeliveryDispatcher(transport: transport, connections: 1, policy: Self.fast, observer: observer,
                                            logger: Logger(label: "test"))
        box.dispatcher = dispatcher
        dispatcher.start()
        for n in 0..<50 { dispatcher.submit(Self.job(n)) }
        let stop = dispatcher.finish()
        #expect(stop == nil)
        #expect(transport.totalAttempts == 1)
        #expect(transport.deliveries.isEmpty)
        #expect(observer.started.withLock { $0 }.isEmpty, "an attempt was journaled as started")
        let finals = observer.finalDispositions()
        #expect(finals.count == 50)
        #expect(finals.values.allSatisfy { $0 == .notAttempted(reason: "stopped by SIGTERM") })
    }
}
