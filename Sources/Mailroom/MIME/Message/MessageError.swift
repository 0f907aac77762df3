/// Why a message could not be composed: a header value, address or option that cannot go on the wire.
///
/// The composer refuses rather than repairs: a CR, LF or NUL in a header value is either a bug upstream
/// or an injection attempt, and neither should turn into a different message than the one asked for.
/// `field` names where the value was headed (`Subject`, `To`, `envelope sender`, ...) and `message`
/// quotes the value with its control characters made visible.
public struct MessageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of value was refused.
    public enum Code: String, Sendable, Equatable {
        /// A control character (C0, DEL, C1) or a line/paragraph separator in a header value.
        case controlCharacter
        /// An address that is not an acceptable ASCII addr-spec.
        case invalidAddress
        /// A mailbox string (`Name <addr>`) that could not be parsed.
        case invalidMailbox
        /// A Message-ID domain that is not a fully qualified ASCII domain.
        case invalidDomain
        /// A caller-supplied MIME boundary that is malformed or occurs in the body.
        case invalidBoundary
        /// A `Content-Language` value that is not a BCP 47 language tag.
        case invalidLocale
    }

    public var code: Code
    /// The header or envelope field the value was meant for, e.g. `Subject` or `envelope recipient`.
    public var field: String
    /// The offending value as given (may contain the very control characters that were refused).
    public var value: String
    /// A sentence naming the field and the (escaped) value and saying what is wrong.
    public var message: String

    init(code: Code, field: String, value: String, message: String) {
        self.code = code
        self.field = field
        self.value = value
        self.message = message
    }

    /// An error whose message reads `<field> <escaped value>: <problem>`.
    static func refusing(_ code: Code, field: String, value: String, because problem: String) -> MessageError {
        MessageError(
            code: code, field: field, value: value,
            message: "\(field) \(SafeText.quoted(value, limit: 120, showSize: false)): \(problem)"
        )
    }

    public var description: String { "cannot compose message: \(message)" }
}
