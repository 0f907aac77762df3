import ArgumentParser
import Foundation
import Mailroom
import MailroomDKIM
import SystemPackage

struct DKIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim", abstract: "DKIM signing keys.", subcommands: [Keygen.self])

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Write a new DKIM private key (mode 600) and print the DNS TXT record to publish.",
            discussion: """
                Then set dkim.domain, dkim.selector and dkim.private_key_file in the configuration. \
                RFC 8463 suggests signing with both an RSA and an Ed25519 key: run keygen once for each \
                (with two selectors) and list both.
                """)

        enum Algorithm: String, ExpressibleByArgument, CaseIterable {
            case rsa, ed25519
        }

        /// Accepted as by every command (shared/CONTRACT.md); a new key needs no settings.
        @OptionGroup var global: GlobalOptions

        @Option(help: "The selector (s=), e.g. mail2026; the record is SELECTOR._domainkey.DOMAIN.")
        var selector: String

        @Option(help: "The signing domain (d=), e.g. example.com.")
        var domain: String

        @Option(help: "rsa (rsa-sha256, 2048 bits) or ed25519 (ed25519-sha256).")
        var algorithm: Algorithm = .rsa

        @Option(help: "Where to write the key; default SELECTOR.DOMAIN.pem. An existing file is never replaced.")
        var output: String?

        func run() async throws {
            try await Self.reportingFailures {
                let key: DKIMKey
                do {
                    key = try DKIMKey.generate(algorithm == .rsa ? .rsaSHA256 : .ed25519SHA256,
                                               domain: domain, selector: selector)
                } catch {
                    throw Failure.usage("\(error)")
                }
                let path = output ?? "\(selector).\(domain).pem"
                try Self.writeKey(key.pemRepresentation, to: path)
                Terminal.error("wrote the \(key.algorithm.rawValue) key to \(path) (mode 600); publish this record, then "
                               + "set dkim.domain: \(domain), dkim.selector: \(selector), dkim.private_key_file: \(path)")
                Terminal.out(Self.zoneLine(name: key.dnsName, text: key.dnsRecord))
                return ExitStatus.success
            }
        }

        /// Creates the file with mode 600 from the start (never a moment with wider rights), and
        /// only if it does not exist: an existing key may be the one in DNS.
        static func writeKey(_ pem: String, to path: String) throws {
            do {
                let fd = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .exclusiveCreate],
                                                 permissions: [.ownerReadWrite])
                try fd.closeAfter { _ = try fd.writeAll(Array(pem.utf8)) }
            } catch Errno.fileExists {
                throw Failure.usage("\(path) exists; a key is never replaced (it may be the one published): choose --output")
            } catch {
                throw Failure.input("cannot write \(path): \(error)")
            }
        }

        /// A zone file line; TXT strings hold at most 255 characters each (RFC 1035), so a long record
        /// is split into several, which receivers join.
        static func zoneLine(name: String, text: String) -> String {
            var chunks: [String] = []
            var rest = Substring(text)
            while !rest.isEmpty {
                chunks.append("\"\(rest.prefix(250))\"")
                rest = rest.dropFirst(250)
            }
            return "\(name). IN TXT ( \(chunks.joined(separator: " ")) )"
        }
    }
}
