/// The root scope of one render as a flat array of slots, one per variable an event or a layout
/// can set, with the configured globals (or any other dictionaries) behind them.
///
/// Building a `[String: TemplateValue]` of twenty keys per message (hashing, seeding, growth) and
/// finding each name in it again was a sixth of the render time (issue #4). ``TemplateProgram``
/// resolves a name of ``names`` to its slot when it is compiled, so a lookup is an array read.
/// The dictionaries stay for swift-mustache and for error messages: ``dictionaries`` gives the
/// same scopes the slots stand for.
struct TemplateVariables: Sendable {
    /// Every name a slot exists for: the event's variables (see `Event+TemplateValues.swift`),
    /// then the layout's `body` and `subject`, then the configured `company`.
    static let names: [String] = [
        "event_id", "account_id", "email", "name", "locale", "occurred_date", "occurred_datetime",
        "reference", "effective_date", "effective_datetime", "cancel_url", "support_url",
        "amount", "amount_value", "currency", "withdraw_by_date", "withdraw_by_datetime", "withdraw_url",
        "closed_date", "closed_datetime", "retained", "privacy_contact",
        "body", "subject", "company",
    ]

    /// Slot numbers, in the order of ``names``.
    enum Slot {
        static let eventID = 0, accountID = 1, email = 2, name = 3, locale = 4, occurredDate = 5
        static let occurredDateTime = 6, reference = 7, effectiveDate = 8, effectiveDateTime = 9
        static let cancelURL = 10, supportURL = 11, amount = 12, amountValue = 13, currency = 14
        static let withdrawByDate = 15, withdrawByDateTime = 16, withdrawURL = 17, closedDate = 18
        static let closedDateTime = 19, retained = 20, privacyContact = 21
        /// The layout's own two, set only while a layout renders.
        static let body = 22, subject = 23
        /// The usual global: filled from the globals once per catalog (``init(globals:)``).
        static let company = 24
    }

    private static let slotByName: [String: Int] = Dictionary(
        uniqueKeysWithValues: names.enumerated().map { ($1, $0) })

    /// The slot of `name`, or nil for a name only a dictionary can answer.
    static func slot(of name: String) -> Int? {
        slotByName[name]
    }

    /// nil: this render does not set the variable; the dictionaries may.
    var slots: [TemplateValue?]
    /// Asked after the slots, innermost (last) first: the globals, or a test's scopes.
    var behind: [[String: TemplateValue]]

    init(behind: [[String: TemplateValue]] = []) {
        slots = Array(repeating: nil, count: Self.names.count)
        self.behind = behind
    }

    /// The globals behind the slots, and copied into the slots of their names once, so a
    /// render finds `company` without hashing. Never into the layout's `body` and `subject`,
    /// which are cleared again between parts.
    init(globals: [String: TemplateValue]) {
        self.init(behind: [globals])
        for (name, value) in globals {
            guard let slot = Self.slot(of: name), slot != Slot.body, slot != Slot.subject else { continue }
            slots[slot] = value
        }
    }

    subscript(slot: Int) -> TemplateValue? {
        get { slots[slot] }
        set { slots[slot] = newValue }
    }

    /// The value of `name` (resolved to `slot` when it has one), as a lookup in ``dictionaries``
    /// would find it.
    func value(_ name: String, slot: Int?) -> TemplateValue? {
        if let slot, let value = slots[slot] { return value }
        var index = behind.endIndex
        while index > behind.startIndex {
            index -= 1
            if let value = behind[index][name] { return value }
        }
        return nil
    }

    /// The same variables as dictionaries, outermost first, for swift-mustache and error messages:
    /// the event's variables over the globals, then the layout's `body` and `subject` if set.
    var dictionaries: [[String: TemplateValue]] {
        var merged: [String: TemplateValue] = [:]
        for dictionary in behind { merged.merge(dictionary) { _, inner in inner } }
        var layout: [String: TemplateValue] = [:]
        for (slot, value) in slots.enumerated() {
            guard let value else { continue }
            if slot == Slot.body || slot == Slot.subject {
                layout[Self.names[slot]] = value
            } else {
                merged[Self.names[slot]] = value
            }
        }
        return layout.isEmpty ? [merged] : [merged, layout]
    }
}
