import Foundation
import Mailroom
import MailroomTesting
import Testing

/// Hostile Unicode in every field of JSON events of all three types, through decode -> render ->
/// compose: never a crash; either an `EventValidationError` naming the broken fields, or a message
/// that is clean on the wire, has exactly our headers and recipient, and shows data literally.
@Suite("Rendered messages: properties over hostile events")
struct RenderingPropertyTests {
    static let cases = 800
    static let pythonSample = 60

    struct Made {
        var index: Int
        var input: HostileEvent
        var made: MessageFactory.Made
    }

    /// What the run exercised, so that a generator that stops producing something is noticed.
    struct Tally {
        var messages = 0
        var rejected = 0
        var rawRejected = 0
        var mustacheInData = 0
        var markupInData = 0
        var longValues = 0
    }

    @Test func hostileEventsBecomeCleanMessagesOrClearRejections() throws {
        var generator = HostileEventGenerator(seed: 0x7265_6E64_6572_2121)
        let factory = try RenderingFixtures.factory()
        let decoder = EventDecoder()
        var made: [Made] = []
        var tally = Tally()

        for index in 0..<Self.cases {
            let input = generator.next()
            let event: Event
            do {
                event = try decoder.decode(input.line, lineNumber: index + 1, source: "hostile")
            } catch {
                Self.checkRejection(error, input: input, index: index, tally: &tally)
                continue
            }
            #expect(!input.mustFail, "case \(index): decoded although \(input.rawCorruption ?? "\(input.invalidPaths.sorted())") is invalid")
            do {
                let result = try factory.make(event, date: RenderingFixtures.fixedDate)
                try Self.checkMessage(result, input: input, index: index, tally: &tally)
                made.append(Made(index: index, input: input, made: result))
            } catch {
                Issue.record("case \(index): a valid event must become a message, got \(error)")
            }
        }
        #expect(tally.messages >= 120 && tally.rejected >= 120 && tally.rawRejected >= 30, "\(tally)")
        #expect(tally.mustacheInData > 10 && tally.markupInData > 10 && tally.longValues > 5, "\(tally)")

        try Self.checkWithPython(Array(made.prefix(Self.pythonSample)))
    }

