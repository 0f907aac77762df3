import Foundation
import Glibc

/// Bringing the outbox back to a consistent state after a crash.
extension Outbox {
    /// Cleans `tmp/`, repairs torn journals, quarantines broken messages and turns unfinished
    /// attempts into `uncertain`.
    ///
    /// Safe to run while other processes use the outbox: `tmp/` entries and messages whose lock is
    /// held by a live process are skipped. Reads every message, so it costs about what listing does.
    public func recover() throws(OutboxError) -> RecoveryReport {
        var report = RecoveryReport()
        try recoverTemporary(&report)
        for key in try OutboxIO.entries(messagesFD, path: "\(path)/messages").sorted() {
            try recoverMessage(key, report: &report)
        }
        if !report.quarantined.isEmpty {
            try OutboxIO.fsyncFile(messagesFD, path: "\(path)/messages")
            try OutboxIO.fsyncFile(quarantineFD, path: "\(path)/quarantine")
        }
        return report
    }

    /// Removes the `tmp/` entries of writers that are gone: their process (the `<pid>-` of the
    /// name) is not running and their directory `flock` is free.
    ///
    /// The lock alone is not enough: a live writer's directory exists unlocked between its
    /// `mkdir` and its `flock`, and removing it then makes that writer's whole batch fail.
    private func recoverTemporary(_ report: inout RecoveryReport) throws(OutboxError) {
        for name in try OutboxIO.entries(tmpFD, path: "\(path)/tmp") {
            if let pid = Self.writerProcess(of: name), Self.isRunning(pid) { continue }
            let location = "\(path)/tmp/\(name)"
            let fd = openat(tmpFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else {
                // Not a directory (or a symlink): nothing this code writes; move it aside.
                report.quarantined.append(try quarantine(tmpFD, name, location: location))
                continue
            }
            defer { close(fd) }
            guard try OutboxIO.lockExclusive(fd, wait: false, path: location) else { continue }
            if try OutboxIO.removeFlatDirectory(tmpFD, name, path: location) {
                report.removedTemporary.append(name)
            } else {
                report.quarantined.append(try quarantine(tmpFD, name, location: location))
            }
        }
    }

    /// The process id a `tmp/` entry is named after (``uniqueName()``: `<pid>-<random>`).
    static func writerProcess(of name: String) -> pid_t? {
        guard let dash = name.firstIndex(of: "-"), let pid = pid_t(name[..<dash]), pid > 0 else { return nil }
        return pid
    }

    /// Whether a process with this id exists (signal 0 checks without sending anything).
    static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    private func recoverMessage(_ key: String, report: inout RecoveryReport) throws(OutboxError) {
        let location = messagePath(key)
        let directory = openat(messagesFD, key, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard directory >= 0 else {
            report.quarantined.append(try quarantine(messagesFD, key, location: location))
            return
        }
        defer { close(directory) }
        guard try OutboxIO.lockExclusive(directory, wait: false, path: location) else {
            report.skippedClaimed.append(key)
            return
        }
        var journal: JournalContents?
        if Self.messageFiles.allSatisfy({ OutboxIO.isRegularFile(directory, $0) }) {
            journal = try readJournal(directory, key: key)
        }
        guard var journal, let lastState = journal.entries.last?.state else {
            report.quarantined.append(try quarantine(messagesFD, key, location: location))
            return
        }
        if journal.tornBytes > 0 {
            try truncateJournal(directory, key: key, to: journal.completeLength)
            let entry = JournalEntry(
                time: now(), kind: .repaired, state: lastState,
                detail: "removed a torn last record of \(journal.tornBytes) bytes")
            try append(entry, to: directory, key: key, sync: true)
            report.repaired.append(key)
            journal = try readJournal(directory, key: key)
        }
        if try settleUnfinishedAttempt(journal, in: directory, key: key) {
            report.markedUncertain.append(key)
        }
    }

    private func truncateJournal(_ directory: Int32, key: String, to length: Int) throws(OutboxError) {
        let location = "\(messagePath(key))/journal.ndjson"
        let fd = try OutboxIO.openFile(directory, "journal.ndjson", flags: O_WRONLY, path: location)
        defer { close(fd) }
        guard ftruncate(fd, off_t(length)) == 0 else { throw .system("truncate", location) }
        try OutboxIO.fsyncFile(fd, path: location)
    }

    /// Moves an entry into `quarantine/` under a unique name, which it returns.
    private func quarantine(_ parent: Int32, _ name: String, location: String) throws(OutboxError) -> String {
        let stamp = OutboxCoding.string(now()).filter { $0.isNumber }
        let target = "\(name).\(stamp).\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        try OutboxIO.move(parent, name, to: quarantineFD, as: target, path: location)
        return target
    }
}
