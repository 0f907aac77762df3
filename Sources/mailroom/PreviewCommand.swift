import ArgumentParser
import Foundation
import Mailroom

struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Show the email an event produces. Sends nothing, writes nothing.",
        discussion: "Give --event FILE (one event as JSON), or a TEMPLATE name to use its bundled sample.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, html, raw, headers
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A template name (closure-confirmation, withdrawal-reminder, retention-notice).")
    var template: String?

    @Option(help: "A file holding one event (JSON, on one line or several), or NDJSON with --line.")
    var event: String?

    @Option(help: "With --event: preview the event on this line (1 = the first) of an NDJSON file.")
    var line: Int?

    @Option(help: "Which sample locale to use with TEMPLATE (e.g. de); default en.")
    var locale: String?

    @Option(help: "text (decoded headers, text part, HTML as text), html, raw (exact bytes), headers.")
    var format: Format = .text

    @Flag(help: "Render again whenever a file under the templates directory (or the --event file) changes; Ctrl-C stops.")
    var watch = false

    @Flag(help: "List every template x locale with the sample it is previewed with and its subject line.")
    var list = false

    @Flag(help: "Serve a local web page previewing every template x locale x sample (and the --event file); reloads on change.")
    var serve = false

    @Option(help: "With --serve: HOST:PORT to listen on (default \(PreviewServer.defaultListen); port 0 takes a free one).")
    var listen: String?

    func validate() throws {
        if listen != nil && !serve { throw ValidationError("--listen goes with --serve") }
        if serve {
            if template != nil { throw ValidationError("--serve previews every template; give no TEMPLATE (--event FILE adds one event)") }
            if list || check || watch || line != nil { throw ValidationError("--serve is not used with --list, --check, --watch or --line") }
        } else if list {
            if template != nil || event != nil { throw ValidationError("--list shows every template; give no TEMPLATE or --event") }
            if check { throw ValidationError("--list and --check: use `mailroom templates check` to check every template") }
        } else if (template == nil) == (event == nil) {
            throw ValidationError("give either --event FILE or a TEMPLATE name")
        }
        if watch && (list || check) { throw ValidationError("--watch shows one email as it changes; not with --list or --check") }
        if let line {
            if event == nil { throw ValidationError("--line picks a line of the --event file; give --event FILE") }
            if line < 1 { throw ValidationError("--line counts from 1, found \(line)") }
        }
    }

    @Flag(name: .customLong("no-pager"), help: "Write to standard output even when it is a terminal and the preview is taller.")
    var noPager = false

    @Flag(help: "Check the email as an author would (links https and in the text part, images with alt, subject length, text line length, no template syntax left) instead of showing it; exit 78 on a finding.")
    var check = false

    func run() async throws {
        try await Self.reportingFailures {
            let runtime = try await Runtime.load(global)
            if list {
                page(Self.listTable(try Self.listRows(runtime: runtime), width: Terminal.size().columns, colour: Terminal.stdoutColour))
                return ExitStatus.success
            }
            if serve {
                let (host, port) = try PreviewServer.parseListen(listen ?? PreviewServer.defaultListen)
                try await PreviewServer(runtime: runtime, eventFile: event, host: host, port: port).run()
                return ExitStatus.success
            }
            if watch { return try await watch(runtime: runtime) }
            let (made, composer) = try PreviewSource.render(source, runtime: runtime)
            if check { return Self.report(AuthorChecks.findings(made.email), quiet: global.quiet) }
            show(made, composer: composer)
            return ExitStatus.success
        }
    }

    /// Prints `findings` on stderr; exit 78 when there is one, as `templates check` does.
    static func report(_ findings: [AuthorChecks.Finding], quiet: Bool) -> Int32 {
        for finding in findings { Terminal.error("check: \(finding)") }
        guard findings.isEmpty else {
            Terminal.error("preview --check: \(findings.count) finding(s)")
            return ExitStatus.configuration
        }
        if !quiet { Terminal.out("preview --check: ok") }
        return ExitStatus.success
    }

    var source: PreviewSource {
        if let event { return .eventFile(path: event, line: line) }
        return .sample(template: template ?? "", locale: locale)
    }

    private func show(_ made: MessageFactory.Made, composer: MessageComposer) {
        if format == .raw {
            Terminal.outRaw(made.message.bytes)
        } else {
            page(rendered(made, composer: composer))
        }
    }

    /// The preview in `format` (not raw), for the terminal's width and colour.
    func rendered(_ made: MessageFactory.Made, composer: MessageComposer) -> String {
        switch format {
        case .raw:
            return String(decoding: made.message.bytes, as: UTF8.self)
        case .headers:
            return HeaderSectionDecoder.fields(of: made.message.bytes).map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        case .html:
            return made.email.html
        case .text:
            return PreviewTerminalView(width: Terminal.size().columns, colour: Terminal.stdoutColour).render(made, composer: composer)
        }
    }

    /// Writes `text` through the pager when it is taller than the terminal (see ``Pager``).
    private func page(_ text: String) {
        let lines = text.reduce(into: 1) { count, character in if character == "\n" { count += 1 } }
        if let command = Pager.command(lines: lines, rows: Terminal.size().rows, isTerminal: Terminal.stdoutIsTerminal,
                                       disabled: noPager, environment: ProcessInfo.processInfo.environment),
           Pager.show(text + "\n", command: command)
        {
            return
        }
        Terminal.out(text)
    }

    /// The headers a mail client would show, decoded: from the values we encoded, not by re-parsing.
    static func decodedHeaders(_ made: MessageFactory.Made, composer: MessageComposer) -> [(String, String)] {
        let raw = String(decoding: made.message.bytes[..<headerEnd(of: made.message.bytes)], as: UTF8.self)
        let date = raw.split(separator: "\r\n").first { $0.hasPrefix("Date:") }.map { String($0.dropFirst(5)).trimmingCharacters(in: .whitespaces) }
        var headers: [(String, String)] = [("Date", date ?? ""), ("From", composer.from.description)]
        if let replyTo = composer.replyTo { headers.append(("Reply-To", replyTo.description)) }
        headers.append(("To", made.recipient.description))
        headers.append(("Subject", made.email.subject))
        headers.append(("Message-ID", made.message.messageID))
        headers.append(("Language", made.email.locale))
        return headers
    }

    /// The offset just past the blank line that ends the header section.
    static func headerEnd(of bytes: [UInt8]) -> Int {
        var i = 0
        while i + 3 < bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return bytes.count
    }
}
