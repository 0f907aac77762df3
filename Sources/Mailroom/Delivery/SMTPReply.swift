/// A server reply as read from the SMTP conversation, e.g. `250 2.0.0 Ok: queued as ABC`.
public struct SMTPReply: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The three-digit reply code.
    public var code: Int
    /// The RFC 3463 enhanced status code, e.g. `5.1.1`, when the server gave one.
    public var enhancedCode: String?
    /// The reply text after the code (and enhanced code), all lines joined by a space.
    public var text: String

    public init(code: Int, enhancedCode: String? = nil, text: String) {
        self.code = code
        self.enhancedCode = enhancedCode
        self.text = text
    }

    public var isTransient: Bool { (400..<500).contains(code) }
    public var isPermanent: Bool { (500..<600).contains(code) }

    public var description: String {
        [String(code), enhancedCode, text.isEmpty ? nil : text].compactMap { $0 }.joined(separator: " ")
    }
}
