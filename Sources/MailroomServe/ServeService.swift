import Foundation
import Hummingbird
import Logging
import Mailroom
import ServiceLifecycle
import Synchronization

/// `mailroom serve`: HTTP intake, continuous delivery, health and metrics, in one process.
///
/// A stop (``StopSignal``, raised by SIGTERM or SIGINT) first turns intake away (503 with
/// `Retry-After`) and leases nothing more; the transactions in flight finish and every result
/// is recorded, the messages leased but not attempted are released; only then does the HTTP
/// server close. Nothing becomes `uncertain` because of a stop.
package final class ServeService: Sendable {
    package struct Configuration: Sendable {
        package var listen: ListenAddress
        /// Required of intake and metrics requests when set.
        package var token: String?
        package var maxRequestBytes: Int
        package var maxRequestEvents: Int
        /// How often the outbox is checked for messages other processes stored.
        package var idleCheck: Duration
        /// `serve -`: events from standard input too.
        package var readStandardInput: Bool

        package init(listen: ListenAddress, token: String?, maxRequestBytes: Int, maxRequestEvents: Int,
                    idleCheck: Duration = .seconds(2), readStandardInput: Bool) {
            self.listen = listen
            self.token = token
            self.maxRequestBytes = maxRequestBytes
            self.maxRequestEvents = maxRequestEvents
            self.idleCheck = idleCheck
            self.readStandardInput = readStandardInput
        }
    }

    /// What a stopped service did; `recordingFailure` set means exit 74, `configurationError` 78.
    package struct Ending: Sendable {
        package var deliveries: RunSummary
        package var recordingFailure: String?
        /// Why delivery stopped by itself (an untrusted certificate, refused credentials), if it did.
        package var configurationError: String?
    }

    private let configuration: Configuration
    private let store: any OutboxStore
    private let logger: Logger
    private let metrics = ServeMetrics()
    private let intake: EventIntake
    private let delivery: Delivery?
    private let stopReason = StopReason()

    private struct Delivery: Sendable {
        var dispatcher: DeliveryDispatcher
        var recorder: OutboxDeliveryRecorder
        var loop: DeliveryLoop
    }

    /// - Parameter makeDispatcher: builds the dispatcher for the configured relay around the
    ///   observer given (not started); nil when no relay is configured: messages are stored
    ///   `held`, and nothing is delivered.
    package init(configuration: Configuration, factory: MessageFactory, store: any OutboxStore, owner: LeaseOwner = .current,
                logger: Logger, makeDispatcher: ((any DeliveryObserver) -> DeliveryDispatcher)?) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        let loopReference = LoopReference()
        if let makeDispatcher {
            let recorder = OutboxDeliveryRecorder(store: store, logger: logger, onFinal: { _, _, _ in
                loopReference.loop?.finished()
            })
            let dispatcher = makeDispatcher(MeteredObserver(recorder: recorder, metrics: metrics))
            let loop = DeliveryLoop(store: store, owner: owner, dispatcher: dispatcher, recorder: recorder, logger: logger,
                                    capacity: 64, idleCheck: configuration.idleCheck)
            loopReference.loop = loop
            delivery = Delivery(dispatcher: dispatcher, recorder: recorder, loop: loop)
        } else {
            delivery = nil
        }
        intake = EventIntake(factory: factory, store: store, initialState: makeDispatcher == nil ? .held : .queued,
                             metrics: metrics, logger: logger, onStored: { loopReference.loop?.wake() })
    }

    /// Runs until `stop` is raised and everything in flight is recorded. `onListening` is told
    /// the address the server is bound to (with the port the system chose for port 0).
    package func run(stop: StopSignal, onListening: @escaping @Sendable (String) -> Void) async throws -> Ending {
        let delivery = delivery
        let routes = ServeRoutes(
            intake: intake, store: store, metrics: metrics, token: configuration.token.flatMap(BearerToken.init),
            maxRequestBytes: configuration.maxRequestBytes, maxRequestEvents: configuration.maxRequestEvents,
            stopping: { [stopReason] in stopReason.value.withLock { $0 } },
            relayPausedUntil: { delivery?.dispatcher.relayPausedUntil })
        let listen = configuration.listen
        let app = Application(
            router: routes.router(),
            configuration: .init(address: .hostname(listen.host, port: listen.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? listen.port
                onListening(ListenAddress(parsing: "\(listen.host.contains(":") ? "[\(listen.host)]" : listen.host):\(port)")?.description ?? "\(port)")
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let standardInput = configuration.readStandardInput ? StandardInputIntake(intake: intake, logger: logger) : nil

        if let delivery {
            delivery.loop.onHalt = { reason in stop.raise("delivery stopped: \(reason)") }
            delivery.dispatcher.start()
            delivery.loop.start()
        }
        standardInput?.start()
        let drained = Drained()
        stop.onRaise { [stopReason, logger] reason in
            stopReason.value.withLock { $0 = $0 ?? reason }
            logger.notice("stopping: taking no more events, finishing the transactions in flight", metadata: ["reason": "\(reason)"])
            let thread = Thread {
                drained.signal(halted: Self.drain(delivery: delivery, standardInput: standardInput, reason: reason))
                Task { await group.triggerGracefulShutdown() }
            }
            thread.name = "mailroom-stop"
            thread.start()
        }
        do {
            try await group.run()
        } catch {
            // The server could not start or failed: stop delivering, record what was in flight.
            stop.raise("the HTTP server stopped: \(error)")
            await blocking { drained.wait() }
            throw error
        }
        await blocking { drained.wait() }
        try? store.sync()
        let recordingFailure = delivery?.recorder.recordingFailure
        return Ending(deliveries: delivery?.recorder.summary ?? RunSummary(), recordingFailure: recordingFailure,
                      configurationError: recordingFailure == nil ? drained.halted : nil)
    }

    /// Returns why the dispatcher stopped by itself, if it did.
    private static func drain(delivery: Delivery?, standardInput: StandardInputIntake?, reason: String) -> String? {
        standardInput?.stop()
        guard let delivery else { return nil }
        delivery.dispatcher.interrupt(reason)
        delivery.loop.stop()
        let halted = delivery.dispatcher.finish()
        delivery.recorder.finish()
        return halted
    }
}

/// Lets the recorder's and the intake's callbacks reach the loop, which is made after them.
private final class LoopReference: @unchecked Sendable {
    // Set once, in the service's initialiser, before any callback can run.
    var loop: DeliveryLoop?
}

/// Why the service stopped taking events, once it did.
private final class StopReason: Sendable {
    let value = Mutex<String?>(nil)
}

/// Set once the stop's drain has finished, with why delivery stopped by itself, if it did.
private final class Drained: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var done = false
    private var reason: String?

    func signal(halted: String?) {
        condition.lock()
        done = true
        reason = halted
        condition.broadcast()
        condition.unlock()
    }

    var halted: String? {
        condition.lock()
        defer { condition.unlock() }
        return reason
    }

    func wait() {
        condition.lock()
        while !done { condition.wait() }
        condition.unlock()
    }
}
