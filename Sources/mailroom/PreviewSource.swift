import Foundation
import Mailroom

/// Where a previewed event comes from: a template's bundled sample, or an event file.
///
/// Read anew for every rendering, so `--watch` and the web preview show what is on disk now.
enum PreviewSource: Sendable, Equatable {
    /// A template's sample: `sample.LOCALE.json` when it exists, else `sample.json` with the
    /// event's locale set to `locale` (nil: the sample as written).
    case sample(template: String, locale: String?)
    /// One event from a file (`line`: the Nth line of an NDJSON file).
    case eventFile(path: String, line: Int?)
    /// The sample file named `file` (e.g. `sample.de.json`) of `template`, rendered in `locale`.
    case sampleFile(template: String, file: String, locale: String)

    /// The event, or a ``Failure`` saying what is wrong with the source.
    func event(catalog: TemplateCatalog) throws -> Event {
        switch self {
        case .eventFile(let path, let line):
            guard let data = FileManager.default.contents(atPath: path) else { throw Failure.usage("cannot read \(path)") }
            return try Self.decode(Array(data), source: path, line: line)
        case .sampleFile(let name, let fileName, let locale):
            guard let file = catalog.sampleFiles(of: name).first(where: { $0.lastPathComponent == fileName }),
                  let data = FileManager.default.contents(atPath: file.path)
            else {
                throw Failure.usage("template \(name) has no sample \(fileName)")
            }
            guard catalog.locales(of: name).contains(locale) else {
                throw Failure.usage("template \(name) has no locale \(locale)")
            }
            var event = try Self.decode(Array(data), source: file.path, line: nil)
            event.account.locale = locale
            return event
        case .sample(let name, let locale):
            guard catalog.templateNames.contains(name) else {
                throw Failure.usage("no template '\(name)'; templates: \(catalog.templateNames.joined(separator: ", "))")
            }
            guard let (file, exact) = Self.sampleFile(of: name, locale: locale, catalog: catalog),
                  let data = FileManager.default.contents(atPath: file.path)
            else {
                throw Failure.usage("template \(name) has no sample; add \(name)/sample.json")
            }
            var event = try Self.decode(Array(data), source: file.path, line: nil)
            if let locale, !exact {
                guard catalog.locales(of: name).contains(locale) else {
                    throw Failure.usage("template \(name) has no locale \(locale); locales: \(catalog.locales(of: name).joined(separator: ", "))")
                }
                event.account.locale = locale
            }
            return event
        }
    }

    /// The sample previewed for `template` in `locale`: `sample.LOCALE.json` (exact), else
    /// `sample.json`, else the first sample there is.
    static func sampleFile(of template: String, locale: String?, catalog: TemplateCatalog) -> (file: URL, exact: Bool)? {
        let samples = catalog.sampleFiles(of: template)
        if let locale, let exact = samples.first(where: { $0.lastPathComponent == "sample.\(locale).json" }) {
            return (exact, true)
        }
        guard let fallback = samples.first(where: { $0.lastPathComponent == "sample.json" }) ?? samples.first else { return nil }
        return (fallback, locale == nil)
    }

    /// The file's one event (on one line or pretty-printed over several), or the one on `line`.
    static func decode(_ bytes: [UInt8], source: String, line: Int?) throws -> Event {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if let line {
            guard line <= lines.count else { throw Failure.usage("--line \(line): \(source) has \(lines.count) line(s)") }
            do {
                return try EventDecoder().decode(Array(lines[line - 1]).trimmingTrailingWhitespace(), lineNumber: line, source: source)
            } catch {
                throw Failure.input("\(error)")
            }
        }
        do {
            return try EventDecoder().decode(bytes.trimmingTrailingWhitespace(), lineNumber: 1, source: source)
        } catch {
            // Several events, one per line, read as one document fail after the first: say what to do.
            let events = lines.filter { line in
                (try? EventDecoder().decode(Array(line).trimmingTrailingWhitespace(), lineNumber: 1, source: source)) != nil
            }.count
            if events > 1 {
                throw Failure.usage("--event takes one event, but \(source) holds \(events) (NDJSON); "
                                    + "pick one with --line N (1 = the first line)")
            }
            throw Failure.input("\(error)")
        }
    }

    /// Renders the source's event with a fresh look at the templates directory.
    static func render(_ source: PreviewSource, runtime: Runtime, date: Date = Date()) throws -> (MessageFactory.Made, MessageComposer) {
        let factory = try runtime.factory()
        let event = try source.event(catalog: factory.catalog)
        do {
            return (try factory.make(event, date: date), factory.composer)
        } catch {
            throw Failure.input("cannot render event \(event.id): \(error)")
        }
    }
}
