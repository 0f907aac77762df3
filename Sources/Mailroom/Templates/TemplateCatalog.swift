import Foundation

/// The email templates of one templates directory, compiled once and ready to render events.
///
/// Layout of the directory (see `Templates/README.md`): one folder per event type's template
/// (`closure-confirmation`, `withdrawal-reminder`, `retention-notice`) with
/// `subject.<locale>.mustache`, `text.<locale>.mustache`, `html.<locale>.mustache` and
/// `sample*.json`, plus `layouts/layout.{text,html}[.<locale>].mustache` wrapping each body
/// through `{{{body}}}`.
///
/// Rendering is strict: a variable the context does not provide is an error, not blank text.
/// Subject and text parts are never HTML-escaped; the HTML part always is.
public struct TemplateCatalog: Sendable {
    /// The directory the catalog was loaded from.
    public let directory: URL
    /// Variables every template sees besides the event's own, such as `company`.
    public let globals: [String: String]

    /// Template name, then lower-case locale tag.
    let templates: [String: [String: LocalizedTemplate]]
    let samples: [String: [URL]]
    /// Each template's `template.json`; absent: no deadline.
    let metadata: [String: TemplateMetadata]
    /// ``globals`` as template variables, made once rather than per message.
    let globalVariables: TemplateVariables

    /// What templates see when nothing is configured.
    public static let defaultGlobals: [String: String] = ["company": "Example"]

    /// Reads and compiles every template file in `directory` (synchronously, once).
    ///
    /// - Parameter globals: extra variables for all templates, e.g. `company` from the
    ///   configuration; an event's own variables win over a global of the same name.
    /// - Throws: `TemplateError` if the directory is missing, a template or locale is incomplete,
    ///   English (the fallback) is missing, a file does not parse or uses an unsupported tag.
    public init(directory: URL, globals: [String: String] = TemplateCatalog.defaultGlobals) throws(TemplateError) {
        let loaded = try Self.load(directory: directory)
        self.directory = directory
        self.globals = globals
        self.globalVariables = TemplateVariables(globals: globals.mapValues(TemplateValue.text))
        self.templates = loaded.templates
        self.samples = loaded.samples
        self.metadata = loaded.metadata
    }

    /// The template folder names, sorted.
    public var templateNames: [String] {
        templates.keys.sorted()
    }

    /// The locales a template has files for (lower case, e.g. `["de", "en"]`), sorted.
    public func locales(of templateName: String) -> [String] {
        templates[templateName].map { $0.keys.sorted() } ?? []
    }

    /// The `sample*.json` files in a template's folder, sorted; `mailroom templates check` and
    /// `mailroom preview TEMPLATE` decode them with the event decoder.
    package func sampleFiles(of templateName: String) -> [URL] {
        samples[templateName] ?? []
    }

    /// The locale an event would be rendered in: its `account.locale` (`de-DE` -> `de-de`, `de`)
    /// if the template has it, else `en`.
    package func resolvedLocale(for event: Event) -> String {
        let available = Set(templates[event.type.templateName].map { Array($0.keys) } ?? [])
        return TemplateLocale.resolve(event.account.locale, available: available).tag
    }

    /// Renders the email for one validated event.
    ///
    /// - Throws: `TemplateError` naming template, locale, file and variable for the first problem:
    ///   an unknown variable, an absent optional rendered outside its section, or a subject that
    ///   is empty or not a single line.
    public func render(_ event: Event) throws(TemplateError) -> RenderedEmail {
        let outcome = try renderCollecting(event)
        if let first = outcome.problems.first { throw first }
        return outcome.email
    }

    /// Renders and returns every problem instead of throwing the first.
    func renderCollecting(_ event: Event) throws(TemplateError) -> LocalizedTemplate.Outcome {
        let name = event.type.templateName
        guard let byLocale = templates[name] else {
            throw TemplateError(
                code: .missingTemplate, message: "no template \(name) for events of type \(event.type.rawValue)",
                template: name)
        }
        let locale = TemplateLocale.resolve(event.account.locale) { byLocale[$0] != nil }
        guard let localized = byLocale[locale.tag] ?? byLocale[TemplateLocale.fallback] else {
            throw TemplateError(
                code: .missingPart, message: "template \(name) has no \(TemplateLocale.fallback) files",
                template: name, locale: TemplateLocale.fallback)
        }
        var outcome = localized.render(variables: event.templateVariables(in: locale, over: globalVariables))
        outcome.email.deadline = metadata[name]?.deadline(for: event)
        return outcome
    }
}
