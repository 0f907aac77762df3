import Foundation
@testable import Mailroom

// The pre-optimisation MIME writer, kept verbatim as the oracle for the differential tests.
// Copied from Sources/Mailroom/MIME and Addressing at commit 7b6c9bd (before issue #4's byte-level
// rewrite); only wrapped in the `ReferenceMIME` namespace. Do not "improve" it: its job is to be the
// old behaviour, byte for byte and error for error.
extension ReferenceMIME {

    /// RFC 5322 `Date` values (`Sat, 28 Nov 2026 09:15:00 +0000`), always in UTC.
    ///
    /// Computed from the epoch seconds with the civil-from-days algorithm rather than a `DateFormatter`,
    /// so the output depends on no locale, calendar or time-zone database.
    enum MessageDate {
        private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

        static func format(_ date: Date) -> String {
            let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
            let days = floorDiv(seconds, 86_400)
            let secondOfDay = seconds - days * 86_400
            let (year, month, day) = civil(fromDays: days)
            let weekday = weekdays[Int(((days % 7) + 7) % 7)]
            return "\(weekday), \(day) \(months[month - 1]) \(year) "
                + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) +0000"
        }

        private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
            a >= 0 ? a / b : -((-a + b - 1) / b)
        }

        private static func two(_ value: Int64) -> String {
            value < 10 ? "0\(value)" : "\(value)"
        }

        /// Howard Hinnant's days-to-civil: proleptic Gregorian (year, month 1-12, day 1-31).
        private static func civil(fromDays days: Int64) -> (Int64, Int, Int64) {
            let z = days + 719_468
            let era = floorDiv(z, 146_097)
            let dayOfEra = z - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let mp = (5 * dayOfYear + 2) / 153
            let day = dayOfYear - (153 * mp + 2) / 5 + 1
            let month = mp < 10 ? mp + 3 : mp - 9
            let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
            return (year, Int(month), day)
        }
    }
}

extension ReferenceMIME {
    /// FNV-1a (64-bit): a small hash that is the same in every process and on every platform.
    ///
    /// Used for Message-IDs and boundaries, which must be identical when a message is composed again.
    /// Swift's `hashValue` is seeded per process, and CryptoKit is not available on Linux; collisions
    /// here only cost uniqueness of an id that also carries the event id in clear.
    struct StableHash: Sendable {
        private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

        init() {}

        /// Mixes in the UTF-8 of `text`, then a 0xFF separator (never in UTF-8) so ("ab","c") != ("a","bc").
        mutating func combine(_ text: String) {
            for byte in text.utf8 { mix(byte) }
            mix(0xFF)
        }

        private mutating func mix(_ byte: UInt8) {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }

        /// The value as 16 lower-case hexadecimal digits.
        var hex: String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }

        /// The hash of several strings in order.
        static func hex(of parts: String...) -> String {
            var hash = StableHash()
            for part in parts { hash.combine(part) }
            return hash.hex
        }
    }
}

extension ReferenceMIME {
    /// Upper-case hexadecimal for `=XX` escapes (RFC 2045 requires upper case in quoted-printable).
    enum Hex {
        private static let digits = Array("0123456789ABCDEF".utf8)

        static func byte(_ byte: UInt8) -> String {
            String(decoding: bytes(byte), as: UTF8.self)
        }

        static func bytes(_ byte: UInt8) -> [UInt8] {
            [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
        }
    }
}

extension ReferenceMIME {
    /// Checks that keep header values on one logical line, whatever the caller passes.
    ///
    /// Events are validated long before they reach the MIME writer, but the writer is the last place that
    /// can stop a header injection (`Subject: x\r\nBcc: victim`), so it checks again: defence in depth.
    enum HeaderText {
        /// True for characters that must never reach a header value: C0 controls (tab included), DEL,
        /// C1 controls, and U+2028/U+2029, which some readers treat as line breaks.
        static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return true
            default: return false
            }
        }

