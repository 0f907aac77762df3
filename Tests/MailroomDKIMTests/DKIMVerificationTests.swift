import Foundation
import Mailroom
import MailroomDKIM
import MailroomTesting
import Testing

/// Signed messages judged by dkimpy: every sample of every template and locale, each algorithm
/// alone and both together; then the same messages tampered with.
@Suite("DKIM signatures verified by dkimpy")
struct DKIMVerificationTests {
    enum Signing: String, CaseIterable, Sendable {
        case rsaPKCS1, rsaPKCS8, ed25519, rsaAndEd25519

        func keys(_ fixtures: DKIMFixtures.Keys) throws -> [DKIMKey] {
            switch self {
            case .rsaPKCS1: [try fixtures.rsaPKCS1.load()]
            case .rsaPKCS8: [try fixtures.rsaPKCS8.load()]
            case .ed25519: [try fixtures.ed25519.load()]
            case .rsaAndEd25519: [try fixtures.rsaPKCS1.load(), try fixtures.ed25519.load()]
            }
        }
    }

    @Test("every sample (3 templates x 2 locales) verifies", arguments: Signing.allCases)
    func samplesVerify(_ signing: Signing) throws {
        let fixtures = try DKIMFixtures.keys()
        let keys = try signing.keys(fixtures)
        let messages = try DKIMFixtures.signedSamples(DKIMSigner(keys: keys))
        #expect(messages.count == 6)
        let verdicts = try DKIMJudge.verify(messages, dns: fixtures.dns)
        for (index, verdict) in verdicts.enumerated() {
            #expect(verdict.signatures == keys.count, "message \(index)")
            #expect(verdict.allPass, "message \(index): \(verdict.results)")
        }
        // The algorithms are the ones asked for, top signature first.
        for message in messages {
            let text = String(decoding: message, as: UTF8.self)
            let algorithms = text.components(separatedBy: "a=").dropFirst().prefix(keys.count).map { $0.prefix { $0 != ";" } }
            #expect(algorithms == keys.map { Substring($0.algorithm.rawValue) })
        }
    }

    /// One change each, all of which a verifier must notice.
    enum Tampering: String, CaseIterable, Sendable {
        case bodyByte, subjectByte, toByte, secondFrom, dateByte

        func apply(_ message: [UInt8]) -> [UInt8] {
            var bytes = message
            let text = String(decoding: message, as: UTF8.self)
            func offset(of needle: String) -> Int? {
                text.range(of: needle).map { text.utf8.distance(from: text.utf8.startIndex, to: $0.lowerBound) }
            }
            switch self {
            case .bodyByte:
                // A letter of the text part, after the header section.
                guard let end = offset(of: "\r\n\r\n"), let body = (end + 200..<bytes.count).first(where: {
                    (UInt8(ascii: "a")...UInt8(ascii: "y")).contains(bytes[$0])
                }) else { return bytes }
                bytes[body] += 1
            case .subjectByte:
                guard let at = offset(of: "\r\nSubject: ") else { return bytes }
                bytes[at + 12] ^= 0x01
            case .toByte:
                guard let at = offset(of: "\r\nTo: ") else { return bytes }
                bytes[at + 7] ^= 0x01
            case .dateByte:
                guard let at = offset(of: "\r\nDate: ") else { return bytes }
                bytes[at + 10] ^= 0x01
            case .secondFrom:
                // RFC 6376 8.15: From is signed once more than it occurs, so one added breaks it.
                guard let at = offset(of: "\r\nDate: ") else { return bytes }
                bytes.insert(contentsOf: Array("\r\nFrom: Mallory <mallory@example.net>".utf8), at: at)
            }
            return bytes
        }
    }

    @Test("a changed body byte or signed header fails every signature", arguments: Tampering.allCases)
    func tamperingFails(_ tampering: Tampering) throws {
        let fixtures = try DKIMFixtures.keys()
        let messages = try DKIMFixtures.signedSamples(
            DKIMSigner(keys: [try fixtures.rsaPKCS1.load(), try fixtures.ed25519.load()]))
        let tampered = messages.map(tampering.apply)
        for (original, changed) in zip(messages, tampered) { #expect(original != changed) }
        let verdicts = try DKIMJudge.verify(tampered, dns: fixtures.dns)
        for (index, verdict) in verdicts.enumerated() {
            #expect(verdict.signatures == 2, "message \(index)")
            #expect(verdict.allFail, "message \(index) still verifies after \(tampering): \(verdict.results)")
        }
    }

    @Test("an unsigned header added in transit leaves the signatures valid (the judge is not blindly failing)")
    func unsignedHeaderKeepsSignature() throws {
        let fixtures = try DKIMFixtures.keys()
        let messages = try DKIMFixtures.signedSamples(
            DKIMSigner(keys: [try fixtures.rsaPKCS8.load(), try fixtures.ed25519.load()]))
        let relayed = messages.map { Array("Received: from mailroom by relay.example.com; Sat, 28 Nov 2026 09:15:01 +0000\r\n".utf8) + $0 }
        for verdict in try DKIMJudge.verify(relayed, dns: fixtures.dns) {
            #expect(verdict.allPass, "\(verdict.results)")
        }
    }

    @Test("a key from keygen's code path verifies with the DNS record it prints", arguments: DKIMAlgorithm.allCases)
    func generatedKeyVerifies(_ algorithm: DKIMAlgorithm) throws {
        let key = try DKIMKey.generate(algorithm, domain: DKIMFixtures.domain, selector: "gen")
        // Through its PEM form, as keygen writes it and the configuration reads it back.
        let reread = try DKIMKey(pem: key.pemRepresentation, domain: key.domain, selector: key.selector)
        let messages = try DKIMFixtures.signedSamples(DKIMSigner(keys: [reread]))
        for verdict in try DKIMJudge.verify(messages, dns: [key.dnsName: key.dnsRecord]) {
            #expect(verdict.allPass, "\(verdict.results)")
        }
        #expect(reread.dnsRecord == key.dnsRecord)
    }

    @Test("signing is deterministic: the same message signs to the same bytes")
    func deterministic() throws {
        let fixtures = try DKIMFixtures.keys()
        let signer = DKIMSigner(keys: [try fixtures.rsaPKCS1.load(), try fixtures.ed25519.load()])
        #expect(try DKIMFixtures.signedSamples(signer) == DKIMFixtures.signedSamples(signer))
    }

    @Test("h= signs the listed fields, From twice; t= is the Date header's time")
    func signedFieldList() throws {
        let fixtures = try DKIMFixtures.keys()
        let message = try #require(try DKIMFixtures.signedSamples(DKIMSigner(keys: [try fixtures.ed25519.load()])).first)
        let text = String(decoding: message, as: UTF8.self)
        let field = try #require(text.components(separatedBy: "\r\nDate:").first)
        let compact = field.filter { !$0.isWhitespace }
        #expect(compact.contains(";h=From:From:To:Subject:Date:Message-ID:MIME-Version:Content-Type:Reply-To:Auto-Submitted:Expires;"),
                "\(compact)")
        #expect(compact.contains(";t=\(Int(DKIMFixtures.date.timeIntervalSince1970));"))
        #expect(compact.contains(";c=relaxed/relaxed;"))
        for line in field.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
    }
}
