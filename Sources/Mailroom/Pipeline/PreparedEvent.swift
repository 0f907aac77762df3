import Foundation

/// One input line after validation, rendering and composition: a message ready to store, or why
/// the line cannot become one.
///
/// Shared by every way events come in (`send`'s files and streams, `serve`'s HTTP intake), so an
/// event is refused for the same reasons, worded the same way, wherever it arrives.
package enum PreparedEvent: Sendable {
    case message(NewMessage)
    case rejected(EventValidationError, raw: [UInt8])

    /// Validates, renders and composes `line` as read from `source`.
    package static func prepare(_ line: EventStreamReader.Line, source: String, decoder: EventDecoder,
                               factory: MessageFactory, date: Date, initialState: MessageState) -> PreparedEvent {
        let number = line.number
        var bytes: [UInt8] = []
        if case .line(_, let content) = line { bytes = content }
        let event: Event
        do {
            event = try decoder.decode(line, source: source)
        } catch {
            return .rejected(error, raw: bytes)
        }
        do {
            let made = try factory.make(event, date: date)
            // Past its deadline on arrival: stored as expired, so the outbox says what happened.
            let expired = made.email.deadline.map { $0.date <= date } ?? false
            return .message(NewMessage(
                eventID: event.id, eventType: event.type.rawValue, template: made.email.templateName,
                locale: made.email.locale, sourceEvent: bytes, composed: made.message,
                initialState: expired ? .expired : initialState, source: source, line: number,
                note: expired ? made.email.deadline?.reason(storing: true) : nil))
        } catch {
            return .rejected(EventValidationError(eventID: event.id, line: number, source: source, problems: [
                .init(path: "$", message: "cannot be rendered: \(error)"),
            ]), raw: bytes)
        }
    }

    /// The record of a refused line for ``OutboxStore/recordRejected(_:)``.
    package static func record(of error: EventValidationError, raw: [UInt8], at time: Date) -> RejectedEvent {
        RejectedEvent(time: time, source: error.source ?? "-", line: error.line ?? 0, eventID: error.eventID,
                      problems: error.problems.map(\.description), raw: raw)
    }
}
