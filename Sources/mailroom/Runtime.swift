import ArgumentParser
import Foundation
import Logging
import Mailroom
import MailroomDKIM
import MailroomPostgres
import MailroomSMTP
import MailroomSQLite

/// The objects one command runs with, built from the merged settings.
///
/// Every failure here is a configuration error: printed with what to fix, exit 78.
struct Runtime {
    let settings: MailroomSettings
    let logger: Logger
    let options: GlobalOptions

    static func load(_ options: GlobalOptions) async throws -> Runtime {
        LoggingSetup.bootstrap(verbose: options.verbose, quiet: options.quiet, format: options.logFormat)
        let logger = Logger(label: "mailroom")
        do {
            let settings = try await SettingsLoader(options: options).load()
            return Runtime(settings: settings, logger: logger, options: options)
        } catch {
            throw Failure.configuration("\(error.key): \(error.message)")
        }
    }

    func catalog() throws -> TemplateCatalog {
        do {
            return try TemplateCatalog(directory: URL(fileURLWithPath: settings.templatesPath),
                                       globals: ["company": settings.sender.organization])
        } catch {
            throw Failure.configuration("templates: \(error)")
        }
    }

    func factory() throws -> MessageFactory {
        let catalog = try catalog()
        let signer = try dkimSigner()
        do {
            let from = try Mailbox(parsing: settings.sender.from)
            let replyTo = try settings.sender.replyTo.map { text throws(MessageError) in try Mailbox(parsing: text) }
            let domain = settings.sender.messageIDDomain ?? String(from.address.split(separator: "@").last ?? "localhost")
            return MessageFactory(catalog: catalog, composer: MessageComposer(from: from, replyTo: replyTo, messageIDDomain: domain),
                                  sign: signer?.signing)
        } catch {
            throw Failure.configuration("sender: \(error)")
        }
    }

    /// The DKIM keys of `dkim.*`, read and checked now so a bad key stops the run before anything
    /// is stored; nil when none is configured.
    func dkimSigner() throws -> DKIMSigner? {
        guard !settings.dkim.isEmpty else { return nil }
        var keys: [DKIMKey] = []
        for key in settings.dkim {
            do {
                keys.append(try DKIMKey.load(file: key.privateKeyFile, domain: key.domain, selector: key.selector))
            } catch {
                throw Failure.configuration("dkim.private_key_file: \(error)")
            }
            logger.debug("signing with DKIM", metadata: ["key": "\(keys[keys.count - 1])"])
        }
        return DKIMSigner(keys: keys)
    }

    /// Opens (creating if needed) the outbox and settles the leases of processes that are gone.
    ///
    /// An outbox that cannot be opened or recovered is an outbox failure (exit 74) when the store
    /// itself failed (disk full, read-only, corrupt), a configuration error otherwise.
    func outbox(create: Bool = true, recover: Bool = true) throws -> any OutboxStore {
        do {
            let store = try openOutbox(create: create)
            guard recover else { return store }
            let report = try store.recoverAbandonedLeases()
            for id in report.markedUncertain {
                logger.warning("a previous run stopped during an attempt: marked uncertain", metadata: ["message": "\(id)"])
            }
            return store
        } catch {
            throw Failure.outbox(error)
        }
    }

    /// The engine the location names: PostgreSQL for a `postgresql://` URL (`outbox.url`, or
    /// `--outbox` / `MAILROOM_OUTBOX` given one), else SQLite in the outbox directory.
    private func openOutbox(create: Bool) throws(OutboxError) -> any OutboxStore {
        guard let url = settings.outboxURL else {
            return try SQLiteOutboxStore(directory: settings.outboxPath, create: create)
        }
        return try postgresOutbox(url)
    }

    /// The PostgreSQL outbox; its password comes only from the environment, never from a flag,
    /// the URL or the file, so that it is in no process listing or configuration file.
    func postgresOutbox(_ url: String) throws(OutboxError) -> PostgresOutboxStore {
        let environment = ProcessInfo.processInfo.environment
        let password = [environment["MAILROOM_OUTBOX_PASSWORD"], environment["PGPASSWORD"]]
            .compactMap { $0 }.first { !$0.isEmpty }
        // The store's callers are the pipeline, the recorder and every SMTP connection's worker.
        return try PostgresOutboxStore(url: PostgresLocation(url: url), password: password,
                                       connections: settings.smtp.connections + 2, logger: logger)
    }

