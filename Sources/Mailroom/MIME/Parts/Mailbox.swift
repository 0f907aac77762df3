/// A mailbox for `From`, `To` and `Reply-To`: an optional display name and an ASCII addr-spec.
///
/// Both parts are checked when the value is made, so a `Mailbox` can always be written into a header
/// and its address into the SMTP envelope: the address passes ``AddressSpec/problem(with:)`` and the
/// display name holds no control characters (C0, DEL, C1) nor U+2028/U+2029. The display name may be
/// any other Unicode; the composer writes it as an RFC 2047 encoded word when it is not ASCII.
public struct Mailbox: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The bare addr-spec, `local@domain`, without angle brackets.
    public let address: String
    /// The human name shown by mail readers; nil when there is none (an empty name counts as none).
    public let displayName: String?

    /// Makes a mailbox from its parts, refusing an invalid address or a display name with control
    /// characters. `field` names the use in error messages (`From`, `To`, ...).
    public init(address: String, displayName: String? = nil) throws(MessageError) {
        try self.init(address: address, displayName: displayName, field: "mailbox")
    }

    init(address: String, displayName: String?, field: String) throws(MessageError) {
        if let problem = AddressSpec.problem(with: address) {
            let code: MessageError.Code =
                address.unicodeScalars.contains(where: SafeText.isForbiddenInLine) ? .controlCharacter : .invalidAddress
            throw MessageError.refusing(code, field: "\(field) address", value: address, because: problem)
        }
        if let displayName {
            try HeaderValueCheck.requireNoControls(displayName, field: field, " display name")
        }
        self.address = address
        self.displayName = (displayName?.isEmpty ?? true) ? nil : displayName
    }

    /// `Name <local@domain>` or the bare address, unencoded: for logs and messages to people, not headers.
    public var description: String {
        guard let displayName else { return address }
        return "\(displayName) <\(address)>"
    }
}
