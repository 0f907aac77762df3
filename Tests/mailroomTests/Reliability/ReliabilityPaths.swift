import Foundation

/// Where the reliability tests find the package, its support scripts and the built binary.
enum ReliabilityPaths {
    /// The package root, from this file's path (Tests/mailroomTests/Reliability/...).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func support(_ name: String) -> String {
        root.appendingPathComponent("Tests/Support").appendingPathComponent(name).path
    }

    static var templates: String { root.appendingPathComponent("Templates").path }

    /// The `mailroom` binary built beside the test bundle (SwiftPM puts products and the test
    /// runner in one directory), else `.build/debug/mailroom`.
    static let binary: String = {
        let runner = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("mailroom").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/mailroom").path
    }()

    static func temporaryDirectory(_ purpose: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-\(purpose)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