    /// The SMTP transport, or nil when no URL is configured.
    func transport() throws -> CurlSMTPTransport? {
        guard let url = settings.smtp.url else { return nil }
        do {
            let endpoint = try SMTPEndpoint(url: url)
            let smtp = try SMTPSettings(
                endpoint: endpoint, username: settings.smtp.username, password: settings.smtp.password?.value,
                caFile: settings.smtp.caFile, heloName: settings.smtp.heloName ?? settings.sender.messageIDDomain,
                connectTimeout: settings.smtp.connectTimeout, replyTimeout: settings.smtp.replyTimeout,
                transferTimeout: settings.smtp.transactionTimeout, maxConnectionAge: settings.smtp.maxConnectionAge)
            if let caFile = settings.smtp.caFile, !FileManager.default.isReadableFile(atPath: caFile) {
                throw Failure.configuration("smtp.ca_file: cannot read \(caFile)")
            }
            return CurlSMTPTransport(settings: smtp, logger: logger)
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure.configuration("smtp.url: \(error)")
        }
    }

    /// A dispatcher and the recorder that journals its attempts into `outbox`.
    func delivery(_ transport: CurlSMTPTransport, store: any OutboxStore, reporter: any RunReporter)
        -> (dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder)
    {
        let recorder = OutboxDeliveryRecorder(store: store, logger: logger, onFinal: { id, state, explanation in
            reporter.finished(eventID: id, state: state, explanation: explanation)
        })
        let dispatcher = dispatcher(transport, observer: recorder)
        dispatcher.start()
        return (dispatcher, recorder)
    }

    /// A dispatcher with the configured connections, retry policy, outage pause and rate limit;
    /// not started.
    func dispatcher(_ transport: CurlSMTPTransport, observer: any DeliveryObserver) -> DeliveryDispatcher {
        DeliveryDispatcher(transport: transport, connections: settings.smtp.connections, policy: settings.retry,
                           observer: observer, logger: logger, circuitBreakerPause: settings.smtp.outagePause,
                           rateLimit: settings.smtp.rateLimit)
    }
}

/// A failure that ends the command with a sysexits code and a message on stderr.
enum Failure: Error {
    case configuration(String)
    case usage(String)
    case input(String)
    /// The outbox cannot be used: 74 when it could not read or record, 78 when it is set up wrong.
    case outbox(OutboxError)

    var exitCode: Int32 {
        switch self {
        case .outbox(let error): error.isStorageFailure ? ExitStatus.ioError : ExitStatus.configuration
        case .configuration: ExitStatus.configuration
        case .usage: ExitStatus.usage
        case .input: ExitStatus.invalidInput
        }
    }

    var message: String {
        switch self {
        case .configuration(let text): "configuration error: \(text)"
        case .usage(let text): text
        case .input(let text): text
        case .outbox(let error) where error.isStorageFailure: "\(error)"
        case .outbox(let error): "configuration error: \(error)"
        }
    }
}

extension ParsableCommand {
    /// Runs `body`, turning a ``Failure`` into its message and exit code.
    static func reportingFailures(_ body: () async throws -> Int32) async throws {
        let code: Int32
        do {
            code = try await body()
        } catch let failure as Failure {
            Terminal.error(failure.message)
            code = failure.exitCode
        }
        if code != 0 { throw ExitCode(code) }
    }
}

extension Runtime {
    /// Says what the outbox could not record and which events must be sent again (exit 74).
    static func reportStoreFailure(_ summary: RunSummary) {
        guard summary.storeFailure != nil || summary.notStored > 0 else { return }
        if let failure = summary.storeFailure {
            Terminal.error("the outbox could not record, the run stopped (nothing unrecorded was sent): \(failure)")
        }
        guard summary.notStored > 0 else { return }
        let named = summary.notStoredEvents.joined(separator: ", ")
        let more = summary.notStored > summary.notStoredEvents.count
            ? " and \(summary.notStored - summary.notStoredEvents.count) more" : ""
        Terminal.error("\(summary.notStored) event(s) were not stored and must be sent again: \(named)\(more)")
    }
}
