/// One header field, held as unbreakable ASCII tokens and folded between them.
///
/// Folding happens only at the single space between two tokens, so an encoded word, a quoted string
/// or an address is never broken. Lines are kept within 78 characters where the tokens allow; a
/// token that is itself longer (a long Message-ID or address) gets a line of its own, still far below
/// the 998-octet limit because every token the composer makes is bounded.
struct HeaderField: Sendable, Equatable {
    static let preferredWidth = 78

    let name: String
    let tokens: [String]

    init(name: String, tokens: [String]) {
        self.name = name
        self.tokens = tokens
    }

    /// The room left on the first line after `Name: `, for a first encoded word.
    static func firstLineRoom(forName name: String) -> Int {
        preferredWidth - name.utf8.count - 2
    }

    /// `Name: token token`, folded with CRLF + space, ending in CRLF (the composer writes fields
    /// straight into its ``WireWriter``; this is the same folding for one field on its own).
    var rendered: String {
        var out = WireWriter(capacity: name.utf8.count + tokens.reduce(4) { $0 + $1.utf8.count + 3 })
        out.startField(named: name)
        for token in tokens { out.token(token) }
        out.endField()
        return String(decoding: out.bytes(), as: UTF8.self)
    }
}
