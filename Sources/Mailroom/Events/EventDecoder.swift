/// Turns one NDJSON line into a validated ``Event``, or reports everything wrong with it.
///
/// The rules are those of shared/CONTRACT.md section 1, applied strictly: the input comes from
/// other systems, and whatever passes ends up in an email to a customer. All problems of an
/// event are collected and reported together (each with its JSON path), so a producer can fix a
/// broken event in one round trip. Input is never trusted: invalid UTF-8, truncated or deeply
/// nested JSON, duplicate keys and multi-megabyte values are errors, never crashes, and error
/// messages show only short, escaped excerpts of offending values.
///
/// Choices where the contract is silent:
/// - `null` for an optional field means absent; an empty `account.name` means no display name.
/// - Free-text limits: `account.id` 256, `data.reference` 128, `retained[].category` 200 and
///   `retained[].reason` 1000 characters; all single-line (no control characters or line breaks).
/// - A UTF-8 byte order mark before the object is ignored.
public struct EventDecoder: Sendable {
    /// The contract's limit on `id`.
    static let maxIDLength = 128

    public init() {}

    /// Decodes and validates one line (without its line terminator; surrounding JSON whitespace
    /// is allowed).
    ///
    /// - Parameters:
    ///   - lineNumber: the 1-based line number, copied into the error for the operator.
    ///   - source: the input's name (a path or `-`), copied into the error.
    /// - Throws: ``EventValidationError`` listing every problem found; its `eventID` is set only
    ///   when the event had a present and valid `id`.
    public func decode(
        _ line: some Collection<UInt8>, lineNumber: Int? = nil, source: String? = nil
    ) throws(EventValidationError) -> Event {
        let root: JSONValue
        do {
            root = try JSONParser.parse(Array(line))
        } catch {
            throw EventValidationError(line: lineNumber, source: source, problems: [.init(path: error.path, message: error.message)])
        }
        guard case .object(let top) = root else {
            throw EventValidationError(line: lineNumber, source: source, problems: [
                .init(path: "$", message: "expected a JSON object (one event per line), found \(root.kindDescription)"),
            ])
        }
        var checker = EventFieldChecker()
        let id = checker.formatted(
            top["id"], at: "$.id", required: true, what: "an event id", maxBytes: Self.maxIDLength, check: Self.idProblem
        )
        let type = readType(top["type"], checker: &checker)
        let occurredAt = checker.timestamp(top["occurred_at"], at: "$.occurred_at", required: true)
        let account = readAccount(top["account"], checker: &checker)
        var payload: EventPayload?
        if let type { payload = readPayload(for: type, top["data"], checker: &checker) }
        guard checker.problems.isEmpty, let id, let type, let occurredAt, let account, let payload else {
            var problems = checker.report
            if problems.isEmpty { problems = [.init(path: "$", message: "the event is incomplete")] }
            throw EventValidationError(eventID: id, line: lineNumber, source: source, problems: problems)
        }
        return Event(id: id, type: type, occurredAt: occurredAt, account: account, payload: payload)
    }

    /// 1-128 characters of `A-Z a-z 0-9 . _ : -`. Ids made only of dots are valid too: the outbox
    /// encodes every id before it names anything with it.
    static func idProblem(_ id: String) -> FieldProblem? {
        if id.isEmpty { return FieldProblem("expected an id of 1-\(maxIDLength) characters, found an empty string") }
        for scalar in id.unicodeScalars where !isIDCharacter(scalar) {
            return FieldProblem("expected an id of A-Z a-z 0-9 . _ : - only, found \(SafeText.describe(scalar)) in \(SafeText.quoted(id))")
        }
        return nil
    }

    private static func isIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "_", ":", "-": true
        default: false
        }
    }

    private func readType(_ value: JSONValue?, checker: inout EventFieldChecker) -> EventType? {
        guard let text = checker.string(value, at: "$.type", required: true) else { return nil }
        guard let type = EventType(rawValue: text) else {
            let known = EventType.allCases.map(\.rawValue).joined(separator: ", ")
            checker.add("$.type", "expected one of \(known); found the unknown type \(SafeText.quoted(text))")
            return nil
        }
        return type
    }

    private func readAccount(_ value: JSONValue?, checker: inout EventFieldChecker) -> Account? {
        guard let fields = checker.object(value, at: "$.account", required: true) else { return nil }
        let id = checker.text(fields["id"], at: "$.account.id", required: true, rule: TextRule(maxCharacters: 256))
        let email = checker.email(fields["email"], at: "$.account.email", required: true)
        let name = checker.text(fields["name"], at: "$.account.name", required: false, rule: TextRule(maxCharacters: 256, allowEmpty: true))
        let locale = checker.formatted(
            fields["locale"], at: "$.account.locale", required: false,
            what: "a BCP 47 language tag", maxBytes: LanguageTag.maxLength, check: LanguageTag.problem
        )
        guard let id, let email else { return nil }
        return Account(id: id, email: email, name: name?.isEmpty == true ? nil : name, locale: locale)
    }
}

extension EventDecoder {
    /// Decodes a line from ``EventStreamReader``; an overlong line, which the reader skipped
    /// without keeping its bytes, becomes a validation error for that line number.
    public func decode(_ line: EventStreamReader.Line, source: String? = nil) throws(EventValidationError) -> Event {
        switch line {
        case .line(let number, let bytes):
            return try decode(bytes, lineNumber: number, source: source)
        case .overlong(let number, let length):
            throw EventValidationError(line: number, source: source, problems: [
                .init(path: "$", message: "the line is \(length) bytes long, over the size limit for one event; it was skipped unread"),
            ])
        }
    }
}
