import Foundation

extension EventFieldChecker {
    /// Longer amounts would not fit `Decimal`'s 38 significant digits; no balance is that large.
    static let maxAmountLength = 32

    /// Made once: creating a `Locale` is slower than parsing an amount.
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// `{"amount": "1250.75", "currency": "EUR"}`: the amount a JSON string of plain decimal
    /// notation with at most the currency's number of decimals.
    mutating func money(_ value: JSONValue?, at path: String) -> Money? {
        guard let balance = object(value, at: path, required: true) else { return nil }
        let currency = formatted(
            balance["currency"], at: path + ".currency", required: true,
            what: "an ISO 4217 currency code", maxBytes: 16, check: Self.currencyProblem
        )
        let amountPath = path + ".amount"
        guard let amountValue = present(balance["amount"], at: amountPath, required: true) else { return nil }
        guard case .string(let amount) = amountValue else {
            add(amountPath, "expected the amount as a JSON string such as \"1250.75\" (a JSON number could be rounded), found \(amountValue.kindDescription)")
            return nil
        }
        let minorUnits = currency.flatMap(ISO4217.minorUnits(of:))
        if let problem = Self.amountProblem(amount, currency: currency, minorUnits: minorUnits) {
            add(amountPath, problem.message)
            return nil
        }
        guard let currency, minorUnits != nil else { return nil }
        guard let decimal = Decimal(string: amount, locale: Self.posix) else {
            add(amountPath, "the amount \(SafeText.quoted(amount)) could not be read as a decimal number")
            return nil
        }
        return Money(amount: amount, value: decimal, currency: currency)
    }

    static func currencyProblem(_ code: String) -> FieldProblem? {
        var shown: String { SafeText.quoted(code) }  // only for a problem
        let letters = code.utf8.count == 3 && code.utf8.allSatisfy { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }
        guard letters else {
            return FieldProblem("expected an ISO 4217 currency code of three letters such as EUR, found \(shown)")
        }
        guard code.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            return FieldProblem("expected an upper-case ISO 4217 currency code such as \(code.uppercased()), found \(shown)")
        }
        if ISO4217.minorUnits(of: code) == nil {
            return FieldProblem("expected an active ISO 4217 currency code, found \(shown)")
        }
        return nil
    }

    /// Plain decimal notation: digits, optionally `.` and digits; no sign, exponent, grouping,
    /// or leading zeros. Decimals are checked only when the currency is known.
    static func amountProblem(_ amount: String, currency: String?, minorUnits: Int?) -> FieldProblem? {
        var shown: String { SafeText.quoted(amount) }  // only for a problem
        let bytes = Array(amount.utf8.prefix(maxAmountLength + 1))
        if bytes.isEmpty { return FieldProblem("expected a decimal amount such as \"1250.75\", found an empty string") }
        if bytes.count > maxAmountLength {
            return FieldProblem("expected an amount of at most \(maxAmountLength) characters, found \(amount.utf8.count)")
        }
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            return FieldProblem("expected an amount without a sign, found \(shown)")
        }
        if bytes.contains(UInt8(ascii: "e")) || bytes.contains(UInt8(ascii: "E")) {
            return FieldProblem("exponent notation is not allowed in an amount, found \(shown); write it out, e.g. \"1250.75\"")
        }
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let isDigits = { (part: ArraySlice<UInt8>) in !part.isEmpty && part.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard parts.count <= 2, parts.allSatisfy(isDigits) else {
            return FieldProblem("expected a decimal amount such as \"1250.75\" (digits, '.' before the decimals, no grouping), found \(shown)")
        }
        if parts[0].count > 1, parts[0].first == UInt8(ascii: "0") {
            return FieldProblem("expected an amount without leading zeros, found \(shown)")
        }
        let decimals = parts.count == 2 ? parts[1].count : 0
        if let currency, let minorUnits, decimals > minorUnits {
            let allowed = minorUnits == 0 ? "\(currency) has no decimals" : "\(currency) has at most \(minorUnits) decimals"
            return FieldProblem("\(allowed), found \(decimals) in \(shown)")
        }
        return nil
    }
}
