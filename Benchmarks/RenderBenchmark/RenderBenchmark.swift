import ArgumentParser
import Foundation
import Mailroom
import MailroomDKIM

/// `mailroom-render-benchmark`: the render-only figure of `Benchmarks/run.sh`.
///
/// Validates, renders and composes events in memory, with no outbox, no network and no output
/// per message, so the figure is the CPU cost of turning an event into its exact bytes. The
/// input file is read completely before the clock starts; its events are used in turn until
/// `--count` messages are made. Not part of the shipped `mailroom` binary.
@main
struct RenderBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailroom-render-benchmark",
        abstract: "Measure validate + render + compose throughput in memory (for Benchmarks/).")

    @Option(help: "The templates directory.")
    var templates = "Templates"

    @Option(help: "The From header (the configuration's sender.from).")
    var from: String

    @Option(help: "The Reply-To header, if any (sender.reply_to).")
    var replyTo: String?

    @Option(help: "The Message-ID domain (sender.message_id_domain).")
    var messageIDDomain: String

    @Option(help: "The company name the templates sign with (sender.organization).")
    var company: String

    @Option(help: "Number of messages to make.")
    var count = 20_000

    @Argument(help: "NDJSON file of valid events, used in turn.")
    var file: String

    @Flag(help: "Also time each stage alone: decode + validate, then + render, then + MIME (the full figure).")
    var stages = false

    @Option(help: "Sign every message with a new key of this kind: rsa, ed25519, or both (one signature each).")
    var dkim: String?

    func run() throws {
        let catalog = try TemplateCatalog(directory: URL(fileURLWithPath: templates), globals: ["company": company])
        let composer = MessageComposer(
            from: try Mailbox(parsing: from), replyTo: try replyTo.map { text throws(MessageError) in try Mailbox(parsing: text) },
            messageIDDomain: messageIDDomain)
        let factory = MessageFactory(catalog: catalog, composer: composer, sign: try signer()?.signing)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot open \(file): no such file or not readable")
        }
        let lines = Array(data).split(separator: UInt8(ascii: "\n")).map(Array.init)
        guard !lines.isEmpty, count > 0 else { throw ValidationError("no events in \(file)") }
        let decoder = EventDecoder()
        let date = Date()
        if stages {
            let (decodeSeconds, _) = try measure(lines) { line, index in
                try decoder.decode(line, lineNumber: index + 1, source: file).id.utf8.count
            }
            let (renderSeconds, _) = try measure(lines) { line, index in
                let event = try decoder.decode(line, lineNumber: index + 1, source: file)
                return try factory.catalog.render(event).text.utf8.count
            }
            print("bench-render: stages: decode \(rate(decodeSeconds)) msgs/s, decode + render \(rate(renderSeconds)) msgs/s")
        }
        let (seconds, bytes) = try measure(lines) { line, index in
            let event = try decoder.decode(line, lineNumber: index + 1, source: file)
            return try factory.make(event, date: date).message.bytes.count
        }
        print("bench-render: \(count) messages, \(bytes) bytes, \(String(format: "%.3f", seconds)) s, \(rate(seconds)) msgs/s")
    }

    /// Keys made for the run (signing cost does not depend on which key of a kind).
    private func signer() throws -> DKIMSigner? {
        guard let dkim else { return nil }
        let kinds: [DKIMAlgorithm] = switch dkim {
        case "rsa": [.rsaSHA256]
        case "ed25519": [.ed25519SHA256]
        case "both": [.rsaSHA256, .ed25519SHA256]
        default: throw ValidationError("--dkim: expected rsa, ed25519 or both, found \(dkim)")
        }
        return DKIMSigner(keys: try kinds.map { try DKIMKey.generate($0, domain: "example.com", selector: "bench-\($0.keyType)") })
    }

    /// Runs `body` `count` times over the lines in turn; returns the elapsed seconds and the sum
    /// of what `body` returned (kept, so the work cannot be optimised away).
    private func measure(_ lines: [[UInt8]], _ body: ([UInt8], Int) throws -> Int) throws -> (Double, Int) {
        let clock = ContinuousClock()
        let start = clock.now
        var total = 0
        for index in 0..<count {
            do {
                total &+= try body(lines[index % lines.count], index)
            } catch {
                throw ValidationError("event \(index % lines.count + 1) of \(file): \(error)")
            }
        }
        let elapsed = clock.now - start
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, total)
    }

    /// Messages per second for `count` messages in `seconds`, as printed.
    private func rate(_ seconds: Double) -> String {
        String(format: "%.0f", Double(count) / max(seconds, 1e-9))
    }
}