    static func checkRejection(_ error: EventValidationError, input: HostileEvent, index: Int, tally: inout Tally) {
        tally.rejected += 1
        #expect(!input.mustDecode, "case \(index): a valid event was rejected: \(error)")
        #expect(!error.problems.isEmpty, "case \(index): a rejection must say why")
        #expect(error.line == index + 1 && error.source == "hostile")
        for problem in error.problems {
            #expect(problem.path.hasPrefix("$") && !problem.message.isEmpty, "case \(index): \(problem)")
            #expect(!problem.message.unicodeScalars.contains(where: HostileEventGenerator.isForbiddenInLine),
                    "case \(index): control character in the error message \(problem.message.debugDescription)")
        }
        if input.rawCorruption != nil {
            tally.rawRejected += 1
            return
        }
        let paths = Set(error.problems.map(\.path))
        #expect(input.invalidPaths.isSubset(of: paths), "case \(index): \(input.invalidPaths.subtracting(paths).sorted()) not named in \(error)")
        let allowed = input.invalidPaths.union(input.unknownPaths)
        #expect(paths.isSubset(of: allowed), "case \(index): valid fields reported: \(paths.subtracting(allowed).sorted()) in \(error)")
    }

    static func checkMessage(_ result: MessageFactory.Made, input: HostileEvent, index: Int, tally: inout Tally) throws {
        tally.messages += 1
        let message = result.message
        let email = result.email
        let problems = MIMEWire.problems(message.bytes)
        #expect(problems.isEmpty, "case \(index): \(problems.prefix(3))")
        #expect(MIMEWire.headerNames(message.bytes) == RenderingFixtures.expectedHeaders(template: email.templateName), "case \(index)")
        try checkParts(message.bytes, index: index)
        #expect(message.envelope == Envelope(sender: RenderingFixtures.senderAddress, recipients: [input.email]), "case \(index)")
        if input.shown.contains(where: { $0.utf8.count > 998 }) { tally.longValues += 1 }

        let headers = MIMEWire.headers(message.bytes)
        let toValue = try #require(headers.first { $0.name == "To" }?.value)
        if input.name.isEmpty {
            #expect(toValue == input.email, "case \(index): To without a name")
        } else {
            #expect(toValue.hasSuffix(" <\(input.email)>"), "case \(index): To \(toValue)")
            #expect(MIMEWire.displayName(inMailbox: toValue) == input.name, "case \(index): To display name")
        }
        let subjectValue = try #require(headers.first { $0.name == "Subject" }?.value)
        #expect(MIMEWire.subject(subjectValue) == email.subject, "case \(index): Subject")
        #expect(!email.subject.isEmpty && !email.subject.unicodeScalars.contains(where: HostileEventGenerator.isForbiddenInLine))
        if let reference = input.reference {
            let collapsed = reference.split(separator: " ").joined(separator: " ")
            #expect(RenderingFixtures.bytes(of: email.subject, contain: collapsed), "case \(index): reference literally in the subject")
        }

        for entity in RenderingFixtures.entities {
            #expect(!email.subject.contains(entity) && !email.text.contains(entity), "case \(index): \(entity) outside HTML")
        }
        for value in input.shown {
            var literal = value
            while literal.last == " " { literal.removeLast() }
            #expect(RenderingFixtures.bytes(of: email.text, contain: literal), "case \(index): \(value.debugDescription) not verbatim in the text part")
            #expect(RenderingFixtures.bytes(of: email.html, contain: RenderingFixtures.htmlEscaped(value)),
                    "case \(index): \(value.debugDescription) not escaped per scalar in the HTML part")
            if value.contains("{{") { tally.mustacheInData += 1 }
            if value.contains("<") { tally.markupInData += 1 }
        }
    }

    /// The two parts, each with exactly its two headers, between exactly three delimiter lines.
    static func checkParts(_ bytes: [UInt8], index: Int) throws {
        let contentType = try #require(MIMEWire.headers(bytes).first { $0.name == "Content-Type" }?.value)
        let boundary = try #require(contentType.components(separatedBy: "boundary=\"").last?.dropLast())
        let lines = MIMEWire.lines(bytes)
        let delimiters = lines.enumerated().filter { $0.element.hasPrefix("--\(boundary)") }
        #expect(delimiters.map(\.element) == ["--\(boundary)", "--\(boundary)", "--\(boundary)--"], "case \(index)")
        #expect(lines.last == "--\(boundary)--", "case \(index)")
        for delimiter in delimiters.dropLast() {
            let names = lines[(delimiter.offset + 1)...].prefix { !$0.isEmpty }.map { String($0.prefix { $0 != ":" }) }
            #expect(names == ["Content-Type", "Content-Transfer-Encoding"], "case \(index)")
        }
    }

    static func checkWithPython(_ sample: [Made]) throws {
        try #require(sample.count == pythonSample, "too few messages for the Python sample")
        let reports = try PythonMIMECheck.check(sample.map(\.made.message.bytes))
        for (item, report) in zip(sample, reports) {
            let label = "case \(item.index)"
            let email = item.made.email
            #expect(report.error == nil, "\(label): \(report.error ?? "")")
            #expect(report.wire.isEmpty, "\(label): \(report.wire)")
            #expect(report.defects == [], "\(label): \(report.defects ?? [])")
            #expect(report.header_names == RenderingFixtures.expectedHeaders(template: email.templateName), "\(label)")
            #expect(report.part_header_names == RenderingFixtures.expectedPartHeaders, "\(label)")
            #expect(report.subject == email.subject, "\(label) subject")
            #expect(report.text == MIMEWire.lineFeeds(email.text), "\(label) text")
            #expect(report.html == MIMEWire.lineFeeds(email.html), "\(label) html")
            #expect(report.to?.map(\.address) == [item.input.email], "\(label) To")
            #expect(RenderingFixtures.withoutSpaces(report.to?.first?.display_name ?? "")
                == RenderingFixtures.withoutSpaces(item.input.name), "\(label) To display name")
        }
    }
}
