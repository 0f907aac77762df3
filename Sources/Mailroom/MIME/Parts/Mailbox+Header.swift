extension Mailbox {
    /// Header tokens for this mailbox in the field `headerName`: `Name <addr>` with the name as atoms,
    /// a quoted string or encoded words, or the bare address when there is no name.
    func headerTokens(headerName: String) -> [String] {
        var out = WireWriter(capacity: 256, recordingTokens: true)
        writeTokens(firstRoom: HeaderField.firstLineRoom(forName: headerName), into: &out)
        return out.tokenStrings()
    }

    /// Writes the tokens of ``headerTokens(headerName:)`` into a field `out` has started.
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
