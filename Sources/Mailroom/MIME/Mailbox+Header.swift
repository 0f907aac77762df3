extension Mailbox {
    /// Header tokens for this mailbox in the field `headerName`: `Name <addr>` with the name as atoms,
    /// a quoted string or encoded words, or the bare address when there is no name.
    func headerTokens(headerName: String) -> [String] {
        guard let displayName else { return [address] }
        return HeaderEncoding.phrase(displayName, headerName: headerName) + ["<\(address)>"]
    }
}
