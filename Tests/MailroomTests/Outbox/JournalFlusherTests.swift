import Foundation
import Testing

@testable import Mailroom

/// The group-commit flusher: written records are flushed by its thread, `finish` waits for it and
/// leaves nothing pending, from any number of writer threads, and may be called again.
@Suite struct JournalFlusherTests {
    @Test func finishAfterConcurrentWritersCompletesAndIsRepeatable() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        let flusher = JournalFlusher(outbox: outbox)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<500 { flusher.written() }
        }
        try flusher.finish()
        try flusher.finish()
        // Writes after finish are flushed by the next finish, not by a new thread.
        flusher.written()
        try flusher.finish()
    }

    @Test func recordsWrittenWithoutSyncReadBackAfterFinish() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        _ = try outbox.store(OutboxFixtures.message("evt_flush"))
        let claim = try #require(try outbox.claim(eventID: "evt_flush"))
        let flusher = JournalFlusher(outbox: outbox)
        try outbox.beginAttempt(claim)
        try outbox.recordAttempt(
            claim, result: AttemptRecord(duration: .milliseconds(3), reply: SMTPReply(code: 250, enhancedCode: "2.0.0", text: "Ok"),
                                         classification: "sent"),
            newState: .sent, nextAttemptAt: nil, sync: false)
        flusher.written()
        claim.release()
        try flusher.finish()
        #expect(try outbox.journal(eventID: "evt_flush").last?.state == .sent)
    }
}
