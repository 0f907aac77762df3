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

    func render(values: [String: TemplateValue]) -> Outcome {
        let scope = StrictScope(values: values, recorder: MissRecorder())
        var problems: [TemplateError] = []
        let subjectLine = singleLine(run(subject, scope, &problems), &problems)
        let textBody = run(text, scope, &problems)
        let textDocument = run(textLayout, scope.adding(layoutValues(textBody, subjectLine)), &problems)
        let htmlBody = run(html, scope, &problems)
        let htmlDocument = run(htmlLayout, scope.adding(layoutValues(htmlBody, subjectLine)), &problems)
        let email = RenderedEmail(
            templateName: name, locale: locale, subject: subjectLine,
            text: Self.tidyText(textDocument), html: Self.trimmed(htmlDocument) + "\n")
        return Outcome(email: email, problems: problems)
    }

    /// What a layout sees besides the event's variables: the rendered body and the subject.
    private func layoutValues(_ body: String, _ subject: String) -> [String: TemplateValue] {
        ["body": .text(Self.trimmed(body)), "subject": .text(subject)]
    }

    private func run(_ file: TemplateFile, _ scope: StrictScope, _ problems: inout [TemplateError]) -> String {
        let result = file.render(scope)
        for variable in result.missing {
            var message = "\(file.path) (template \(name), locale \(locale)): unknown variable {{\(variable)}}"
            if let guess = Self.closest(to: variable, in: scope.knownNames) { message += "; did you mean {{\(guess)}}?" }
            message += " Variables available here: \(scope.knownNames.joined(separator: ", "))"
            problems.append(
                TemplateError(
                    code: .missingVariable, message: message, template: name, locale: locale, file: file.path,
                    variable: variable))
        }
        for variable in result.absentRendered {
            problems.append(
                TemplateError(
                    code: .absentVariable,
                    message: "\(file.path) (template \(name), locale \(locale)): {{\(variable)}} is optional and "
                        + "this event has none; wrap it in {{#\(variable)}}...{{/\(variable)}} and give the "
                        + "wording without it in {{^\(variable)}}...{{/\(variable)}}",
                    template: name, locale: locale, file: file.path, variable: variable))
        }
        return result.output
    }

    /// Collapses spaces and refuses line breaks and control characters, which in a subject would
    /// become header injection. Template line breaks were folded when the subject was compiled, so
    /// any left here came from data.
    private func singleLine(_ rendered: String, _ problems: inout [TemplateError]) -> String {
        let line = rendered.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        let forbidden = line.unicodeScalars.first { scalar in
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
        }
        if let forbidden {
            let hex = String(forbidden.value, radix: 16, uppercase: true)
            problems.append(
                TemplateError(
                    code: .invalidSubject,
                    message: "\(subject.path) (template \(name), locale \(locale)): the rendered subject contains "
                        + "U+\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex), a line break or control "
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

    /// Without leading and trailing white space and line breaks: the scalars Foundation's
    /// `.whitespacesAndNewlines` holds, which are exactly Unicode's `White_Space` property.
    /// Done on the scalar view because `trimmingCharacters(in:)` bridges through `NSString` and
    /// cost a third of the render time (see BENCHMARKS.md).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// At most one blank line in a row (sections that render nothing leave gaps) and one final newline.
    private static func tidyText(_ text: String) -> String {
        var lines: [Substring] = []
        for line in trimmed(text).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = line.trimmingTrailingWhitespace()
            if line.isEmpty, lines.last?.isEmpty == true { continue }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
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

extension Substring {
    fileprivate func trimmingTrailingWhitespace() -> Substring {
        var result = self
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
