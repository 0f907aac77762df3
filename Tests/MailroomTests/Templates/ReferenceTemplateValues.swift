@testable import Mailroom

/// The event's variables as a String-keyed dictionary, written out name by name as
/// `Templates/README.md` documents them: the reference the slots are compared with.
extension Event {
    /// The event's variables in `locale`, added to (and replacing any of) `base`.
    ///
    /// - Parameter base: values the event's own replace, such as the configured globals.
    func templateValues(in locale: TemplateLocale, over base: [String: TemplateValue] = [:]) -> [String: TemplateValue] {
        var values = base
        values.reserveCapacity(base.count + 16)
        values["event_id"] = .text(id)
        values["account_id"] = .text(account.id)
        values["email"] = .text(account.email)
        values["name"] = referenceOptional(account.name)
        values["locale"] = .text(locale.tag)
        values["occurred_date"] = .text(locale.date(occurredAt))
        values["occurred_datetime"] = .text(locale.dateTime(occurredAt))
        switch payload {
        case .closureRequested(let data):
            values["reference"] = .text(data.reference)
            values["effective_date"] = .text(locale.date(data.effectiveAt))
            values["effective_datetime"] = .text(locale.dateTime(data.effectiveAt))
            values["cancel_url"] = referenceOptional(data.cancelURL)
            values["support_url"] = referenceOptional(data.supportURL)
        case .balanceOutstanding(let data):
            values["amount"] = .text(locale.money(data.balance))
            values["amount_value"] = .text(data.balance.amount)
            values["currency"] = .text(data.balance.currency)
            values["withdraw_by_date"] = .text(locale.date(data.withdrawBy))
            values["withdraw_by_datetime"] = .text(locale.dateTime(data.withdrawBy))
            values["withdraw_url"] = referenceOptional(data.withdrawURL)
        case .closed(let data):
            values["closed_date"] = .text(locale.date(data.closedAt))
            values["closed_datetime"] = .text(locale.dateTime(data.closedAt))
            values["retained"] = .list(
                data.retained.map { record in
                    [
                        "category": .text(record.category),
                        "reason": .text(record.reason),
                        "retain_until_date": .text(locale.date(record.retainUntil)),
                    ]
                })
            values["privacy_contact"] = referenceOptional(data.privacyContact)
        }
        return values
    }

    private func referenceOptional(_ value: String?) -> TemplateValue {
        value.map(TemplateValue.text) ?? .absent
    }
}

