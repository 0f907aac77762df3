import Foundation

/// One template in one locale: its three compiled parts and the layouts that wrap them.
///
/// Rendering never stops at the first problem: it returns the email and every problem found, so
/// `check` can report them all; ``TemplateCatalog/render(_:)`` throws the first.
struct LocalizedTemplate: Sendable {
    let name: String
    let locale: String
    let subject: TemplateFile
    let text: TemplateFile
    let html: TemplateFile
    let textLayout: TemplateFile
    let htmlLayout: TemplateFile

    struct Outcome {
        var email: RenderedEmail
        var problems: [TemplateError]
    }

    /// Renders the three parts and wraps text and HTML in their layouts. A layout sees the
    /// event's variables plus the rendered `body` (trimmed) and `subject`; a body sees neither.
    func render(variables: consuming TemplateVariables) -> Outcome {
        var problems: [TemplateError] = []
        let subjectLine = singleLine(run(subject, variables, &problems), &problems)
        var textBody = run(text, variables, &problems)
        Self.trim(&textBody)
        // One set of slots throughout, taken over from the caller: the layout's two are set for
        // each layout and cleared for the HTML body.
        variables[.subject] = .text(subjectLine)
        variables[.body] = .text(textBody)
        let textDocument = run(textLayout, variables, &problems)
        variables[.subject] = nil
        variables[.body] = nil
        var htmlBody = run(html, variables, &problems)
        Self.trim(&htmlBody)
        variables[.subject] = .text(subjectLine)
        variables[.body] = .text(htmlBody)
        let htmlDocument = run(htmlLayout, variables, &problems)
        let email = RenderedEmail(
            templateName: name, locale: locale, subject: subjectLine,
            text: TextWrap.wrap(Self.tidyText(textDocument), width: Self.textWidth), html: Self.trimmedLine(htmlDocument))
        return Outcome(email: email, problems: problems)
    }

    /// Where the text part is wrapped: a hand-wrapped template line grows with the values put in it.
    static let textWidth = 78

    /// Renders one file over `variables` (the event's, and a layout's own when set).
    private func run(_ file: TemplateFile, _ variables: TemplateVariables, _ problems: inout [TemplateError]) -> String {
        let extraCapacity = variables[.body].map { value in
            if case .text(let body) = value { body.utf8.count } else { 0 }
        } ?? 0
        let result = file.program.render(variables, extraCapacity: extraCapacity)
        if !result.missing.isEmpty {
            // Only now: listing every name is costly and only needed for the message.
            let knownNames = variables.knownNames
            for variable in result.missing {
                var message = "\(file.path) (template \(name), locale \(locale)): unknown variable {{\(variable)}}"
                if let guess = Self.closest(to: variable, in: knownNames) { message += "; did you mean {{\(guess)}}?" }
                message += " Variables available here: \(knownNames.joined(separator: ", "))"
                problems.append(
                    TemplateError(
                        code: .missingVariable, message: message, template: name, locale: locale, file: file.path,
                        variable: variable))
            }
        }
        for variable in result.absentRendered {
            problems.append(
                TemplateError(
                    code: .absentVariable,
                    message: "\(file.path) (template \(name), locale \(locale)): {{\(variable)}} is optional and this event has none; wrap it in "
                        + "{{#\(variable)}}...{{/\(variable)}} and give the wording without it in "
                        + "{{^\(variable)}}...{{/\(variable)}}",
                    template: name, locale: locale, file: file.path, variable: variable))
        }
        for variable in result.listsRendered {
            problems.append(
                TemplateError(
                    code: .listAsText,
                    message: "\(file.path) (template \(name), locale \(locale)): {{\(variable)}} is a list and cannot be rendered as text; show its fields "
                        + "inside {{#\(variable)}}...{{/\(variable)}}",
                    template: name, locale: locale, file: file.path, variable: variable))
        }
        return result.output
    }

    /// Collapses spaces and refuses line breaks and control characters, which in a subject would
    /// become header injection. Template line breaks were folded when the subject was compiled, so
    /// any left here came from data.
    private func singleLine(_ rendered: String, _ problems: inout [TemplateError]) -> String {
        if Self.isCollapsed(rendered) { return rendered }
        if let line = Self.collapsedSpaces(rendered) { return line }
        let line = rendered.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        // A line break or control character (C0, DEL, C1: general category Cc; U+2028, U+2029),
        // which in a subject would become header injection.
        let forbidden = line.unicodeScalars.first(where: SafeText.isForbiddenInLine)
        if let forbidden {
            problems.append(
                TemplateError(
                    code: .invalidSubject,
                    message: "\(subject.path) (template \(name), locale \(locale)): the rendered subject contains "
                        + "\(Hex.codePoint(forbidden)), a line break or control "
                        + "character; a subject must be a single line",
                    template: name, locale: locale, file: subject.path))
        } else if line.isEmpty {
            problems.append(
                TemplateError(
                    code: .invalidSubject,
                    message: "\(subject.path) (template \(name), locale \(locale)): the rendered subject is empty",
                    template: name, locale: locale, file: subject.path))
        }
        return line
    }

    /// The known name nearest to a misspelt one, if it is near enough to be a likely typo.
    /// Names inside lists (`retained.category`) are compared, and suggested, as written inside
    /// their section (`category`).
    static func closest(to name: String, in known: [String]) -> String? {
        let leaves = known.map { String($0.split(separator: ".").last ?? Substring($0)) }
        let scored = leaves.map { ($0, editDistance(Array(name), Array($0))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, name.count / 3) else { return nil }
        return best.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
