import Foundation

/// What a template folder's `template.json` says about its emails besides their words.
///
/// `{"deadline": "data.withdraw_by"}` names the event timestamp after which the email is no
/// longer true; `{"deadline": null}` (or no file) says it never expires. Templates/README.md
/// documents the file.
struct TemplateMetadata: Sendable, Equatable {
    static let fileName = "template.json"

    /// An event field holding an RFC 3339 timestamp, as a JSON path from the event's root.
    var deadline: String?

    /// Reads `template.json` of the template for events of `type`.
    ///
    /// - Throws: ``TemplateError/Code/metadata`` for invalid JSON, an unknown key, or a deadline
    ///   that is not one of the event type's timestamps (so a typo fails at start-up).
    static func load(_ url: URL, path: String, template: String, type: EventType) throws(TemplateError) -> TemplateMetadata {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: url))
        } catch {
            throw TemplateError(code: .unreadable, message: "cannot read \(path)", template: template, file: path,
                                underlying: error)
        }
        func refuse(_ problem: String) -> TemplateError {
            TemplateError(code: .metadata, message: "\(path): \(problem)", template: template, file: path)
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw TemplateError(code: .metadata, message: "\(path) is not valid JSON", template: template, file: path,
                                underlying: error)
        }
        guard case .object(let fields) = value else { throw refuse("expected a JSON object such as {\"deadline\": null}") }
        if let unknown = fields.keys.sorted().first(where: { $0 != "deadline" }) {
            throw refuse("unknown key '\(unknown)'; the only key is \"deadline\"")
        }
        switch fields["deadline"] {
        case nil, .null?:
            return TemplateMetadata(deadline: nil)
        case .string(let field)?:
            let known = Event.timestampFields(of: type)
            guard known.contains(field) else {
                throw refuse("deadline '\(field)' is not a timestamp of \(type.rawValue) events; "
                             + "use one of \(known.joined(separator: ", ")) or null")
            }
            return TemplateMetadata(deadline: field)
        case let other?:
            throw refuse("deadline must be a field name such as \"data.withdraw_by\" or null, found \(other.kindDescription)")
        }
    }

    /// The deadline of `event`'s email, when the template has one.
    func deadline(for event: Event) -> MessageDeadline? {
        guard let deadline, let timestamp = event.timestamp(at: deadline) else { return nil }
        // A date-only value (`2026-12-11`) means that whole day: it passes when the day ends.
        let date = timestamp.dateOnly ? timestamp.date.addingTimeInterval(86_400) : timestamp.date
        return MessageDeadline(field: deadline, date: date, text: timestamp.text)
    }
}

extension Event {
    /// The event's RFC 3339 timestamps by the path a template's metadata names them with.
    static func timestampFields(of type: EventType) -> [String] {
        switch type {
        case .closureRequested: ["occurred_at", "data.effective_at"]
        case .balanceOutstanding: ["occurred_at", "data.withdraw_by"]
        case .closed: ["occurred_at", "data.closed_at"]
        }
    }

    /// The timestamp at `path` (one of ``timestampFields(of:)``), or nil.
    func timestamp(at path: String) -> Timestamp? {
        switch (path, payload) {
        case ("occurred_at", _): occurredAt
        case ("data.effective_at", .closureRequested(let data)): data.effectiveAt
        case ("data.withdraw_by", .balanceOutstanding(let data)): data.withdrawBy
        case ("data.closed_at", .closed(let data)): data.closedAt
        default: nil
        }
    }
}
