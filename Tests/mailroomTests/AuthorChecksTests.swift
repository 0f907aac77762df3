import Mailroom
@testable import mailroom
import Testing

@Suite struct AuthorChecksTests {
    static func email(subject: String = "Your account", text: String, html: String) -> RenderedEmail {
        RenderedEmail(templateName: "t", locale: "en", subject: subject, text: text, html: html)
    }

    @Test func aCleanEmailHasNoFinding() {
        let email = Self.email(
            text: "Cancel: https://example.com/c\nWrite to privacy@example.com",
            html: #"<p><a href="https://example.com/c">Cancel</a> <a href="mailto:privacy@example.com">us</a> <img src="a.png" alt=""></p>"#)
        #expect(AuthorChecks.findings(email).isEmpty)
    }

    @Test func eachRuleFindsItsProblem() {
        let email = Self.email(
            subject: String(repeating: "long subject ", count: 7),
            text: "Hello {{name}}, see https://example.com/in-both",
            html: #"<a href="http://example.com/plain">x</a> <a href="https://example.com/in-both">y</a> "#
                + #"<a href="https://example.com/html-only">z</a> <a href="mailto:dpo@example.com">dpo</a> <img src="logo.png">"#)
        let rules = AuthorChecks.findings(email).map(\.rule)
        #expect(rules == [.linkNotHTTPS, .linkMissingFromText, .linkMissingFromText, .linkMissingFromText,
                          .imageWithoutAlt, .subjectTooLong, .unresolvedVariable], "\(AuthorChecks.findings(email))")
        let messages = AuthorChecks.findings(email).map(\.description).joined(separator: "\n")
        #expect(messages.contains("http://example.com/plain"))
        #expect(messages.contains("https://example.com/html-only"))
        #expect(messages.contains("dpo@example.com"))
        #expect(messages.contains("logo.png"))
        #expect(!messages.contains("in-both\""), "a link in both parts is fine")
    }
}
