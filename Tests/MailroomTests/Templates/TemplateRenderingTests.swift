import Foundation
import Mailroom
import Testing

@Suite("Template rendering: the key facts of each email in each locale")
struct TemplateRenderingTests {
    let catalog: TemplateCatalog

    init() throws {
        catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
    }

    @Test func closureConfirmationInEnglish() throws {
        let email = try catalog.render(TemplateFixtures.closure(supportURL: "https://example.com/help"))
        #expect(email.templateName == "closure-confirmation")
        #expect(email.locale == "en")
        #expect(email.subject == "Your Example account will be closed on 12 December 2026 (ref. CLS-2026-0042)")
        #expect(email.text.hasPrefix("Dear Ada Lovelace,\n\nWe have received your request"))
        #expect(email.text.containsWrapped("Your account will be closed on 12 December 2026 at 00:00 UTC."))
        for removed in ["your profile,", "your work history,", "your connections."] {
            #expect(email.text.containsWrapped(removed))
            #expect(email.html.contains("<li>\(removed)</li>"))
        }
        #expect(email.text.containsWrapped("Your reference: CLS-2026-0042"))
        #expect(email.text.containsWrapped("cancel the closure until 12 December 2026 at 00:00 UTC:\n"
            + "https://example.com/account/closure/CLS-2026-0042/cancel\n"))
        #expect(email.text.containsWrapped("Questions? Our support team is happy to help: https://example.com/help"))
        #expect(email.text.containsWrapped("Kind regards,\nThe Example team"))
        #expect(email.html.contains(
            ">https://example.com/account/closure/CLS-2026-0042/cancel</a>"), "the URL is visible as link text")
        #expect(email.html.contains("<title>\(email.subject)</title>"))
        #expect(email.html.contains("<html lang=\"en\">"))
    }

    @Test func closureConfirmationInGermanWithoutCancelLink() throws {
        let email = try catalog.render(
            TemplateFixtures.closure(locale: "de-DE", name: "Jürgen Weiß", reference: "CLS-2026-0043", cancelURL: nil))
        #expect(email.locale == "de")
        #expect(email.subject == "Ihr Example-Konto wird am 12. Dezember 2026 geschlossen (Ref. CLS-2026-0043)")
        #expect(email.text.hasPrefix("Guten Tag Jürgen Weiß,\n\nwir haben Ihren Antrag erhalten"))
        #expect(email.text.containsWrapped("Ihr Konto wird am 12. Dezember 2026 um 00:00 Uhr UTC geschlossen."))
        for removed in ["Ihr Profil,", "Ihren beruflichen Werdegang,", "Ihre Kontakte."] {
            #expect(email.text.containsWrapped(removed))
        }
        #expect(email.text.containsWrapped("Ihre Referenznummer: CLS-2026-0043"))
        #expect(email.text.containsWrapped("nennen Sie Ihre Referenznummer CLS-2026-0043"), "cancel wording without a link")
        #expect(!email.text.containsWrapped("https://"))
        #expect(!email.html.contains("Schließung abbrechen</a>"))
        #expect(email.text.containsWrapped("Mit freundlichen Grüßen\nIhr Example-Team"))
        #expect(email.html.contains("<html lang=\"de\">"))
    }

    @Test func withdrawalReminderInEnglish() throws {
        let email = try catalog.render(TemplateFixtures.withdrawal())
        #expect(email.subject == "Please withdraw your balance of €1,250.75 by 11 December 2026")
        #expect(email.text.containsWrapped("balance of €1,250.75 (as of 28 November 2026)"))
        #expect(email.text.containsWrapped("Please withdraw this balance by 11 December 2026 at 23:59 UTC."))
        #expect(email.text.containsWrapped("funds must be withdrawn before your account is closed"))
        #expect(email.text.containsWrapped("Withdraw your balance here:\nhttps://example.com/account/balance/withdraw\n"))
        #expect(email.html.contains("<strong>€1,250.75</strong>"))
        #expect(email.html.contains(">https://example.com/account/balance/withdraw</a>"))
    }

    @Test func withdrawalReminderInGermanUsesNoBreakSpaceBeforeTheEuroSign() throws {
        let email = try catalog.render(TemplateFixtures.withdrawal(locale: "de", withdrawURL: nil))
        #expect(email.subject
            == "Bitte Ihr Guthaben von 1.250,75\u{00A0}€ bis zum 11. Dezember 2026 auszahlen lassen")
        #expect(email.text.containsWrapped("Guthaben von 1.250,75\u{00A0}€ auf (Stand: 28. November 2026)"))
        #expect(email.text.containsWrapped("bis zum 11. Dezember 2026 um 23:59 Uhr UTC auszahlen."))
        #expect(email.text.containsWrapped("Das Guthaben muss vor der Schließung Ihres Kontos ausgezahlt werden."))
        #expect(email.text.containsWrapped("Bereich „Guthaben“ die Option „Auszahlen“."), "wording without a withdraw link")
        #expect(email.html.contains("<strong>1.250,75\u{00A0}€</strong>"))
    }

    @Test func retentionNoticeInEnglish() throws {
        let email = try catalog.render(TemplateFixtures.retention())
        #expect(email.subject == "Your Example account has been closed: the data we keep and why")
        #expect(email.text.containsWrapped("was closed on 12 December 2026 at 00:00 UTC."))
        #expect(email.text.containsWrapped("""
              - Invoices and payment records
                Why: Tax law requires us to keep them for ten years
                Kept until: 31 December 2036
            """))
        #expect(email.text.containsWrapped("  - Identity verification records\n    Why: Anti-money-laundering law\n"
            + "    Kept until: 12 December 2031\n"))
        #expect(email.text.containsWrapped("stored securely"))
        #expect(email.text.containsWrapped("contact our privacy team at privacy@example.com."))
        #expect(email.html.contains("<strong>Invoices and payment records</strong>"))
        #expect(email.html.contains("href=\"mailto:privacy@example.com\""))
        #expect(email.html.components(separatedBy: "border-top:1px solid #e1e4e8;").count == 2,
            "only the second record has a divider")
    }

    @Test func retentionNoticeInGermanWithoutPrivacyContact() throws {
        let email = try catalog.render(TemplateFixtures.retention(locale: "de", name: nil, privacyContact: nil))
        #expect(email.text.hasPrefix("Guten Tag,\n\nIhr Example-Konto (ada@example.com) wurde am 12. Dezember 2026"))
        #expect(email.text.containsWrapped("Grund: Tax law requires us to keep them for ten years"))
        #expect(email.text.containsWrapped("Aufbewahrung bis: 31. Dezember 2036"))
        #expect(email.text.containsWrapped("Aufbewahrung bis: 12. Dezember 2031"))
        #expect(email.text.containsWrapped("sicher gespeichert"))
        #expect(email.text.containsWrapped("antworten Sie bitte einfach auf diese E-Mail"))
        #expect(!email.html.contains("mailto:"))
    }

    @Test(arguments: ["closure-confirmation", "withdrawal-reminder", "retention-notice"], ["en", "de"])
    func everyTemplateAndLocaleRendersAWellFormedEmail(template: String, locale: String) throws {
        let event = try #require(TemplateFixtures.samples.first { $0.type.templateName == template })
        var localized = event
        localized.account.locale = locale
        let email = try catalog.render(localized)
        #expect(email.locale == locale)
        #expect(!email.subject.contains("\n") && !email.subject.isEmpty)
        #expect(email.text.hasSuffix("\n") && !email.text.hasSuffix("\n\n"))
        #expect(!email.text.containsWrapped("\n\n\n"), "at most one blank line in a row")
        #expect(email.html.hasPrefix("<!DOCTYPE html>\n<html lang=\"\(locale)\">"))
        #expect(email.html.hasSuffix("</html>\n"))
        for part in [email.subject, email.text, email.html] {
            #expect(!part.contains("{{") && !part.contains("}}"))
        }
    }

    @Test func companyComesFromGlobals() throws {
        let catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates, globals: ["company": "Acme"])
        let email = try catalog.render(TemplateFixtures.closure())
        #expect(email.subject.hasPrefix("Your Acme account"))
        #expect(email.text.containsWrapped("The Acme team"))
    }
}
