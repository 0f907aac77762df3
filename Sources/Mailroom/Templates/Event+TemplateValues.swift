/// The variables an event offers its templates (documented in `Templates/README.md`).
///
/// Keys are snake_case like the event JSON. Every optional field is present as a key, with
/// `.absent` when the event lacks it, so templates can test it with a section.
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
        values["name"] = optional(account.name)
        values["locale"] = .text(locale.tag)
        values["occurred_date"] = .text(locale.date(occurredAt))
        values["occurred_datetime"] = .text(locale.dateTime(occurredAt))
        switch payload {
        case .closureRequested(let data):
            values["reference"] = .text(data.reference)
            values["effective_date"] = .text(locale.date(data.effectiveAt))
            values["effective_datetime"] = .text(locale.dateTime(data.effectiveAt))
            values["cancel_url"] = optional(data.cancelURL)
            values["support_url"] = optional(data.supportURL)
        case .balanceOutstanding(let data):
            values["amount"] = .text(locale.money(data.balance))
            values["amount_value"] = .text(data.balance.amount)
            values["currency"] = .text(data.balance.currency)
            values["withdraw_by_date"] = .text(locale.date(data.withdrawBy))
            values["withdraw_by_datetime"] = .text(locale.dateTime(data.withdrawBy))
            values["withdraw_url"] = optional(data.withdrawURL)
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
            values["privacy_contact"] = optional(data.privacyContact)
        }
        return values
    }

    private func optional(_ value: String?) -> TemplateValue {
        value.map(TemplateValue.text) ?? .absent
    }
}

extension Event {
    /// ``templateValues(in:over:)`` as slots over `globals` (made once per catalog with
    /// ``TemplateVariables/init(globals:)``): the same variables without a dictionary per message
    /// (a differential test compares the two). Every slot of the event's type is set, so the
    /// event's own values replace any global of the same name, as in the dictionary.
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
}
