import Foundation
import Mailroom

/// Events like the shipped `sample*.json` files, built in Swift (the JSON decoder lives elsewhere),
/// and helpers for catalogs in temporary directories.
enum TemplateFixtures {
    /// The package's own `Templates/` directory, found from this file's path.
    static let shippedTemplates = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "Templates")

    static func timestamp(_ text: String) -> Timestamp {
        if text.count == 10 {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            return Timestamp(date: formatter.date(from: text) ?? .distantPast, text: text, dateOnly: true)
        }
        return Timestamp(date: ISO8601DateFormatter().date(from: text) ?? .distantPast, text: text)
    }

    static func account(locale: String?, name: String? = "Ada Lovelace") -> Account {
        Account(id: "acc_123", email: "ada@example.com", name: name, locale: locale)
    }

    static func closure(
        locale: String? = "en", name: String? = "Ada Lovelace", reference: String = "CLS-2026-0042",
        cancelURL: String? = "https://example.com/account/closure/CLS-2026-0042/cancel",
        supportURL: String? = nil
    ) -> Event {
        Event(
            id: "evt_01HZX3K9", type: .closureRequested, occurredAt: timestamp("2026-11-28T09:15:00Z"),
            account: account(locale: locale, name: name),
            payload: .closureRequested(
                ClosureRequested(
                    reference: reference, effectiveAt: timestamp("2026-12-12T00:00:00Z"), cancelURL: cancelURL,
                    supportURL: supportURL)))
    }

    static func withdrawal(
        locale: String? = "en", amount: String = "1250.75", currency: String = "EUR",
        withdrawURL: String? = "https://example.com/account/balance/withdraw"
    ) -> Event {
        Event(
            id: "evt_01HZX4B2", type: .balanceOutstanding, occurredAt: timestamp("2026-11-28T09:20:00Z"),
            account: account(locale: locale),
            payload: .balanceOutstanding(
                BalanceOutstanding(
                    balance: Money(amount: amount, value: Decimal(string: amount) ?? 0, currency: currency),
                    withdrawBy: timestamp("2026-12-11T23:59:59Z"), withdrawURL: withdrawURL)))
    }

    static let invoices = RetainedRecord(
        category: "Invoices and payment records", reason: "Tax law requires us to keep them for ten years",
        retainUntil: timestamp("2036-12-31"))
    static let identity = RetainedRecord(
        category: "Identity verification records", reason: "Anti-money-laundering law",
        retainUntil: timestamp("2031-12-12T00:00:00Z"))

    static func retention(
        locale: String? = "en", name: String? = "Ada Lovelace", retained: [RetainedRecord] = [invoices, identity],
        privacyContact: String? = "privacy@example.com"
    ) -> Event {
        Event(
            id: "evt_01HZX5D4", type: .closed, occurredAt: timestamp("2026-12-12T00:00:05Z"),
            account: account(locale: locale, name: name),
            payload: .closed(
                AccountClosed(
                    closedAt: timestamp("2026-12-12T00:00:00Z"), retained: retained, privacyContact: privacyContact)))
    }

    /// One event per template, as the samples are.
    static var samples: [Event] {
        [closure(), withdrawal(), retention()]
    }

    /// A copy of the shipped templates in a fresh temporary directory, to break on purpose.
    static func copyOfShippedTemplates() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appending(path: "mailroom-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let copy = root.appending(path: "Templates")
        try FileManager.default.copyItem(at: shippedTemplates, to: copy)
        return copy
    }

    /// Replaces `old` with `new` in one file of a template directory; fails if `old` is not there.
    static func edit(_ directory: URL, _ file: String, replacing old: String, with new: String) throws {
        let url = directory.appending(path: file)
        let text = try String(contentsOf: url, encoding: .utf8)
        guard text.contains(old) else { throw FixtureError(message: "\(file) does not contain \(old)") }
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    static func remove(_ directory: URL) {
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }

    struct FixtureError: Error {
        var message: String
    }
}
