import Foundation

extension TemplateCatalog {
    /// The name of the folder holding the layouts that wrap every template's body.
    static let layoutsFolder = "layouts"

    /// What loading a templates directory produces: compiled templates and the sample files.
    struct Loaded {
        var templates: [String: [String: LocalizedTemplate]] = [:]
        var samples: [String: [URL]] = [:]
        var metadata: [String: TemplateMetadata] = [:]
    }

    /// Reads and compiles the whole directory, refusing anything it does not understand.
    ///
    /// Loading is strict so that mistakes show at start-up (and in `mailroom templates check`),
    /// not as a half-rendered email in the middle of a run.
    static func load(directory: URL) throws(TemplateError) -> Loaded {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw TemplateError(
                code: .directoryMissing,
                message: "templates directory \(directory.path) does not exist or is not a directory; "
                    + "set templates.path, MAILROOM_TEMPLATES or --templates")
        }
        let known = Set(EventType.allCases.map(\.templateName))
        for entry in try entries(of: directory, path: ".") where isFolder(directory.appending(path: entry)) {
            guard entry == layoutsFolder || known.contains(entry) else {
                throw TemplateError(
                    code: .unknownFile,
                    message: "unknown template folder \(entry); templates are chosen by event type, so the "
                        + "folders are \(known.sorted().joined(separator: ", ")) and \(layoutsFolder)",
                    template: entry, file: entry)
            }
        }
        let layouts = try loadLayouts(directory.appending(path: layoutsFolder))
        var loaded = Loaded()
        for type in EventType.allCases {
            let name = type.templateName
            let folder = directory.appending(path: name)
            guard isFolder(folder) else {
                throw TemplateError(
                    code: .missingTemplate,
                    message: "template folder \(name) is missing in \(directory.path); events of type "
                        + "\(type.rawValue) cannot be rendered without it",
                    template: name, file: name)
            }
            var files: [String: [TemplatePart: TemplateFile]] = [:]
            for entry in try entries(of: folder, path: name) {
                let path = "\(name)/\(entry)"
                if entry == TemplateMetadata.fileName {
                    loaded.metadata[name] = try TemplateMetadata.load(
                        folder.appending(path: entry), path: path, template: name, type: type)
                    continue
                }
                if entry.hasPrefix("sample"), entry.hasSuffix(".json") {
                    loaded.samples[name, default: []].append(folder.appending(path: entry))
                    continue
                }
                guard entry.hasSuffix(".mustache") else { continue }
                guard let parsed = partAndLocale(entry) else {
                    throw TemplateError(
                        code: .unknownFile,
                        message: "\(path): expected a name like subject.en.mustache, text.de.mustache or "
                            + "html.de.mustache (part, locale, .mustache)",
                        template: name, file: path)
                }
                let (part, locale) = parsed
                let file = try TemplateFile.load(
                    folder.appending(path: entry), path: path, part: part, template: name, locale: locale)
                files[locale, default: [:]][part] = file
            }
            loaded.templates[name] = try assemble(name, files: files, layouts: layouts)
        }
        return loaded
    }

    private static func assemble(
        _ name: String, files: [String: [TemplatePart: TemplateFile]], layouts: [String: TemplateFile]
    ) throws(TemplateError) -> [String: LocalizedTemplate] {
        guard files[TemplateLocale.fallback] != nil else {
            throw TemplateError(
                code: .missingPart,
                message: "\(name)/subject.\(TemplateLocale.fallback).mustache is missing: every template needs "
                    + "\(TemplateLocale.fallback) files, the fallback for unsupported locales",
                template: name, locale: TemplateLocale.fallback,
                file: "\(name)/subject.\(TemplateLocale.fallback).mustache")
        }
        var result: [String: LocalizedTemplate] = [:]
        for (locale, parts) in files {
            for part in TemplatePart.allCases where parts[part] == nil {
                let path = "\(name)/\(part.rawValue).\(locale).mustache"
                throw TemplateError(
                    code: .missingPart,
                    message: "\(path) is missing: locale \(locale) of \(name) needs subject, text and html files",
                    template: name, locale: locale, file: path)
            }
            guard let subject = parts[.subject], let text = parts[.text], let html = parts[.html] else { continue }
            result[locale] = LocalizedTemplate(
                name: name, locale: locale, subject: subject, text: text, html: html,
                textLayout: try layout(.text, for: locale, in: layouts, template: name),
                htmlLayout: try layout(.html, for: locale, in: layouts, template: name))
        }
        return result
    }

    /// `layouts/layout.text.de.mustache`, else `layouts/layout.text.mustache`.
    private static func layout(
        _ part: TemplatePart, for locale: String, in layouts: [String: TemplateFile], template: String
    ) throws(TemplateError) -> TemplateFile {
        let keys = TemplateLocale.candidates(for: locale).map { "\(part.rawValue).\($0)" } + [part.rawValue]
        if let found = keys.lazy.compactMap({ layouts[$0] }).first { return found }
        throw TemplateError(
            code: .missingLayout,
            message: "no layout for the \(part.rawValue) part of \(template) in locale \(locale): add "
                + "\(layoutsFolder)/layout.\(part.rawValue).\(locale).mustache or "
                + "\(layoutsFolder)/layout.\(part.rawValue).mustache",
            template: template, locale: locale, file: "\(layoutsFolder)/layout.\(part.rawValue).mustache")
    }

    private static func loadLayouts(_ folder: URL) throws(TemplateError) -> [String: TemplateFile] {
        guard isFolder(folder) else { return [:] }
        var layouts: [String: TemplateFile] = [:]
        for entry in try entries(of: folder, path: layoutsFolder) where entry.hasSuffix(".mustache") {
            let path = "\(layoutsFolder)/\(entry)"
            let pieces = entry.dropLast(".mustache".count).split(separator: ".", omittingEmptySubsequences: false)
            let part = pieces.count > 1 ? TemplatePart(rawValue: String(pieces[1])) : nil
            let locale = pieces.count == 3 ? validLocale(pieces[2]) : nil
            guard pieces.first == "layout", let part, part != .subject, pieces.count == 2 || locale != nil else {
                throw TemplateError(
                    code: .unknownFile,
                    message: "\(path): expected layout.text.mustache, layout.html.mustache or a per-locale "
                        + "layout.text.de.mustache / layout.html.de.mustache", file: path)
            }
            let key = locale.map { "\(part.rawValue).\($0)" } ?? part.rawValue
            layouts[key] = try TemplateFile.load(
                folder.appending(path: entry), path: path, part: part, template: nil, locale: locale)
        }
        return layouts
    }

    /// Splits `text.de.mustache` into its part and lower-case locale.
    private static func partAndLocale(_ entry: String) -> (TemplatePart, String)? {
        let pieces = entry.dropLast(".mustache".count).split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 2, let part = TemplatePart(rawValue: String(pieces[0])),
            let locale = validLocale(pieces[1])
        else { return nil }
        return (part, locale)
    }

    private static func validLocale(_ text: Substring) -> String? {
        let tag = String(text)
        return TemplateLocale.candidates(for: tag).first == tag.lowercased() ? tag.lowercased() : nil
    }

    private static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Visible entries, sorted so that loading (and its first error) is deterministic.
    private static func entries(of folder: URL, path: String) throws(TemplateError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw TemplateError(
                code: .unreadable, message: "cannot list the template directory \(folder.path)", file: path,
                underlying: error)
        }
    }
}
