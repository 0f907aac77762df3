import ArgumentParser
import Foundation
import Mailroom

/// `mailroom bench-render` (hidden): the render-only figure of `Benchmarks/run.sh`.
///
/// Validates, renders and composes events in memory, with no outbox, no network and no output
/// per message, so the figure is the CPU cost of turning an event into its exact bytes. The
/// input file is read completely before the clock starts; its events are used in turn until
/// `--count` messages are made.
struct BenchRenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-render",
        abstract: "Measure validate + render + compose throughput in memory (for Benchmarks/).",
        shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of messages to make.")
    var count = 20_000

    @Argument(help: "NDJSON file of valid events, used in turn.")
    var file: String

    func run() async throws {
        try await Self.reportingFailures {
            let runtime = try await Runtime.load(global)
            let factory = try runtime.factory()
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Failure.usage("cannot open \(file): no such file or not readable")
            }
            let lines = Array(data).split(separator: UInt8(ascii: "\n")).map(Array.init)
            guard !lines.isEmpty, count > 0 else { throw Failure.usage("bench-render: no events in \(file)") }
            let decoder = EventDecoder()
            let date = Date()
            var bytes = 0
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<count {
                let line = lines[index % lines.count]
                do {
                    let event = try decoder.decode(line, lineNumber: index + 1, source: file)
                    bytes += try factory.make(event, date: date).message.bytes.count
                } catch {
                    throw Failure.input("bench-render: event \(index % lines.count + 1) of \(file): \(error)")
                }
            }
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Double(count) / max(seconds, 1e-9)
            Terminal.out("bench-render: \(count) messages, \(bytes) bytes, \(String(format: "%.3f", seconds)) s, \(String(format: "%.0f", rate)) msgs/s")
            return 0
        }
    }
}
