import Foundation
import Mailroom
#if canImport(Glibc)
import Glibc
#endif

/// The outbox directory's own safety rules: a real directory, 0700, files 0600.
enum OutboxDirectory {
    static let directoryMode: mode_t = 0o700
    static let fileMode: mode_t = 0o600

    /// Checks (and with `create`, makes) the directory; returns the path without trailing `/` or
    /// `/.`, so that `link/` and `link/.` are judged as `link` is, not as what it points to.
    static func prepare(_ given: String, create: Bool) throws(OutboxError) -> String {
        let path = normalized(given)
        var info = stat()
        if lstat(path, &info) != 0 {
            guard errno == ENOENT, create else {
                if errno == ENOENT {
                    throw OutboxError(code: .notFound, message: "no outbox at \(path)", path: path, errno: ENOENT)
                }
                throw .system("stat", path)
            }
            if mkdir(path, directoryMode) != 0 && errno != EEXIST { throw .system("mkdir", path) }
            if chmod(path, directoryMode) != 0 { throw .system("chmod", path) }
            guard lstat(path, &info) == 0 else { throw .system("stat", path) }
        }
        if info.st_mode & S_IFMT == S_IFLNK || info.st_mode & S_IFMT != S_IFDIR {
            throw OutboxError(
                code: .unsafeDirectory, message: "outbox \(path) is a symlink or not a directory; give the real directory",
                path: path)
        }
        if info.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw OutboxError(
                code: .unsafeDirectory,
                message: "outbox \(path) is writable by group or others (mode \(mode)); run chmod 700 \(path)",
                path: path)
        }
        return path
    }

    static func normalized(_ path: String) -> String {
        var path = path
        while path.count > 1 {
            if path.hasSuffix("/") {
                path.removeLast()
            } else if path.hasSuffix("/.") {
                path.removeLast(2)
            } else {
                break
            }
        }
        return path.isEmpty ? "." : path
    }

    /// Creates an empty file 0600, refusing to follow a symlink, whatever the umask.
    static func createPrivateFile(_ path: String) throws(OutboxError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, fileMode)
        guard fd >= 0 else {
            if errno == EEXIST { return }
            throw .system("create", path)
        }
        defer { close(fd) }
        guard fchmod(fd, fileMode) == 0 else { throw .system("chmod", path) }
    }

    /// Refuses a database whose file, `-wal`, `-shm` or `-journal` is a symlink (or anything but a
    /// regular file): the outbox would be read from, or written to, somewhere else.
    static func refuseSymlinks(_ path: String) throws(OutboxError) {
        for file in [path, path + "-wal", path + "-shm", path + "-journal"] {
            var info = stat()
            guard lstat(file, &info) == 0 else { continue }
            if info.st_mode & S_IFMT != S_IFREG {
                throw OutboxError(code: .unsafeDirectory,
                                  message: "\(file) is a symlink or not a regular file; move it away", path: file)
            }
        }
    }

    /// SQLite gives `-wal` and `-shm` the database file's mode; this makes sure of all three.
    static func restrictDatabaseFiles(_ path: String) throws(OutboxError) {
        try refuseSymlinks(path)
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            guard lstat(file, &info) == 0 else { continue }
            if info.st_mode & 0o077 != 0 && chmod(file, fileMode) != 0 { throw .system("chmod", file) }
        }
    }
}
