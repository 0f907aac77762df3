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

    public init(templateName: String, locale: String, subject: String, text: String, html: String) {
        self.templateName = templateName
        self.locale = locale
        self.subject = subject
        self.text = text
        self.html = html
    }
}
