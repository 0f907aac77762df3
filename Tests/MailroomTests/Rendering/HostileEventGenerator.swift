import Foundation
import Mailroom
import MailroomTesting

/// One generated input line and what the decoder must make of it.
struct HostileEvent {
    var line: [UInt8]
    var template: String
    /// Paths that must be reported: the value there breaks a rule this generator knows for sure.
    var invalidPaths: Set<String> = []
    /// Paths that may be reported: hostile values whose validity this generator does not predict.
    var unknownPaths: Set<String> = []
    /// Set when the line itself was broken (invalid JSON or UTF-8): it must be rejected.
    var rawCorruption: String?
    var email = ""
    var name = ""
    var reference: String?
    /// Values the templates show verbatim (text) and escaped (HTML), when the event is valid.
    var shown: [String] = []

    var mustDecode: Bool { rawCorruption == nil && invalidPaths.isEmpty && unknownPaths.isEmpty }
    var mustFail: Bool { rawCorruption != nil || !invalidPaths.isEmpty }
}

/// Events of all three types with seeded hostile Unicode in every field, encoded as JSON.
struct HostileEventGenerator {
    var rng: SeededGenerator

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    /// Pieces without control characters: a single-line field may hold any of them.
    static let cleanPieces: [String] = [
        "a", "Z", "0", "word", " ", "  ", ".", ",", "\"", "\\", "(", ")", "<", ">", "@", ":", ";", "=", "?", "_", "&", "'",
        "/", "#", "%0d%0a", "%0D%0A", "{{", "}}", "{{name}}", "{{{body}}}", "{{company}}", "{{#retained}}x{{/retained}}",
        "{{> partial}}", "{{=<% %>=}}", "<script>alert(1)</script>", "</title>", "<a href=\"x\">", "=?utf-8?q?x?=", "?=",
        "=_", "--=_mailroom-golden-boundary", "From ", "Bcc: evil@x", "Subject: injected", "To: eve@example.com",
        "é", "e\u{301}", "\u{301}", "o\u{308}\u{323}", "\u{FEFF}", "\u{A0}", "\u{200D}", "\u{0600}<b>", "\u{0600}",
        "\"\u{301}", "&\u{20DD}", "🙂", "👩🏽‍💻", "👨‍👩‍👧‍👦", "🇩🇪", "مرحبا", "שלום", "\u{202E}", "\u{200F}", "您的帐户",
        "日本語", "한국어",
    ]
    /// Pieces no single-line field may hold.
    static let forbiddenPieces: [String] = [
        "\0", "\r", "\n", "\r\n", "\t", "\u{7F}", "\u{85}", "\u{2028}", "\u{2029}", "\r\n.\r\n", "\n.\n",
        "\nBcc: evil@x", "\r\nSubject: injected", "\u{1B}[31m", "\u{9B}",
    ]

