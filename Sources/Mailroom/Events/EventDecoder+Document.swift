extension EventDecoder {
    /// Nil when `bytes` are one JSON document, whatever it holds; else where and why they are not.
    ///
    /// Tells a request body that is not JSON at all (a malformed request) from a JSON event that
    /// breaks the contract's rules (an invalid event, reported like any other).
    package static func syntaxProblem(_ bytes: [UInt8]) -> EventValidationError.Problem? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch {
            return .init(path: error.path, message: error.message)
        }
    }
}
