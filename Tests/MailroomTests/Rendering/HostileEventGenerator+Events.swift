import Foundation
import Mailroom

extension HostileEventGenerator {
    /// The next event: every field hostile some of the time, some lines broken on the byte level.
    mutating func next() -> HostileEvent {
        let type = pick(EventType.allCases)
        var event = HostileEvent(line: [], template: type.templateName)
        var top: [(String, HostileJSON)] = [("id", .string(id(into: &event)))]

        if chance(3) {
            top.append(("type", .string("account." + text(forbidden: false))))
            event.invalidPaths.insert("$.type")
        } else {
            top.append(("type", .string(type.rawValue)))
        }
        top.append(("occurred_at", timestamp("$.occurred_at", into: &event)))

        var account: [(String, HostileJSON)] = []
        account.append(("id", .string(freeText("$.account.id", "acc_123", max: 256, shown: false, into: &event))))
        event.email = address("$.account.email", into: &event)
        account.append(("email", .string(event.email)))
        if !chance(15) {
            event.name = freeText("$.account.name", "Ada Lovelace", max: 256, allowEmpty: true, shown: true, into: &event)
            account.append(("name", .string(event.name)))
        }
        if let locale = locale(into: &event) { account.append(("locale", locale)) }
        if !event.invalidPaths.contains("$.account.email") && !event.unknownPaths.contains("$.account.email") {
            event.shown.append(event.email)
        }
        if chance(15) { account.append(("bcc", .string("evil@x"))) }
        top.append(("account", .object(account)))

        var data: [(String, HostileJSON)] = []
        let dataPathsBefore = event.invalidPaths.union(event.unknownPaths)
        switch type {
        case .closureRequested: data = closureData(into: &event)
        case .balanceOutstanding: data = balanceData(into: &event)
        case .closed: data = closedData(into: &event)
        }
        if chance(15) { data.append(("Bcc", .string(text(forbidden: true)))) }
        top.append(("data", .object(data)))
        if event.invalidPaths.contains("$.type") {
            // With an unknown type, `data` is not read: its problems may go unreported.
            let dataPaths = event.invalidPaths.union(event.unknownPaths).subtracting(dataPathsBefore)
            event.invalidPaths.subtract(dataPaths)
            event.unknownPaths.formUnion(dataPaths)
        }
        if chance(10) { top.append(("x_extra", .string(text(forbidden: true)))) }

        event.line = HostileJSON.object(top).encoded(&rng)
        if chance(12) { corrupt(&event) }
        return event
    }

    private mutating func closureData(into event: inout HostileEvent) -> [(String, HostileJSON)] {
        let reference = freeText("$.data.reference", "CLS-2026-0042", max: 128, shown: true, into: &event)
        event.reference = reference
        var data: [(String, HostileJSON)] = [
            ("reference", .string(reference)),
            ("effective_at", timestamp("$.data.effective_at", into: &event)),
        ]
        if let url = url("$.data.cancel_url", into: &event) { data.append(("cancel_url", url)) }
        if let url = url("$.data.support_url", into: &event) { data.append(("support_url", url)) }
        return data
    }

    private mutating func balanceData(into event: inout HostileEvent) -> [(String, HostileJSON)] {
        var (amount, currency) = pick(Self.balances)
        if chance(12) {
            amount = text(forbidden: chance(30))
            event.unknownPaths.insert("$.data.balance.amount")
        }
        if chance(8) {
            currency = text(forbidden: chance(30))
            event.unknownPaths.insert("$.data.balance.currency")
        }
        var data: [(String, HostileJSON)] = [
            ("balance", .object([("amount", .string(amount)), ("currency", .string(currency))])),
            ("withdraw_by", timestamp("$.data.withdraw_by", into: &event)),
        ]
        if let url = url("$.data.withdraw_url", into: &event) { data.append(("withdraw_url", url)) }
        return data
    }

    private mutating func closedData(into event: inout HostileEvent) -> [(String, HostileJSON)] {
        var records: [HostileJSON] = []
        for index in 0..<(chance(5) ? 12 : Int.random(in: 1...3, using: &rng)) {
            let path = "$.data.retained[\(index)]"
            let category = freeText(path + ".category", "Invoices", max: 200, shown: true, into: &event)
            let reason = freeText(path + ".reason", "Tax law", max: 1000, shown: true, into: &event)
            records.append(.object([
                ("category", .string(category)), ("reason", .string(reason)),
                ("retain_until", timestamp(path + ".retain_until", dateOnly: true, into: &event)),
            ]))
        }
        var data: [(String, HostileJSON)] = [
            ("closed_at", timestamp("$.data.closed_at", into: &event)),
            ("retained", .array(records)),
        ]
        if !chance(35) {
            let contact = address("$.data.privacy_contact", into: &event)
            if !event.invalidPaths.contains("$.data.privacy_contact") && !event.unknownPaths.contains("$.data.privacy_contact") {
                event.shown.append(contact)
            }
            data.append(("privacy_contact", .string(contact)))
        }
        return data
    }

    /// Breaks the line so that it is no longer JSON, or no longer UTF-8. Position 7 is inside the
    /// `id` string: every line starts `{"id":"`.
    private mutating func corrupt(_ event: inout HostileEvent) {
        let inside = 7
        let corruptions: [(String, [UInt8])] = [
            ("raw line feed in a string", [0x0A]), ("raw carriage return in a string", [0x0D]),
            ("raw NUL in a string", [0x00]), ("byte 0xFF", [0xFF]), ("overlong slash", [0xC0, 0xAF]),
            ("encoded surrogate", [0xED, 0xA0, 0x80]), ("unescaped quote", [0x22]),
            ("lone surrogate escape", Array("\\ud800".utf8)), ("bad escape", Array("\\x41".utf8)),
        ]
        if chance(25) {
            let cut = Int.random(in: 0..<event.line.count, using: &rng)
            event.line = Array(event.line.prefix(cut))
            event.rawCorruption = "truncated to \(cut) bytes"
            return
        }
        let (what, bytes) = pick(corruptions)
        event.line.insert(contentsOf: bytes, at: inside)
        event.rawCorruption = what
    }
}
