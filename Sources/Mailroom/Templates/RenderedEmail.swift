import Foundation

/// The words of one email, before MIME: what the templates produced for one event.
///
/// `subject` and `text` are plain Unicode text (never HTML-escaped); `html` is a complete HTML
/// document whose data values were escaped. Line breaks are `\n`; the MIME writer makes them CRLF.
public struct RenderedEmail: Sendable, Equatable {
    public var templateName: String
    /// The locale actually used after fallback, e.g. `de` or `en`.
    public var locale: String
    public var subject: String
    public var text: String
    public var html: String
    /// When the email stops being true (the template's metadata names the event field); nil when
    /// it never does. Written as the `Expires` header; a message past it is never attempted.
    public var deadline: MessageDeadline?

    public init(templateName: String, locale: String, subject: String, text: String, html: String,
                deadline: MessageDeadline? = nil) {
        self.templateName = templateName
        self.locale = locale
        self.subject = subject
        self.text = text
        self.html = html
        self.deadline = deadline
    }
}

/// A message's deadline and the event field it came from, for the reason an expired message gives.
public struct MessageDeadline: Sendable, Equatable {
    /// The event field, e.g. `data.withdraw_by`.
    public var field: String
    public var date: Date
    /// The field's value as the event wrote it.
    public var text: String

    public init(field: String, date: Date, text: String) {
        self.field = field
        self.date = date
        self.text = text
    }

    /// Why a message is expired at `time` (or was when it arrived).
    package func reason(storing: Bool) -> String {
        storing ? "expired on arrival: its deadline \(field) \(text) had passed; not attempted"
            : "expired: its deadline \(field) \(text) passed before it could be sent; not attempted"
    }
}
