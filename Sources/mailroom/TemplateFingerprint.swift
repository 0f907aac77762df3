import Foundation
import Mailroom

/// A cheap summary of every file under a directory (path, size, change time, inode), to notice an
/// edit without inotify: an editor that writes in place changes the size or time, one that
/// replaces the file changes the inode. Used by `preview --watch` and the web preview's reload.
struct TemplateFingerprint: Sendable, Equatable {
    private var entries: [String: [Int]]

    init(paths: [String]) {
        var entries: [String: [Int]] = [:]
        for root in paths {
            var files = [root]
            if let below = try? FileManager.default.subpathsOfDirectory(atPath: root) {
                files += below.map { root + "/" + $0 }
            }
            for file in files {
                var info = stat()
                guard stat(file, &info) == 0 else { continue }
                entries[file] = [Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec),
                                 Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec), Int(info.st_ino)]
            }
        }
        self.entries = entries
    }

    /// A short text form that stays the same while nothing on disk changes, for the web page to compare.
    var token: String {
        var hash = StableHash()
        for key in entries.keys.sorted() {
            hash.combine(key)
            for value in entries[key] ?? [] { hash.combine(String(value)) }
        }
        return hash.hex
    }
}
