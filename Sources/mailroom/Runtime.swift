import ArgumentParser
import Foundation
import Logging
import Mailroom
import MailroomSMTP

/// The objects one command runs with, built from the merged settings.
///
/// Every failure here is a configuration error: printed with what to fix, exit 78.
struct Runtime {
    let settings: MailroomSettings
    let logger: Logger
    let options: GlobalOptions

    static func load(_ options: GlobalOptions) async throws -> Runtime {
        LoggingSetup.bootstrap(verbose: options.verbose, quiet: options.quiet)
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
        do {
            let from = try Mailbox(parsing: settings.sender.from)
            let replyTo = try settings.sender.replyTo.map { text throws(MessageError) in try Mailbox(parsing: text) }
            let domain = settings.sender.messageIDDomain ?? String(from.address.split(separator: "@").last ?? "localhost")
            return MessageFactory(catalog: catalog, composer: MessageComposer(from: from, replyTo: replyTo, messageIDDomain: domain))
        } catch {
            throw Failure.configuration("sender: \(error)")
        }
    }

    /// Opens (creating if needed) the outbox and repairs what a crash left behind.
    func outbox(create: Bool = true) throws -> Outbox {
        do {
            let outbox = try Outbox(path: settings.outboxPath, create: create, syncMode: .filesystem)
            let report = try outbox.recover()
            for key in report.markedUncertain {
                logger.warning("a previous run stopped during an attempt: marked uncertain", metadata: ["message": "\(key)"])
            }
            for name in report.quarantined {
                logger.warning("moved a broken outbox entry aside", metadata: ["entry": "quarantine/\(name)"])
            }
            return outbox
        } catch {
            throw Failure.configuration("outbox: \(error)")
        }
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
    func delivery(_ transport: CurlSMTPTransport, outbox: Outbox, reporter: any RunReporter)
        -> (dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder)
    {
        let recorder = OutboxDeliveryRecorder(outbox: outbox, logger: logger, onFinal: { id, state, explanation in
            reporter.finished(eventID: id, state: state, explanation: explanation)
        })
        let dispatcher = DeliveryDispatcher(transport: transport, connections: settings.smtp.connections,
                                            policy: settings.retry, observer: recorder, logger: logger)
        dispatcher.start()
        return (dispatcher, recorder)
    }
}

/// A failure that ends the command with a sysexits code and a message on stderr.
enum Failure: Error {
    case configuration(String)
    case usage(String)
    case input(String)

    var exitCode: Int32 {
        switch self {
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
