/// The check that keeps header values on one logical line, whatever the caller passes (the
/// characters are ``SafeText/isForbiddenInLine(_:)``'s).
///
/// Events are validated long before they reach the MIME writer, but the writer is the last place that
/// can stop a header injection (`Subject: x\r\nBcc: victim`), so it checks again: defence in depth.
enum HeaderValueCheck {
    /// Throws ``MessageError/Code/controlCharacter`` when `value` holds a character no line may hold.
    static func requireNoControls(_ value: String, field: String) throws(MessageError) {
        if SafeText.holdsForbidden(value) { try refuseControls(value, field: field) }
    }

    /// The same check with the field named by two parts, so the name is only joined when refusing.
    static func requireNoControls(_ value: String, field: String, _ fieldSuffix: String) throws(MessageError) {
        if SafeText.holdsForbidden(value) { try refuseControls(value, field: field + fieldSuffix) }
    }

    private static func refuseControls(_ value: String, field: String) throws(MessageError) {
        if let bad = value.unicodeScalars.first(where: SafeText.isForbiddenInLine) {
            throw MessageError.refusing(
                .controlCharacter, field: field, value: value,
                because: "control character \(Hex.codePoint(bad)) is not allowed in a header value; "
                    + "remove line breaks and control characters before composing"
            )
        }
    }
}
