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

    @Option(help: "A file holding one event.")
    var event: String?

    @Option(help: "Which sample locale to use with TEMPLATE (e.g. de); default en.")
    var locale: String?

    @Option(help: "text (decoded headers, text part, HTML as text), html, raw (exact bytes), headers.")
    var format: Format = .text

    func validate() throws {
        if (template == nil) == (event == nil) {
            throw ValidationError("give either --event FILE or a TEMPLATE name")
        }
    }

    func run() async throws {
        try await Self.reportingFailures {
            let runtime = try await Runtime.load(global)
            let factory = try runtime.factory()
            let (bytes, source) = try eventBytes(catalog: factory.catalog)
            let decoded: Event
            do {
                // A whole file: one event, on one line or pretty-printed over several.
                decoded = try EventDecoder().decode(bytes.trimmingTrailingWhitespace(), lineNumber: 1, source: source)
            } catch {
                throw Failure.input("\(error)")
            }
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
