import Foundation
import Mailroom
import SystemPackage

/// `mailroom outbox export DIR`: the selected messages as files that any mail client and `jq`
/// read, for compliance staff. Files are 0600 and the directory 0700: they hold personal data.
final class OutboxExport {
    let directory: String
    private(set) var messages = 0
    private(set) var rejected = 0
    private(set) var duplicates = 0

    init(directory: String) throws {
        self.directory = directory
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw Failure.usage("\(directory) exists and is not a directory") }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            guard entries.isEmpty else {
                throw Failure.usage("\(directory) is not empty; give a new or empty directory to export into")
            }
        } else if mkdir(directory, 0o700) != 0 {
            throw Failure.usage("cannot create \(directory): \(Errno(rawValue: errno))")
        }
    }

    func write(_ store: any OutboxStore, filter: RecordFilter) throws {
        let index = try file("messages.ndjson")
        let journal = try file("journal.ndjson")
        defer {
            try? index.close()
            try? journal.close()
        }
        try store.forEachRecord(filter) { record in
            guard let content = try store.content(eventID: record.eventID) else { return }
            var line = OutboxJSON.record(record)
            if record.redaction == nil {
                let name = Self.fileName(record.eventID) + ".eml"
                let eml = try file(name)
                try eml.write(contentsOf: Data(content.message.bytes))
                try eml.close()
                line["file"] = name
                line["event"] = String(decoding: content.event, as: UTF8.self)
            } else {
                // What the retention policy left: the record (with its hashes) and the journal.
                line["file"] = NSNull()
                line["event"] = NSNull()
            }
            try index.write(contentsOf: Data((OutboxJSON.text(line) + "\n").utf8))
            for entry in try store.journal(eventID: record.eventID) {
                var object = OutboxJSON.journalEntry(entry)
                object["event_id"] = record.eventID
                try journal.write(contentsOf: Data((OutboxJSON.text(object) + "\n").utf8))
            }
            messages += 1
        }
        let rejectedFile = try file("rejected.ndjson")
        defer { try? rejectedFile.close() }
        var after: Int64?
        while true {
            let page = try store.rejected(since: filter.since, until: filter.until, after: after, limit: 1000)
            for event in page {
                try rejectedFile.write(contentsOf: Data((OutboxJSON.text(OutboxJSON.rejected(event)) + "\n").utf8))
            }
            rejected += page.count
            guard page.count == 1000, let last = page.last?.row else { break }
            after = last
        }
        let duplicatesFile = try file("duplicates.ndjson")
        defer { try? duplicatesFile.close() }
        after = nil
        while true {
            let page = try store.duplicates(after: after, limit: 1000)
            for event in page where Self.overlaps(event, filter) {
                try duplicatesFile.write(contentsOf: Data((OutboxJSON.text(OutboxJSON.duplicate(event)) + "\n").utf8))
                duplicates += 1
            }
            guard page.count == 1000, let last = page.last?.row else { break }
            after = last
        }
    }

    private static func overlaps(_ event: DuplicateEvent, _ filter: RecordFilter) -> Bool {
        if let since = filter.since, event.lastSeen < since { return false }
        if let until = filter.until, event.firstSeen >= until { return false }
        return true
    }

    /// An event id as a file name every system accepts: `:` and a leading `.` percent-encoded.
    static func fileName(_ eventID: String) -> String {
        var name = eventID.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: ":", with: "%3A")
        if name.hasPrefix(".") { name = "%2E" + name.dropFirst() }
        return name
    }

    private func file(_ name: String) throws -> FileHandle {
        let path = directory + "/" + name
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .exclusiveCreate, .noFollow, .closeOnExec],
                                                 permissions: .ownerReadWrite)
        } catch {
            throw Failure.usage("cannot create \(path): \(error)")
        }
        // The umask may have taken bits off the mode asked for; the files hold personal data.
        fchmod(descriptor.rawValue, 0o600)
        return FileHandle(fileDescriptor: descriptor.rawValue, closeOnDealloc: true)
    }
}
