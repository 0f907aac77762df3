import Foundation
import MailroomTesting
import Testing

/// A configuration file holding `smtp.password`: its mistakes are reported by key and line, the
/// password never shown; a password that is not a string is refused; a file others can read is
/// warned about; and the process never dumps core.
@Suite("configuration secrets")
struct ConfigurationSecretTests {
    static let password = "Pw-\(UUID().uuidString.prefix(13))-zq"

    /// The base configuration with a password, and a mistake from `mistake` appended.
    static func config(password line: String, appending extra: String = "") -> String {
        "smtp:\n  url: \"smtp://127.0.0.1:2525\"\n  username: mailer\n\(line)\n\(extra)"
            + "sender:\n  from: \"Example Accounts <accounts@example.com>\"\ntemplates:\n  path: \"\(Workspace.templates)\"\n"
    }

    /// Each with the line its message must name: where libyaml noticed the problem, or the duplicates.
    static let brokenFiles: [(name: String, text: String, line: String)] = [
        ("a duplicate key elsewhere", config(password: "  password: \"\(password)\"", appending: "  username: again\n"), "lines 3, 5"),
        ("a syntax error on the password line", config(password: "  password: \"\(password)\" trailing"), "line 4,"),
        ("an unterminated quote", config(password: "  password: \"\(password)"), "line 6,"),
    ]

    @Test("a YAML error names the file and the line, never the password", arguments: brokenFiles)
    func yamlErrorsHideThePassword(_ broken: (name: String, text: String, line: String)) throws {
        let cli = try ReliabilityCLI.make()
        defer { cli.remove() }
        try cli.write("mailroom.yaml", broken.text)
        let result = try cli.run(["preview", "closure-confirmation", "--verbose"])
        #expect(result.status == 78, "\(broken.name): \(result)")
        #expect(!result.output.contains(Self.password), "\(broken.name): \(result)")
        #expect(result.stderr.contains("mailroom.yaml"), "\(broken.name): \(result)")
        #expect(result.stderr.contains(broken.line), "\(broken.name): \(result)")
        #expect(!result.stderr.contains("configuration error: configuration error"), "\(result)")
    }

    @Test("smtp.password that is a list, a map, a number or ~: exit 78 naming the key, nothing sent",
          arguments: ["[a, b]", "{x: y}", "12345", "~"])
    func nonStringPasswordIsAConfigurationError(value: String) throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let cli = try ReliabilityCLI.make()
        defer { cli.remove() }
        try cli.write("mailroom.yaml", Self.config(password: "  password: \(value)"))
        try cli.write("events.ndjson", TestEvents.closure("evt_pw_type") + "\n")
        let result = try cli.run(["send", "events.ndjson", "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        #expect(result.status == 78, "\(value): \(result)")
        #expect(result.stderr.contains("smtp.password"), "\(result)")
        #expect(server.capturedCount() == 0)
    }

    @Test("a configuration file holding smtp.password readable by others is warned about; 0600 is not")
    func readablePasswordFileIsWarnedAbout() throws {
        let cli = try ReliabilityCLI.make()
        defer { cli.remove() }
        let path = cli.directory.appendingPathComponent("mailroom.yaml").path
        try cli.write("mailroom.yaml", Self.config(password: "  password: \"\(Self.password)\""))
        for (mode, warned) in [(0o644, true), (0o640, true), (0o600, false)] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            let result = try cli.run(["preview", "closure-confirmation"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stderr.contains("chmod 600") == warned, "mode \(String(mode, radix: 8)): \(result)")
            #expect(!result.output.contains(Self.password))
        }
    }

    @Test("core dumps are off: the running process's core size limit is 0, soft and hard")
    func coreDumpsAreDisabled() async throws {
        let workspace = try Workspace()
        // `send -` waits on stdin, so the process is there to look at.
        let running = try workspace.start(["send", "-"], input: .pipe)
        let limits = "/proc/\(running.processIdentifier)/limits"
        var line: String?
        _ = try await eventually {
            line = (try? String(contentsOfFile: limits, encoding: .utf8))?
                .split(separator: "\n").first { $0.hasPrefix("Max core file size") }.map(String.init)
            // Before exec, /proc shows the test runner's limits: wait for the binary itself.
            let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(running.processIdentifier)/exe")
            return exe?.hasSuffix("/mailroom") == true && line?.split(separator: " ").dropFirst(4).prefix(2) == ["0", "0"]
        }
        try running.closeInput()
        let result = await running.wait()
        #expect(result.status == 0, "\(result)")
        let fields = line?.split(separator: " ").map(String.init) ?? []
        #expect(fields.count >= 6 && fields[4] == "0" && fields[5] == "0", "\(line ?? "no limits line")")
    }
}
