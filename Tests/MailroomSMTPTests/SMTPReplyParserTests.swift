import Mailroom
import Testing
@testable import MailroomSMTP

@Suite struct SMTPReplyParserTests {
    @Test func splitsEnhancedCodeAndJoinsLines() {
        var parser = SMTPReplyParser()
        #expect(parser.consume(line: "550-5.1.1 The email account that you tried to reach") == nil)
        let reply = parser.consume(line: "550 5.1.1 does not exist.")
        #expect(reply == SMTPReply(code: 550, enhancedCode: "5.1.1", text: "The email account that you tried to reach does not exist."))
    }

    @Test func keepsTextWithoutEnhancedCode() {
        var parser = SMTPReplyParser()
        #expect(parser.consume(line: "250 Ok: queued as ABC") == SMTPReply(code: 250, text: "Ok: queued as ABC"))
        #expect(parser.consume(line: "421 4.4.2 idle") == SMTPReply(code: 421, enhancedCode: "4.4.2", text: "idle"))
        // A class that disagrees with the reply code is not an enhanced code.
        #expect(parser.consume(line: "250 5.0.0 odd") == SMTPReply(code: 250, text: "5.0.0 odd"))
    }
}
