import Foundation

/// Generates valid events of every type, in English and German, one NDJSON line each.
enum TestEvents {
    static let types = ["account.closure_requested", "account.balance_outstanding", "account.closed"]
    static let locales = ["en", "de-DE"]

    struct Generated: Sendable {
        var ids: [String]
        var recipients: [String: String]
        var ndjson: String
    }

    /// `count` events `<prefix>-<n>` cycling through every type x locale.
    static func make(_ count: Int, prefix: String) -> Generated {
        var ids: [String] = []
        var recipients: [String: String] = [:]
        var lines: [String] = []
        for n in 0..<count {
            let id = "\(prefix)-\(n)"
            let type = types[n % types.count]
            let locale = locales[(n / types.count) % locales.count]
            let email = "user\(n)@example.org"
            ids.append(id)
            recipients[id] = email
            lines.append(line(id: id, type: type, locale: locale, email: email, n: n))
        }
        return Generated(ids: ids, recipients: recipients, ndjson: lines.map { $0 + "\n" }.joined())
    }

    static func line(id: String, type: String, locale: String, email: String, n: Int) -> String {
        let name = locale.hasPrefix("de") ? "Jürgen Weiß \(n)" : "Ada Lovelace \(n)"
        let account = #""account":{"id":"acc_\#(n)","email":"\#(email)","name":"\#(name)","locale":"\#(locale)"}"#
        let data: String
        switch type {
        case "account.closure_requested":
            data = #"{"reference":"CLS-2026-\#(n)","effective_at":"2099-12-12T00:00:00Z","cancel_url":"https://example.com/account/closure/CLS-2026-\#(n)/cancel"}"#
        case "account.balance_outstanding":
            data = #"{"balance":{"amount":"\#(n).75","currency":"EUR"},"withdraw_by":"2099-12-10T23:59:59Z","withdraw_url":"https://example.com/wallet/withdraw"}"#
        default:
            data = #"{"closed_at":"2026-12-12T00:00:00Z","privacy_contact":"privacy@example.com","retained":[{"category":"Invoices","reason":"tax law","retain_until":"2036-12-31"}]}"#
        }
        return #"{"id":"\#(id)","type":"\#(type)","occurred_at":"2026-11-28T09:15:00Z",\#(account),"data":\#(data)}"#
    }

    /// One `account.closure_requested` event in English with fixed data, for tests about one message.
    static func closure(_ id: String, email: String = "ada@example.org", name: String = "Ada Lovelace") -> String {
        #"{"id":"\#(id)","type":"account.closure_requested","occurred_at":"2026-11-28T09:15:00Z","account":{"id":"acc_1","email":"\#(email)","name":"\#(name)","locale":"en"},"data":{"reference":"CLS-2026-0042","effective_at":"2099-12-12T00:00:00Z"}}"#
    }
}
