/// A problem with the SMTP settings that no retry fixes: the operator has to change them.
///
/// Thrown while parsing an ``SMTPEndpoint`` or building ``SMTPSettings``, before any connection
/// is made. The message names the offending value and says what to do; it never contains a
/// password.
public struct SMTPConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is, stable for tests and for mapping to exit code 78.
    public enum Code: String, Sendable, Equatable {
        case invalidURL = "invalid-url"
        case unsupportedScheme = "unsupported-scheme"
        case invalidPort = "invalid-port"
        case invalidParameter = "invalid-parameter"
        case credentialsInURL = "credentials-in-url"
        case portMismatch = "port-mismatch"
        case cleartextCredentials = "cleartext-credentials"
        case invalidSetting = "invalid-setting"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "SMTP configuration error (\(code.rawValue)): \(message)" }
}
