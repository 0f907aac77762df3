import Foundation
import MailroomTesting
import Testing

/// `mailroom preview` and `mailroom templates check`.
@Suite("preview and templates check")
struct PreviewTests {
    @Test("preview TEMPLATE shows decoded headers, the text part and the HTML part's links")
    func previewBundledSample() async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["preview", "closure-confirmation"], environment: ["COLUMNS": "200"])
        #expect(result.status == 0, "\(result)")
        let out = result.stdout
        #expect(out.contains("From: Example Accounts <accounts@example.com>"), "\(result)")
        #expect(out.contains("To: Ada Lovelace <ada@example.com>"), "\(result)")
        #expect(result.stdoutLines.contains { $0.hasPrefix("Subject: ") && $0.contains("CLS-2026-0042") }, "\(result)")
        #expect(!out.contains("=?utf-8?"), "headers are shown encoded")
        #expect(out.contains("Links:"), "\(result)")
        #expect(out.contains("] https://example.com/account/closure/CLS-2026-0042/cancel"), "\(result)")
        #expect(!out.contains("<p"), "HTML tags in the text rendering")
        #expect(!FileManager.default.fileExists(atPath: workspace.outboxPath), "preview created an outbox")

        let german = try await workspace.run(["preview", "closure-confirmation", "--locale", "de"])
        #expect(german.status == 0, "\(german)")
        #expect(german.stdout.contains("To: Jürgen Weiß <juergen.weiss@example.de>"), "\(german)")
    }

    @Test("preview --event --format raw of every type and locale parses in Python without defects")
    func rawPreviewIsCleanMIME() async throws {
        let workspace = try Workspace()
        let events = TestEvents.make(6, prefix: "evt_preview")
        var files: [String] = []
        for (index, line) in events.ndjson.split(separator: "\n").enumerated() {
            let eventFile = try workspace.write("event-\(index).json", String(line))
            let result = try await workspace.run(["preview", "--event", eventFile, "--format", "raw"])
            #expect(result.status == 0, "\(result)")
            let raw = workspace.path("message-\(index).eml")
            try Data(result.stdoutBytes).write(to: URL(fileURLWithPath: raw))
            files.append(raw)
        }
        let reports = try Self.checkMIME(files)
        #expect(reports.count == 6)
        for (index, report) in reports.enumerated() {
            let id = events.ids[index]
            #expect(report["error"] is NSNull, "\(id): \(report)")
            #expect((report["wire"] as? [String])?.isEmpty == true, "\(id): \(report["wire"] ?? "")")
            #expect((report["defects"] as? [String])?.isEmpty == true, "\(id): \(report["defects"] ?? "")")
            #expect(report["parts"] as? [String] == ["text/plain", "text/html"], "\(id)")
            let to = (report["to"] as? [[String: Any]])?.first?["address"] as? String
            #expect(to == events.recipients[id])
            #expect((report["subject"] as? String)?.isEmpty == false)
            let name = index / 3 == 0 ? "Ada Lovelace \(index)" : "Jürgen Weiß \(index)"
            #expect((report["text"] as? String)?.contains(name) == true, "\(id): name missing from the text part")
        }
    }

    @Test("--format headers shows every header decoded as Python's email parser reads it; --format raw stays encoded")
    func headersAreDecoded() async throws {
        let workspace = try Workspace()
        let events = TestEvents.make(6, prefix: "evt_headers")
        for (index, line) in events.ndjson.split(separator: "\n").enumerated() {
            let eventFile = try workspace.write("event-\(index).json", String(line))
            let raw = try await workspace.run(["preview", "--event", eventFile, "--format", "raw"])
            let headers = try await workspace.run(["preview", "--event", eventFile, "--format", "headers"])
            #expect(raw.status == 0 && headers.status == 0, "\(raw)\n\(headers)")
            let rawFile = workspace.path("raw-\(index).eml")
            try Data(raw.stdoutBytes).write(to: URL(fileURLWithPath: rawFile))
            let expected = try Self.python("""
                import email, email.policy, sys
                m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
                for k, v in m.items(): print('%s: %s' % (k, ' '.join(str(v).split())))
                """, rawFile)
            // Whitespace runs as one space on both sides (Python's split() also splits at U+00A0).
            let shown = headers.stdoutLines.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            // Python re-renders the Date ("04 Dec"); the other fields must read the same.
            let notDate = { (line: String) in !line.hasPrefix("Date: ") }
            #expect(shown.filter(notDate) == expected.split(separator: "\n").map(String.init).filter(notDate), "\(index)")
            #expect(shown.first?.hasPrefix("Date: ") == true)
            #expect(!headers.stdout.contains("=?"), "\(headers)")
            if index >= 3 {
                #expect(raw.stdout.contains("=?utf-8?"), "the German events' raw headers are encoded words")
                #expect(headers.stdout.contains("Jürgen Weiß"), "\(headers)")
            }
        }
    }

    @Test("the text view is wrapped to COLUMNS off a terminal, has a summary line and no colour codes")
    func textViewOffATerminal() async throws {
        let workspace = try Workspace()
        for columns in [60, 120] {
            let result = try await workspace.run(["preview", "withdrawal-reminder", "--locale", "de"],
                                                 environment: ["COLUMNS": "\(columns)"])
            #expect(result.status == 0, "\(result)")
            #expect(!result.stdout.contains("\u{1B}"), "colour codes in a pipe")
            // A word longer than the width (the Message-ID) is kept whole on a line of its own.
            for line in result.stdoutLines { #expect(line.count <= columns || !line.contains(" "), "\(columns): \(line)") }
            #expect(result.stdoutLines.contains { $0.contains(" KB (HTML ") && $0.contains("parts: text/plain") }, "\(result)")
            #expect(result.stdout.contains("„Guthaben“"), "\(result)")
            #expect(!result.stdout.contains("&bdquo;") && !result.stdout.contains("&ldquo;"), "\(result)")
        }
    }

    @Test("preview --event of an NDJSON file says it takes one event; --line N previews line N")
    func previewOfSeveralEvents() async throws {
        let workspace = try Workspace()
        let events = TestEvents.make(3, prefix: "evt_lines")
        let file = try workspace.write("events.ndjson", events.ndjson)
        let whole = try await workspace.run(["preview", "--event", file])
        #expect(whole.status == 64, "\(whole)")
        #expect(whole.stderr.contains("--event takes one event"), "\(whole)")
        #expect(whole.stderr.contains("--line"), "\(whole)")
        #expect(!whole.stderr.contains("after the end of the JSON value"), "\(whole)")

        let second = try await workspace.run(["preview", "--event", file, "--line", "2", "--format", "headers"])
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.contains(events.recipients[events.ids[1]] ?? "?"), "\(second)")
        let beyond = try await workspace.run(["preview", "--event", file, "--line", "9"])
        #expect(beyond.status == 64, "\(beyond)")
    }

    @Test("templates check: the repository's templates pass; a misspelt variable is exit 78, named")
    func templatesCheck() async throws {
        let workspace = try Workspace()
        let ok = try await workspace.run(["templates", "check"])
        #expect(ok.status == 0, "\(ok)")

        let copy = workspace.path("Templates")
        try FileManager.default.copyItem(atPath: Workspace.templates, toPath: copy)
        let template = copy + "/closure-confirmation/text.en.mustache"
        let text = try String(contentsOfFile: template, encoding: .utf8)
        #expect(text.contains("{{reference}}"))
        try text.replacingOccurrences(of: "{{reference}}", with: "{{refernce}}")
            .write(toFile: template, atomically: true, encoding: .utf8)
        let broken = try await workspace.run(["templates", "check"], templates: copy)
        #expect(broken.status == 78, "\(broken)")
        #expect(broken.stderr.contains("refernce"), "\(broken)")
    }

    @Test("preview --check passes the repository's templates; an http link or an image without alt is exit 78, in templates check too")
    func authorChecks() async throws {
        let workspace = try Workspace()
        for name in ["closure-confirmation", "withdrawal-reminder", "retention-notice"] {
            let ok = try await workspace.run(["preview", name, "--check"])
            #expect(ok.status == 0, "\(ok)")
            #expect(ok.stdout.contains("preview --check: ok"), "\(ok)")
        }
        let copy = workspace.path("Templates")
        try FileManager.default.copyItem(atPath: Workspace.templates, toPath: copy)
        let html = copy + "/closure-confirmation/html.de.mustache"
        let text = try String(contentsOfFile: html, encoding: .utf8)
        try (text + #"<p><a href="http://example.com/insecure">alt</a><img src="logo.png"></p>"#)
            .write(toFile: html, atomically: true, encoding: .utf8)

        let english = try await workspace.run(["preview", "closure-confirmation", "--check"], templates: copy)
        #expect(english.status == 0, "the English template is unchanged: \(english)")
        let german = try await workspace.run(["preview", "closure-confirmation", "--locale", "de", "--check"], templates: copy)
        #expect(german.status == 78, "\(german)")
        #expect(german.stderr.contains("link-not-https") && german.stderr.contains("http://example.com/insecure"), "\(german)")
        #expect(german.stderr.contains("image-without-alt"), "\(german)")
        #expect(german.stdout.isEmpty, "--check shows findings, not the email")

        let all = try await workspace.run(["templates", "check"], templates: copy)
        #expect(all.status == 78, "\(all)")
        #expect(all.stderr.contains("closure-confirmation (de, sample.de.json): link-not-https"), "\(all)")
        #expect(!all.stderr.contains("closure-confirmation (en"), "\(all)")
    }

    @Test("preview --list shows every template x locale with its sample and subject, the German closure confirmation among them")
    func list() async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["preview", "--list"], environment: ["COLUMNS": "200"])
        #expect(result.status == 0, "\(result)")
        let rows = result.stdoutLines.dropFirst()
        #expect(result.stdoutLines.first?.hasPrefix("TEMPLATE") == true, "\(result)")
        #expect(rows.count == 6, "\(result)")
        for name in ["closure-confirmation", "withdrawal-reminder", "retention-notice"] {
            for locale in ["en", "de"] {
                #expect(rows.contains { $0.hasPrefix(name) && $0.split(separator: " ").dropFirst().first == Substring(locale) },
                        "\(name) \(locale): \(result)")
            }
        }
        #expect(rows.contains { $0.contains("closure-confirmation") && $0.contains("sample.de.json")
            && $0.contains("Ihr Example-Konto wird am 12. Dezember 2026 geschlossen (Ref. CLS-2026-0043)") }, "\(result)")

        let copy = workspace.path("Templates")
        try FileManager.default.copyItem(atPath: Workspace.templates, toPath: copy)
        try "{{#broken}".write(toFile: copy + "/retention-notice/subject.de.mustache", atomically: true, encoding: .utf8)
        let broken = try await workspace.run(["preview", "--list"], templates: copy)
        #expect(broken.status == 78, "a template that does not load is a configuration error: \(broken)")
    }

    /// Runs a Python script with `arguments`; its standard output.
    static func python(_ script: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs Tests/Support/check_mime.py on the files: one JSON report per message.
    static func checkMIME(_ files: [String]) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [TestServer.supportFile("check_mime.py")] + files
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] ?? [:]
        }
    }
}
