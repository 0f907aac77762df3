import Foundation
import Glibc
import Mailroom
import Synchronization
import Testing

@Suite struct OutboxStoreTests {
    @Test(arguments: Outbox.SyncMode.allCases)
    func storedMessageReadsBackExactly(_ mode: Outbox.SyncMode) throws {
        let dir = try TemporaryDirectory()
        let clock = ManualTestClock()
        let outbox = try Outbox(path: dir.outboxPath, syncMode: mode, clock: clock.closure)
        let message = OutboxFixtures.message("evt_01HZX3K9", state: .held)
        #expect(try outbox.store(message) == .stored(eventID: "evt_01HZX3K9", key: "evt_01HZX3K9"))

        #expect(try outbox.messageBytes(eventID: "evt_01HZX3K9") == message.composed.bytes)
        #expect(try outbox.sourceEvent(eventID: "evt_01HZX3K9") == message.sourceEvent)
        let files = "\(dir.outboxPath)/messages/evt_01HZX3K9"
        #expect(OutboxFixtures.contents("\(files)/message.eml") == message.composed.bytes)
        #expect(OutboxFixtures.contents("\(files)/event.json") == message.sourceEvent)

        let meta = try outbox.meta(eventID: "evt_01HZX3K9")
        #expect(meta.envelope == message.composed.envelope)
        #expect(meta.messageID == "<evt_01HZX3K9@mail.example.com>")
        #expect(meta.locale == "de-DE" && meta.template == "retention-notice" && meta.createdAt == clock.now)
        let record = try #require(try outbox.record(eventID: "evt_01HZX3K9"))
        #expect(record.state == .held && record.attempts == 0 && record.recipients == ["ada@example.com"])
        #expect(try outbox.record(eventID: "evt_other") == nil)
        #expect(OutboxFixtures.entries("\(dir.outboxPath)/tmp").isEmpty)
    }

    @Test func filesAre0600AndDirectories0700() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        _ = try outbox.store(OutboxFixtures.message("evt_1"))
        try outbox.recordRejected(source: "-", line: 1, eventID: nil, problems: ["bad"], raw: Array("{".utf8))
        try outbox.recordDuplicate(eventID: "evt_1", source: "-", line: 2)
        let root = dir.outboxPath
        for directory in [root, "\(root)/messages", "\(root)/tmp", "\(root)/quarantine", "\(root)/messages/evt_1"] {
            #expect(OutboxFixtures.mode(directory) == 0o700, "\(directory)")
        }
        let files = ["message.eml", "event.json", "meta.json", "journal.ndjson"].map { "\(root)/messages/evt_1/\($0)" }
        for file in files + ["\(root)/rejected.ndjson", "\(root)/duplicates.ndjson"] {
            #expect(OutboxFixtures.mode(file) == 0o600, "\(file)")
        }
    }

    @Test(arguments: [0o777 as mode_t, 0o770, 0o702])
    func refusesOutboxWritableByOthers(_ mode: mode_t) throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.outboxPath, withIntermediateDirectories: false)
        chmod(dir.outboxPath, mode)
        let error = #expect(throws: OutboxError.self) { try Outbox(path: dir.outboxPath) }
        #expect(error?.code == .unsafeDirectory)
        #expect(error?.message.contains(dir.outboxPath) == true)
    }

    @Test func refusesSymlinkedOutbox() throws {
        let dir = try TemporaryDirectory()
        _ = try Outbox(path: "\(dir.path)/real")
        #expect(symlink("\(dir.path)/real", dir.outboxPath) == 0)
        let error = #expect(throws: OutboxError.self) { try Outbox(path: dir.outboxPath) }
        #expect(error?.code == .unsafeDirectory)
    }

    @Test func missingOutboxIsNotCreatedWhenAskedNotTo() throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: OutboxError.self) { try Outbox(path: dir.outboxPath, create: false) }
        #expect(error?.errno == ENOENT)
    }

    @Test func duplicatesAcrossCallsAndInstancesAreDetected() throws {
        let dir = try TemporaryDirectory()
        let first = try Outbox(path: dir.outboxPath)
        #expect(try first.store(OutboxFixtures.message("evt_1")).isDuplicate == false)
        #expect(try first.store(OutboxFixtures.message("evt_1", source: "in.ndjson", line: 7)).isDuplicate)
        // A second run: a fresh instance on the same directory.
        let second = try Outbox(path: dir.outboxPath)
        let results = try second.store([
            OutboxFixtures.message("evt_2"), OutboxFixtures.message("evt_1"), OutboxFixtures.message("evt_2"),
        ])
        #expect(results.map(\.isDuplicate) == [false, true, true])
        #expect(try second.status().duplicates == 1)
        let line = try #require(String(bytes: OutboxFixtures.contents("\(dir.outboxPath)/duplicates.ndjson") ?? [], encoding: .utf8))
        #expect(line.contains(#""event_id":"evt_1""#) && line.contains(#""line":7"#) && line.contains(#""source":"in.ndjson""#))
        #expect(try second.records().map(\.eventID).sorted() == ["evt_1", "evt_2"])
    }

    @Test func racingInstancesStoreEachIDExactlyOnce() throws {
        let dir = try TemporaryDirectory()
        let path = dir.outboxPath
        _ = try Outbox(path: path)
        let ids = (0..<120).map { "evt_race_\($0)" }
        let stored = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            do {
                let outbox = try Outbox(path: path, syncMode: worker % 2 == 0 ? .eachFile : .filesystem)
                // Different batch sizes and orders so the racers interleave differently.
                let order = worker % 2 == 0 ? ids : ids.reversed()
                for start in stride(from: 0, to: order.count, by: worker + 1) {
                    let batch = order[start..<min(start + worker + 1, order.count)].map { OutboxFixtures.message($0) }
                    for case .stored(let id, _) in try outbox.store(batch) {
                        stored.withLock { $0.append(id) }
                    }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(stored.withLock { $0.sorted() } == ids.sorted())
        #expect(OutboxFixtures.entries("\(path)/tmp").isEmpty)
        #expect(try Outbox(path: path).records().count == ids.count)
    }

    @Test func rejectedLinesAreRecordedWithABoundedExcerpt() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        let raw = Array(repeating: UInt8(ascii: "x"), count: 10_000)
        try outbox.recordRejected(source: "events.ndjson", line: 3, eventID: "evt_9", problems: ["type: unknown"], raw: raw)
        try outbox.recordRejected(source: "-", line: 4, eventID: nil, problems: ["not JSON"], raw: [0xFF, 0x7B])
        let bytes = try #require(OutboxFixtures.contents("\(dir.outboxPath)/rejected.ndjson"))
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.count < 4096 })
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0])) as? [String: Any])
        #expect(first["event_id"] as? String == "evt_9" && first["line"] as? Int == 3 && first["bytes"] as? Int == 10_000)
        #expect((first["excerpt"] as? String)?.count == Outbox.rejectedExcerptLimit)
        #expect(first["problems"] as? [String] == ["type: unknown"])
        #expect(try outbox.status().rejected == 2)
    }
}
