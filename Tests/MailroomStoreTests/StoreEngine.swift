import Foundation
import Mailroom
import MailroomPostgres
import MailroomSQLite
import MailroomTesting
import Testing

/// One engine under the conformance suite: how to open a store, and a second one on the same
/// data, as another process (or host) would.
struct StoreEngine: Sendable, CustomTestStringConvertible {
    let name: String
    let open: @Sendable (_ place: TemporaryDirectory, _ clock: ManualTestClock) throws -> any OutboxStore

    var testDescription: String { name }

    static let sqlite = StoreEngine(name: "sqlite") { place, clock in
        try SQLiteOutboxStore(directory: place.outboxPath, busyTimeout: 5, clock: clock.closure)
    }

    /// A schema of its own per test in the test process's cluster, named after the test's
    /// directory, so that a second open of the same place reaches the same tables.
    static let postgres = StoreEngine(name: "postgres") { place, clock in
        let cluster = try PostgresTestCluster.shared
        let location = try PostgresLocation(url: cluster.url(schema: schema(for: place)))
        return try PostgresOutboxStore(url: location, password: cluster.password, connections: 4, clock: clock.closure)
    }

    static func schema(for place: TemporaryDirectory) -> String {
        let name = (place.path as NSString).lastPathComponent.lowercased().filter { $0.isHexDigit }
        return "t_" + String(name.suffix(24))
    }

    static let all: [StoreEngine] = [.sqlite, .postgres]
}

/// Lease owners for tests: alive or dead, on this host or another.
enum Owners {
    /// Another host's owner: alive for as long as its lease has not expired.
    static func remote(_ name: String) -> LeaseOwner { LeaseOwner(id: "\(name).elsewhere.test/42/7") }

    /// A process on this host that has exited (its pid reaped).
    static func dead() throws -> LeaseOwner {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return LeaseOwner(id: "\(LeaseOwner.hostName)/\(process.processIdentifier)/1")
    }

    /// This process's pid with another start time: a process that reused a dead one's pid.
    static let reusedPid = LeaseOwner(id: "\(LeaseOwner.hostName)/\(getpid())/1")
}

extension NewMessage {
    /// The fixture message with another recipient and type, for filters.
    func to(_ recipient: String, type: String = "account.closed") -> NewMessage {
        var copy = self
        copy.composed.envelope.recipients = [recipient]
        copy.eventType = type
        return copy
    }
}
