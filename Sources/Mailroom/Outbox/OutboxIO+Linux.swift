import Glibc

/// Linux calls that Swift's Glibc module hides behind `_GNU_SOURCE`, looked up once with `dlsym`.
extension OutboxIO {
    private typealias SyncFS = @convention(c) (Int32) -> Int32
    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    private static let syncfsFunction: SyncFS? = dlsym(nil, "syncfs").map { unsafeBitCast($0, to: SyncFS.self) }
    private static let renameat2Function: RenameAt2? = dlsym(nil, "renameat2").map {
        unsafeBitCast($0, to: RenameAt2.self)
    }
    /// `RENAME_NOREPLACE` from `<linux/fs.h>`.
    private static let renameNoReplaceFlag: UInt32 = 1

    /// Flushes the whole filesystem holding `fd`; falls back to `sync(2)` where `syncfs` is missing.
    ///
    /// One call makes every file written so far durable, which is what lets a batch of stores cost
    /// one flush instead of one per file.
    static func syncFilesystem(_ fd: Int32, path: String) throws(OutboxError) {
        guard let syncfsFunction else {
            sync()
            return
        }
        guard syncfsFunction(fd) == 0 else { throw .system("syncfs", path) }
    }

    /// Renames `from` to `to` unless `to` exists; returns false when it does.
    ///
    /// This is the idempotency check: two processes storing the same event id race here and exactly
    /// one rename wins. Plain `renameat` would silently replace an empty directory, so it is only the
    /// fallback for filesystems without `RENAME_NOREPLACE`, where a non-empty target still fails.
    static func renameNoReplace(
        _ fromDirectory: Int32, _ from: String, _ toDirectory: Int32, _ to: String, path: String
    ) throws(OutboxError) -> Bool {
        if let renameat2Function {
            if renameat2Function(fromDirectory, from, toDirectory, to, renameNoReplaceFlag) == 0 { return true }
            if errno == EEXIST || errno == ENOTEMPTY { return false }
            guard errno == EINVAL || errno == ENOSYS else { throw .system("rename", path) }
        }
        if exists(toDirectory, to) { return false }
        if renameat(fromDirectory, from, toDirectory, to) == 0 { return true }
        if errno == EEXIST || errno == ENOTEMPTY { return false }
        throw .system("rename", path)
    }

    /// Moves `name` from one directory to another, replacing nothing.
    static func move(_ fromDirectory: Int32, _ name: String, to toDirectory: Int32, as newName: String, path: String)
        throws(OutboxError)
    {
        guard try renameNoReplace(fromDirectory, name, toDirectory, newName, path: path) else {
            throw OutboxError(code: .io, message: "cannot move \(path): \(newName) already exists", path: path, errno: EEXIST)
        }
    }

    /// Removes a directory that holds only regular files; false (and nothing removed) when it holds
    /// anything else, so the caller can quarantine it instead of recursing into unknown content.
    static func removeFlatDirectory(_ parent: Int32, _ name: String, path: String) throws(OutboxError) -> Bool {
        let fd = try openDirectory(parent, name, path: path)
        defer { close(fd) }
        let names = try entries(fd, path: path)
        guard names.allSatisfy({ isRegularFile(fd, $0) }) else { return false }
        for entry in names where unlinkat(fd, entry, 0) != 0 {
            throw .system("unlink", "\(path)/\(entry)")
        }
        guard unlinkat(parent, name, AT_REMOVEDIR) == 0 else { throw .system("rmdir", path) }
        return true
    }
}
