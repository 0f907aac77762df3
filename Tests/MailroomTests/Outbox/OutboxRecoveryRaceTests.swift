import Foundation
import Glibc
import Mailroom
import Testing

/// Found by scripts/crash-loop.sh: a writer creates its `tmp/` directory and only then locks it,
/// and a recovery (another `mailroom` starting up) running in that gap deleted the live
/// writer's directory, so the event could not be stored. Recovery now also spares entries whose
/// writer process is still running.
@Suite struct OutboxRecoveryRaceTests {
    /// A child process that stays alive until stopped: a pid that is running and not ours.
    static func liveChild() throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["60"]
        try process.run()
        return process
    }

    @Test func unlockedEntryOfARunningWriterIsKept() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        let child = try Self.liveChild()
        let tmp = "\(dir.outboxPath)/tmp"
        let name = "\(child.processIdentifier)-0123abcd"
        // Created, not yet locked: the moment the writer is between mkdir and flock.
        try FileManager.default.createDirectory(atPath: "\(tmp)/\(name)", withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: "\(tmp)/\(name)/message.eml", contents: Data("half".utf8)))

        let whileRunning = try outbox.recover()
        #expect(whileRunning.removedTemporary.isEmpty)
        #expect(OutboxFixtures.entries(tmp) == [name])

        // SIGKILL: the test runner's children may inherit a mask that blocks SIGTERM.
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        let afterExit = try outbox.recover()
        #expect(afterExit.removedTemporary == [name])
        #expect(OutboxFixtures.entries(tmp).isEmpty)
    }
}
