import Logging
import Synchronization

/// Bootstraps swift-log once per process: to stderr, as text or JSON lines (`--log-format`);
/// `--verbose` shows every attempt, `--quiet` only errors.
enum LoggingSetup {
    private static let done = Mutex(false)

    static func bootstrap(verbose: Bool, quiet: Bool, format: LogFormat = .human) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let level: Logger.Level = verbose ? .debug : quiet ? .error : .notice
        LoggingSystem.bootstrap { label in
            switch format {
            case .human:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
