import Foundation
import Mailroom
import Testing

@Suite("Template catalog: loading a directory and checking it against samples")
struct TemplateCatalogLoadingTests {
    @Test func shippedCatalogHasEveryTemplateInEnglishAndGerman() throws {
        let catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
        #expect(catalog.templateNames == ["closure-confirmation", "retention-notice", "withdrawal-reminder"])
        for name in catalog.templateNames {
            #expect(catalog.locales(of: name) == ["de", "en"])
            #expect(catalog.sampleFiles(of: name).map(\.lastPathComponent) == ["sample.de.json", "sample.json"])
        }
    }

    @Test func missingDirectoryIsAnError() {
        let missing = FileManager.default.temporaryDirectory.appending(path: "no-such-templates-\(UUID().uuidString)")
        let error = #expect(throws: TemplateError.self) { try TemplateCatalog(directory: missing) }
        #expect(error?.code == .directoryMissing)
        #expect(error?.message.contains(missing.path) == true)
    }

    @Test func aFileIsNotADirectory() throws {
        let file = TemplateFixtures.shippedTemplates.appending(path: "closure-confirmation/sample.json")
        let error = #expect(throws: TemplateError.self) { try TemplateCatalog(directory: file) }
        #expect(error?.code == .directoryMissing)
    }

    @Test func missingPartOfALocaleIsNamed() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try FileManager.default.removeItem(at: directory.appending(path: "withdrawal-reminder/html.de.mustache"))
        let error = #expect(throws: TemplateError.self) { try TemplateCatalog(directory: directory) }
        #expect(error?.code == .missingPart)
        #expect(error?.file == "withdrawal-reminder/html.de.mustache")
    }

    @Test func englishIsRequired() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        for part in ["subject", "text", "html"] {
            try FileManager.default.removeItem(at: directory.appending(path: "retention-notice/\(part).en.mustache"))
        }
        let error = #expect(throws: TemplateError.self) { try TemplateCatalog(directory: directory) }
        #expect(error?.code == .missingPart)
        #expect(error?.template == "retention-notice")
        #expect(error?.locale == "en")
    }

    @Test func missingTemplateFolderIsAnError() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try FileManager.default.removeItem(at: directory.appending(path: "retention-notice"))
        let error = #expect(throws: TemplateError.self) { try TemplateCatalog(directory: directory) }
        #expect(error?.code == .missingTemplate)
        #expect(error?.template == "retention-notice")
    }

    @Test func missingLayoutIsAnError() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try FileManager.default.removeItem(at: directory.appending(path: "layouts/layout.html.de.mustache"))
        let error = #expect(throws: TemplateError.self) { try TemplateCatalog(directory: directory) }
        #expect(error?.code == .missingLayout)
        #expect(error?.locale == "de")
    }

    @Test(arguments: [
        ("closure-confirmation/subjekt.en.mustache", TemplateError.Code.unknownFile),
        ("closure-confirmation/text.de.DE.mustache", TemplateError.Code.unknownFile),
        ("closure-confirmaton/text.en.mustache", TemplateError.Code.unknownFile),
    ])
    func unknownFilesAreRefused(path: String, code: TemplateError.Code) throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        let url = directory.appending(path: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "Hello".write(to: url, atomically: true, encoding: .utf8)
        let error = #expect(throws: TemplateError.self) { try TemplateCatalog(directory: directory) }
        #expect(error?.code == code)
    }

    @Test(arguments: [
        "{{> footer}}", "{{<parent}}{{/parent}}", "{{=<% %>=}}", "{{% CONTENT_TYPE: HTML}}",
        "{{retained.category}}", "{{#account.name}}x{{/account.name}}", "{{uppercase(name)}}",
        "{{#frist(retained)}}x{{/frist(retained)}}", "{{uppercased(.category)}}", "{{.}}",
    ])
    func tagsOutsideTheLanguageAreRefusedWithTheirLine(tag: String) throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        let file = "closure-confirmation/text.en.mustache"
        let source = try String(contentsOf: directory.appending(path: file), encoding: .utf8)
        let line = try #require(source.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix("Your reference:") }) + 1
        try TemplateFixtures.edit(directory, file, replacing: "Your reference:", with: "\(tag)\nYour reference:")
        let error = #expect(throws: TemplateError.self) { try TemplateCatalog(directory: directory) }
        #expect(error?.code == .unsupportedTag)
        #expect(error?.file == file)
        let firstTag = tag[..<(try #require(tag.firstRange(of: "}}"))).upperBound]
        #expect(error?.message.hasPrefix("\(file):\(line):1: \(firstTag)") == true, "\(error?.message ?? "-")")
    }

    @Test func syntaxErrorsNameTheFileAndLine() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try "Hello\n\n{{#name}}unclosed\n".write(
            to: directory.appending(path: "closure-confirmation/text.en.mustache"), atomically: true, encoding: .utf8)
        let error = #expect(throws: TemplateError.self) { try TemplateCatalog(directory: directory) }
        #expect(error?.code == .syntax)
        #expect(error?.message.hasPrefix("closure-confirmation/text.en.mustache:3:1: {{#name}} is never closed") == true)
    }

    /// A file saved on Windows (BOM, CRLF) or with lone CRs renders exactly as the original.
    @Test func windowsLineBreaksAndABOMRenderTheSame() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        let original = try TemplateCatalog(directory: directory)
        for (file, lineBreak) in [("closure-confirmation/text.en.mustache", "\r\n"), ("layouts/layout.html.en.mustache", "\r")] {
            let url = directory.appending(path: file)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains("\n") && !text.contains("\r"))
            try Data(("\u{FEFF}" + text.replacingOccurrences(of: "\n", with: lineBreak)).utf8).write(to: url)
        }
        let edited = try TemplateCatalog(directory: directory)
        for locale in ["en", "de"] {
            let event = TemplateFixtures.closure(locale: locale)
            #expect(try edited.render(event) == original.render(event))
        }
    }

    @Test func checkOfTheShippedTemplatesFindsNothing() throws {
        let catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
        let problems = catalog.check(samples: TemplateFixtures.samples)
        #expect(problems.isEmpty, "\(problems.map(\.message))")
    }

    @Test func checkReportsTemplatesWithoutSamples() throws {
        let catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
        let problems = catalog.check(samples: [TemplateFixtures.closure()])
        #expect(problems.map(\.code) == [.missingSample, .missingSample])
        #expect(Set(problems.compactMap(\.template)) == ["retention-notice", "withdrawal-reminder"])
    }

    @Test func checkFindsATypoInABranchTheSampleDoesNotTake() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try TemplateFixtures.edit(
            directory, "closure-confirmation/text.de.mustache",
            replacing: "{{#support_url}}\n", with: "{{#support_url}}\n{{suport_url}}\n")
        let catalog = try TemplateCatalog(directory: directory)
        // The sample has no support_url and an English locale: rendering it alone would not notice.
        let sample = TemplateFixtures.closure(supportURL: nil)
        #expect(try catalog.render(sample).locale == "en")
        let problems = catalog.check(samples: [sample, TemplateFixtures.withdrawal(), TemplateFixtures.retention()])
        #expect(problems.count == 1)
        #expect(problems.first?.code == .missingVariable)
        #expect(problems.first?.variable == "suport_url")
        #expect(problems.first?.locale == "de")
        #expect(problems.first?.file == "closure-confirmation/text.de.mustache")
    }
}
