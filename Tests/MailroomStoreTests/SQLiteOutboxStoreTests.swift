import Foundation
import Mailroom
import MailroomSQLite
import MailroomTesting
import Testing

/// What only the SQLite engine has: its directory, its files, its failures and the import of a
/// directory outbox.
@Suite struct SQLiteOutboxStoreTests {
    let place: TemporaryDirectory
    let clock = ManualTestClock()

    init() throws {
        place = try TemporaryDirectory()
    }

    var database: String { place.outboxPath + "/" + SQLiteOutboxStore.databaseName }

    @Test func theDirectoryIsPrivateAndSoAreTheDatabaseFiles() throws {
        umask(0o022)
        let store = try SQLiteOutboxStore(directory: place.outboxPath, clock: clock.closure)
        _ = try store.store([OutboxFixtures.message("evt_1")], leasingTo: .current)
        #expect(OutboxFixtures.mode(place.outboxPath) == 0o700)
        let files = OutboxFixtures.entries(place.outboxPath)
        #expect(files.contains(SQLiteOutboxStore.databaseName))
        for file in files { #expect(OutboxFixtures.mode(place.outboxPath + "/" + file) == 0o600, "\(file)") }
    }

    @Test(arguments: ["", "/", "/.", "//", "/./"])
    func aSymlinkIsRefusedHoweverItIsWritten(suffix: String) throws {
        let real = place.path + "/real"
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: false)
        chmod(real, 0o700)
        let link = place.path + "/link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        #expect(throws: OutboxError.self) { try SQLiteOutboxStore(directory: link + suffix) }
        #expect(OutboxFixtures.entries(real).isEmpty)
    }

    @Test func aDirectoryOthersMayWriteIsRefused() throws {
        try FileManager.default.createDirectory(atPath: place.outboxPath, withIntermediateDirectories: false)
        chmod(place.outboxPath, 0o777)
        let error = try #require(throws: OutboxError.self) { try SQLiteOutboxStore(directory: place.outboxPath) }
        #expect(error.code == .unsafeDirectory && error.message.contains("chmod 700"))
    }

    @Test func readingDoesNotCreateAnOutbox() throws {
        let error = try #require(throws: OutboxError.self) {
            try SQLiteOutboxStore(directory: place.outboxPath, create: false)
        }
        #expect(error.code == .notFound)
        #expect(!FileManager.default.fileExists(atPath: place.outboxPath))
    }

    @Test func aDamagedDatabaseIsAStorageFailure() throws {
        try FileManager.default.createDirectory(atPath: place.outboxPath, withIntermediateDirectories: false)
        chmod(place.outboxPath, 0o700)
        try Data(repeating: 0x5A, count: 8192).write(to: URL(fileURLWithPath: database))
        let error = try #require(throws: OutboxError.self) { try SQLiteOutboxStore(directory: place.outboxPath) }
        #expect(error.code == .corrupt && error.isStorageFailure)
    }

    @Test func aDatabaseFromANewerMailroomIsRefused() throws {
        do {
            let store = try SQLiteOutboxStore(directory: place.outboxPath)
            _ = try store.status()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, "INSERT INTO grdb_migrations (identifier) VALUES ('v99')"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let error = try #require(throws: OutboxError.self) { try SQLiteOutboxStore(directory: place.outboxPath) }
        #expect(error.code == .unusable && error.message.contains("newer Mailroom"))
    }

    @Test func aLockHeldPastTheBusyTimeoutFailsTheWriteAndRecordsNothing() throws {
        let store = try SQLiteOutboxStore(directory: place.outboxPath, busyTimeout: 0.2, clock: clock.closure)
        _ = try store.status()
        // Another process holds the write lock: sqlite3 inside an open immediate transaction.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [database]
        let input = Pipe()
        let output = Pipe()
        holder.standardInput = input
        holder.standardOutput = output
        try holder.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nINSERT INTO store_info VALUES ('held', 'x');\n.print locked\n".utf8))
        var said = Data()
        while !String(decoding: said, as: UTF8.self).contains("locked") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += chunk
        }
        let error = try #require(throws: OutboxError.self) {
            try store.store([OutboxFixtures.message("evt_1")], leasingTo: .current)
        }
        #expect(error.code == .busy && error.isStorageFailure)
        try input.fileHandleForWriting.write(contentsOf: Data("ROLLBACK;\n.quit\n".utf8))
        holder.waitUntilExit()
        #expect(try store.record(eventID: "evt_1") == nil)
        #expect(try store.store([OutboxFixtures.message("evt_1")], leasingTo: nil).map(\.isDuplicate) == [false])
    }
}
