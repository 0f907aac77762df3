import Foundation
import MailroomTesting
import Testing

@testable import MailroomDKIM

@Suite("DKIM relaxed canonicalisation")
struct DKIMCanonicalizationTests {
    static func header(_ field: String) -> String {
        var out: [UInt8] = []
        DKIMCanonicalization.appendRelaxedHeader(Array(field.utf8)[...], to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func body(_ text: String) -> String {
        String(decoding: DKIMCanonicalization.relaxedBody(Array(text.utf8)[...]), as: UTF8.self)
    }

    @Test("RFC 6376 section 3.4.6's example")
    func rfcExample() {
        #expect(Self.header("A: X") == "a:X\r\n")
        #expect(Self.header("B : Y\t\r\n\tZ  ") == "b:Y Z\r\n")
        #expect(Self.body(" C \r\nD \t E\r\n\r\n\r\n") == " C\r\nD E\r\n")
    }

    @Test("edge cases: empty body, no final CRLF, only empty lines, a whitespace-only line")
    func edges() {
        #expect(Self.body("") == "")
        #expect(Self.body("x") == "x\r\n")
        #expect(Self.body("x\r\n \t") == "x\r\n \r\n", "an unterminated last line keeps its whitespace, as dkimpy reads it")
        #expect(Self.body("\r\n\r\n") == "")
        #expect(Self.body("a\r\n \t \r\nb\r\n") == "a\r\n\r\nb\r\n")
        #expect(Self.header("Subject:") == "subject:\r\n")
    }

    @Test("seeded random fields and bodies canonicalise as dkimpy does")
    func differential() throws {
        var random = SeededGenerator(seed: 0x6376)
        let pieces = [" ", "\t", "  ", "a", "Bc", "=?utf-8?q?x?=", ":", ";", "\r\n", "\r\n\r\n", "\r", "\n"]
        var cases: [(header: [UInt8], body: [UInt8])] = []
        for _ in 0..<300 {
            var value = ""
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                let piece = ["a", " ", "\t", "x y", "\r\n ", "\r\n\t", "  "].randomElement(using: &random) ?? " "
                value += piece
            }
            // A field value never ends in a fold (that would be a blank continuation line).
            while value.hasSuffix("\r\n ") || value.hasSuffix("\r\n\t") {
                value.removeLast(2)  // "\r\n" is one Character
            }
            let name = ["Subject", "X-Test ", "to"].randomElement(using: &random) ?? "Subject"
            var body = ""
            for _ in 0..<Int.random(in: 0...20, using: &random) { body += pieces.randomElement(using: &random) ?? "" }
            cases.append((Array("\(name):\(value)".utf8), Array(body.utf8)))
        }
        let input = try JSONSerialization.data(withJSONObject: cases.map {
            ["header": Data($0.header).base64EncodedString(), "body": Data($0.body).base64EncodedString()]
        })
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [TestServer.supportFile("canonicalize_dkim.py")]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let expected = try #require(try JSONSerialization.jsonObject(with: output) as? [[String: String]])
        #expect(expected.count == cases.count)
        for (index, (oracle, given)) in zip(expected, cases).enumerated() {
            var header: [UInt8] = []
            DKIMCanonicalization.appendRelaxedHeader(given.header[...], to: &header)
            let body = DKIMCanonicalization.relaxedBody(given.body[...])
            #expect(Data(header).base64EncodedString() == oracle["header"], "case \(index): header \(given.header)")
            #expect(Data(body).base64EncodedString() == oracle["body"], "case \(index): body \(given.body)")
        }
    }
}
