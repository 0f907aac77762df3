/// Where a stored message stands (shared/CONTRACT.md section 3).
public enum MessageState: String, Sendable, CaseIterable, Codable {
    /// Stored, not yet tried.
    case queued
    /// No transport was configured; waits for `mailroom replay --smtp-url ...`.
    case held
    /// A transient failure; has a next attempt time.
    case deferred
    /// The server replied 250 to the end of DATA.
    case sent
    /// A permanent failure, or the retry lifetime ran out.
    case failed
    /// The connection was lost or timed out after the whole message was sent; never resent unless forced.
    case uncertain
    /// Its deadline from the event (e.g. `withdraw_by`) passed before it could be sent: never
    /// attempted, sent only by an operator's `replay --force`.
    case expired
}
