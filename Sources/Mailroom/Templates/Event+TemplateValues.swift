/// The values an event gives the ``TemplateVariable``s of its type (documented in
/// `Templates/README.md`).
///
/// Every optional field is set, to `.absent` when the event lacks it, so templates can test it
/// with a section.
extension Event {
    /// The event's variables in `locale` over `globals` (made once per catalog with
    /// ``TemplateVariables/init(globals:)``). Every variable of the event's type is set, so the
    /// event's own values replace any global of the same name.
    func templateVariables(in locale: TemplateLocale, over globals: TemplateVariables) -> TemplateVariables {
        let formats = locale.formats
        var values = globals
        values[.eventID] = .text(id)
        values[.accountID] = .text(account.id)
        values[.email] = .text(account.email)
        values[.name] = optional(account.name)
        values[.locale] = .text(locale.tag)
        values[.occurredDate] = .text(locale.date(occurredAt, formats))
        values[.occurredDateTime] = .text(locale.dateTime(occurredAt, formats))
        switch payload {
        case .closureRequested(let data):
            values[.reference] = .text(data.reference)
            values[.effectiveDate] = .text(locale.date(data.effectiveAt, formats))
            values[.effectiveDateTime] = .text(locale.dateTime(data.effectiveAt, formats))
            values[.cancelURL] = optional(data.cancelURL)
            values[.supportURL] = optional(data.supportURL)
        case .balanceOutstanding(let data):
            values[.amount] = .text(formats.money.format(data.balance))
            values[.amountValue] = .text(data.balance.amount)
            values[.currency] = .text(data.balance.currency)
            values[.withdrawByDate] = .text(locale.date(data.withdrawBy, formats))
            values[.withdrawByDateTime] = .text(locale.dateTime(data.withdrawBy, formats))
            values[.withdrawURL] = optional(data.withdrawURL)
        case .closed(let data):
            values[.closedDate] = .text(locale.date(data.closedAt, formats))
            values[.closedDateTime] = .text(locale.dateTime(data.closedAt, formats))
            values[.retained] = .list(
                data.retained.map { record in
                    [
                        "category": .text(record.category),
                        "reason": .text(record.reason),
                        "retain_until_date": .text(locale.date(record.retainUntil, formats)),
                    ]
                })
            values[.privacyContact] = optional(data.privacyContact)
        }
        return values
    }

    private func optional(_ value: String?) -> TemplateValue {
        value.map(TemplateValue.text) ?? .absent
    }
}
