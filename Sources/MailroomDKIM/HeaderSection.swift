/// The header fields of a message, as byte ranges, for choosing and canonicalising the signed ones.
struct HeaderSection {
    /// One field: its lower-case name and its bytes from the name to the end of its last line, CRLF
    /// excluded.
    struct Field {
        var name: String
        var range: Range<Int>
    }

    let message: [UInt8]
    let fields: [Field]
    /// Where the body starts: just past the blank line.
    let end: Int

    init(_ message: [UInt8]) throws(DKIMError) {
        self.message = message
        var fields: [Field] = []
        var start = 0
        var index = 0
        var end: Int?
        while index + 1 < message.count {
            guard message[index] == 0x0D, message[index + 1] == 0x0A else {
                index += 1
                continue
            }
            let next = index + 2
            let continues = next < message.count && (message[next] == 0x20 || message[next] == 0x09)
            if continues {
                index = next
                continue
            }
            if index == start {
                end = next
                break
            }
            guard let colon = message[start..<index].firstIndex(of: UInt8(ascii: ":")) else {
                throw DKIMError(.badMessage, "cannot sign: a header line has no colon")
            }
            let name = String(decoding: message[start..<colon], as: UTF8.self)
            fields.append(Field(name: name.lowercased().trimmingSpaces, range: start..<index))
            start = next
            index = next
        }
        guard let end else { throw DKIMError(.badMessage, "cannot sign: the message has no end of header section") }
        self.fields = fields
        self.end = end
    }

    /// The `h=` names: ``DKIMSigner/signedFields`` present in the message, From once more.
    func signedNames() throws(DKIMError) -> [String] {
        let present = Set(fields.map(\.name))
        guard present.contains("from") else { throw DKIMError(.badMessage, "cannot sign: the message has no From field") }
        return ["From"] + DKIMSigner.signedFields.filter { present.contains($0.lowercased()) }
    }

    /// The fields `names` select, canonicalised: for a name given n times, its last n instances,
    /// bottom up; a name given more often than it occurs selects nothing more (RFC 6376 5.4.2).
    func appendCanonical(_ names: [String], to out: inout [UInt8]) {
        var used: [String: Int] = [:]
        for name in names {
            let lower = name.lowercased()
            let skip = used[lower, default: 0]
            used[lower] = skip + 1
            guard let field = fields.reversed().lazy.filter({ $0.name == lower }).dropFirst(skip).first else { continue }
            DKIMCanonicalization.appendRelaxedHeader(message[field.range], to: &out)
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
