import Foundation
import Testing

/// Byte-exact comparison with files under `Tests/MailroomTests/Fixtures/golden/`, in the source tree.
///
/// Set `MAILROOM_RECORD_GOLDEN=1` to rewrite the files after an intended change, then review the diff.
/// The files are read from the source tree (not the test bundle) so that a recording is seen at once.
enum GoldenFile {
    static let recordVariable = "MAILROOM_RECORD_GOLDEN"

    static var isRecording: Bool {
        ProcessInfo.processInfo.environment[recordVariable] == "1"
    }

    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // MailroomTests
        .appendingPathComponent("Fixtures/golden")

    static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// The stored bytes of a golden file, or nil when it does not exist.
    static func contents(_ name: String) -> [UInt8]? {
        (try? Data(contentsOf: url(name))).map(Array.init)
    }

    /// Records `bytes` when recording, then expects the file to hold exactly `bytes`.
    ///
    /// A mismatch is reported with the first differing line of each side, escaped, so a diff in a
    /// header or a boundary is visible in the test log without opening the file.
    static func verify(_ bytes: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = url(name)
        if isRecording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: file)
        }
        let golden = try #require(
            contents(name),
            "missing \(file.path); run with \(recordVariable)=1 to record it",
            sourceLocation: sourceLocation
        )
        #expect(
            golden == bytes,
            "\(name) differs from what was produced (\(firstDifference(golden, bytes))); re-record with \(recordVariable)=1 if intended",
            sourceLocation: sourceLocation
        )
    }

    /// `line N: golden "..." vs actual "..."`, or a note on the lengths when one is a prefix of the other.
    static func firstDifference(_ golden: [UInt8], _ actual: [UInt8]) -> String {
        let left = golden.split(separator: 0x0A, omittingEmptySubsequences: false)
        let right = actual.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (index, pair) in zip(left, right).enumerated() where pair.0 != pair.1 {
            return "line \(index + 1): golden \(shown(pair.0)) vs actual \(shown(pair.1))"
        }
        return "golden has \(golden.count) bytes, actual \(actual.count)"
    }

    private static func shown(_ line: ArraySlice<UInt8>) -> String {
        String(decoding: line, as: UTF8.self).debugDescription
    }
}
