import Testing
@testable import MailroomSMTP

/// When the connection is given up without waiting for the reply to QUIT.
@Suite struct CurlTransferContextTests {
    func sent(_ line: String, to context: CurlTransferContext) {
        Array((line + "\r\n").utf8).withUnsafeBytes { context.debug(kind: .headerOut, bytes: $0) }
    }

    /// libcurl says QUIT inside a transfer only after the transaction failed, on a connection it
    /// then drops: a relay that stalled would cost a second reply timeout for its 221.
    @Test func quitInsideATransferGivesTheConnectionUp() {
        let context = CurlTransferContext()
        context.reset(message: [], implicitTLS: false, keepTranscript: false, beforeData: nil)
        sent("MAIL FROM:<a@example.com>", to: context)
        sent("RCPT TO:<b@example.com>", to: context)
        #expect(!context.abandonConnection)
        sent("QUIT", to: context)
        #expect(context.abandonConnection)
        #expect(context.stage == .rcptTo)
    }

    /// The QUIT of ``CurlSMTPConnection/close()`` ends a healthy connection: its reply is awaited.
    @Test func quitAtCleanupIsAnswered() {
        let context = CurlTransferContext()
        context.reset(message: [], implicitTLS: false, keepTranscript: false, beforeData: nil)
        context.finish()
        sent("QUIT", to: context)
        #expect(!context.abandonConnection)
    }
}
