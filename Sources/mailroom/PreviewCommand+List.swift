import Mailroom

extension PreviewCommand {
    /// One row of `preview --list`: a template in one locale, the sample it is previewed with,
    /// and its subject line (or why it does not render).
    struct ListRow: Sendable, Equatable {
        var template: String
        var locale: String
        var sample: String
        var subject: Result<String, RenderFailure>

        struct RenderFailure: Error, Equatable {
            var message: String
        }
    }

    /// Every template x locale of the catalog, rendered with its sample for that locale.
    static func listRows(runtime: Runtime) throws -> [ListRow] {
        let factory = try runtime.factory()
        let catalog = factory.catalog
        var rows: [ListRow] = []
        for name in catalog.templateNames {
            for locale in catalog.locales(of: name) {
                let sample = PreviewSource.sampleFile(of: name, locale: locale, catalog: catalog)
                let label = sample.map { $0.exact ? $0.file.lastPathComponent : "\($0.file.lastPathComponent), as \(locale)" } ?? "none"
                let subject: Result<String, ListRow.RenderFailure>
                do {
                    let event = try PreviewSource.sample(template: name, locale: locale).event(catalog: catalog)
                    subject = .success(try factory.catalog.render(event).subject)
                } catch let failure as Failure {
                    subject = .failure(.init(message: failure.message))
                } catch {
                    subject = .failure(.init(message: "\(error)"))
                }
                rows.append(ListRow(template: name, locale: locale, sample: label, subject: subject))
            }
        }
        return rows
    }

    /// The rows as aligned columns, wrapped to `width` (the subject column wraps under itself).
    static func listTable(_ rows: [ListRow], width: Int, colour: Bool) -> String {
        let headings = ["TEMPLATE", "LOCALE", "SAMPLE"]
        let columns = [rows.map(\.template), rows.map(\.locale), rows.map(\.sample)]
        let widths = zip(headings, columns).map { heading, values in max(heading.count, values.map(\.count).max() ?? 0) }
        func pad(_ text: String, _ column: Int) -> String { text + String(repeating: " ", count: widths[column] - text.count) }
        let indent = widths.reduce(0, +) + 2 * widths.count
        func line(_ cells: [String], _ last: String) -> String {
            let lead = cells.enumerated().map { pad($0.element, $0.offset) + "  " }.joined()
            let wrapped = TextWrap.wrap(last, width: max(20, width - indent)).split(separator: "\n", omittingEmptySubsequences: false)
            return ([lead + (wrapped.first ?? "")] + wrapped.dropFirst().map { String(repeating: " ", count: indent) + $0 })
                .joined(separator: "\n")
        }
        var lines = [line(headings, "SUBJECT")]
        if colour { lines[0] = "\u{1B}[1m" + lines[0] + "\u{1B}[0m" }
        for row in rows {
            switch row.subject {
            case .success(let subject): lines.append(line([row.template, row.locale, row.sample], subject))
            case .failure(let failure): lines.append(line([row.template, row.locale, row.sample], "ERROR: " + failure.message))
            }
        }
        return lines.joined(separator: "\n")
    }
}
