extension Mailbox {
    /// Parses the mailbox forms an operator writes in a configuration file:
    /// `Example Accounts <accounts@example.com>`, `"Quoted, Name" <a@b.example>`, `<a@b.example>`
    /// and a bare `a@b.example`.
    ///
    /// Deliberately small: no groups, no comments, no address lists, no encoded words (a name is taken
    /// literally). Control characters anywhere are refused before any parsing.
    public init(parsing text: String) throws(MessageError) {
        try HeaderValueCheck.requireNoControls(text, field: "mailbox")
        let trimmed = Mailbox.trimmingSpaces(text)
        guard trimmed.hasSuffix(">") else {
            if trimmed.contains("<") || trimmed.contains(">") || trimmed.contains(" ") {
                throw MessageError.refusing(
                    .invalidMailbox, field: "mailbox", value: text,
                    because: "expected `Name <local@domain>` or a bare `local@domain`"
                )
            }
            try self.init(address: trimmed, displayName: nil, field: "mailbox")
            return
        }
        guard let open = trimmed.lastIndex(of: "<") else {
            throw MessageError.refusing(
                .invalidMailbox, field: "mailbox", value: text, because: "found `>` without a matching `<`"
            )
        }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        let phrase = Mailbox.trimmingSpaces(String(trimmed[..<open]))
        let name = try Mailbox.displayName(fromPhrase: phrase, original: text)
        try self.init(address: address, displayName: name, field: "mailbox")
    }

    /// The display name a phrase stands for: a quoted string is unquoted (`\x` -> `x`), anything else
    /// is taken as written with its runs of spaces kept.
    private static func displayName(fromPhrase phrase: String, original: String) throws(MessageError) -> String? {
        if phrase.isEmpty { return nil }
        guard phrase.hasPrefix("\"") else {
            if phrase.contains("\"") || phrase.contains("<") || phrase.contains(">") {
                throw MessageError.refusing(
                    .invalidMailbox, field: "mailbox", value: original,
                    because: "a display name with quotes or angle brackets must be a whole quoted string"
                )
            }
            return phrase
        }
        var name = ""
        var escaped = false
        var closed = false
        for character in phrase.dropFirst() {
            if closed {
                throw MessageError.refusing(
                    .invalidMailbox, field: "mailbox", value: original,
                    because: "unexpected text after the closing quote of the display name"
                )
            }
            if escaped {
                name.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                closed = true
            } else {
                name.append(character)
            }
        }
        guard closed else {
            throw MessageError.refusing(
                .invalidMailbox, field: "mailbox", value: original, because: "the quoted display name is not closed"
            )
        }
        return name
    }

    private static func trimmingSpaces(_ text: String) -> String {
        var slice = Substring(text)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
