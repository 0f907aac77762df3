import Mailroom
import Testing
@testable import MailroomSMTP

@Suite struct SMTPEndpointTests {
    struct Valid: Sendable, CustomStringConvertible {
        var url: String
        var host: String
        var port: Int
        var security: SMTPEndpoint.Security
        var description: String { url }
    }

    static let valid: [Valid] = [
        Valid(url: "smtps://mail.example.com", host: "mail.example.com", port: 465, security: .implicitTLS),
        Valid(url: "smtps://mail.example.com:2465/", host: "mail.example.com", port: 2465, security: .implicitTLS),
        Valid(url: "smtp://mail.example.com", host: "mail.example.com", port: 587, security: .startTLS),
        Valid(url: "SMTP://relay.example.com:2525", host: "relay.example.com", port: 2525, security: .startTLS),
        Valid(url: "smtp://relay.example.com:25?tls=none", host: "relay.example.com", port: 25, security: .plaintext),
        Valid(url: "smtp://127.0.0.1:2525", host: "127.0.0.1", port: 2525, security: .plaintext),
        Valid(url: "smtp://127.9.8.7", host: "127.9.8.7", port: 587, security: .plaintext),
        Valid(url: "smtp://localhost:25", host: "localhost", port: 25, security: .plaintext),
        Valid(url: "smtp://[::1]:2525", host: "::1", port: 2525, security: .plaintext),
        Valid(url: "smtp://127.0.0.1:2525?tls=starttls", host: "127.0.0.1", port: 2525, security: .startTLS),
        Valid(url: "smtp://[2001:db8::25]:587", host: "2001:db8::25", port: 587, security: .startTLS),
        Valid(url: "smtp://128.0.0.1", host: "128.0.0.1", port: 587, security: .startTLS),
    ]

    @Test(arguments: valid)
    func parsesValidURL(_ row: Valid) throws {
        let endpoint = try SMTPEndpoint(url: row.url)
        #expect(endpoint.host == row.host)
        #expect(endpoint.port == row.port)
        #expect(endpoint.security == row.security)
    }

    static let invalid: [(String, SMTPConfigurationError.Code)] = [
        ("mail.example.com", .invalidURL),
        ("http://mail.example.com", .unsupportedScheme),
        ("smtp+tls://mail.example.com", .unsupportedScheme),
        ("smtp://", .invalidURL),
        ("smtp://mail example.com", .invalidURL),
        ("smtp://mail.example.com:0", .invalidPort),
        ("smtp://mail.example.com:65536", .invalidPort),
        ("smtp://mail.example.com:", .invalidPort),
        ("smtp://mail.example.com:25x", .invalidPort),
        ("smtp://mail.example.com?tls=try", .invalidParameter),
        ("smtp://mail.example.com?tls=starttls&tls=none", .invalidParameter),
        ("smtp://mail.example.com?verify=no", .invalidParameter),
        ("smtps://mail.example.com?tls=none", .invalidParameter),
        ("smtp://user:secret@mail.example.com", .credentialsInURL),
        ("smtp://mail.example.com/path", .invalidURL),
        ("smtp://mail.example.com#frag", .invalidURL),
        ("smtp://[::1", .invalidURL),
        ("smtp://[not-ipv6]:25", .invalidURL),
        ("smtps://mail.example.com:587", .portMismatch),
        ("smtps://mail.example.com:25", .portMismatch),
        ("smtp://mail.example.com:465", .portMismatch),
    ]

    @Test(arguments: invalid)
    func refusesInvalidURL(_ url: String, _ code: SMTPConfigurationError.Code) {
        #expect {
            _ = try SMTPEndpoint(url: url)
        } throws: { error in
            (error as? SMTPConfigurationError)?.code == code
        }
    }

    @Test func credentialsInClearToARemoteHostAreRefused() throws {
        let endpoint = try SMTPEndpoint(url: "smtp://relay.example.com:25?tls=none")
        #expect(throws: SMTPConfigurationError.self) {
            _ = try SMTPSettings(endpoint: endpoint, username: "u", password: "p")
        }
        let loopback = try SMTPEndpoint(url: "smtp://127.0.0.1:25")
        let settings = try SMTPSettings(endpoint: loopback, username: "u", password: "p")
        #expect(settings.username == "u")
        _ = try SMTPSettings(endpoint: endpoint)  // no credentials: explicit plain is allowed
    }

    @Test func settingsNeverShowThePassword() throws {
        let password = "hunter2-\(UInt64.random(in: 0...UInt64.max))"
        let settings = try SMTPSettings(endpoint: SMTPEndpoint(url: "smtps://mail.example.com"), username: "ada", password: password)
        var dumped = ""
        dump(settings, to: &dumped)
        for text in [settings.description, settings.debugDescription, "\(settings)", String(reflecting: settings), dumped] {
            #expect(!text.contains(password))
            #expect(text.contains("ada"))
        }
    }

    @Test func curlURLCarriesTheHeloNameAndBracketsIPv6() throws {
        #expect(try SMTPEndpoint(url: "smtp://[::1]:2525").curlURL(heloName: "client.test") == "smtp://[::1]:2525/client.test")
        #expect(try SMTPEndpoint(url: "smtps://mail.example.com").curlURL(heloName: nil) == "smtps://mail.example.com:465/")
    }
}
