import Foundation
import MailroomTesting
import Testing

/// `mailroom send -` handles each event as it arrives on a stream that stays open.
@Suite("send - streams standard input")
struct StreamingTests {
    @Test("the first event is delivered while stdin is still open; closing it ends the run with exit 0")
    func deliversBeforeEndOfInput() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let workspace = try Workspace()
        let events = TestEvents.make(2, prefix: "evt_stream")
        let lines = events.ndjson.split(separator: "\n").map { String($0) + "\n" }

        let send = try workspace.start(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", "-"], input: .pipe)
        try send.write(lines[0])
        // Only delivery before end of input proves streaming: the pipe is still open here.
        let arrived = try await eventually { server.capturedCount() >= 1 || !send.process.isRunning }
        #expect(arrived && send.process.isRunning, "the first event was not delivered while the input stayed open")
        #expect(server.capturedCount() == 1)

        try send.write(lines[1])
        try send.closeInput()
        let result = await send.wait()
        #expect(result.status == 0, "\(result)")
        #expect(server.capturedCount() == 2)
        let listed = try await workspace.list()
        #expect(listed.map(\.state) == ["sent", "sent"])
    }
}
