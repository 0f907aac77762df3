extension Mailbox {
    /// Writes this mailbox's tokens into a field `out` has started: `Name <addr>` with the name as
    /// atoms, a quoted string or encoded words, or the bare address when there is no name.
    func writeTokens(firstRoom: Int, into out: inout WireWriter) {
        guard let displayName else {
            out.token(address)
            return
        }
        HeaderValueEncoder.writePhrase(displayName, firstRoom: firstRoom, into: &out)
        out.beginToken()
        out.append(UInt8(ascii: "<"))
        out.append(address)
        out.append(UInt8(ascii: ">"))
        out.endToken()
    }
}
