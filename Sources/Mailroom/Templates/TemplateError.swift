/// Everything that can go wrong loading or rendering the email templates.
///
/// The message always names the template, locale, file and (where there is one) the variable, and
/// says what to do, so `mailroom templates check` output can be acted on without reading code.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem this is; stable for scripts and tests.
    public enum Code: String, Sendable, Equatable {
        /// The templates directory does not exist or is not a directory.
        case directoryMissing
        /// A directory or file exists but could not be read (permissions, not UTF-8).
        case unreadable
        /// The template text does not parse (an unclosed tag or section, a stray closing tag).
        case syntax
        /// The template uses a tag outside Mailroom's template language (a partial, parent, block,
        /// pragma, delimiter change, dotted name or function other than a list position).
        case unsupportedTag
        /// A file or folder whose name the catalog does not understand.
        case unknownFile
        /// An event type has no template folder.
        case missingTemplate
        /// A locale has some of `subject`/`text`/`html` but not all, or `en` is missing.
        case missingPart
        /// No layout (per-locale or shared) exists for a part.
        case missingLayout
        /// The template references a variable the context does not provide (a typo, usually).
        case missingVariable
        /// An optional variable that this event lacks is rendered outside a `{{#name}}` section.
        case absentVariable
        /// A list is rendered as text (`{{retained}}`) instead of as a section.
        case listAsText
        /// The rendered subject is empty or contains a line break or control character.
        case invalidSubject
        /// `check` was given no sample event for a template.
        case missingSample
        /// A template's `template.json` is not valid, or names a deadline field its event lacks.
        case metadata
    }

    public var code: Code
    /// A full sentence naming the offending template, locale, file and variable.
    public var message: String
    /// The template folder name, e.g. `closure-confirmation`.
    public var template: String?
    /// The locale of the files involved, e.g. `de`.
    public var locale: String?
    /// The file, relative to the templates directory, e.g. `closure-confirmation/text.de.mustache`.
    public var file: String?
    /// The variable name for `missingVariable` and `absentVariable`.
    public var variable: String?
    /// The error that caused this one (a file system error, or the parser's).
    public var underlying: (any Error)?

    init(
        code: Code, message: String, template: String? = nil, locale: String? = nil,
        file: String? = nil, variable: String? = nil, underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.template = template
        self.locale = locale
        self.file = file
        self.variable = variable
        self.underlying = underlying
    }

    public var description: String {
        guard let underlying else { return message }
        return "\(message) (\(underlying))"
    }
}
