import Foundation

/// Reading everything the aiosmtpd capture server received, keyed the way a test checks
/// delivery: by Message-ID.
extension TestServer {
    /// One message as the capture server wrote it: `N.eml` and `N.json`.
    public struct CapturedMessage: Sendable {
        public var number: Int
        public var bytes: [UInt8]
        /// The Message-ID header's value, e.g. `<...@mail.example.com>`; nil if it has none.
        public var messageID: String?
        public var mailFrom: String?
        public var recipients: [String]
    }

    /// How many messages the capture server has finished writing (`N.json` is written last).
    public func capturedCount() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && Int($0.dropLast(5)) != nil }.count
    }

    /// Every message captured so far, in arrival order.
    public func capturedMessages() throws -> [CapturedMessage] {
        let count = capturedCount()
        return try (0..<count).map { index in
            let number = index + 1
            let bytes = try capturedMessage(number)
            let envelope = try capturedEnvelope(number)
            return CapturedMessage(number: number, bytes: bytes, messageID: Self.headerValue("Message-ID", in: bytes),
                                   mailFrom: envelope["mail_from"] as? String,
                                   recipients: envelope["rcpt_tos"] as? [String] ?? [])
        }
    }

    /// How many times each Message-ID was captured.
    public func capturedCountsByMessageID() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for message in try capturedMessages() { counts[message.messageID ?? "(none)", default: 0] += 1 }
        return counts
    }

    /// The unfolded value of the first header field called `name` (case-insensitive).
    public static func headerValue(_ name: String, in bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let header = text.components(separatedBy: "\r\n\r\n").first ?? text
        var fields: [String] = []
        for line in header.components(separatedBy: "\r\n") {
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1] += line
            } else {
                fields.append(line)
            }
        }
        let prefix = name.lowercased() + ":"
        guard let field = fields.first(where: { $0.lowercased().hasPrefix(prefix) }) else { return nil }
        return field.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
    }
}
