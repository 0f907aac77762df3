import Foundation
import Mailroom
import Testing

/// Throughput figures, printed rather than asserted; run with `MAILROOM_OUTBOX_BENCH=1`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["MAILROOM_OUTBOX_BENCH"] != nil))
struct OutboxBenchmarkTests {
    @Test(arguments: Outbox.SyncMode.allCases)
    func storeThroughput(_ mode: Outbox.SyncMode) throws {
        for batchSize in [1, 32, 256] {
            let dir = try TemporaryDirectory()
            let outbox = try Outbox(path: dir.outboxPath, syncMode: mode)
            let count = batchSize == 1 ? 256 : 1024
            let messages = (0..<count).map { OutboxFixtures.message("evt_\($0)") }
            let elapsed = try ContinuousClock().measure {
                for start in stride(from: 0, to: count, by: batchSize) {
                    _ = try outbox.store(Array(messages[start..<min(start + batchSize, count)]))
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("outbox bench: mode=\(mode) batch=\(batchSize) messages=\(count) \(Int(Double(count) / seconds)) msg/s")
            #expect(try outbox.records().count == count)
        }
    }

    @Test func listingTenThousand() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath, syncMode: .filesystem)
        let count = 10_000
        for start in stride(from: 0, to: count, by: 256) {
            _ = try outbox.store((start..<min(start + 256, count)).map { OutboxFixtures.message("evt_\($0)") })
        }
        let clock = ContinuousClock()
        var records: [MessageRecord] = []
        let list = try clock.measure { records = try outbox.records() }
        let status = try clock.measure { _ = try outbox.status() }
        let recover = try clock.measure { _ = try outbox.recover() }
        let one = try clock.measure { _ = try outbox.record(eventID: "evt_5000") }
        print("outbox bench: 10k records() \(list), status() \(status), recover() \(recover), record(eventID:) \(one)")
        #expect(records.count == count)
    }
}
