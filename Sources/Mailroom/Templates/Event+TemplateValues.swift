/// The variables an event offers its templates (documented in `Templates/README.md`).
///
/// Keys are snake_case like the event JSON. Every optional field is present, with `.absent` when
/// the event lacks it, so templates can test it with a section.
extension Event {
    /// The event's variables in `locale`, as slots over `globals` (made once per catalog with
    /// ``TemplateVariables/init(globals:)``), without a dictionary per message. Every slot of the
    /// event's type is set, so the event's own values replace any global of the same name.
    /// (`TemplateVariablesTests` compares them with the dictionary the templates used to get.)
    func templateVariables(in locale: TemplateLocale, over globals: TemplateVariables) -> TemplateVariables {
        typealias Slot = TemplateVariables.Slot
        let formats = locale.formats
        var values = globals
        values[Slot.eventID] = .text(id)
        values[Slot.accountID] = .text(account.id)
        values[Slot.email] = .text(account.email)
        values[Slot.name] = optional(account.name)
        values[Slot.locale] = .text(locale.tag)
        values[Slot.occurredDate] = .text(locale.date(occurredAt, formats))
        values[Slot.occurredDateTime] = .text(locale.dateTime(occurredAt, formats))
        switch payload {
        case .closureRequested(let data):
            values[Slot.reference] = .text(data.reference)
            values[Slot.effectiveDate] = .text(locale.date(data.effectiveAt, formats))
            values[Slot.effectiveDateTime] = .text(locale.dateTime(data.effectiveAt, formats))
            values[Slot.cancelURL] = optional(data.cancelURL)
            values[Slot.supportURL] = optional(data.supportURL)
        case .balanceOutstanding(let data):
            values[Slot.amount] = .text(formats.money.format(data.balance))
            values[Slot.amountValue] = .text(data.balance.amount)
            values[Slot.currency] = .text(data.balance.currency)
            values[Slot.withdrawByDate] = .text(locale.date(data.withdrawBy, formats))
            values[Slot.withdrawByDateTime] = .text(locale.dateTime(data.withdrawBy, formats))
            values[Slot.withdrawURL] = optional(data.withdrawURL)
        case .closed(let data):
            values[Slot.closedDate] = .text(locale.date(data.closedAt, formats))
            values[Slot.closedDateTime] = .text(locale.dateTime(data.closedAt, formats))
            values[Slot.retained] = .list(
                data.retained.map { record in
                    [
                        "category": .text(record.category),
                        "reason": .text(record.reason),
                        "retain_until_date": .text(locale.date(record.retainUntil, formats)),
                    ]
                })
            values[Slot.privacyContact] = optional(data.privacyContact)
        }
        return values
    }

    private func optional(_ value: String?) -> TemplateValue {
        value.map(TemplateValue.text) ?? .absent
    }
}
