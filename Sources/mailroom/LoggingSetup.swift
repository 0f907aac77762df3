import Foundation
import Logging

/// Bootstraps swift-log once per process: to stderr; `--verbose` shows every attempt, `--quiet`
/// only errors.
enum LoggingSetup {
    nonisolated(unsafe) private static var done = false
    private static let lock = NSLock()

    static func bootstrap(verbose: Bool, quiet: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard !done else { return }
        done = true
        let level: Logger.Level = verbose ? .debug : quiet ? .error : .notice
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
