import Foundation

/// Turns one validated event into its email: the templates' words, then our MIME.
///
/// Shared by `send` (which stores the result) and `preview` (which only shows it).
public struct MessageFactory: Sendable {
    public let catalog: TemplateCatalog
    public let composer: MessageComposer

    public init(catalog: TemplateCatalog, composer: MessageComposer) {
        self.catalog = catalog
        self.composer = composer
    }

    /// A rendered and composed message, or why the event cannot become one.
    public struct Made: Sendable {
        public var email: RenderedEmail
        public var recipient: Mailbox
        public var message: ComposedMessage
    }

    /// - Throws: ``TemplateError`` (a template problem) or ``MessageError`` (a value that cannot be
    ///   a header, e.g. a control character that slipped past validation).
    public func make(_ event: Event, date: Date, boundary: String? = nil) throws -> Made {
        let email = try catalog.render(event)
        let recipient = try Mailbox(address: event.account.email, displayName: event.account.name)
        let message = try composer.compose(email, eventID: event.id, to: recipient, date: date, boundary: boundary)
        return Made(email: email, recipient: recipient, message: message)
    }
}
