import Foundation
import MailroomTesting
import Testing

/// `mailroom preview` and `mailroom templates check`.
@Suite("preview and templates check")
struct PreviewTests {
    @Test("preview TEMPLATE shows decoded headers, the text part and the HTML part's links")
    func previewBundledSample() async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["preview", "closure-confirmation"])
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
