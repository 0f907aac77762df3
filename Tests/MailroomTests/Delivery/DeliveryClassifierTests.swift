import Foundation
import Mailroom
import MailroomTesting
import Testing

@Suite struct DeliveryClassifierTests {
    static func attempt(_ failure: TransportFailure?, _ code: Int? = nil, at stage: SMTPStage, fullySent: Bool = false) -> DeliveryAttempt {
        DeliveryAttempt(failure: failure, reply: code.map { SMTPReply(code: $0, text: "reply") }, stage: stage,
                        messageFullySent: fullySent)
    }

    static let table: [(DeliveryAttempt, DeliveryVerdict)] = [
        (.sent(reply: SMTPReply(code: 250, text: "ok")), .sent),
        (attempt(.rejected, 421, at: .greeting), .transient),
        (attempt(.rejected, 451, at: .rcptTo), .transient),
        (attempt(.rejected, 550, at: .rcptTo), .permanent),
        (attempt(.rejected, 552, at: .rcptTo), .transient),  // RFC 5321: 552 at RCPT is 452
        (attempt(.rejected, 552, at: .endOfData, fullySent: true), .permanent),
        (attempt(.rejected, 451, at: .endOfData, fullySent: true), .transient),
        (attempt(.rejected, 554, at: .greeting), .configuration),
        (attempt(.loginDenied, 535, at: .auth), .configuration),
        (attempt(.rejected, 454, at: .auth), .transient),
        (attempt(.rejected, 530, at: .mailFrom), .configuration),
        (attempt(.tlsNotTrusted, at: .connect), .configuration),
        (attempt(.startTLSUnavailable, at: .starttls), .configuration),
        (attempt(.couldNotConnect, at: .connect), .transient),
        (attempt(.timedOut, at: .data), .transient),
        (attempt(.timedOut, at: .endOfData, fullySent: true), .uncertain),
        (attempt(.connectionLost, at: .endOfData, fullySent: true), .uncertain),
        (attempt(.connectionLost, at: .rcptTo), .transient),
        (attempt(.local("bad address"), at: .mailFrom), .permanent),
        // The same for every message on the relay: stop the run rather than fail each one.
        (attempt(.tlsSetupFailed, at: .connect), .configuration),
        (attempt(.authenticationRequired, 554, at: .rcptTo), .configuration),
        (attempt(.encryptionRequired, 530, at: .mailFrom), .configuration),
        (DeliveryAttempt(failure: .rejected, reply: SMTPReply(code: 553, enhancedCode: "5.7.1", text: "Sender address rejected"),
                         stage: .mailFrom, messageFullySent: false), .configuration),
        (DeliveryAttempt(failure: .rejected, reply: SMTPReply(code: 554, enhancedCode: "5.7.1", text: "Recipient address rejected"),
                         stage: .rcptTo, messageFullySent: false), .permanent),
        (DeliveryAttempt(failure: .rejected, reply: SMTPReply(code: 550, enhancedCode: "5.1.0", text: "Sender unknown"),
                         stage: .mailFrom, messageFullySent: false), .permanent),
        // A stale 354 beside a timeout is not a reply to trust: the timeout decides.
        (attempt(.timedOut, 354, at: .endOfData, fullySent: true), .uncertain),
    ]

    @Test(arguments: table.indices)
    func classifies(_ index: Int) {
        let (attempt, expected) = Self.table[index]
        #expect(DeliveryClassifier.verdict(for: attempt) == expected, "\(attempt)")
    }

    @Test func explanationNamesReplyAndStage() {
        let text = DeliveryClassifier.explanation(for: Self.attempt(.rejected, 550, at: .rcptTo))
        #expect(text == "permanent: 550 reply (at rcpt)")
    }
}

@Suite struct RetryPolicyTests {
    @Test func backoffCeilingDoublesUpToTheCap() {
        let policy = RetryPolicy(attempts: 3, initialDelay: .seconds(1), maxDelay: .seconds(10), lifetime: .seconds(3600))
        #expect(policy.ceiling(afterFailure: 1) == .seconds(1))
        #expect(policy.ceiling(afterFailure: 2) == .seconds(2))
        #expect(policy.ceiling(afterFailure: 4) == .seconds(8))
        #expect(policy.ceiling(afterFailure: 5) == .seconds(10))
        #expect(policy.ceiling(afterFailure: 500) == .seconds(10))
    }

    @Test func fullJitterStaysWithinTheCeilingAndSpreads() {
        let policy = RetryPolicy(attempts: 3, initialDelay: .seconds(1), maxDelay: .seconds(60), lifetime: .seconds(3600))
        var generator = SeededGenerator(seed: 7)
        let delays = (0..<1000).map { _ in policy.delay(afterFailure: 4, using: &generator).seconds }
        #expect(delays.allSatisfy { $0 >= 0 && $0 <= 8 })
        #expect(delays.min()! < 1 && delays.max()! > 7)
    }

    @Test func retriesInRunThenDefersThenGivesUp() throws {
        let policy = RetryPolicy(attempts: 2, initialDelay: .seconds(1), maxDelay: .seconds(60), lifetime: .seconds(3600))
        var generator = SeededGenerator(seed: 1)
        let stored = Date(timeIntervalSince1970: 1_000_000)
        let first = policy.decision(attemptsThisRun: 1, totalFailures: 1, storedAt: stored, now: stored, using: &generator)
        guard case .retry = first else { Issue.record("expected retry, got \(first)"); return }
        let second = policy.decision(attemptsThisRun: 2, totalFailures: 2, storedAt: stored, now: stored, using: &generator)
        guard case .deferUntil(let next) = second else { Issue.record("expected defer, got \(second)"); return }
        #expect(next > stored)
        let late = policy.decision(attemptsThisRun: 1, totalFailures: 9, storedAt: stored,
                                   now: stored.addingTimeInterval(3600), using: &generator)
        #expect(late == .giveUp)
    }
}

