import Foundation
import MailroomDKIM
import MailroomTesting
import Testing

@Suite("DKIM keys: files, formats, permissions, secrecy")
struct DKIMKeyTests {
    @Test("PKCS#1 and PKCS#8 RSA keys and PKCS#8 Ed25519 keys load, with their algorithm")
    func formats() throws {
        let fixtures = try DKIMFixtures.keys()
        #expect(try fixtures.rsaPKCS1.load().algorithm == .rsaSHA256)
        #expect(try fixtures.rsaPKCS8.load().algorithm == .rsaSHA256)
        #expect(try fixtures.ed25519.load().algorithm == .ed25519SHA256)
        // The records we would print are the ones OpenSSL derives.
        #expect(try fixtures.rsaPKCS1.load().dnsRecord == fixtures.rsaPKCS1.dnsRecord)
        #expect(try fixtures.ed25519.load().dnsRecord == fixtures.ed25519.dnsRecord)
    }

    @Test("a key file others can read is refused, naming the fix", arguments: [0o644, 0o640, 0o604, 0o660])
    func permissions(_ mode: Int) throws {
        let fixtures = try DKIMFixtures.keys()
        let copy = fixtures.directory.appendingPathComponent("copy-\(mode).pem").path
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: fixtures.ed25519.path, toPath: copy)
        chmod(copy, mode_t(mode))
        let error = try #require(throws: DKIMError.self) {
            try DKIMKey.load(file: copy, domain: "example.com", selector: "ed")
        }
        #expect(error.code == .permissions)
        #expect(error.message.contains("chmod 600"))
        #expect(error.message.contains(copy))
        chmod(copy, 0o400)
        #expect(try DKIMKey.load(file: copy, domain: "example.com", selector: "ed").algorithm == .ed25519SHA256)
    }

    @Test("an RSA key under 2048 bits, a non-key and a missing file are refused, the key text never shown")
    func refusals() throws {
        let fixtures = try DKIMFixtures.keys()
        let weak = try #require(throws: DKIMError.self) { try fixtures.rsa1024.load() }
        #expect(weak.code == .weakKey)
        #expect(weak.message.contains("1024"))

        let certificateLike = fixtures.directory.appendingPathComponent("not-a-key.pem").path
        let pem = try String(contentsOfFile: fixtures.rsaPKCS8.path, encoding: .utf8)
            .replacingOccurrences(of: "PRIVATE KEY", with: "CERTIFICATE")
        try pem.write(toFile: certificateLike, atomically: false, encoding: .utf8)
        chmod(certificateLike, 0o600)
        let notAKey = try #require(throws: DKIMError.self) {
            try DKIMKey.load(file: certificateLike, domain: "example.com", selector: "x")
        }
        #expect(notAKey.code == .notAKey)
        let body = pem.split(separator: "\n").dropFirst().first.map(String.init) ?? "?"
        #expect(!notAKey.message.contains(body), "the key file's text is in the error")

        let missing = try #require(throws: DKIMError.self) {
            try DKIMKey.load(file: fixtures.directory.appendingPathComponent("absent.pem").path, domain: "example.com", selector: "x")
        }
        #expect(missing.code == .unreadable)
    }

    @Test("no description of a key shows its material")
    func descriptionsHideTheKey() throws {
        let key = try DKIMFixtures.keys().rsaPKCS8.load()
        let pemLines = key.pemRepresentation.split(separator: "\n").filter { !$0.hasPrefix("-----") }
        for shown in ["\(key)", String(reflecting: key), String(describing: [key])] {
            #expect(shown.contains("rsa8._domainkey.example.com"))
            for line in pemLines { #expect(!shown.contains(line)) }
        }
    }

    @Test("a domain or selector that is not a DNS name is refused", arguments: ["", "bad name", "a..b", "-x", "sel\r\nX: y", "é.example"])
    func badNames(_ name: String) throws {
        let pem = try String(contentsOfFile: DKIMFixtures.keys().ed25519.path, encoding: .utf8)
        #expect(throws: DKIMError.self) { try DKIMKey(pem: pem, domain: name, selector: "ok") }
        #expect(throws: DKIMError.self) { try DKIMKey(pem: pem, domain: "example.com", selector: name) }
    }
}
