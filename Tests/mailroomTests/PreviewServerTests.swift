import Foundation
import MailroomTesting
import Testing

/// `mailroom preview --serve`: checked over HTTP with curl, and in headless Chromium with no network.
@Suite("preview --serve (web preview)")
struct PreviewServerTests {
    /// A running preview server on a free loopback port, and its base URL.
    struct Server {
        let command: RunningCommand
        let url: String

        static func start(_ workspace: Workspace, templates: String, extra: [String] = []) async throws -> Server {
            let command = try workspace.start(["preview", "--serve", "--listen", "127.0.0.1:0"] + extra, templates: templates)
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                if let range = command.stdoutSoFar().range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                    return Server(command: command, url: String(command.stdoutSoFar()[range]))
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            command.kill()
            throw WorkspaceError(description: "the preview server did not start: \(command.stderrSoFar())")
        }
    }

    struct Fetched {
        var status: Int
        var headers: String
        var body: String
    }

    static func curl(_ url: String, host: String? = nil) throws -> Fetched {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-i", "--max-time", "30"] + (host.map { ["-H", "Host: \($0)"] } ?? []) + [url]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let head = parts.first ?? ""
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return Fetched(status: status, headers: head, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func copyTemplates(_ workspace: Workspace) throws -> String {
        let copy = workspace.path("Templates")
        try FileManager.default.copyItem(atPath: Workspace.templates, toPath: copy)
        return copy
    }

    @Test("curl: index of every template x locale x sample and the event, pages escaped, strict CSP, iframe sandboxed, reload token, errors in place")
    func overHTTP() async throws {
        let workspace = try Workspace()
        let templates = try Self.copyTemplates(workspace)
        let hostile = #"{"id": "evt_web", "type": "account.closure_requested", "occurred_at": "2026-11-28T09:15:00Z", "#
            + #""account": {"id": "a", "email": "ada@example.com", "name": "Ada <script>alert(1)</script> & \"Co\"", "locale": "de"}, "#
            + #""data": {"reference": "<img src=x onerror=alert(2)>", "effective_at": "2026-12-12T00:00:00Z"}}"#
        let eventFile = try workspace.write("hostile.json", hostile)
        let server = try await Server.start(workspace, templates: templates, extra: ["--event", eventFile])
        defer { server.command.kill() }

        let index = try Self.curl(server.url + "/")
        #expect(index.status == 200, "\(index.headers)")
        #expect(index.headers.contains("Content-Security-Policy: default-src 'none'; script-src 'self'"), "\(index.headers)")
        #expect(index.headers.contains("X-Content-Type-Options: nosniff"))
        for name in ["closure-confirmation", "withdrawal-reminder", "retention-notice"] {
            for locale in ["en", "de"] {
                for sample in ["sample.json", "sample.de.json"] {
                    #expect(index.body.contains("/email?template=\(name)&amp;locale=\(locale)&amp;sample=\(sample)"), "\(name) \(locale) \(sample)")
                }
            }
        }
        #expect(index.body.contains("/email?event=1"), "the --event file is listed")
        #expect(!index.body.contains("http://") && !index.body.contains("https://"), "the page names nothing outside")

        let page = try Self.curl(server.url + "/email?event=1")
        #expect(page.status == 200)
        #expect(!page.body.contains("<script>alert"), "unescaped data in the page")
        #expect(!page.body.contains("<img src=x"), "unescaped data in the page")
        #expect(page.body.contains("Ada &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"), "\(page.body.prefix(3000))")
        let frames = page.body.components(separatedBy: "<iframe ").dropFirst()
        #expect(frames.count == 2, "desktop and phone")
        for frame in frames { #expect(frame.hasPrefix("class=\"desktop\" sandbox src=") || frame.hasPrefix("class=\"phone\" sandbox src="), "\(frame.prefix(80))") }
        #expect(page.body.contains("<pre class=\"raw\">") && page.body.contains("Content-Transfer-Encoding"), "raw source")
        #expect(page.body.contains("<pre class=\"text\">"), "text part")

        let part = try Self.curl(server.url + "/email/html?event=1")
        #expect(part.status == 200)
        #expect(part.headers.contains("Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; img-src data:"), "\(part.headers)")
        #expect(part.headers.contains("; sandbox"), "\(part.headers)")
        #expect(part.body.contains("&lt;img src=x onerror=alert(2)&gt;"), "the template escapes data")

        let foreign = try Self.curl(server.url + "/", host: "attacker.example:8026")
        #expect(foreign.status == 421, "a rebound host name is refused")
        #expect(try Self.curl(server.url + "/email?template=nope&locale=en&sample=sample.json").status == 404)
        #expect(try Self.curl(server.url + "/preview.js").body.contains("location.reload()"))

        let before = try Self.curl(server.url + "/version").body
        #expect(try Self.curl(server.url + "/version").body == before, "the token moves without a change")
        let subject = templates + "/closure-confirmation/subject.en.mustache"
        try "Broken {{#reference}\n".write(toFile: subject, atomically: true, encoding: .utf8)
        let after = try Self.curl(server.url + "/version").body
        #expect(after != before)
        let broken = try Self.curl(server.url + "/email?template=closure-confirmation&locale=en&sample=sample.json")
        #expect(broken.status == 200 && broken.body.contains("class=\"error\"") && broken.body.contains("subject.en.mustache"), "\(broken.body)")
        try "Fixed: {{reference}}\n".write(toFile: subject, atomically: true, encoding: .utf8)
        let fixed = try Self.curl(server.url + "/email?template=closure-confirmation&locale=en&sample=sample.json")
        #expect(fixed.body.contains("<h1>Fixed: CLS-2026-0042</h1>"), "\(fixed.body.prefix(1500))")
    }

    @Test("Chromium, no network: the index lists every template, the email page frames the email sandboxed, screenshots are not blank, no horizontal scroll at 375 px, an edit shows after reload")
    func inHeadlessChromium() async throws {
        let workspace = try Workspace()
        let templates = try Self.copyTemplates(workspace)
        let out = workspace.path("browser")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-n", "/bin/bash", TestServer.supportFile("preview_browser.sh"), RunningCommand.binary,
                             workspace.configPath, templates, out]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "preview_browser.sh: \(stderr)")
        func read(_ name: String) throws -> String { try String(contentsOfFile: out + "/" + name, encoding: .utf8) }

        let index = try read("index.html")
        for name in ["closure-confirmation", "withdrawal-reminder", "retention-notice"] {
            #expect(index.contains(">\(name)</a>"), "\(name) missing from the index")
        }
        let email = try read("email.html")
        #expect(email.contains("<h1>Ihr Example-Konto wird am 12. Dezember 2026 geschlossen (Ref. CLS-2026-0043)</h1>"), "\(email.prefix(2000))")
        #expect(email.contains("<iframe class=\"desktop\" sandbox=\"\" src=\"/email/html?"), "\(email.prefix(4000))")
        #expect(email.contains("<iframe class=\"phone\" sandbox=\"\" src=\"/email/html?"))
        #expect(try read("email-part.html").contains("Guten Tag Jürgen Weiß"), "the framed document is the email")

        for shot in ["desktop.png", "phone.png"] {
            let report = try PreviewTests.python(Self.pngColours, out + "/" + shot)
            let numbers = report.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            #expect(numbers.count == 3 && numbers[2] > 20, "\(shot) looks blank: \(report)")
            if shot == "phone.png" { #expect(numbers.first == 375, "\(report)") }
        }
        let overflow = try read("overflow.html")
        #expect(overflow.contains("data-overflow=\"false\""), "the email scrolls sideways at 375 px: \(overflow.suffix(300))")

        #expect(try read("version-before") != (try read("version-after")), "the reload token did not change")
        #expect(try read("edited.html").contains("<h1>Edited in the browser test: CLS-2026-0043</h1>"))
    }

    /// Prints `width height distinct-colours` of a PNG (8-bit RGB or RGBA), sampling pixels.
    static let pngColours = """
        import struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        i, idat = 8, b''
        while i < len(data):
            length, kind = struct.unpack('>I4s', data[i:i + 8])
            if kind == b'IHDR': width, height, depth, colour = struct.unpack('>IIBB', data[i + 8:i + 18])
            if kind == b'IDAT': idat += data[i + 8:i + 8 + length]
            i += 12 + length
        raw = zlib.decompress(idat)
        channels = 4 if colour == 6 else 3
        stride = width * channels + 1
        colours = set()
        for y in range(0, height, 7):
            row = raw[y * stride + 1:(y + 1) * stride]
            for x in range(0, width, 5):
                colours.add(row[x * channels:x * channels + 3])
        print(width, height, len(colours))
        """
}
