import Foundation
import Glibc

/// The few POSIX calls the outbox is built on, each turning a failure into an ``OutboxError``.
///
/// Every name is resolved relative to an already opened directory (`*at` calls) with `O_NOFOLLOW`,
/// so a symlink planted inside the outbox is never followed. Files are created `0600` and directories
/// `0700`, whatever the process umask: an explicit `fchmod` follows unless the file or directory was
/// just created (`O_EXCL`, `mkdir`) under a umask that leaves the owner's bits alone, where the
/// mode given at creation is already exact (that skips three `fchmod` calls per stored message).
enum OutboxIO {
    static let fileMode: mode_t = 0o600
    static let directoryMode: mode_t = 0o700

    /// Whether the process umask clears any owner permission bit, read once from `/proc/self/status`
    /// (Mailroom never changes its umask); true when it cannot be read, so `fchmod` is never skipped
    /// on a guess.
    static let umaskClearsOwnerBits: Bool = {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
              let mask = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8)
        else { return true }
        return mask & 0o700 != 0
    }()

    /// Opens an existing directory below `parent` without following a symlink.
    static func openDirectory(_ parent: Int32, _ name: String, path: String) throws(OutboxError) -> Int32 {
        let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open", path) }
        return fd
    }

    /// Creates a `0700` directory below `parent` and opens it; an existing one is opened when `reuse`.
    static func makeDirectory(_ parent: Int32, _ name: String, path: String, reuse: Bool) throws(OutboxError) -> Int32 {
        if mkdirat(parent, name, directoryMode) != 0 {
            guard errno == EEXIST, reuse else { throw .system("mkdir", path) }
            return try openDirectory(parent, name, path: path)
        }
        let fd = try openDirectory(parent, name, path: path)
        guard umaskClearsOwnerBits ? fchmod(fd, directoryMode) == 0 : true else {
            let error = OutboxError.system("chmod", path)
            close(fd)
            throw error
        }
        return fd
    }

    /// Opens (optionally creating) a regular file below `parent`; created files get mode `0600`.
    static func openFile(_ parent: Int32, _ name: String, flags: Int32, path: String) throws(OutboxError) -> Int32 {
        let fd = openat(parent, name, flags | O_NOFOLLOW | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw .system("open", path) }
        let createdExactly = flags & O_EXCL != 0 && !umaskClearsOwnerBits
        if flags & O_CREAT != 0, !createdExactly, fchmod(fd, fileMode) != 0 {
            let error = OutboxError.system("chmod", path)
            close(fd)
            throw error
        }
        return fd
    }

    /// Creates a new file holding `bytes`; fsyncs it first when `sync`.
    static func createFile(_ parent: Int32, _ name: String, bytes: [UInt8], sync: Bool, path: String) throws(OutboxError) {
        let fd = try createFileKeepingOpen(parent, name, bytes: bytes, sync: sync, appending: false, path: path)
        close(fd)
    }

    /// Creates, writes (and, with `sync`, fsyncs) a file like ``createFile(_:_:bytes:sync:path:)``
    /// and returns its descriptor, still open for writing (`O_APPEND` if `appending`).
    static func createFileKeepingOpen(_ parent: Int32, _ name: String, bytes: [UInt8], sync: Bool, appending: Bool,
                                      path: String) throws(OutboxError) -> Int32 {
        let fd = try openFile(parent, name, flags: O_WRONLY | O_CREAT | O_EXCL | (appending ? O_APPEND : 0), path: path)
        do {
            try writeAll(fd, bytes, path: path)
            if sync { try fsyncFile(fd, path: path) }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Writes every byte, retrying short writes and `EINTR`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(OutboxError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress.map { $0 + written }, bytes.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw .system("write", path)
            }
            written += result
        }
    }

    static func fsyncFile(_ fd: Int32, path: String) throws(OutboxError) {
        guard fsync(fd) == 0 else { throw .system("fsync", path) }
    }

    /// The whole content of an open file.
    static func readAll(_ fd: Int32, path: String) throws(OutboxError) -> [UInt8] {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .system("stat", path) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size) + 1)
        var chunk = [UInt8](repeating: 0, count: max(4096, min(Int(info.st_size) + 1, 1 << 20)))
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system("read", path)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// The content of a file below `parent`, or nil when it does not exist.
    static func readFile(_ parent: Int32, _ name: String, path: String) throws(OutboxError) -> [UInt8]? {
        let fd = openat(parent, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .system("open", path)
        }
        defer { close(fd) }
        return try readAll(fd, path: path)
    }

    /// True when `name` below `parent` is a regular file (a symlink is not).
    static func isRegularFile(_ parent: Int32, _ name: String) -> Bool {
        var info = stat()
        return fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFREG
    }

    /// True when anything (file, directory or symlink) is called `name` below `parent`.
    static func exists(_ parent: Int32, _ name: String) -> Bool {
        var info = stat()
        return fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0
    }

    /// The entry names of an open directory, without `.` and `..`.
    static func entries(_ directory: Int32, path: String) throws(OutboxError) -> [String] {
        // A fresh open file description, so the caller's descriptor offset is untouched.
        let fd = openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0, let stream = fdopendir(fd) else {
            let error = OutboxError.system("opendir", path)
            if fd >= 0 { close(fd) }
            throw error
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Takes or tries an exclusive `flock`; false when another open file description holds it.
    static func lockExclusive(_ fd: Int32, wait: Bool, path: String) throws(OutboxError) -> Bool {
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK { return false }
            throw .system("flock", path)
        }
        return true
    }
}
