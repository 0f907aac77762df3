/// Every name a template can find at its root, declared once: the raw value is what a template
/// writes (`{{cancel_url}}`), the order of the cases is each one's slot in ``TemplateVariables``.
///
/// An event sets the variables of its type in `Event+TemplateValues.swift`; a list's fields
/// (`retained`'s `category`, `reason`, `retain_until_date`) are named there too, as they exist only
/// inside their section. `Templates/README.md` documents every one.
enum TemplateVariable: String, CaseIterable, Sendable {
    // Every event.
    case eventID = "event_id", accountID = "account_id", email, name, locale
    case occurredDate = "occurred_date", occurredDateTime = "occurred_datetime"
    // account.closure_requested
    case reference, effectiveDate = "effective_date", effectiveDateTime = "effective_datetime"
    case cancelURL = "cancel_url", supportURL = "support_url"
    // account.balance_outstanding
    case amount, amountValue = "amount_value", currency
    case withdrawByDate = "withdraw_by_date", withdrawByDateTime = "withdraw_by_datetime", withdrawURL = "withdraw_url"
    // account.closed
    case closedDate = "closed_date", closedDateTime = "closed_datetime", retained, privacyContact = "privacy_contact"
    /// The layout's own two: the rendered body and subject, set only while a layout renders.
    case body, subject
    /// The usual global, from the configuration (``TemplateCatalog/globals``).
    case company

    /// Where the variable's value is kept in ``TemplateVariables``.
    var slot: Int {
        // Linear over two dozen cases compared as integers: cheaper than hashing, and it keeps
        // the declaration above the only list of variables.
        Self.ordered.firstIndex(of: self) ?? 0
    }

    /// ``allCases`` made once (the synthesised property builds a new array on each call).
    static let ordered = allCases
}