    mutating func text(forbidden: Bool) -> String {
        var out = ""
        for _ in 0..<Int.random(in: 0...10, using: &rng) {
            let roll = Int.random(in: 0..<20, using: &rng)
            if roll == 0 {
                let unit = ["x", "é", "🙂", "字", "e\u{301}"].randomElement(using: &rng) ?? "x"
                out += String(repeating: unit, count: Int.random(in: 20...300, using: &rng))
            } else if forbidden && roll < 4 {
                out += Self.forbiddenPieces.randomElement(using: &rng) ?? ""
            } else {
                out += Self.cleanPieces.randomElement(using: &rng) ?? ""
            }
        }
        return out
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

    mutating func pick<T>(_ values: [T]) -> T {
        values[Int.random(in: 0..<values.count, using: &rng)]
    }

    static func isForbiddenInLine(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// The contract's rule for single-line free text, written here independently of the decoder.
    static func isValidText(_ text: String, maxCharacters: Int, allowEmpty: Bool) -> Bool {
        if text.isEmpty { return allowEmpty }
        return text.utf8.count <= maxCharacters * 16 && text.count <= maxCharacters
            && !text.unicodeScalars.contains(where: isForbiddenInLine)
    }

    /// A free-text field: often its default, else hostile text whose validity is predicted.
    mutating func freeText(
        _ path: String, _ fallback: String, max: Int, allowEmpty: Bool = false, shown: Bool, into event: inout HostileEvent
    ) -> String {
        let value = chance(50) ? fallback : text(forbidden: chance(35))
        if !Self.isValidText(value, maxCharacters: max, allowEmpty: allowEmpty) {
            event.invalidPaths.insert(path)
        } else if shown && !value.isEmpty {
            event.shown.append(value)
        }
        return value
    }

    static let validIDCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-")

    mutating func id(into event: inout HostileEvent) -> String {
        if chance(85) {
            let length = chance(10) ? 128 : Int.random(in: 1...24, using: &rng)
            var id = String((0..<length).map { _ in pick(Self.validIDCharacters) })
            if id.allSatisfy({ $0 == "." }) { id = "e" + id.dropFirst() }
            return id
        }
        let value = text(forbidden: chance(30))
        let valid = (1...128).contains(value.unicodeScalars.count)
            && value.allSatisfy { Self.validIDCharacters.contains($0) } && !value.allSatisfy { $0 == "." }
        if !valid { event.invalidPaths.insert("$.id") }
        return value
    }

    static let timestamps = [
        "2026-11-28T09:15:00Z", "2026-12-12T00:00:00.123456+14:00", "2028-02-29T23:59:59-12:00",
        "2000-01-01T00:00:00+00:00", "2099-06-30T12:30:45.5Z",
    ]

    /// A valid timestamp, or hostile text (which can never be one).
    mutating func timestamp(_ path: String, dateOnly: Bool = false, into event: inout HostileEvent) -> HostileJSON {
        if chance(90) { return .string(pick(Self.timestamps + (dateOnly ? ["2036-12-31", "2028-02-29"] : []))) }
        event.invalidPaths.insert(path)
        return .string(text(forbidden: chance(30)))
    }

    static let emails = [
        "ada@example.com", "{{name}}&'x@example.com", "o'brien+tag@sub.example.co.uk",
        "a.b/c=d?e^f`g|h~i@xn--bcher-kva.example", "x@a-b.example",
        String(repeating: "l", count: 64) + "@example.com",
    ]

    /// An address: a tricky valid one, or hostile text (invalid when surely so, else unpredicted).
    mutating func address(_ path: String, into event: inout HostileEvent) -> String {
        if chance(85) { return pick(Self.emails) }
        let value = text(forbidden: chance(30)) + (chance(50) ? "@example.com" : "")
        let surelyInvalid = !value.contains("@") || value.unicodeScalars.contains { !$0.isASCII || Self.isForbiddenInLine($0) }
        if surelyInvalid { event.invalidPaths.insert(path) } else { event.unknownPaths.insert(path) }
        return value
    }

    static let urls = [
        "https://example.com/account/closure/CLS-2026-0042/cancel", "https://example.com/c?a=1&b='2'&c=(3)*",
        "https://example.com/%0d%0aBcc:%20evil@x", "https://EXAMPLE.com:8443/p;x=y/@w/~u?q=%7B%7Bname%7D%7D#frag",
        "https://[2001:db8::1]/x", "https://example.com/" + String(repeating: "ab/", count: 500) + "end",
    ]

    /// Absent, a valid link, or hostile text (never starting with https://, so never valid).
    mutating func url(_ path: String, into event: inout HostileEvent) -> HostileJSON? {
        if chance(35) { return nil }
        if chance(85) {
            let url = pick(Self.urls)
            event.shown.append(url)
            return .string(url)
        }
        event.invalidPaths.insert(path)
        return .string(text(forbidden: chance(30)))
    }

    static let locales = ["en", "de", "de-DE", "de-AT", "fr", "EN", "De-de", "zh-Hant-TW", "x-private", "en-u-ca-gregory"]

    mutating func locale(into event: inout HostileEvent) -> HostileJSON? {
        if chance(10) { return nil }
        if chance(85) { return .string(pick(Self.locales)) }
        let value = text(forbidden: chance(30))
        let surelyInvalid = value.isEmpty || value.unicodeScalars.contains { !($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-")) }
        if surelyInvalid { event.invalidPaths.insert("$.account.locale") } else { event.unknownPaths.insert("$.account.locale") }
        return .string(value)
    }

    static let balances = [
        ("1250.75", "EUR"), ("0", "USD"), ("1250", "JPY"), ("1.234", "KWD"), ("99999999999999999999.99", "CHF"), ("0.5", "GBP"),
    ]
}
