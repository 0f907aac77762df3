import Mailroom
import Testing

@Suite struct RunSummaryTests {
    @Test func exitCodePrecedenceIs78Then65Then69Then75() {
        var summary = RunSummary()
        #expect(summary.exitCode == 0)
        summary.held = 3
        #expect(summary.exitCode == 0)
        summary.uncertain = 1
        #expect(summary.exitCode == 75)
        summary.failed = 1
        #expect(summary.exitCode == 69)
        summary.rejected = 1
        #expect(summary.exitCode == 65)
        summary.configurationError = "bad CA"
        #expect(summary.exitCode == 78)
    }

    @Test func eventsThatCouldNotBeStoredAreAnIOErrorRankedAfterConfiguration() {
        var summary = RunSummary()
        summary.sent = 5
        summary.notStored = 2
        summary.rejected = 1
        summary.failed = 1
        #expect(summary.exitCode == ExitStatus.ioError)
        #expect(summary.line.hasSuffix("not stored 2"))
        summary.configurationError = "x"
        #expect(summary.exitCode == ExitStatus.configuration)
        summary.configurationError = nil
        summary.notStored = 0
        summary.storeFailure = "disk full"
        #expect(summary.exitCode == ExitStatus.ioError)
    }

    @Test func durationsParseAndFormat() {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("30s") == .seconds(30))
        #expect(DurationText.parse("5m") == .seconds(300))
        #expect(DurationText.parse("3d") == .seconds(3 * 86400))
        #expect(DurationText.parse("5") == nil)
        #expect(DurationText.parse("-5s") == nil)
        #expect(DurationText.parse("1.5s") == nil)
        #expect(DurationText.format(.seconds(90)) == "90s")
        #expect(DurationText.format(.seconds(3 * 86400)) == "3d")
    }
}
