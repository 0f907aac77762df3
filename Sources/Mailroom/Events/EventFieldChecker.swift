/// What is wrong with one value, in words; the caller adds the JSON path.
struct FieldProblem: Error, Sendable, Equatable {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}

/// Length and content rules for a free-text field.
struct TextRule: Sendable {
    /// Maximum length in `Character`s (grapheme clusters), as a reader would count.
    var maxCharacters: Int
    var allowEmpty = false

    /// A byte cap as well, because one `Character` may hold any number of combining marks.
    var maxBytes: Int { maxCharacters * 16 }
}

/// Walks the fields of one event and collects every problem instead of stopping at the first.
///
/// Each accessor returns the checked value, or nil after recording why there is none, so the
/// decoder can go on validating the remaining fields of a broken event.
struct EventFieldChecker {
    /// More problems than this are summarised; a list of 50,000 broken entries is one mistake.
    static let problemLimit = 50

    private(set) var problems: [EventValidationError.Problem] = []
    private var dropped = 0

    mutating func add(_ path: String, _ message: String) {
        if problems.count < Self.problemLimit {
            problems.append(.init(path: path, message: message))
        } else {
            dropped += 1
        }
    }

    /// The problems, with a closing note when some were left out.
    var report: [EventValidationError.Problem] {
        guard dropped > 0 else { return problems }
        return problems + [.init(path: "$", message: "\(dropped) more problems not listed")]
    }

    /// A present, non-null member; records "required" when `required` and it is missing or null.
    mutating func present(_ value: JSONValue?, at path: String, required: Bool) -> JSONValue? {
        switch value {
        case nil:
            if required { add(path, "required field is missing") }
            return nil
        case .null?:
            if required { add(path, "required field is null") }
            return nil
        case let value?:
            return value
        }
    }

    mutating func object(_ value: JSONValue?, at path: String, required: Bool) -> [String: JSONValue]? {
        guard let value = present(value, at: path, required: required) else { return nil }
        guard case .object(let members) = value else {
            add(path, "expected an object, found \(value.kindDescription)")
            return nil
        }
        return members
    }

    mutating func string(_ value: JSONValue?, at path: String, required: Bool) -> String? {
        guard let value = present(value, at: path, required: required) else { return nil }
        guard case .string(let text) = value else {
            add(path, "expected a string, found \(value.kindDescription)")
            return nil
        }
        return text
    }

    /// A single-line text: no control characters (C0 including tab/CR/LF/NUL, DEL, C1) and no
    /// line or paragraph separators, which would break header lines and log records.
    mutating func text(_ value: JSONValue?, at path: String, required: Bool, rule: TextRule) -> String? {
        guard let text = string(value, at: path, required: required) else { return nil }
        if text.isEmpty {
            if !rule.allowEmpty { add(path, "expected a non-empty string") }
            return rule.allowEmpty ? text : nil
        }
        if text.utf8.count > rule.maxBytes {
            add(path, "expected at most \(rule.maxCharacters) characters (\(rule.maxBytes) bytes), found \(text.utf8.count) bytes starting \(SafeText.quoted(text, limit: 24, showSize: false))")
            return nil
        }
        // Count only as far as needed: a long value costs no more than a valid one, and one no
        // longer in bytes than the limit in characters needs no counting at all.
        var count = 0
        if text.utf8.count > rule.maxCharacters {
            for _ in text {
                count += 1
                if count > rule.maxCharacters { break }
            }
        }
        if count > rule.maxCharacters {
            add(path, "expected at most \(rule.maxCharacters) characters, found \(text.utf8.count) bytes starting \(SafeText.quoted(text, limit: 24, showSize: false))")
            return nil
        }
        if let character = SafeText.forbiddenCharacter(in: text) {
            add(path, "control characters and line breaks are not allowed, found \(character) in \(SafeText.quoted(text))")
            return nil
        }
        return text
    }

    mutating func timestamp(_ value: JSONValue?, at path: String, required: Bool, allowDateOnly: Bool = false) -> Timestamp? {
        guard let value = present(value, at: path, required: required) else { return nil }
        guard case .string(let text) = value else {
            add(path, "expected an RFC 3339 timestamp string such as \(RFC3339.example), found \(value.kindDescription)")
            return nil
        }
        switch RFC3339.parse(text, allowDateOnly: allowDateOnly) {
        case .success(let timestamp):
            return timestamp
        case .failure(let problem):
            add(path, problem.message)
            return nil
        }
    }

    /// Runs a format check on a string field and records its problem with the path.
    mutating func formatted(
        _ value: JSONValue?, at path: String, required: Bool, what: String, maxBytes: Int,
        check: (String) -> FieldProblem?
    ) -> String? {
        guard let value = present(value, at: path, required: required) else { return nil }
        guard case .string(let text) = value else {
            add(path, "expected \(what) as a string, found \(value.kindDescription)")
            return nil
        }
        if text.utf8.count > maxBytes {
            add(path, "expected \(what) of at most \(maxBytes) bytes, found \(text.utf8.count) bytes starting \(SafeText.quoted(text, limit: 24, showSize: false))")
            return nil
        }
        if let problem = check(text) {
            add(path, problem.message)
            return nil
        }
        return text
    }
}
