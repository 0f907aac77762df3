/// The "relaxed" canonicalisations of RFC 6376 section 3.4.2 (header) and 3.4.4 (body).
///
/// Both work on bytes: a message is 7-bit by the time it is signed, and canonicalisation is
/// defined on octets, not characters.
enum DKIMCanonicalization {
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    @inline(__always)
    private static func isWSP(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// Appends `name:value\r\n` for one whole header field (`Name: value`, folded or not, without
    /// its final CRLF): the name in lower case, the value unfolded, every run of spaces and tabs
    /// made one space, none before or after the value or around the colon.
    static func appendRelaxedHeader(_ field: ArraySlice<UInt8>, to out: inout [UInt8]) {
        guard let colon = field.firstIndex(of: UInt8(ascii: ":")) else { return }
        var nameEnd = colon
        while nameEnd > field.startIndex, isWSP(field[nameEnd - 1]) { nameEnd -= 1 }
        for byte in field[field.startIndex..<nameEnd] {
            out.append((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte)
        }
        out.append(UInt8(ascii: ":"))
        var pendingSpace = false
        var wroteValue = false
        for byte in field[(colon + 1)...] where byte != cr && byte != lf {
            if isWSP(byte) {
                pendingSpace = wroteValue
                continue
            }
            if pendingSpace { out.append(space) }
            pendingSpace = false
            out.append(byte)
            wroteValue = true
        }
        out.append(cr)
        out.append(lf)
    }

    /// The body canonicalised: in each line, runs of spaces and tabs made one space and none at the
    /// end; empty lines at the end removed; a non-empty body ends in exactly one CRLF.
    static func relaxedBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        // Empty lines are held back until a non-empty one follows: trailing ones are never written.
        var heldEmptyLines = 0
        var line: [UInt8] = []
        line.reserveCapacity(1000)
        var index = body.startIndex
        func flush(_ line: inout [UInt8]) {
            while let last = line.last, last == space { line.removeLast() }
            if line.isEmpty {
                heldEmptyLines += 1
                return
            }
            for _ in 0..<heldEmptyLines { out.append(cr); out.append(lf) }
            heldEmptyLines = 0
            out.append(contentsOf: line)
            out.append(cr)
            out.append(lf)
            line.removeAll(keepingCapacity: true)
        }
        while index < body.endIndex {
            let byte = body[index]
            if byte == cr, index + 1 < body.endIndex, body[index + 1] == lf {
                flush(&line)
                index += 2
                continue
            }
            if isWSP(byte) {
                if line.last != space { line.append(space) }
            } else {
                line.append(byte)
            }
            index += 1
        }
        // A last line without CRLF is still a line, kept with its (reduced) whitespace, and gets
        // the CRLF RFC 6376 adds: "end of line" whitespace is what precedes a CRLF. This is how
        // dkimpy and other verifiers read it; our own messages always end in CRLF.
        if !line.isEmpty {
            for _ in 0..<heldEmptyLines { out.append(cr); out.append(lf) }
            out.append(contentsOf: line)
            out.append(cr)
            out.append(lf)
        }
        return out
    }
}
