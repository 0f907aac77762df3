import Foundation

/// What an author wants to know of a message at a glance: its size (and whether Gmail will clip
/// it), its MIME parts, and how many links its HTML has.
struct MessageSummary: Sendable, Equatable {
    /// Gmail shows "[Message clipped]" and hides the rest of a message above about 102 KB.
    static let gmailClipBytes = 102 * 1024
    /// From here on a preview warns: a longer name or another list item can push it over.
    static let gmailWarnBytes = 92 * 1024

    var bytes: Int
    var htmlBytes: Int
    /// `type (transfer-encoding)` of each leaf part, in order.
    var parts: [String]
    var links: Int

    init(message: [UInt8], html: String, links: Int) {
        bytes = message.count
        htmlBytes = html.utf8.count
        parts = Self.leafParts(of: message)
        self.links = links
    }

    /// nil when the size is well below Gmail's limit.
    var clippingWarning: String? {
        if bytes > Self.gmailClipBytes {
            return "over Gmail's 102 KB limit: Gmail will clip this message"
        }
        if bytes >= Self.gmailWarnBytes {
            return "near Gmail's 102 KB clipping limit"
        }
        return nil
    }

    var line: String {
        var pieces = ["\(Self.kilobytes(bytes)) (HTML \(Self.kilobytes(htmlBytes)))",
                      "parts: " + parts.joined(separator: ", "),
                      links == 1 ? "1 link" : "\(links) links"]
        if let clippingWarning { pieces.append("WARNING: " + clippingWarning) }
        return pieces.joined(separator: " · ")
    }

    static func kilobytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + 512) / 1024
        return "\(tenths / 10).\(tenths % 10) KB"
    }

    /// The leaf parts' `Content-Type` and `Content-Transfer-Encoding`, read from the header section
    /// of every part (a line-level scan: our writer puts each part's headers after its boundary).
    static func leafParts(of message: [UInt8]) -> [String] {
        var parts: [String] = []
        var type: String?
        var encoding: String?
        var inHeaders = true
        var boundaries: [String] = []
        func flush() {
            if let type, !type.hasPrefix("multipart/") {
                parts.append(encoding.map { "\(type) (\($0))" } ?? type)
            }
            type = nil
            encoding = nil
        }
        let text = String(decoding: message, as: UTF8.self)
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("--"), boundaries.contains(where: { line.hasPrefix("--" + $0) }) {
                flush()
                inHeaders = true
                continue
            }
            guard inHeaders else { continue }
            if line.isEmpty {
                inHeaders = false
                continue
            }
            let lower = line.lowercased()
            // The parameter may be on a folded continuation line of Content-Type.
            if let range = line.range(of: "boundary=", options: .caseInsensitive) {
                boundaries.append(line[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" ;")))
            }
            if lower.hasPrefix("content-type:") {
                type = lower.dropFirst(13).split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) }
            } else if lower.hasPrefix("content-transfer-encoding:") {
                encoding = lower.dropFirst(26).trimmingCharacters(in: .whitespaces)
            }
        }
        flush()
        return parts
    }
}
