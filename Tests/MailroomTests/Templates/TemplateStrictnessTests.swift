import Foundation
import Mailroom
import Testing

@Suite("Template strictness: unknown variables are errors, absent optionals are not")
struct TemplateStrictnessTests {
    @Test func typoInAVariableNamesTemplateLocaleFileAndVariable() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try TemplateFixtures.edit(
            directory, "closure-confirmation/text.de.mustache",
            replacing: "Ihre Referenznummer: {{reference}}", with: "Ihre Referenznummer: {{refernce}}")
        let catalog = try TemplateCatalog(directory: directory)

        let error = #expect(throws: TemplateError.self) {
            try catalog.render(TemplateFixtures.closure(locale: "de"))
        }
        #expect(error?.code == .missingVariable)
        #expect(error?.template == "closure-confirmation")
        #expect(error?.locale == "de")
        #expect(error?.file == "closure-confirmation/text.de.mustache")
        #expect(error?.variable == "refernce")
        #expect(error?.message.contains("closure-confirmation/text.de.mustache") == true)
        #expect(error?.message.contains("{{refernce}}") == true)
        #expect(error?.message.contains("did you mean {{reference}}?") == true)

        // English has no typo and still renders.
        #expect(try catalog.render(TemplateFixtures.closure(locale: "en")).locale == "en")
    }

    @Test func absentOptionalInsideItsSectionIsNotAnError() throws {
        let catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
        let email = try catalog.render(TemplateFixtures.closure(cancelURL: nil, supportURL: nil))
        #expect(email.text.containsWrapped("Reply to this email or contact our support team"))
        #expect(!email.text.containsWrapped("Questions?"))
    }

    @Test func absentOptionalRenderedOutsideItsSectionIsAnError() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try TemplateFixtures.edit(
            directory, "closure-confirmation/html.en.mustache",
            replacing: "{{#cancel_url}}", with: "<p>Cancel: {{cancel_url}}</p>\n{{#cancel_url}}")
        let catalog = try TemplateCatalog(directory: directory)
        #expect(try catalog.render(TemplateFixtures.closure()).html.contains("<p>Cancel: https://"))
        let error = #expect(throws: TemplateError.self) {
            try catalog.render(TemplateFixtures.closure(cancelURL: nil))
        }
        #expect(error?.code == .absentVariable)
        #expect(error?.variable == "cancel_url")
        #expect(error?.file == "closure-confirmation/html.en.mustache")
    }

    @Test func typoInsideAListSectionIsFound() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try TemplateFixtures.edit(
            directory, "retention-notice/html.en.mustache",
            replacing: "<strong>{{category}}</strong>", with: "<strong>{{categroy}}</strong>")
        let catalog = try TemplateCatalog(directory: directory)
        let error = #expect(throws: TemplateError.self) { try catalog.render(TemplateFixtures.retention()) }
        #expect(error?.variable == "categroy")
        #expect(error?.message.contains("did you mean {{category}}?") == true)
    }

    @Test func typoInALayoutNamesTheLayoutFile() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try TemplateFixtures.edit(
            directory, "layouts/layout.text.en.mustache", replacing: "The {{company}} team", with: "The {{compnay}} team")
        let catalog = try TemplateCatalog(directory: directory)
        let error = #expect(throws: TemplateError.self) { try catalog.render(TemplateFixtures.withdrawal()) }
        #expect(error?.file == "layouts/layout.text.en.mustache")
        #expect(error?.template == "withdrawal-reminder")
        #expect(error?.variable == "compnay")
    }

    @Test func layoutVariablesAreNotVisibleToBodies() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try TemplateFixtures.edit(
            directory, "withdrawal-reminder/text.en.mustache", replacing: "Please withdraw", with: "{{body}} Please withdraw")
        let catalog = try TemplateCatalog(directory: directory)
        let error = #expect(throws: TemplateError.self) { try catalog.render(TemplateFixtures.withdrawal()) }
        #expect(error?.variable == "body")
    }

    @Test func subjectLineBreaksFromTheTemplateAreFolded() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try "Your  account\n  {{reference}}\r\n{{#cancel_url}}\ncan be cancelled\n{{/cancel_url}}\n".write(
            to: directory.appending(path: "closure-confirmation/subject.en.mustache"), atomically: true, encoding: .utf8)
        let catalog = try TemplateCatalog(directory: directory)
        #expect(try catalog.render(TemplateFixtures.closure()).subject == "Your account CLS-2026-0042 can be cancelled")
    }

    @Test(arguments: ["CLS-1\r\nBcc: victim@example.com", "CLS-1\nX", "CLS\u{2028}1", "CLS\u{0085}1"])
    func subjectLineBreaksFromDataAreErrors(reference: String) throws {
        let catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
        let error = #expect(throws: TemplateError.self) {
            try catalog.render(TemplateFixtures.closure(reference: reference))
        }
        #expect(error?.code == .invalidSubject)
        #expect(error?.file == "closure-confirmation/subject.en.mustache")
    }

    @Test func emptySubjectIsAnError() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try "{{#support_url}}Help{{/support_url}}\n".write(
            to: directory.appending(path: "closure-confirmation/subject.en.mustache"), atomically: true, encoding: .utf8)
        let catalog = try TemplateCatalog(directory: directory)
        let error = #expect(throws: TemplateError.self) { try catalog.render(TemplateFixtures.closure()) }
        #expect(error?.code == .invalidSubject)
    }
}
