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

    /// `Name: token token`, folded with CRLF + space, ending in CRLF.
    var rendered: String {
        var out = name + ":"
        var column = out.utf8.count
        var tokensOnLine = 0
        for token in tokens {
            let width = token.utf8.count
            if tokensOnLine > 0 && column + 1 + width > Self.preferredWidth {
                out += "\r\n"
                column = 0
                tokensOnLine = 0
            }
            out += " " + token
            column += 1 + width
            tokensOnLine += 1
        }
        return out + "\r\n"
    }
}
