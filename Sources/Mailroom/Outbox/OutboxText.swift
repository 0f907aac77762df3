/// Bounds on the free text an outbox keeps, so a hostile relay or input line cannot make one
/// record arbitrarily large.
public enum OutboxText {
    /// Shortens `text` to at most `limit` UTF-8 bytes on a character boundary, marking the cut.
    public static func bounded(_ text: String, limit: Int = 1000) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > limit - 3 { break }
            result.append(character)
            used += size
        }
        return result + "..."
    }
}
