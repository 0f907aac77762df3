/// Where a run tells the operator about each event and message as it goes.
///
/// The CLI prints to the terminal; tests collect. Called from several threads.
package protocol RunReporter: Sendable {
    /// An event was refused (invalid, or it could not be rendered); the run goes on.
    func rejected(_ description: String)
    /// An event whose id is already in the outbox.
    func duplicate(eventID: String, source: String, line: Int)
    /// A message reached its final state for this run (nil: not attempted).
    func finished(eventID: String, state: MessageState?, explanation: String)
    /// Progress, as often as events come; implementations rate-limit.
    func progress(_ summary: RunSummary)
}

/// Reports nothing.
package struct SilentReporter: RunReporter {
    package init() {}
    package func rejected(_ description: String) {}
    package func duplicate(eventID: String, source: String, line: Int) {}
    package func finished(eventID: String, state: MessageState?, explanation: String) {}
    package func progress(_ summary: RunSummary) {}
}
