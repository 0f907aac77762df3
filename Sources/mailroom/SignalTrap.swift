import Dispatch
import Foundation
import Mailroom
import Synchronization

/// SIGTERM and SIGINT during `send` and `replay`: the first raises a ``StopSignal`` (no more
/// input, no new transactions, those in flight finish or, before their message data, are given
/// up; the summary is printed, the exit code is the contract's); a second one, or transactions still running after `grace`, end the
/// process at once with 128 + the signal number. What was in flight then is found by the next
/// run's recovery (uncertain once its data may have gone out).
final class SignalTrap {
    let stop = StopSignal()
    /// Retained for as long as the trap is: a released source stops delivering.
    private let sources: [any DispatchSourceSignal]

    /// - Parameter report: where the trap's messages go (stderr as text by default; `serve` logs
    ///   them, so that `--log-format json` keeps stderr all JSON).
    init(command: String, grace: Duration = .seconds(30),
         report: @escaping @Sendable (String) -> Void = { Terminal.error($0) }) {
        let received = Received()
        let stop = stop
        sources = [SIGTERM, SIGINT].map { number in
            // Ignored as a signal, so that only the dispatch source sees it.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            let name = number == SIGTERM ? "SIGTERM" : "SIGINT"
            source.setEventHandler {
                guard received.count.add(1, ordering: .sequentiallyConsistent).newValue == 1 else {
                    report("\(command): \(name) again: stopping at once")
                    _exit(128 + number)
                }
                report("\(command): \(name): reading no more input; the transactions already sending a message "
                               + "finish (at most \(grace)), the others are given up; a second signal stops at once")
                stop.raise("stopped by \(name)")
                DispatchQueue.global().asyncAfter(deadline: .now() + grace.seconds) {
                    report("\(command): transactions still running \(grace) after \(name): stopping now")
                    _exit(128 + number)
                }
            }
            source.resume()
            return source
        }
    }
}

/// How many of the signals arrived, shared by the sources' handlers.
private final class Received: Sendable {
    let count = Atomic<Int>(0)
}
