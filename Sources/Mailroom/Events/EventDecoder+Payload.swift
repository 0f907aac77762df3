extension EventDecoder {
    /// `data` for a known type. Optional fields that are invalid still make the event invalid:
    /// a broken cancel link is not silently dropped from an email that promises one.
    func readPayload(for type: EventType, _ value: JSONValue?, checker: inout EventFieldChecker) -> EventPayload? {
        guard let data = checker.object(value, at: "$.data", required: true) else { return nil }
        switch type {
        case .closureRequested:
            let reference = checker.text(data["reference"], at: "$.data.reference", required: true, rule: TextRule(maxCharacters: 128))
            let effectiveAt = checker.timestamp(data["effective_at"], at: "$.data.effective_at", required: true)
            let cancelURL = checker.httpsURL(data["cancel_url"], at: "$.data.cancel_url")
            let supportURL = checker.httpsURL(data["support_url"], at: "$.data.support_url")
            guard let reference, let effectiveAt else { return nil }
            return .closureRequested(ClosureRequested(
                reference: reference, effectiveAt: effectiveAt, cancelURL: cancelURL, supportURL: supportURL
            ))
        case .balanceOutstanding:
            let balance = checker.money(data["balance"], at: "$.data.balance")
            let withdrawBy = checker.timestamp(data["withdraw_by"], at: "$.data.withdraw_by", required: true)
            let withdrawURL = checker.httpsURL(data["withdraw_url"], at: "$.data.withdraw_url")
            guard let balance, let withdrawBy else { return nil }
            return .balanceOutstanding(BalanceOutstanding(balance: balance, withdrawBy: withdrawBy, withdrawURL: withdrawURL))
        case .closed:
            let closedAt = checker.timestamp(data["closed_at"], at: "$.data.closed_at", required: true)
            let retained = retainedRecords(data["retained"], at: "$.data.retained", checker: &checker)
            let privacyContact = checker.email(data["privacy_contact"], at: "$.data.privacy_contact", required: false)
            guard let closedAt, let retained else { return nil }
            return .closed(AccountClosed(closedAt: closedAt, retained: retained, privacyContact: privacyContact))
        }
    }

    /// A non-empty list of `{category, reason, retain_until}`; every entry is checked.
    private func retainedRecords(_ value: JSONValue?, at path: String, checker: inout EventFieldChecker) -> [RetainedRecord]? {
        let shape = "a non-empty list of {category, reason, retain_until} objects"
        guard let value = checker.present(value, at: path, required: true) else { return nil }
        guard case .array(let items) = value else {
            checker.add(path, "expected \(shape), found \(value.kindDescription)")
            return nil
        }
        if items.isEmpty {
            checker.add(path, "expected \(shape), found an empty list")
            return nil
        }
        var records: [RetainedRecord] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard case .object(let fields) = item else {
                checker.add(itemPath, "expected an object with category, reason and retain_until, found \(item.kindDescription)")
                continue
            }
            let category = checker.text(fields["category"], at: itemPath + ".category", required: true, rule: TextRule(maxCharacters: 200))
            let reason = checker.text(fields["reason"], at: itemPath + ".reason", required: true, rule: TextRule(maxCharacters: 1000))
            let retainUntil = checker.timestamp(fields["retain_until"], at: itemPath + ".retain_until", required: true, allowDateOnly: true)
            if let category, let reason, let retainUntil {
                records.append(RetainedRecord(category: category, reason: reason, retainUntil: retainUntil))
            }
        }
        return records.count == items.count ? records : nil
    }
}

extension EventFieldChecker {
    /// An optional https link (``HTTPSURL``).
    mutating func httpsURL(_ value: JSONValue?, at path: String) -> String? {
        formatted(value, at: path, required: false, what: "an https URL", maxBytes: HTTPSURL.maxLength, check: HTTPSURL.problem)
    }

    /// An ASCII addr-spec (``AddressSpec``).
    mutating func email(_ value: JSONValue?, at path: String, required: Bool) -> String? {
        formatted(value, at: path, required: required, what: "an email address", maxBytes: 254) { address in
            AddressSpec.problem(with: address).map { FieldProblem("\($0); the address was \(SafeText.quoted(address))") }
        }
    }
}
