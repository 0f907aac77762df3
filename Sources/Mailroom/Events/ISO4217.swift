/// Active ISO 4217 currency codes and their minor units (decimal places).
///
/// Embedded rather than taken from `Locale`, whose list differs between platforms and
/// Foundation versions and carries no minor units. From the ISO 4217 list one (amendments up to
/// 2025: ZWG replaces ZWL, XCG for Curaçao and Sint Maarten, VED, SLE). Precious metals, testing
/// and bond-market units (XAU, XTS, XBA, ...) are left out: nobody holds a balance in them.
/// Withdrawn codes (HRK, SLL, ZWL, CUC, ...) are refused so that stale data is noticed.
package enum ISO4217 {
    /// The number of decimals the currency uses, or nil for a code that is not an active currency.
    package static func minorUnits(of code: String) -> Int? {
        if let units = exceptions[code] { return units }
        return twoDecimalCodes.contains(code) ? 2 : nil
    }

    /// Currencies whose minor unit is not 2.
    static let exceptions: [String: Int] = [
        // No minor unit.
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
        "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
        "XPF": 0,
        // Three decimals.
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        // Four decimals (units of account).
        "CLF": 4, "UYW": 4,
    ]

    /// Currencies with two decimals.
    static let twoDecimalCodes: Set<String> = [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN",
        "BAM", "BBD", "BDT", "BGN", "BMD", "BND", "BOB", "BOV", "BRL", "BSD",
        "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CNY",
        "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP",
        "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD",
        "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR",
        "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR",
        "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU",
        "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO",
        "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR",
        "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP",
        "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS",
        "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "USN", "UYU",
        "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW",
        "ZWG",
    ]
}
