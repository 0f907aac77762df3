import Logging
import Synchronization

/// Bootstraps swift-log once per process: to stderr; `--verbose` shows every attempt, `--quiet`
/// only errors.
enum LoggingSetup {
    private static let done = Mutex(false)

    static func bootstrap(verbose: Bool, quiet: Bool) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let level: Logger.Level = verbose ? .debug : quiet ? .error : .notice
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
