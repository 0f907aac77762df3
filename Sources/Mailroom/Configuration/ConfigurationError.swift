/// A configuration problem: the run cannot start (exit 78).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The configuration key or source at fault, e.g. `smtp.connections` or `config/mailroom.yaml`.
    public var key: String
    public var message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "configuration error: \(key): \(message)" }
}