        /// Throws ``MessageError/Code/controlCharacter`` when `value` holds a forbidden character.
        static func requireNoControls(_ value: String, field: String) throws(MessageError) {
            if let bad = value.unicodeScalars.first(where: isForbidden) {
                throw MessageError.refusing(
                    .controlCharacter, field: field, value: value,
                    because: "control character U+\(hex4(bad.value)) is not allowed in a header value; "
                        + "remove line breaks and control characters before composing"
                )
            }
        }

        /// `value` in double quotes with control and separator characters shown as `\u{..}`, so an error
        /// message never carries a raw line break into a log.
        static func visible(_ value: String, limit: Int = 120) -> String {
            var out = "\""
            var count = 0
            for scalar in value.unicodeScalars {
                if count == limit { out += "..."; break }
                count += 1
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where isForbidden(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }

        /// True when every byte is printable ASCII (0x20-0x7E).
        static func isPrintableASCII(_ value: String) -> Bool {
            value.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
        }

        private static func hex4(_ value: UInt32) -> String {
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
    }
}

extension ReferenceMIME {
    /// Syntax checks for the ASCII addr-spec (`local@domain`) used in headers and the SMTP envelope.
    ///
    /// Deliberately narrower than RFC 5322: dot-atom local parts only (no quoted strings, no
    /// comments), a domain of LDH labels (IDNA as A-labels) or nothing else, and the length limits
    /// of RFC 5321 (local part <= 64, domain <= 255, whole path <= 254 octets). Anything accepted
    /// here is safe to write after `MAIL FROM:<` / `RCPT TO:<` and inside a header.
    enum AddressSpec {
        /// Nil when `address` is acceptable, else what is wrong with it, in words for an error message.
        static func problem(with address: String) -> String? {
            let bytes = Array(address.utf8)
            if bytes.isEmpty { return "expected an email address, found an empty string" }
            if bytes.count > 254 { return "expected an email address of at most 254 octets, found \(bytes.count)" }
            if bytes.contains(where: { $0 >= 0x80 }) {
                return "expected an ASCII address (IDNA domains as A-labels, xn--...)"
            }
            if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                return "control characters (CR, LF, NUL, ...) are not allowed in an address"
            }
            guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else {
                return "expected local@domain, found no @"
            }
            let local = bytes[..<at]
            let domain = bytes[(at + 1)...]
            if local.isEmpty { return "the part before @ is empty" }
            if local.count > 64 { return "the part before @ is longer than 64 octets" }
            if let problem = localPartProblem(local) { return problem }
            return domainProblem(domain)
        }

        static func isValid(_ address: String) -> Bool { problem(with: address) == nil }

        private static let atext: Set<UInt8> = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".utf8)

        private static func localPartProblem(_ local: ArraySlice<UInt8>) -> String? {
            let atoms = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            if atoms.contains(where: \.isEmpty) { return "the part before @ has an empty dot-separated piece" }
            for atom in atoms where !atom.allSatisfy({ atext.contains($0) }) {
                return "the part before @ may only hold letters, digits and !#$%&'*+-/=?^_`{|}~ between dots"
            }
            return nil
        }

        private static func domainProblem(_ domain: ArraySlice<UInt8>) -> String? {
            if domain.isEmpty { return "the domain after @ is empty" }
            if domain.count > 253 { return "the domain is longer than 253 octets" }
            let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            if labels.count < 2 { return "expected a fully qualified domain such as example.com" }
            for label in labels {
                if label.isEmpty { return "the domain has an empty label" }
                if label.count > 63 { return "a domain label is longer than 63 octets" }
                let ldh = label.allSatisfy { b in
                    (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
                }
                if !ldh { return "a domain label may only hold letters, digits and hyphens" }
                if label.first == 0x2D || label.last == 0x2D { return "a domain label may not start or end with a hyphen" }
            }
            return nil
        }
    }
}
