import Foundation
import MailroomTesting
import Testing

/// Issue 5 part 5: the SMTP password never leaves the process except in the AUTH exchange, and
/// the outbox is private and follows no symlink.
@Suite struct SecretsAndFilesTests {
    /// A password no other text contains, and the forms a careless log line would show it in.
    struct Secret {
        let user = "mailer"
        let password = "Pw-\(UUID().uuidString.prefix(13))-zq"

        /// The password as-is, AUTH PLAIN's base64 blob, and the password alone in base64 (AUTH LOGIN).
        var forms: [String] {
            [password, Data("\0\(user)\0\(password)".utf8).base64EncodedString(), Data(password.utf8).base64EncodedString()]
        }

        func leaks(in text: String) -> [String] { forms.filter { text.contains($0) } }
    }

    /// Every byte of every file under `directory` (the outbox), as one text.
    static func allFileText(_ directory: URL) -> String {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return "" }
        var text = ""
        for case let url as URL in walker {
            if let data = try? Data(contentsOf: url) { text += String(decoding: data, as: UTF8.self) + "\n" }
        }
        return text
    }

    /// Runs the commands an operator would run after `send`, and returns everything they printed.
    static func inspectionOutput(_ cli: ReliabilityCLI, eventID: String) throws -> String {
        var text = ""
        for arguments in [["outbox", "show", eventID, "--json"], ["outbox", "show", eventID], ["outbox", "list", "--json"],
                          ["outbox", "status", "--json"], ["replay", "--dry-run", "--verbose"],
                          ["preview", "closure-confirmation", "--format", "raw", "--verbose"],
                          ["preview", "--event", "event.json", "--format", "headers", "--verbose"]]
        {
            let result = try cli.run(arguments)
            text += result.output
        }
        return text
    }

    @Test(arguments: [true, false])
    func passwordNeverLeaks(loginSucceeds: Bool) throws {
        let secret = Secret()
        let server = try TestServer.capture(["--auth-user", secret.user,
                                                     "--auth-password", loginSucceeds ? secret.password : "another-password"])
        defer { server.stop() }
        let cli = try ReliabilityCLI.make(environment: [
            "MAILROOM_SMTP_USERNAME": secret.user, "MAILROOM_SMTP_PASSWORD": secret.password,
        ])
        defer { cli.remove() }
        try cli.writeConfig(smtpURL: "smtp://127.0.0.1:\(server.port)?tls=none")
        try cli.write("events.ndjson", TestEvents.closure("evt_secret_1") + "\n")
        try cli.write("event.json", TestEvents.closure("evt_secret_2") + "\n")

        let send = try cli.run(["send", "events.ndjson", "--verbose"])
        #expect(send.status == (loginSucceeds ? 0 : 78), "\(send.output)")
        #expect(try server.capturedMessages().count == (loginSucceeds ? 1 : 0))
        if !loginSucceeds {
            #expect(send.output.contains("535"), "the refusal is reported: \(send.output)")
            #expect(try cli.records().first?["state"] as? String == "queued")
        }
        #expect(secret.leaks(in: send.output).isEmpty, "send output shows the password: \(send.output)")
        #expect(secret.leaks(in: Self.allFileText(cli.outbox)).isEmpty, "a file under the outbox holds the password")
        let inspection = try Self.inspectionOutput(cli, eventID: "evt_secret_1")
        #expect(inspection.contains("evt_secret_1"), "the inspection commands ran: \(inspection.prefix(400))")
        #expect(secret.leaks(in: inspection).isEmpty, "outbox show/list/status, replay or preview shows the password")
    }

    @Test func configurationErrorsDoNotEchoThePassword() throws {
        let secret = Secret()
        let cli = try ReliabilityCLI.make(environment: [
            "MAILROOM_SMTP_USERNAME": secret.user, "MAILROOM_SMTP_PASSWORD": secret.password,
        ])
        defer { cli.remove() }
        try cli.writeConfig(smtpURL: nil)
        try cli.write("events.ndjson", TestEvents.closure("evt_secret_3") + "\n")
        // Credentials in the clear to a host that is not loopback: refused before connecting.
        let clear = try cli.run(["send", "events.ndjson", "--verbose", "--smtp-url", "smtp://mail.invalid:25?tls=none"])
        #expect(clear.status == 78, "\(clear.output)")
        #expect(secret.leaks(in: clear.output).isEmpty, "\(clear.output)")
        // A password put in the URL itself is not echoed back in the error either.
        let inURL = try cli.run(["send", "events.ndjson", "--verbose",
                                 "--smtp-url", "smtp://\(secret.user):\(secret.password)@127.0.0.1:9?tls=none"])
        #expect(inURL.status != 0)
        #expect(!inURL.output.contains(secret.password), "\(inURL.output)")
        #expect(secret.leaks(in: Self.allFileText(cli.outbox)).isEmpty)
    }

    static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func outboxIsPrivateAfterARealSend() throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let cli = try ReliabilityCLI.make()
        defer { cli.remove() }
        try cli.writeConfig(smtpURL: "smtp://127.0.0.1:\(server.port)")
        try cli.write("events.ndjson", TestEvents.closure("evt_mode_1") + "\n" + #"{"id":"bad"}"# + "\n"
                      + TestEvents.closure("evt_mode_1") + "\n")
        let send = try cli.run(["send", "events.ndjson"])
        #expect(send.status == 65, "one invalid event: \(send.output)")
        #expect(try server.capturedMessages().count == 1)
        #expect(try Self.mode(cli.outbox) == 0o700)
        var checked = 0
        let walker = try #require(FileManager.default.enumerator(at: cli.outbox, includingPropertiesForKeys: [.isDirectoryKey]))
        for case let url as URL in walker {
            let isDirectory = try url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory ?? false
            let mode = try Self.mode(url)
            #expect(mode == (isDirectory ? 0o700 : 0o600), "\(url.path): \(String(mode, radix: 8))")
            checked += 1
        }
        // The database at least (SQLite removes its -wal and -shm files when the last connection closes).
        #expect(checked >= 1)
        #expect(FileManager.default.fileExists(atPath: cli.outbox.appendingPathComponent("outbox.sqlite").path))
    }

    @Test(arguments: [0o770, 0o707, 0o777, 0o720])
    func refusesAnOutboxOthersCanWrite(mode: Int) throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let cli = try ReliabilityCLI.make()
        defer { cli.remove() }
        try cli.writeConfig(smtpURL: "smtp://127.0.0.1:\(server.port)")
        try cli.write("events.ndjson", TestEvents.closure("evt_open_1") + "\n")
        try FileManager.default.createDirectory(at: cli.outbox, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: cli.outbox.path)
        let send = try cli.run(["send", "events.ndjson"])
        #expect(send.status == 78, "\(send.output)")
        #expect(send.stderr.contains("writable"), "the error says why: \(send.stderr)")
        #expect(try server.capturedMessages().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: cli.outbox.appendingPathComponent("outbox.sqlite").path))
        #expect(try Self.mode(cli.outbox) == mode, "the outbox's mode is left for the operator to fix")
    }

    /// `link/` and `link/.` name the link as much as `link` does.
    @Test(arguments: ["", "/", "/.", "//./"])
    func refusesAnOutboxThatIsASymlink(suffix: String) throws {
        let cli = try ReliabilityCLI.make()
        defer { cli.remove() }
        let elsewhere = try TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: elsewhere.path)
        try FileManager.default.createSymbolicLink(at: cli.outbox, withDestinationURL: elsewhere)
        try cli.writeConfig(smtpURL: nil)
        try cli.write("events.ndjson", TestEvents.closure("evt_link_1") + "\n")
        let send = try cli.run(["send", "events.ndjson", "--outbox", cli.outbox.path + suffix])
        #expect(send.status == 78, "\(send.output)")
        #expect(send.stderr.contains("symlink"), "\(send.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere.path).isEmpty)
    }
}
