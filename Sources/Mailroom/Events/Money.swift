import Foundation

/// An amount of money exactly as the event gave it: a decimal string and an ISO 4217 code.
///
/// Kept as text and `Decimal`, never as a binary floating-point number.
public struct Money: Sendable, Equatable {
    /// The decimal string from the event, e.g. `"1250.75"`.
    public var amount: String
    public var value: Decimal
    /// ISO 4217, upper case, e.g. `EUR`.
    public var currency: String

    public init(amount: String, value: Decimal, currency: String) {
        self.amount = amount
        self.value = value
        self.currency = currency
    }
}
