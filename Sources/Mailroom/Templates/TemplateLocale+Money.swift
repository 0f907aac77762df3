import Foundation
import Synchronization

extension TemplateLocale {
    /// A locale's currency format for one currency as literal text around grouped digits, read off
    /// Foundation's output for `1234567` and kept only if it reproduces Foundation's output for a
    /// spread of amounts, so most amounts are written without a call into ICU.
    ///
    /// It formats the `Decimal`'s own plain notation (its `description`), so the result depends on
    /// the value alone, as Foundation's does; an amount with more decimals than the format shows
    /// (which would be rounded), a negative one, and any locale or currency whose output does not
    /// fit go to Foundation.
    struct MoneyPattern: Sendable {
        let prefix: String
        let suffix: String
        let groupSeparator: String
        let decimalSeparator: String
        let fractionDigits: Int

        /// `amount` in plain decimal notation (as `Decimal.description` writes it), or nil.
        func format(_ amount: String) -> String? {
            let parts = Array(amount.utf8).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard parts.count <= 2, let integer = parts.first, !integer.isEmpty,
                integer.count == 1 || integer.first != UInt8(ascii: "0")
            else { return nil }
            let fraction = parts.count == 2 ? parts[1] : []
            let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
            guard fraction.count <= fractionDigits, parts.count == 1 || !fraction.isEmpty,
                integer.allSatisfy(isDigit), fraction.allSatisfy(isDigit)
            else { return nil }
            var result = prefix
            for (offset, digit) in integer.enumerated() {
                if offset > 0, (integer.count - offset) % 3 == 0 { result += groupSeparator }
                result.unicodeScalars.append(Unicode.Scalar(digit))
            }
            if fractionDigits > 0 {
                result += decimalSeparator
                result += String(decoding: fraction, as: UTF8.self)
                result += String(repeating: "0", count: fractionDigits - fraction.count)
            }
            return result + suffix
        }

        /// The pattern for `style`, or nil when its output does not have that shape.
        static func derive(_ style: Decimal.FormatStyle.Currency) -> MoneyPattern? {
            guard let probe = Decimal(string: "1234567", locale: Locale(identifier: "en_US_POSIX")) else { return nil }
            let text = probe.formatted(style)
            guard let first = text.firstIndex(where: \.isASCIIDigit), let last = text.lastIndex(where: \.isASCIIDigit)
            else { return nil }
            var middle = text[first...last]
            guard middle.hasPrefix("1") else { return nil }
            middle = middle.dropFirst()
            let group = String(middle.prefix { !$0.isASCIIDigit })
            guard !group.isEmpty, middle.dropFirst(group.count).hasPrefix("234" + group + "567") else { return nil }
            let rest = middle.dropFirst(group.count + 3 + group.count + 3)
            let decimal = String(rest.prefix { !$0.isASCIIDigit })
            let zeros = rest.dropFirst(decimal.count)
            guard zeros.allSatisfy({ $0 == "0" }), decimal.isEmpty == zeros.isEmpty else { return nil }
            let pattern = MoneyPattern(
                prefix: String(text[..<first]), suffix: String(text[text.index(after: last)...]),
                groupSeparator: group, decimalSeparator: decimal, fractionDigits: zeros.count)
            return pattern.reproduces(style) ? pattern : nil
        }

        private func reproduces(_ style: Decimal.FormatStyle.Currency) -> Bool {
            let integers = ["0", "7", "42", "999", "1000", "12345", "100000", "1234567", "98765432109876543210987654321"]
            var fractions = [""]
            if fractionDigits > 0 {
                for count in 1...fractionDigits {
                    fractions += [String(repeating: "0", count: count - 1) + "5", String(repeating: "9", count: count)]
                }
            }
            for integer in integers {
                for fraction in fractions {
                    let amount = fraction.isEmpty ? integer : "\(integer).\(fraction)"
                    guard let value = Decimal(string: amount, locale: Locale(identifier: "en_US_POSIX")),
                        format(amount) == value.formatted(style)
                    else { return false }
                }
            }
            return true
        }
    }

    /// Currency formats per currency code, made on first use of each.
    final class MoneyFormats: Sendable {
        private let locale: Locale
        /// One currency's style and pattern, shared by reference, so an amount does not copy the
        /// style out of the dictionary.
        private final class Entry: Sendable {
            let style: Decimal.FormatStyle.Currency
            let pattern: MoneyPattern?

            init(style: Decimal.FormatStyle.Currency, pattern: MoneyPattern?) {
                self.style = style
                self.pattern = pattern
            }
        }

        private let byCurrency = Mutex<[String: Entry]>([:])

        init(locale: Locale) {
            self.locale = locale
        }

        func format(_ money: Money) -> String {
            let known = byCurrency.withLock { $0[money.currency] }
            let entry = known ?? {
                let style = Decimal.FormatStyle.Currency(code: money.currency).locale(locale)
                let made = Entry(style: style, pattern: MoneyPattern.derive(style))
                byCurrency.withLock { $0[money.currency] = made }
                return made
            }()
            if let pattern = entry.pattern {
                // The event's own text when it states the same value, which spares writing out
                // `Decimal.description`.
                if let text = pattern.format(money.amount), Self.plainValue(money.amount) == money.value { return text }
                if let text = pattern.format(money.value.description) { return text }
            }
            return money.value.formatted(entry.style)
        }

        /// The value of up to 18 plain decimal digits with an optional fraction (`1250.70`),
        /// without Foundation's parser; nil for anything else.
        static func plainValue(_ amount: String) -> Decimal? {
            var digits: UInt64 = 0
            var count = 0
            var fraction: Int?
            for byte in amount.utf8 {
                if byte == UInt8(ascii: "."), fraction == nil {
                    fraction = 0
                    continue
                }
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), count < 18 else { return nil }
                digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
                count += 1
                if let places = fraction { fraction = places + 1 }
            }
            guard count > 0 else { return nil }
            return Decimal(sign: .plus, exponent: -(fraction ?? 0), significand: Decimal(digits))
        }
    }
}
