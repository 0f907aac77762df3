import ArgumentParser
import Foundation
import Mailroom

struct TemplatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates", abstract: "Work with the email templates.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Render every template and locale against its samples, strictly (exit 78 on any problem).")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Self.reportingFailures {
                let runtime = try await Runtime.load(global)
                let catalog = try runtime.catalog()
                var samples: [(file: String, event: Event)] = []
                var problems: [String] = []
                for name in catalog.templateNames {
                    for file in catalog.sampleFiles(of: name) {
                        guard let data = FileManager.default.contents(atPath: file.path) else {
                            problems.append("\(file.path): cannot read")
                            continue
                        }
                        do {
                            samples.append((file.lastPathComponent,
                                            try EventDecoder().decode(Array(data).trimmingTrailingWhitespace(), lineNumber: 1, source: file.path)))
                        } catch {
                            problems.append("\(file.path): \(error)")
                        }
                    }
                }
                problems += catalog.check(samples: samples.map(\.event)).map(\.description)
                problems += Self.authorFindings(catalog: catalog, samples: samples)
                for problem in problems { Terminal.error(problem) }
                let checked = catalog.templateNames.map { "\($0) (\(catalog.locales(of: $0).joined(separator: ", ")))" }
                if problems.isEmpty {
                    if !global.quiet { Terminal.out("templates check: ok: \(checked.joined(separator: "; ")), \(samples.count) samples") }
                    return ExitStatus.success
                }
                Terminal.error("templates check: \(problems.count) problem(s)")
                return ExitStatus.configuration
            }
        }

        /// ``AuthorChecks`` over every template x locale x sample, each sample also with every
        /// optional field present and with none; a finding is reported once, with where it was seen.
        static func authorFindings(catalog: TemplateCatalog, samples: [(file: String, event: Event)]) -> [String] {
            var problems: [String] = []
            var seen = Set<String>()
            for name in catalog.templateNames {
                for locale in catalog.locales(of: name) {
                    for sample in samples where sample.event.type.templateName == name {
                        for shape in [sample.event, sample.event.withAllOptionals(), sample.event.withoutOptionals()] {
                            var event = shape
                            event.account.locale = locale
                            // Rendering problems are catalog.check's to report.
                            guard let email = try? catalog.render(event) else { continue }
                            for finding in AuthorChecks.findings(email) where seen.insert("\(name) \(locale) \(finding)").inserted {
                                problems.append("\(name) (\(locale), \(sample.file)): \(finding)")
                            }
                        }
                    }
                }
            }
            return problems
        }
    }
}

extension Array where Element == UInt8 {
    /// The bytes without trailing spaces, tabs, CR and LF (a sample file's final newline).
    func trimmingTrailingWhitespace() -> [UInt8] {
        var end = count
        while end > 0, [9, 10, 13, 32].contains(self[end - 1]) { end -= 1 }
        return Array(self[..<end])
    }
}
