import Foundation

/// The three parts of every email, each a file per locale: `subject.en.mustache` and so on.
enum TemplatePart: String, Sendable, CaseIterable {
    case subject, text, html

    /// Subject and text are plain text, never HTML-escaped.
    var escaping: TemplateProgram.Escaping { self == .html ? .html : .none }
}

/// One compiled template file and where it came from, for error messages.
struct TemplateFile: Sendable {
    /// Path relative to the templates directory, e.g. `closure-confirmation/text.de.mustache`.
    let path: String
    let part: TemplatePart
    let program: TemplateProgram

    /// Reads and compiles one file. Called once per file per catalog, never per message.
    static func load(
        _ url: URL, path: String, part: TemplatePart, template: String?, locale: String?
    ) throws(TemplateError) -> TemplateFile {
        let source = try read(url, path: path, template: template, locale: locale)
        return try compile(source, path: path, part: part, template: template, locale: locale)
    }

    /// Compiles a file's text (already read: no BOM, `\n` line breaks).
    ///
    /// The part, not the author, decides escaping, so the language has no tag that changes it.
    static func compile(
        _ source: String, path: String, part: TemplatePart, template: String?, locale: String?
    ) throws(TemplateError) -> TemplateFile {
        do {
            let program = try TemplateProgram(parsing: compiledText(source, part: part), escaping: part.escaping)
            return TemplateFile(path: path, part: part, program: program)
        } catch {
            // A subject is compiled folded onto one line: find the line in the author's file.
            var located = error
            if part == .subject {
                do {
                    _ = try TemplateProgram(parsing: source, escaping: part.escaping)
                } catch let unfolded {
                    located = unfolded
                }
            }
            throw TemplateError(
                code: located.code, message: "\(path):\(located.line):\(located.column): \(located.reason)",
                template: template, locale: locale, file: path, underlying: located)
        }
    }

    /// The text the engine compiles for `source`: a subject's lines are folded into one, because
    /// line breaks a template author writes in a subject are layout, not content.
    static func compiledText(_ source: String, part: TemplatePart) -> String {
        guard part == .subject else { return source }
        return source.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    private static func read(
        _ url: URL, path: String, template: String?, locale: String?
    ) throws(TemplateError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TemplateError(
                code: .unreadable, message: "\(path): cannot read the template file", template: template,
                locale: locale, file: path, underlying: error)
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw TemplateError(
                code: .unreadable, message: "\(path): the template file is not valid UTF-8; save it as UTF-8",
                template: template, locale: locale, file: path)
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // Files edited on Windows must render the same; the MIME writer makes CRLF itself. Most
        // files have no CR at all, and Foundation's replacing goes through NSString: look for the
        // byte first.
        guard text.utf8.contains(UInt8(ascii: "\r")) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}
