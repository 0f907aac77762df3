/// What one `send` or `replay` run did, and the exit code it means (shared/CONTRACT.md section 4).
package struct RunSummary: Sendable, Equatable, Codable {
    package var sent = 0
    package var held = 0
    package var deferred = 0
    package var failed = 0
    package var uncertain = 0
    /// Past their deadline, not attempted (on arrival, or before an attempt): handled, exit 0.
    package var expired = 0
    package var duplicate = 0
    package var rejected = 0
    /// Stored but not attempted because the run stopped on a configuration error; they stay `queued`.
    package var notAttempted = 0
    /// Valid events that could not be stored (an I/O error in the outbox): not sent, not in the
    /// outbox; the producer has to send them again.
    package var notStored = 0
    /// The first of them by event id, at most ``namedLimit``, for the summary to name.
    package var notStoredEvents: [String] = []
    /// Set when a configuration error stopped the run.
    package var configurationError: String?
    /// Set when the outbox could not record something and the run stopped (exit 74).
    package var storeFailure: String?

    /// How many events that must be sent again a summary names.
    package static let namedLimit = 20

    package init() {}

    /// Sysexits: 78 configuration, 74 outbox failure, 65 invalid input, 69 permanent failure,
    /// 75 try again later, else 0.
    package var exitCode: Int32 {
        if configurationError != nil { return ExitStatus.configuration }
        if storeFailure != nil || notStored > 0 { return ExitStatus.ioError }
        if rejected > 0 { return ExitStatus.invalidInput }
        if failed > 0 { return ExitStatus.unavailable }
        if deferred > 0 || uncertain > 0 || notAttempted > 0 { return ExitStatus.tryAgainLater }
        return ExitStatus.success
    }

    /// `sent 5, held 0, deferred 1, failed 0, uncertain 0, duplicate 2, rejected 1`
    package var line: String {
        var parts = ["sent \(sent)", "held \(held)", "deferred \(deferred)", "failed \(failed)",
                     "uncertain \(uncertain)", "duplicate \(duplicate)", "rejected \(rejected)"]
        if expired > 0 { parts.append("expired \(expired)") }
        if notAttempted > 0 { parts.append("not attempted \(notAttempted)") }
        if notStored > 0 { parts.append("not stored \(notStored)") }
        return parts.joined(separator: ", ")
    }

    /// Adds the delivery outcomes counted by an ``OutboxDeliveryRecorder``.
    package mutating func addDeliveries(of other: RunSummary) {
        sent += other.sent
        held += other.held
        deferred += other.deferred
        failed += other.failed
        uncertain += other.uncertain
        expired += other.expired
        notAttempted += other.notAttempted
    }

    package mutating func count(_ state: MessageState) {
        switch state {
        case .sent: sent += 1
        case .held: held += 1
        case .deferred: deferred += 1
        case .failed: failed += 1
        case .uncertain: uncertain += 1
        case .expired: expired += 1
        case .queued: notAttempted += 1
        }
    }
}

/// The sysexits codes of shared/CONTRACT.md section 4.
package enum ExitStatus {
    package static let success: Int32 = 0
    package static let usage: Int32 = 64
    package static let invalidInput: Int32 = 65
    package static let unavailable: Int32 = 69
    package static let ioError: Int32 = 74
    package static let tryAgainLater: Int32 = 75
    package static let configuration: Int32 = 78
}
