import Foundation
import Mailroom
import Testing

/// The text part keeps to 78 columns whatever the values put into a hand-wrapped template line:
/// only a single word longer than that (a URL) may stand on a longer line of its own.
@Suite("Rendered messages: text part width")
struct TextPartWidthTests {
    @Test(arguments: RenderingFixtures.templateNames, RenderingFixtures.sampleLocales)
    func everyLineFitsOrIsOneWord(template: String, locale: String) throws {
        let (email, _) = try RenderedGoldenTests.compose(template: template, locale: locale)
        for line in email.text.split(separator: "\n") where line.count > 78 {
            #expect(!line.trimmingCharacters(in: .whitespaces).contains(" "), "\(template).\(locale): \(line)")
        }
    }

    @Test func aLongValueIsWrappedAtSpacesKeepingTheIndentation() {
        let line = "    Why: " + Array(repeating: "retained", count: 20).joined(separator: " ")
        let wrapped = TextWrap.wrap(line, width: 78).split(separator: "\n")
        #expect(wrapped.count > 1)
        #expect(wrapped.allSatisfy { $0.count <= 78 })
        #expect(wrapped.dropFirst().allSatisfy { $0.hasPrefix("    ") && !$0.hasPrefix("     ") })
        #expect(wrapped.joined(separator: " ").split(separator: " ") == line.split(separator: " "))
    }
}
