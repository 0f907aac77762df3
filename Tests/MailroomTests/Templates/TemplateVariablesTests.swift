import Foundation
import Testing

@testable import Mailroom

/// The variables against their documentation in `Templates/README.md`, and the no-copy checks
/// of the text helpers against the helpers themselves.
@Suite("Template variables: slots and unchanged-text checks")
struct TemplateVariablesTests {
    static let globals: [String: TemplateValue] = [
        "company": .text("Example & Co"), "email": .text("global"), "amount": .text("global amount"),
        "body": .text("global body"), "extra": .text("x"),
    ]

    /// One row of the variables table in `Templates/README.md`.
    struct Documented {
        var names: [String]
        var templates: String
        var isOptional: Bool
    }

    static func documented() throws -> [Documented] {
        let readme = try String(
            contentsOf: TemplateFixtures.shippedTemplates.appending(path: "README.md"), encoding: .utf8)
        let table = readme.components(separatedBy: "## Variables")[1].components(separatedBy: "\n## ")[0]
        return table.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let names = cells[0].split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
            return Documented(names: names, templates: cells[1], isOptional: cells[2].hasPrefix("optional"))
        }
    }

    /// Each event sets exactly the variables the README lists for its template (a value for
    /// each, `.absent` only where it says optional), over globals its own values replace, and a
    /// slot gives what the dictionaries give.
    @Test func eachEventSetsWhatTheREADMEListsForItsTemplate() throws {
        let documented = try Self.documented()
        let events = TemplateProgramDifferentialTests.events + TemplateFixtures.samples
        var checked = 0
        for event in events {
            let template = event.type.templateName
            let rows = documented.filter { $0.templates == "all" || $0.templates.contains(template) }
            for tag in ["en", "de", "de-at"] {
                let variables = event.templateVariables(in: TemplateLocale(tag: tag), over: TemplateVariables(globals: Self.globals))
                let merged = try #require(variables.dictionaries.first)
                #expect(variables.dictionaries.count == 1, "no layout variables outside a layout")
                let expected = Set(rows.flatMap(\.names)).union(Self.globals.keys)
                #expect(Set(merged.keys) == expected, "\(template) \(tag)")
                for row in rows {
                    for name in row.names where name != "company" {
                        let value = merged[name]
                        #expect(value != nil && value != Self.globals[name], "\(template) \(name)")
                        #expect(row.isOptional || value != .absent, "\(template) \(name) is not optional")
                    }
                }
                for name in expected.union(TemplateVariable.allCases.map(\.rawValue)) {
                    #expect(variables.value(name, slot: TemplateVariable(rawValue: name)?.slot) == merged[name], "\(name)")
                }
                checked += 1
            }
        }
        #expect(checked == events.count * 3)
    }

    @Test func everyVariableHasItsOwnSlotAndName() {
        let all = TemplateVariable.allCases
        #expect(all.map(\.slot) == Array(0..<all.count))
        #expect(Set(all.map(\.rawValue)).count == all.count)
        #expect(TemplateVariable.privacyContact.rawValue == "privacy_contact")
        #expect(TemplateVariable.withdrawURL.rawValue == "withdraw_url")
    }

    /// The variables `Templates/README.md` lists are exactly the ones declared.
    @Test func theREADMEListsEveryVariable() throws {
        #expect(Set(try Self.documented().flatMap(\.names)) == Set(TemplateVariable.allCases.map(\.rawValue)))
    }

    @Test func layoutSlotsWinOverGlobalsAndAreKeptApart() {
        var variables = TemplateVariables(behind: [["body": .text("global body"), "x": .text("1")]])
        #expect(variables.value("body", slot: TemplateVariable.body.slot) == .text("global body"))
        variables[.body] = .text("rendered")
        #expect(variables.value("body", slot: TemplateVariable.body.slot) == .text("rendered"))
        #expect(variables.dictionaries == [["body": .text("global body"), "x": .text("1")], ["body": .text("rendered")]])
        #expect(variables.value("nothing", slot: nil) == nil)
    }

    /// Inputs framed so that many are already tidy or collapsed.
    static var framed: [String] {
        var result: [String] = []
        for input in TemplateFastPathTests.inputs {
            let tidyFrame: String = "a" + input + "b\n"
            let subjectFrame: String = "<" + input + ">"
            let blankFrame: String = "x" + input + "\n\ny\n"
            let latinFrame: String = "Zo\u{EB} " + input + " \u{C9}t\u{E9}"
            let otherFrame: String = "\u{20AC} " + input + " \u{65E5}"
            result += [tidyFrame, subjectFrame, blankFrame, latinFrame, otherFrame, input]
        }
        return result
    }

    @Test func unchangedTextIsRecognisedOnlyWhenTidyingKeepsIt() {
        var unchanged = 0
        for input in Self.framed {
            let reference = LocalizedTemplate.tidiedCharacters(LocalizedTemplate.trimmed(input))
            if LocalizedTemplate.isTidy(input) {
                unchanged += 1
                #expect(reference == input, "\(input.debugDescription)")
            } else if reference == input {
                // Allowed (the check is conservative by bytes), only where Characters and bytes differ.
                // and at ends that are not printable ASCII (a control character, or nothing).
                let unusual = input.utf8.contains { (byte: UInt8) -> Bool in
                    let control = byte < 0x20 && byte != 0x0A
                    return byte >= 0x80 || byte == 0x0D || byte == 0x7F || control
                }
                #expect(unusual || input == "\n", "\(input.debugDescription)")
            }
            #expect(LocalizedTemplate.tidyText(input) == reference)
        }
        #expect(unchanged > 1000)
    }

    @Test func unchangedSubjectsAreRecognisedOnlyWhenCollapsingKeepsThem() {
        var unchanged = 0
        for input in Self.framed {
            guard LocalizedTemplate.isCollapsed(input) else { continue }
            unchanged += 1
            if let bytes = LocalizedTemplate.collapsedSpaces(input) { #expect(bytes == input, "\(input.debugDescription)") }
            let reference = input.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            #expect(reference == input)
            #expect(!input.unicodeScalars.contains(where: SafeText.isForbiddenInLine))
        }
        #expect(unchanged > 500)
    }

    /// The range ``LocalizedTemplate/isCollapsed(_:)`` lets stand next to a space never joins it
    /// into a larger `Character`, on either side.
    @Test func latinLettersNeverJoinASpace() {
        for value in 0xC0...0x2FF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let letter = String(Character(scalar))
            #expect((letter + " x").count == 3, "U+\(String(value, radix: 16))")
            #expect(("x " + letter).count == 3, "U+\(String(value, radix: 16))")
            #expect(LocalizedTemplate.isCollapsed("x " + letter + " y"))
        }
        #expect(!LocalizedTemplate.isCollapsed("x \u{301}"))
        #expect(!LocalizedTemplate.isCollapsed("\u{600} x"))
        #expect(!LocalizedTemplate.isCollapsed("x \u{200D}y"))
        #expect(!LocalizedTemplate.isCollapsed("x \u{903}"))
        #expect(!LocalizedTemplate.isCollapsed("\u{110BD} x"))
        #expect(LocalizedTemplate.isCollapsed("von 1.250,75\u{A0}\u{20AC} bis 日本 \u{1F600} x"))
    }

    /// The amount's own text is used only when it states the value; otherwise the value decides.
    @Test func amountsFollowTheValueNotTheText() throws {
        let posix = Locale(identifier: "en_US_POSIX")
        for tag in ["en", "de"] {
            let locale = TemplateLocale(tag: tag)
            for (amount, valueText) in [
                ("5.00", "5"), ("0.0", "0"), ("1250.70", "1250.7"), ("007", "7"), ("12", "13"), ("1.5", "1.05"),
                ("123456789012345678", "123456789012345678"), ("1234567890123456789", "1234567890123456789"),
                ("9.999", "9.999"), ("", "3"), (".5", "0.5"),
            ] {
                let value = try #require(Decimal(string: valueText, locale: posix))
                let expected = value.formatted(.currency(code: "EUR").locale(locale.foundationLocale))
                #expect(locale.money(Money(amount: amount, value: value, currency: "EUR")) == expected, "\(tag) \(amount)")
            }
        }
        #expect(TemplateLocale.MoneyFormats.plainValue("1250.70") == Decimal(string: "1250.7", locale: posix))
        #expect(TemplateLocale.MoneyFormats.plainValue("1.2.3") == nil)
        #expect(TemplateLocale.MoneyFormats.plainValue("-1") == nil)
    }

    @Test func trimmingInPlaceMatchesTrimmed() {
        var inPlace = 0
        for input in Self.framed + Self.framed.map({ $0 + " \n\t\r\n" }) {
            var text = input
            LocalizedTemplate.trim(&text)
            #expect(text == LocalizedTemplate.trimmed(input), "\(input.debugDescription)")
            if text != input, input.utf8.first.map({ (0x21...0x7E).contains($0) }) == true { inPlace += 1 }
        }
        #expect(inPlace > 1000)
    }
}
