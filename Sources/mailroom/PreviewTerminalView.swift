import Mailroom

/// The `--format text` preview: decoded headers, a summary line, the text part, and the HTML part
/// as text with its links numbered, all wrapped to `width` columns.
struct PreviewTerminalView {
    var width: Int
    var colour: Bool

    func render(_ made: MessageFactory.Made, composer: MessageComposer) -> String {
        let html = HTMLText(html: made.email.html, style: colour ? .ansi : .plain)
        let summary = MessageSummary(message: made.message.bytes, html: made.email.html, links: html.links.count)
        var lines: [String] = []
        for (name, value) in PreviewCommand.decodedHeaders(made, composer: composer) {
            lines.append(TextWrap.wrapLine(bold(name + ":") + " " + value, width: width))
        }
        let summaryLine = TextWrap.wrap(summary.line, width: width)
        // Yellow when Gmail would clip it or nearly would; dim otherwise.
        lines.append(summary.clippingWarning != nil && colour ? "\u{1B}[33m" + summaryLine + "\u{1B}[0m" : dim(summaryLine))
        lines.append("")
        lines.append(TextWrap.wrap(made.email.text, width: width))
        lines.append("")
        lines.append(dim(rule("HTML part, as text")))
        lines.append(TextWrap.wrap(html.withLinkList, width: width))
        return lines.joined(separator: "\n")
    }

    /// `──── title ────` across the width (at most 60 columns).
    func rule(_ title: String) -> String {
        let side = max(4, (min(width, 60) - title.count - 2) / 2)
        let bar = String(repeating: "─", count: side)
        return "\(bar) \(title) \(bar)"
    }

    private func bold(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func dim(_ text: String) -> String { colour ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
}
