import Foundation

/// Runs Tests/Support/check_mime.py (Python's `email` package, policy.default) over composed messages:
/// an independent parser's view of what we wrote.
enum PythonMIMECheck {
    /// One mailbox as Python parsed it.
    struct ParsedMailbox: Decodable, Equatable {
        var display_name: String
        var address: String
    }

    /// What check_mime.py prints for one message.
    struct Report: Decodable {
        /// Set when Python raised while reading the message; then only `wire` is meaningful.
        var error: String?
        var wire: [String]
        var defects: [String]?
        var header_names: [String]?
        var subject: String?
        var from: [ParsedMailbox]?
        var to: [ParsedMailbox]?
        var reply_to: [ParsedMailbox]?
        var message_id: String?
        var date: String?
        var content_type: String?
        var boundary: String?
        var parts: [String]?
        var part_header_names: [[String]]?
        var text: String?
        var html: String?
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let python = "/usr/bin/python3"

    static var scriptPath: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // MailroomTests
            .deletingLastPathComponent()  // Tests
            .appendingPathComponent("Support/check_mime.py").path
    }

    /// Parses every message in one Python run (one process start, however many messages).
    static func check(_ messages: [[UInt8]]) throws -> [Report] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mailroom-mime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (index, message) in messages.enumerated() {
            let url = directory.appendingPathComponent("\(index).eml")
            try Data(message).write(to: url)
            paths.append(url.path)
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptPath] + paths
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "check_mime.py exited \(process.terminationStatus): "
                + String(decoding: stderr, as: UTF8.self))
        }
        let lines = stdout.split(separator: UInt8(ascii: "\n"))
        guard lines.count == messages.count else {
            throw Failure(description: "check_mime.py printed \(lines.count) reports for \(messages.count) messages")
        }
        return try lines.map { try JSONDecoder().decode(Report.self, from: Data($0)) }
    }

    static func check(_ message: [UInt8]) throws -> Report {
        let reports = try check([message])
        guard let report = reports.first else { throw Failure(description: "no report") }
        return report
    }
}
