import ArgumentParser
import Foundation
import Mailroom
import MailroomServe

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run as a service: HTTP intake, continuous delivery, retries when due, health and metrics.",
        discussion: """
        Listens on --listen (serve.listen, default 127.0.0.1:8025) for POST /v1/events (one JSON event, \
        or NDJSON), GET /healthz, GET /readyz and GET /metrics. Delivers every stored message as it \
        arrives and each deferred one when it is due. Several serve processes may share one outbox. \
        A bearer token (MAILROOM_SERVE_TOKEN) is required to listen on an address that is not \
        loopback. SIGTERM or SIGINT stops it cleanly (exit 0); a second signal stops at once.
        """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "HOST:PORT to listen on (port 0: any free port, logged at start).")
    var listen: String?

    @Argument(help: "- to read events from standard input too.")
    var input: [String] = []

    func validate() throws {
        guard input.allSatisfy({ $0 == "-" }), input.count <= 1 else {
            throw ValidationError("serve takes no files; `-` reads events from standard input beside HTTP")
        }
    }

    /// The service's own messages: on stderr as text, or through the logger with
    /// `--log-format json`, so that every line of stderr is then one JSON object.
    private static func reporter(_ runtime: Runtime) -> @Sendable (String) -> Void {
        guard runtime.options.logFormat == .json else { return { Terminal.error($0) } }
        let logger = runtime.logger
        return { logger.notice("\($0)") }
    }

    func run() async throws {
        try await Self.reportingFailures {
            let runtime = try await Runtime.load(global)
            let settings = runtime.settings
            let say = Self.reporter(runtime)
            let text = listen ?? settings.serve.listen
            guard let address = ListenAddress(parsing: text) else {
                throw Failure.configuration("serve.listen: expected HOST:PORT such as 127.0.0.1:8025, found '\(text)'")
            }
            let token = settings.serve.token?.value
            if !address.isLoopback && token == nil {
                throw Failure.configuration("serve.listen: \(address) is not a loopback address; set MAILROOM_SERVE_TOKEN "
                                            + "so that only clients with the token can post events")
            }
            let factory = try runtime.factory()
            let transport = try runtime.transport()
            let store = try runtime.outbox()
            let service = ServeService(
                configuration: .init(listen: address, token: token, maxRequestBytes: settings.serve.maxRequestBytes,
                                     maxRequestEvents: settings.serve.maxRequestEvents,
                                     idleCheck: settings.serve.idleCheck, readStandardInput: !input.isEmpty),
                factory: factory, store: store, logger: runtime.logger,
                makeDispatcher: transport.map { transport in { observer in runtime.dispatcher(transport, observer: observer) } })
            if transport == nil {
                say("serve: no SMTP URL is configured: events are stored as held; deliver them with `mailroom replay --smtp-url smtp://HOST:PORT`")
            }
            let trap = SignalTrap(command: "serve", grace: settings.serve.shutdownGrace, report: say)
            let ending: ServeService.Ending
            do {
                ending = try await service.run(stop: trap.stop) { bound in
                    say("serve: listening on http://\(bound) (outbox \(store.location))")
                }
            } catch {
                throw Failure.configuration("serve.listen: cannot listen on \(address): \(error)")
            }
            if let stop = ending.configurationError {
                say("serve: \(stop); fix the configuration and start it again (the messages stay in the outbox)")
                return ExitStatus.configuration
            }
            if let failure = ending.recordingFailure {
                say("the outbox could not record, the service stopped (nothing unrecorded was sent): \(failure)")
                return ExitStatus.ioError
            }
            if !global.quiet { say("serve: stopped; this run: \(ending.deliveries.line)") }
            return ExitStatus.success
        }
    }
}
