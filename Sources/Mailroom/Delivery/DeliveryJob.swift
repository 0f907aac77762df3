import Foundation

/// One stored message handed to the ``DeliveryDispatcher``.
package struct DeliveryJob: Sendable {
    package var eventID: String
    package var message: ComposedMessage
    /// When the message was first stored: the retry lifetime counts from here.
    package var storedAt: Date
    /// Consecutive transient failures before this run (from the journal), for the backoff.
    package var previousFailures: Int
    /// Attempts made in this run so far.
    package internal(set) var attemptsThisRun: Int = 0
    /// No attempt starts at or after this time: the message's `Expires` by default, nil for an
    /// operator's forced replay, which sends on purpose.
    package var deadline: Date?

    package init(eventID: String, message: ComposedMessage, storedAt: Date, previousFailures: Int = 0) {
        self.eventID = eventID
        self.message = message
        self.storedAt = storedAt
        self.previousFailures = previousFailures
        self.deadline = message.expires
    }
}

/// Where a job stands after an attempt, or after the run gave up on it without one.
package enum DeliveryDisposition: Sendable, Equatable {
    case sent
    /// Will be tried again in this run after the delay.
    case retrying(after: Duration)
    case deferred(until: Date)
    case failed
    case uncertain
    /// The run stopped (configuration error, or the relay unreachable) before this job was tried.
    case notAttempted(reason: String)
    /// Its deadline passed before the next attempt could start: not tried, and never will be.
    case expired(reason: String)

    /// True when the job will not come back to the dispatcher in this run.
    package var isFinal: Bool {
        if case .retrying = self { return false }
        return true
    }
}

/// Told about every attempt, in the worker thread that made it; implementations journal them.
///
/// Called concurrently from several workers: implementations must be thread-safe.
package protocol DeliveryObserver: Sendable {
    /// Record `attempt-started` here. Called just before the message's data goes to the server
    /// (from then on a crash leaves the outcome unknown), or, for an attempt that failed before
    /// its data, just before ``didFinish(_:attempt:verdict:disposition:)``. Returns false when the
    /// start could not be recorded: the message's data is then not sent, and the run stops.
    func willAttempt(_ job: DeliveryJob) -> Bool
    /// After the attempt; `attempt` is nil for ``DeliveryDisposition/notAttempted(reason:)``.
    func didFinish(_ job: DeliveryJob, attempt: DeliveryAttempt?, verdict: DeliveryVerdict?,
                   disposition: DeliveryDisposition)
    /// Set once the observer could not record something: the dispatcher stops the run, since
    /// nothing may be sent that cannot be recorded.
    var recordingFailure: String? { get }
}
