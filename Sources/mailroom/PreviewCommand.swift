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

    func validate() throws {
        if (template == nil) == (event == nil) {
            throw ValidationError("give either --event FILE or a TEMPLATE name")
        }
        if let line {
            if event == nil { throw ValidationError("--line picks a line of the --event file; give --event FILE") }
            if line < 1 { throw ValidationError("--line counts from 1, found \(line)") }
        }
    }

    func run() async throws {
        try await Self.reportingFailures {
            let runtime = try await Runtime.load(global)
            let factory = try runtime.factory()
            let (bytes, source) = try eventBytes(catalog: factory.catalog)
            let decoded = try decode(bytes, source: source)
            let made: MessageFactory.Made
            do {
                made = try factory.make(decoded, date: Date())
            } catch {
                throw Failure.input("cannot render event \(decoded.id): \(error)")
            }
            show(made, composer: factory.composer)
            return ExitStatus.success
        }
    }

    /// The file's one event (on one line or pretty-printed over several), or the one on `--line`.
    private func decode(_ bytes: [UInt8], source: String) throws -> Event {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if let line {
            guard line <= lines.count else { throw Failure.usage("--line \(line): \(source) has \(lines.count) line(s)") }
            do {
                return try EventDecoder().decode(Array(lines[line - 1]).trimmingTrailingWhitespace(), lineNumber: line, source: source)
            } catch {
                throw Failure.input("\(error)")
            }
        }
        do {
            return try EventDecoder().decode(bytes.trimmingTrailingWhitespace(), lineNumber: 1, source: source)
        } catch {
            // Several events, one per line, read as one document fail after the first: say what to do.
            let events = lines.filter { line in
                (try? EventDecoder().decode(Array(line).trimmingTrailingWhitespace(), lineNumber: 1, source: source)) != nil
            }.count
            if events > 1 {
                throw Failure.usage("--event takes one event, but \(source) holds \(events) (NDJSON); "
                                    + "pick one with --line N (1 = the first line)")
            }
            throw Failure.input("\(error)")
        }
    }

    private func eventBytes(catalog: TemplateCatalog) throws -> ([UInt8], String) {
        if let event {
            guard let data = FileManager.default.contents(atPath: event) else {
                throw Failure.usage("cannot read \(event)")
            }
            return (Array(data), event)
        }
        let name = template ?? ""
        guard catalog.templateNames.contains(name) else {
            throw Failure.usage("no template '\(name)'; templates: \(catalog.templateNames.joined(separator: ", "))")
        }
        let samples = catalog.sampleFiles(of: name)
        let wanted = locale.map { "sample.\($0).json" } ?? "sample.json"
        guard let file = samples.first(where: { $0.lastPathComponent == wanted }) ?? (locale == nil ? samples.first : nil),
              let data = FileManager.default.contents(atPath: file.path)
        else {
            throw Failure.usage("template \(name) has no \(wanted); samples: \(samples.map(\.lastPathComponent).joined(separator: ", "))")
        }
        return (Array(data), file.path)
    }

    private func show(_ made: MessageFactory.Made, composer: MessageComposer) {
        let bytes = made.message.bytes
        let headerEnd = Self.headerEnd(of: bytes)
        switch format {
        case .raw:
            Terminal.outRaw(bytes)
        case .headers:
            Terminal.outRaw(Array(bytes[..<headerEnd]))
        case .html:
            Terminal.out(made.email.html)
        case .text:
            let tty = Terminal.stdoutIsTerminal
            let headers = Self.decodedHeaders(made, composer: composer)
            for (name, value) in headers { Terminal.out(Terminal.bold(name + ":", on: tty) + " " + value) }
            Terminal.out("")
            Terminal.out(made.email.text)
            Terminal.out("")
            Terminal.out(Terminal.dim("──── HTML part, as text ────", on: tty))
            Terminal.out(HTMLText(html: made.email.html).withLinkList)
        }
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
