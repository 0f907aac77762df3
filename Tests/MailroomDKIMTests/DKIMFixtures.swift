import Foundation
import Mailroom
import MailroomDKIM
import MailroomTesting

/// Keys made by OpenSSL (not by the code under test), their DNS records derived by OpenSSL too,
/// and the messages of the shipped templates' samples.
enum DKIMFixtures {
    static let domain = "example.com"
    static let templatesDirectory = TestServer.packageRoot.appendingPathComponent("Templates")
    /// 2026-11-28 09:15:00 UTC.
    static let date = Date(timeIntervalSince1970: 1_795_857_300)

    /// A PEM key file written by OpenSSL, mode 600, with its DNS record.
    struct KeyFile: Sendable {
        var path: String
        var selector: String
        var dnsName: String { "\(selector)._domainkey.\(DKIMFixtures.domain)" }
        var dnsRecord: String

        func load() throws -> DKIMKey {
            try DKIMKey.load(file: path, domain: DKIMFixtures.domain, selector: selector)
        }
    }

    struct Keys: Sendable {
        var rsaPKCS1: KeyFile
        var rsaPKCS8: KeyFile
        var ed25519: KeyFile
        var rsa1024: KeyFile
        var directory: URL

        var dns: [String: String] {
            Dictionary(uniqueKeysWithValues: [rsaPKCS1, rsaPKCS8, ed25519].map { ($0.dnsName, $0.dnsRecord) })
        }
    }

    private static let made = Result<Keys, any Error> { try makeKeys() }

    static func keys() throws -> Keys { try made.get() }

    private static func openssl(_ arguments: [String]) throws -> [UInt8] {
        let result = try Shell.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else {
            throw DKIMJudge.Failure(description: "openssl \(arguments.joined(separator: " ")): "
                + String(decoding: result.stderr, as: UTF8.self))
        }
        return result.stdout
    }

    private static func makeKeys() throws -> Keys {
        let directory = try TestServer.makeTemporaryDirectory()
        func key(_ selector: String, _ generate: [String], rawEd25519: Bool = false) throws -> KeyFile {
            let path = directory.appendingPathComponent("\(selector).pem").path
            _ = try openssl(generate + ["-out", path])
            chmod(path, 0o600)
            let spki = try openssl(["pkey", "-in", path, "-pubout", "-outform", "DER"])
            // An Ed25519 SubjectPublicKeyInfo ends with the 32-byte key, which RFC 8463 publishes bare.
            let published = rawEd25519 ? Array(spki.suffix(32)) : spki
            let type = rawEd25519 ? "ed25519" : "rsa"
            return KeyFile(path: path, selector: selector,
                           dnsRecord: "v=DKIM1; k=\(type); p=\(Data(published).base64EncodedString())")
        }
        return Keys(
            rsaPKCS1: try key("rsa1", ["genrsa", "-traditional"]),
            rsaPKCS8: try key("rsa8", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]),
            ed25519: try key("ed", ["genpkey", "-algorithm", "ed25519"], rawEd25519: true),
            rsa1024: try key("weak", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]),
            directory: directory)
    }

    static func factory(signer: DKIMSigner?) throws -> MessageFactory {
        let composer = MessageComposer(
            from: try Mailbox(parsing: "Example Accounts <accounts@example.com>"),
            replyTo: try Mailbox(parsing: "Example Support <support@example.com>"),
            messageIDDomain: "mail.example.com")
        return MessageFactory(catalog: try TemplateCatalog(directory: templatesDirectory), composer: composer,
                              sign: signer?.signing)
    }

    /// The bundled samples: three templates, English and German.
    static func sampleEvents() throws -> [Event] {
        try EventType.allCases.flatMap { type in
            try ["sample.json", "sample.de.json"].map { file in
                let url = templatesDirectory.appendingPathComponent(type.templateName).appendingPathComponent(file)
                var bytes = Array(try Data(contentsOf: url))
                while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
                return try EventDecoder().decode(bytes, lineNumber: 1, source: url.path)
            }
        }
    }

    /// The samples signed by `signer`.
    static func signedSamples(_ signer: DKIMSigner) throws -> [[UInt8]] {
        let factory = try factory(signer: signer)
        return try sampleEvents().map { try factory.make($0, date: date).message.bytes }
    }
}
