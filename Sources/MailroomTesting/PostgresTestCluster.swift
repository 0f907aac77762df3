import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL cluster for the tests: Debian's `initdb` and `pg_ctl`, run as an
/// unprivileged user (`nobody` when the tests run as root) in a temporary directory, listening
/// on a free loopback port with password (SCRAM) authentication.
///
/// One cluster per test process, started on first use and stopped when the process exits.
/// A cluster left behind by a test process that was killed is stopped and removed by the next
/// one: each records its owner's pid in its directory.
public final class PostgresTestCluster: Sendable {
    public let directory: String
    public let port: Int
    public let user = "mailroom"
    /// The password of `user`, given to Mailroom as `MAILROOM_OUTBOX_PASSWORD` or `PGPASSWORD`.
    public let password: String
    public let database = "mailroom"
    let binaries: String
    let runAs: String?

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The cluster of this test process.
    public static var shared: PostgresTestCluster {
        get throws {
            switch started {
            case .success(let cluster): return cluster
            case .failure(let error): throw error
            }
        }
    }

    private static let started: Result<PostgresTestCluster, Failure> = {
        do {
            let cluster = try PostgresTestCluster()
            running = cluster
            atexit { PostgresTestCluster.running?.stop() }
            return .success(cluster)
        } catch let error as Failure {
            return .failure(error)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    nonisolated(unsafe) private static var running: PostgresTestCluster?

    /// `postgresql://mailroom@127.0.0.1:PORT/mailroom?schema=SCHEMA`.
    public func url(schema: String = "mailroom") -> String {
        "postgresql://\(user)@127.0.0.1:\(port)/\(database)" + (schema == "mailroom" ? "" : "?schema=\(schema)")
    }

    /// A schema name no other test uses.
    public static func freshSchema() -> String {
        "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
    }

    /// A cluster of its own, for a test that restarts or stops the server (the shared one
    /// serves tests running at the same time); call ``stop()`` when done.
    public init() throws {
        binaries = Self.findBinaries()
        runAs = geteuid() == 0 ? "nobody" : nil
        Self.removeLeftovers()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-pg-\(getpid())-\(UUID().uuidString.prefix(8))").path
        password = UUID().uuidString
        port = try Self.freePort()
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        try "\(getpid())\n".write(toFile: directory + "/owner.pid", atomically: true, encoding: .utf8)
        try password.write(toFile: directory + "/password", atomically: true, encoding: .utf8)
        chmod(directory, 0o755)
        chmod(directory + "/data", 0o700)
        if runAs != nil {
            for path in [directory, directory + "/data", directory + "/password"] { chown(path, 65534, 65534) }
        }
        try run("initdb", ["-D", directory + "/data", "-U", user, "--pwfile=\(directory)/password",
                           "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-instructions"])
        let options = "-c listen_addresses=127.0.0.1 -c port=\(port) -c unix_socket_directories=\(directory) "
            + "-c max_connections=300 -c fsync=off -c full_page_writes=off -c shared_buffers=32MB"
        try run("pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-o", options, "-w", "-t", "60", "start"])
        try run("createdb", ["-h", directory, "-p", "\(port)", "-U", user, database])
    }

    /// Runs one of the cluster's programs as the cluster's user; throws with its output on failure.
    ///
    /// posix_spawn and waitpid rather than Foundation's Process: Process learns of its child's
    /// exit on a Dispatch queue, which tests that block Dispatch's threads (the first users of
    /// the cluster wait for it to start) can starve, so that the wait never returned.
    @discardableResult
    public func run(_ program: String, _ arguments: [String]) throws -> String {
        // From `/` (the cluster's user may not enter the test's working directory), and with no
        // descriptor but 0-2: the server `pg_ctl start` leaves running would otherwise keep
        // whatever the test process had open, such as the stdin pipes that end its SMTP servers.
        let script = #"cd / && for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done; exec "$@""#
        let inRoot = ["/bin/bash", "-c", script, "bash", binaries + "/" + program]
        let argv = runAs.map { ["runuser", "-u", $0, "--"] + inRoot } ?? inRoot
        return try Self.spawn(runAs == nil ? "/bin/bash" : "/usr/sbin/runuser", argv + arguments)
    }

    static func spawn(_ executable: String, _ arguments: [String]) throws -> String {
        // A file, not a pipe: the server `pg_ctl start` leaves running would hold a pipe open.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-pgrun-\(UUID().uuidString)").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, &pointers, environ)
        guard spawned == 0 else {
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw Failure(description: "\(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }

    /// `psql` as the cluster's superuser over its Unix socket, for what a test does outside Mailroom
    /// (an application's transaction, an operator's query). Returns the unaligned, tuples-only output.
    @discardableResult
    public func psql(_ sql: String, database: String? = nil) throws -> String {
        try run("psql", ["-h", directory, "-p", "\(port)", "-U", user, "-d", database ?? self.database, "-X", "-q",
                         "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
    }

    /// Restarts the server (`pg_ctl restart -m fast`): every connection is dropped.
    public func restart() throws {
        try run("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "-t", "60", "restart"])
    }

    public func stop() {
        _ = try? run("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func findBinaries() -> String {
        let candidates = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/pg_ctl") } ?? candidates[0]
    }

    /// Stops and removes the clusters of test processes that are gone.
    static func removeLeftovers() {
        let temp = FileManager.default.temporaryDirectory.path
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temp)) ?? [] where name.hasPrefix("mailroom-pg-") {
            let path = temp + "/" + name
            let owner = (try? String(contentsOfFile: path + "/owner.pid", encoding: .utf8))
                .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let owner, kill(owner, 0) == 0 || errno == EPERM { continue }
            if let text = try? String(contentsOfFile: path + "/data/postmaster.pid", encoding: .utf8),
               let pid = text.split(separator: "\n").first.flatMap({ pid_t($0) }) {
                kill(pid, SIGQUIT)
                for _ in 0..<50 where kill(pid, 0) == 0 { usleep(100_000) }
            }
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) == 0 && getsockname(fd, $0, &size) == 0 }
        }
        guard bound else { throw Failure(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
