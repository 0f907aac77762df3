import Foundation

/// One validated pipeline event (shared/CONTRACT.md section 1).
///
/// Only ``EventDecoder`` makes these from input; every value here already passed validation,
/// so the renderer and the MIME writer may rely on the rules of the contract.
public struct Event: Sendable, Equatable {
    /// The idempotency key: 1-128 characters of `A-Z a-z 0-9 . _ : -`.
    public var id: String
    public var type: EventType
    public var occurredAt: Timestamp
    public var account: Account
    public var payload: EventPayload

    public init(id: String, type: EventType, occurredAt: Timestamp, account: Account, payload: EventPayload) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.account = account
        self.payload = payload
    }
}

/// The three event types and the template each one selects.
public enum EventType: String, Sendable, CaseIterable, Codable {
    case closureRequested = "account.closure_requested"
    case balanceOutstanding = "account.balance_outstanding"
    case closed = "account.closed"

    /// The name of the template (a folder under `Templates/`) that renders this event.
    public var templateName: String {
        switch self {
        case .closureRequested: "closure-confirmation"
        case .balanceOutstanding: "withdrawal-reminder"
        case .closed: "retention-notice"
        }
    }

    public init?(templateName: String) {
        guard let match = Self.allCases.first(where: { $0.templateName == templateName }) else { return nil }
        self = match
    }
}

/// The recipient of the email an event produces.
public struct Account: Sendable, Equatable {
    public var id: String
    /// An ASCII addr-spec (`local@domain`, IDNA domains as A-labels), already validated.
    public var email: String
    /// Display name for `To`; any Unicode without control characters, at most 256 characters.
    public var name: String?
    /// The BCP 47 tag as given (`de-DE`); ``Locale`` resolution and fallback happen in rendering.
    public var locale: String?

    public init(id: String, email: String, name: String? = nil, locale: String? = nil) {
        self.id = id
        self.email = email
        self.name = name
        self.locale = locale
    }
}

/// The type-specific part of an event (`data` in the JSON).
public enum EventPayload: Sendable, Equatable {
    case closureRequested(ClosureRequested)
    case balanceOutstanding(BalanceOutstanding)
    case closed(AccountClosed)
}

public struct ClosureRequested: Sendable, Equatable {
    public var reference: String
    /// When the account and profile are deleted.
    public var effectiveAt: Timestamp
    /// An https URL.
    public var cancelURL: String?
    public var supportURL: String?

    public init(reference: String, effectiveAt: Timestamp, cancelURL: String? = nil, supportURL: String? = nil) {
        self.reference = reference
        self.effectiveAt = effectiveAt
        self.cancelURL = cancelURL
        self.supportURL = supportURL
    }
}

public struct BalanceOutstanding: Sendable, Equatable {
    public var balance: Money
    public var withdrawBy: Timestamp
    /// An https URL.
    public var withdrawURL: String?

    public init(balance: Money, withdrawBy: Timestamp, withdrawURL: String? = nil) {
        self.balance = balance
        self.withdrawBy = withdrawBy
        self.withdrawURL = withdrawURL
    }
}

public struct AccountClosed: Sendable, Equatable {
    public var closedAt: Timestamp
    /// Never empty.
    public var retained: [RetainedRecord]
    /// An addr-spec.
    public var privacyContact: String?

    public init(closedAt: Timestamp, retained: [RetainedRecord], privacyContact: String? = nil) {
        self.closedAt = closedAt
        self.retained = retained
        self.privacyContact = privacyContact
    }
}

/// One category of data kept after closure, why, and until when.
public struct RetainedRecord: Sendable, Equatable {
    public var category: String
    public var reason: String
    public var retainUntil: Timestamp

    public init(category: String, reason: String, retainUntil: Timestamp) {
        self.category = category
        self.reason = reason
        self.retainUntil = retainUntil
    }
}
