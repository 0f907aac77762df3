import DequeModule
import Foundation
import HeapModule
import Logging

/// Spreads messages over a fixed number of SMTP connections, each owned by its own thread,
/// and applies the retry policy to transient failures.
///
/// Threads rather than tasks: a libcurl transfer blocks its thread for whole round trips, and
/// Swift's cooperative pool has only as many threads as cores. `submit` blocks while the queue is
/// full, so a producer reading an endless stdin stays within bounded memory.
///
/// A configuration verdict (TLS trust, STARTTLS, credentials) stops the run: nothing more is
/// attempted and every waiting job is reported `notAttempted`. A relay that does not respond
/// (connect failures and timeouts, see ``CircuitBreaker``) gets no attempts while the circuit
/// is open: its messages are deferred instead of each waiting out a timeout.
package final class DeliveryDispatcher: @unchecked Sendable {
    // All mutable state below is guarded by `condition`.
    private let condition = NSCondition()
    private var ready = Deque<DeliveryJob>()
    /// In-run retries, soonest first.
    private var delayed = Heap<Delayed>()
    /// Orders retries due at the same instant by when they were scheduled.
    private var delayedCount = 0
    private var inputClosed = false
    private var liveWorkers = 0
    /// Workers waiting for a job, and whether the producer waits for room: a change wakes only
    /// those who wait for it, so a backlog costs no wake-ups (a broadcast per job woke every
    /// thread for every message).
    private var waitingWorkers = 0
    private var producerWaiting = false
    private var stopReason: String?
    /// Set by ``interrupt(_:)``: like a stop, but not a configuration error.
    private var interruptReason: String?
    private var breaker: CircuitBreaker
    /// `smtp.rate_limit`, and the earliest instant the next attempt may start (shared by all workers).
    private let rateLimit: RateLimit?
    private var nextSlot: ContinuousClock.Instant?
    private var generator: any RandomNumberGenerator

    private let transport: any MailTransport
    private let connections: Int
    private let policy: RetryPolicy
    private let observer: any DeliveryObserver
    private let clock: any DeliveryClock
    private let queueCapacity: Int
    private let logger: Logger

    /// - Parameter clock: the time in-run retries, the rate limit and the circuit breaker run on.
    package init(
        transport: any MailTransport, connections: Int, policy: RetryPolicy, observer: any DeliveryObserver,
        logger: Logger, clock: any DeliveryClock = SystemDeliveryClock(),
        generator: any RandomNumberGenerator = SystemRandomNumberGenerator(),
        circuitBreakerThreshold: Int? = nil, circuitBreakerPause: Duration = .seconds(60), rateLimit: RateLimit? = nil
    ) {
        self.rateLimit = rateLimit
        self.transport = transport
        self.connections = max(1, connections)
        self.policy = policy
        self.observer = observer
        self.logger = logger
        self.clock = clock
        self.generator = generator
        self.queueCapacity = max(64, 4 * self.connections)
        self.breaker = CircuitBreaker(threshold: circuitBreakerThreshold ?? max(3, 2 * self.connections),
                                      pause: circuitBreakerPause, now: { clock.now })
    }

    /// Starts the worker threads. Call once, before `submit`.
    package func start() {
        condition.lock()
        liveWorkers = connections
        condition.unlock()
        for index in 0..<connections {
            let thread = Thread { [self] in self.work() }
            thread.name = "mailroom-smtp-\(index)"
            thread.start()
        }
    }

    /// Queues a job, blocking while the queue is full. After a stop, the job is reported not attempted.
    package func submit(_ job: DeliveryJob) {
        condition.lock()
        while ready.count >= queueCapacity && stopReason == nil && interruptReason == nil {
            producerWaiting = true
            condition.wait()
        }
        producerWaiting = false
        if let reason = stopReason ?? interruptReason {
            condition.unlock()
            observer.didFinish(job, attempt: nil, verdict: nil, disposition: .notAttempted(reason: reason))
            return
        }
        ready.append(job)
        if waitingWorkers > 0 { condition.broadcast() }
        condition.unlock()
    }

    /// Waits until every submitted job reached a final disposition and the workers closed their connections.
    /// Returns the reason the run stopped (a configuration error, an outbox failure), if it did.
    @discardableResult
    package func finish() -> String? {
        condition.lock()
        inputClosed = true
        condition.broadcast()
        while liveWorkers > 0 { condition.wait() }
        let reason = stopReason
        condition.unlock()
        return reason
    }

    /// Stops the run: nothing more is attempted, transactions in flight finish, and every waiting
    /// job is reported not attempted. The first reason given is the one ``finish()`` returns.
    package func stop(because reason: String) {
        condition.lock()
        defer { condition.unlock() }
        guard stopReason == nil else { return }
        stopReason = reason
        logger.error("stopping the run", metadata: ["reason": "\(reason)"])
        condition.broadcast()
    }

    /// Starts no new attempt: those in flight finish if their message data has begun, else they
    /// are given up before it; every waiting job (retries included) is reported not attempted,
    /// and so is every job submitted later. For a run stopped by a signal.
    package func interrupt(_ reason: String) {
        condition.lock()
        if interruptReason == nil {
            interruptReason = reason
            logger.notice("no new transactions: finishing the ones in flight", metadata: ["reason": "\(reason)"])
            condition.broadcast()
        }
        condition.unlock()
    }

    private func interruption() -> String? {
        condition.lock()
        defer { condition.unlock() }
        return interruptReason
    }

    /// While the relay does not respond (the circuit is open): when the next probe may go.
    package var relayPausedUntil: Date? {
        condition.lock()
        defer { condition.unlock() }
        return breaker.reopensAt
    }

    /// Why the run stopped (a configuration error, an outbox failure), once it did.
    package var haltReason: String? {
        condition.lock()
        defer { condition.unlock() }
        return stopReason
    }

    /// True once the run was stopped (a configuration error, an outbox failure); producers may
    /// stop reading input.
    package var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopReason != nil
    }

    // MARK: - Workers

    private enum Next {
        case attempt(DeliveryJob)
        case skip(DeliveryJob, reason: String, deferUntil: Date?)
        /// Not attempted, and its retry lifetime is over: `failed`.
        case expire(DeliveryJob)
        case exit
    }

    private func work() {
        let connection = transport.makeConnection()
        defer {
            connection.close()
            condition.lock()
            liveWorkers -= 1
            condition.broadcast()
            condition.unlock()
        }
        while true {
            switch nextJob() {
            case .exit:
                return
            case .skip(let job, let reason, let until):
                let disposition: DeliveryDisposition = until.map { .deferred(until: $0) } ?? .notAttempted(reason: reason)
                observer.didFinish(job, attempt: nil, verdict: nil, disposition: disposition)
            case .expire(let job):
                observer.didFinish(job, attempt: nil, verdict: nil, disposition: .failed)
            case .attempt(var job):
                // Checked at the last moment, so a retry or a replay after an outage never tells
                // someone to act by a date that has passed.
                if let deadline = job.deadline, clock.now >= deadline {
                    observer.didFinish(job, attempt: nil, verdict: nil, disposition: .expired(
                        reason: "expired: its deadline (Expires: \(MessageDate.format(deadline))) passed before it could be sent; not attempted"))
                    continue
                }
                job.attemptsThisRun += 1
                let started = job
                var announced = false
                var recorded = true
                let attempt = connection.send(job.message) {
                    // A run stopping by signal sends no message data it has not begun.
                    if let reason = interruption() {
                        logger.info("giving up a transaction before its data", metadata: ["event": "\(started.eventID)", "reason": "\(reason)"])
                        return false
                    }
                    announced = true
                    recorded = observer.willAttempt(started)
                    return recorded
                }
                if attempt.failure == .abandoned && recorded {
                    observer.didFinish(job, attempt: nil, verdict: nil,
                                       disposition: .notAttempted(reason: interruption() ?? "given up before the data"))
                    continue
                }
                if !announced { recorded = observer.willAttempt(job) }
                guard recorded else {
                    let reason = observer.recordingFailure ?? "the outbox could not record the start of an attempt"
                    stop(because: reason)
                    observer.didFinish(job, attempt: nil, verdict: nil, disposition: .notAttempted(reason: reason))
                    continue
                }
                let verdict = DeliveryClassifier.verdict(for: attempt)
                let disposition = settle(&job, attempt: attempt, verdict: verdict)
                observer.didFinish(job, attempt: attempt, verdict: verdict, disposition: disposition)
                if let failure = observer.recordingFailure { stop(because: failure) }
            }
        }
    }

    private func nextJob() -> Next {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let reason = stopReason ?? interruptReason {
                if let job = popAny() { return .skip(job, reason: reason, deferUntil: nil) }
                return .exit
            }
            let instant = clock.instant
            let available = !ready.isEmpty || delayed.min.map { $0.due <= instant } == true
            if available, !breaker.isOpen, let slot = nextSlot, slot > instant {
                // Workers waiting for a slot are not idle ones: a new job need not wake them.
                clock.wait(on: condition, timeout: max(instant.duration(to: slot), .microseconds(500)))
                continue
            }
            let job: DeliveryJob?
            if !ready.isEmpty {
                job = popReady()
            } else if let soonest = delayed.min, soonest.due <= instant {
                job = delayed.removeMin().job
            } else {
                job = nil
            }
            if let job {
                if let reason = breaker.refusal() {
                    let failures = job.previousFailures + 1
                    let expiry = job.storedAt.addingTimeInterval(policy.lifetime.seconds)
                    // An outage longer than the retry lifetime ends the message's retries too.
                    if job.previousFailures > 0 && clock.now >= expiry { return .expire(job) }
                    let until = min(clock.now.addingTimeInterval(policy.ceiling(afterFailure: failures).seconds), expiry)
                    return .skip(job, reason: reason, deferUntil: until)
                }
                if let rateLimit { nextSlot = max(nextSlot ?? instant, instant).advanced(by: rateLimit.interval) }
                return .attempt(job)
            }
            if inputClosed && delayed.isEmpty { return .exit }
            waitingWorkers += 1
            clock.wait(on: condition, timeout: delayed.min.map { max(instant.duration(to: $0.due), .milliseconds(1)) })
            waitingWorkers -= 1
        }
    }

    private func popReady() -> DeliveryJob {
        let job = ready.removeFirst()
        // A blocked producer is woken once half the queue is free, to refill it in one go
        // rather than one job per wake-up.
        if producerWaiting && ready.count <= queueCapacity / 2 { condition.broadcast() }
        return job
    }

    private func popAny() -> DeliveryJob? {
        if !ready.isEmpty { return popReady() }
        return delayed.popMin()?.job
    }

    /// Applies the verdict and the retry policy; schedules in-run retries.
    private func settle(_ job: inout DeliveryJob, attempt: DeliveryAttempt, verdict: DeliveryVerdict) -> DeliveryDisposition {
        condition.lock()
        defer { condition.unlock() }
        trackReachability(attempt)
        switch verdict {
        case .sent: return .sent
        case .permanent: return .failed
        case .uncertain: return .uncertain
        case .configuration:
            if stopReason == nil {
                stopReason = "configuration error: " + DeliveryClassifier.explanation(for: attempt)
                logger.error("stopping the run", metadata: ["reason": "\(stopReason ?? "")"])
                condition.broadcast()
            }
            return .notAttempted(reason: stopReason ?? "configuration error")
        case .transient:
            let failures = job.previousFailures + job.attemptsThisRun
            let decision = policy.decision(attemptsThisRun: job.attemptsThisRun, totalFailures: failures,
                                           storedAt: job.storedAt, now: clock.now, using: &generator)
            switch decision {
            case .giveUp:
                return .failed
            case .deferUntil(let date):
                return .deferred(until: date)
            case .retry(let wait):
                if breaker.isOpen {
                    return .deferred(until: clock.now.addingTimeInterval(policy.ceiling(afterFailure: failures).seconds))
                }
                delayedCount += 1
                delayed.insert(Delayed(due: clock.instant.advanced(by: wait), order: delayedCount, job: job))
                condition.broadcast()
                return .retrying(after: wait)
            }
        }
    }

    /// Feeds the circuit breaker; says so when the relay stopped responding.
    private func trackReachability(_ attempt: DeliveryAttempt) {
        if breaker.record(CircuitBreaker.outcome(of: attempt)) {
            logger.warning("deferring messages without attempts while the relay does not respond",
                           metadata: ["after": "\(breaker.threshold) attempts", "pause": "\(breaker.pause)"])
        }
    }
}

/// An in-run retry waiting for its time.
private struct Delayed: Comparable {
    var due: ContinuousClock.Instant
    var order: Int
    var job: DeliveryJob

    static func < (lhs: Delayed, rhs: Delayed) -> Bool { (lhs.due, lhs.order) < (rhs.due, rhs.order) }
    static func == (lhs: Delayed, rhs: Delayed) -> Bool { (lhs.due, lhs.order) == (rhs.due, rhs.order) }
}
