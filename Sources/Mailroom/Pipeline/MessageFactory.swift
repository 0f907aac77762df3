import Foundation

/// Turns one validated event into its email: the templates' words, then our MIME.
///
/// Shared by `send` (which stores the result) and `preview` (which only shows it).
public struct MessageFactory: Sendable {
    public let catalog: TemplateCatalog
    public let composer: MessageComposer
    /// Signs the composed bytes (DKIM), given the message's date; nil when nothing signs.
    public let sign: Signing?

    /// A function, not a protocol: the one signer (MailroomDKIM's) lives in a target of its own so
    /// the core does not depend on a cryptography library.
    public typealias Signing = @Sendable (_ message: [UInt8], _ date: Date) throws -> [UInt8]

    public init(catalog: TemplateCatalog, composer: MessageComposer, sign: Signing? = nil) {
        self.catalog = catalog
        self.composer = composer
        self.sign = sign
    }

    /// A rendered and composed message, or why the event cannot become one.
    public struct Made: Sendable {
        public var email: RenderedEmail
        public var recipient: Mailbox
        public var message: ComposedMessage
    }

    /// The message is signed here, before anything stores or shows it: the outbox keeps, and the
    /// relay gets, the signed bytes.
    ///
    /// - Throws: ``TemplateError`` (a template problem), ``MessageError`` (a value that cannot be
    ///   a header, e.g. a control character that slipped past validation) or the signer's error.
    public func make(_ event: Event, date: Date, boundary: String? = nil) throws -> Made {
        let email = try catalog.render(event)
        let recipient = try Mailbox(address: event.account.email, displayName: event.account.name)
        var message = try composer.compose(email, eventID: event.id, to: recipient, date: date, boundary: boundary)
        if let sign { message.bytes = try sign(message.bytes, date) }
        return Made(email: email, recipient: recipient, message: message)
    }
}
