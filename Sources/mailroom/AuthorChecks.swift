import Mailroom

/// What a template author wants checked in a rendered email before it goes out, beyond the
/// strict rendering itself: links, images, the subject's length, and
/// no template syntax left in the output. Shared by `preview --check` and `templates check`.
enum AuthorChecks {
    struct Finding: Sendable, Equatable, CustomStringConvertible {
        enum Rule: String, Sendable {
            case linkNotHTTPS = "link-not-https"
            case linkMissingFromText = "link-not-in-text"
            case imageWithoutAlt = "image-without-alt"
            case subjectTooLong = "subject-too-long"
            case unresolvedVariable = "unresolved-variable"
        }

        var rule: Rule
        var message: String

        var description: String { "\(rule.rawValue): \(message)" }
    }

    /// A subject longer than this is cut off in most inbox lists and wraps in the header.
    static let subjectLimit = 78

    static func findings(_ email: RenderedEmail) -> [Finding] {
        var findings: [Finding] = []
        let html = HTMLText(html: email.html)
        var seen = Set<String>()
        for link in html.links where seen.insert(link.href).inserted {
            let lower = link.href.lowercased()
            if lower.hasPrefix("mailto:") {
                let address = String(link.href.dropFirst(7).prefix(while: { $0 != "?" }))
                if !email.text.contains(address) {
                    findings.append(Finding(rule: .linkMissingFromText,
                                            message: "the HTML links to \(link.href) but the text part does not give \(address)"))
                }
                continue
            }
            if !lower.hasPrefix("https://") {
                findings.append(Finding(rule: .linkNotHTTPS, message: "the HTML links to \(link.href) (\"\(link.text)\"): use https"))
            }
            if !email.text.contains(link.href) {
                findings.append(Finding(rule: .linkMissingFromText,
                                        message: "the HTML links to \(link.href) (\"\(link.text)\") but the text part does not"))
            }
        }
        for image in html.images where image.alt == nil {
            findings.append(Finding(rule: .imageWithoutAlt,
                                    message: "image \(image.source) has no alt attribute (alt=\"\" for a decorative one)"))
        }
        if email.subject.count > subjectLimit {
            findings.append(Finding(rule: .subjectTooLong,
                                    message: "the subject has \(email.subject.count) characters (at most \(subjectLimit)): \(email.subject)"))
        }
        for (part, content) in [("subject", email.subject), ("text part", email.text), ("HTML part", email.html)]
        where content.contains("{{") || content.contains("}}") {
            findings.append(Finding(rule: .unresolvedVariable, message: "the \(part) still contains template syntax ({{ or }})"))
        }
        return findings
    }
}
