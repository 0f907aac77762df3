import Foundation
import MailroomTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Messages kept for later (`held`, `deferred`) and delivered by `mailroom replay`.
@Suite("held and deferred messages are delivered by replay, once")
struct ReplayTests {
    @Test("with no SMTP URL messages are held; replay --dry-run sends nothing; replay delivers each once")
    func heldThenReplayed() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let workspace = try Workspace()
        let events = TestEvents.make(6, prefix: "evt_held")
        let file = try workspace.write("events.ndjson", events.ndjson)
        let url = "smtp://127.0.0.1:\(server.port)"

        let send = try await workspace.run(["send", file])
        #expect(send.status == 0, "\(send)")
        #expect(send.stderr.contains("mailroom replay --smtp-url"), "no hint how to deliver: \(send)")
        let held = try await workspace.list()
        #expect(held.count == 6)
        #expect(held.allSatisfy { $0.state == "held" })

        let dryRun = try await workspace.run(["replay", "--smtp-url", url, "--dry-run"])
        #expect(dryRun.status == 0, "\(dryRun)")
        #expect(Set(dryRun.stdoutLines.compactMap { $0.split(separator: "\t").first.map(String.init) }) == Set(events.ids))
        #expect(server.capturedCount() == 0, "--dry-run delivered something")
        #expect(try await workspace.list().allSatisfy { $0.state == "held" })

        let replay = try await workspace.run(["replay", "--smtp-url", url])
        #expect(replay.status == 0, "\(replay)")
        let counts = try server.capturedCountsByMessageID()
        for record in try await workspace.list() {
            #expect(record.state == "sent", "\(record.eventId)")
            #expect(counts[record.messageId] == 1, "\(record.eventId) captured \(counts[record.messageId] ?? 0) times")
        }

        let again = try await workspace.run(["replay", "--smtp-url", url])
        #expect(again.status == 0, "\(again)")
        #expect(server.capturedCount() == 6, "a second replay resent a sent message")
    }

    @Test("relay down: exit 75, every message deferred with a next attempt; replay --state deferred delivers each once")
    func deferredWhileRelayIsDownThenFlushed() async throws {
        let workspace = try Workspace()
        // More messages than the dispatcher's circuit breaker lets through (2 x connections).
        let events = TestEvents.make(8, prefix: "evt_down")
        let file = try workspace.write("events.ndjson", events.ndjson)

        let port = try unusedPort()
        let send = try await workspace.run(["send", "--smtp-url", "smtp://127.0.0.1:\(port)", file])
        #expect(send.status == 75, "\(send)")
        let deferred = try await workspace.list()
        #expect(deferred.count == 8)
        for record in deferred {
            #expect(record.state == "deferred", "\(record.eventId)")
            #expect(record.nextAttemptAt != nil, "\(record.eventId) is deferred without a next attempt time")
        }
        #expect(try await workspace.status().nextRetryAt != nil)

        let server = try TestServer.capture()
        defer { server.stop() }
        let replay = try await workspace.run(["replay", "--state", "deferred", "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        #expect(replay.status == 0, "\(replay)")
        let counts = try server.capturedCountsByMessageID()
        #expect(server.capturedCount() == 8)
        for record in try await workspace.list() {
            #expect(record.state == "sent", "\(record.eventId)")
            #expect(counts[record.messageId] == 1, "\(record.eventId) captured \(counts[record.messageId] ?? 0) times")
        }
    }
}

/// A loopback port nothing listens on: bound by the kernel's choice, then closed.
func unusedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw WorkspaceError(description: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
        }
    }
    guard bound else { throw WorkspaceError(description: "bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
