import Mailroom
@testable import MailroomServe
import Testing

@Suite("serve: listen addresses, the bearer token, request bodies")
struct ServeUnitTests {
    @Test("HOST:PORT and [v6]:PORT parse; loopback is 127/8, ::1 and localhost only",
          arguments: [
              ("127.0.0.1:8025", "127.0.0.1", 8025, true), ("127.1.2.3:0", "127.1.2.3", 0, true),
              ("localhost:80", "localhost", 80, true), ("[::1]:8025", "::1", 8025, true),
              ("0.0.0.0:8025", "0.0.0.0", 8025, false), ("10.0.0.1:1", "10.0.0.1", 1, false),
              ("[::]:8025", "::", 8025, false), ("mail.example.com:25", "mail.example.com", 25, false),
              ("127.0.0.1.evil.com:80", "127.0.0.1.evil.com", 80, false),
          ])
    func listenAddress(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try #require(ListenAddress(parsing: text))
        #expect(address.host == host && address.port == port)
        #expect(address.isLoopback == loopback)
        #expect(ListenAddress(parsing: address.description) == address)
    }

    @Test("malformed listen addresses are refused", arguments: ["", "8025", ":8025", "127.0.0.1:", "127.0.0.1:65536",
                                                               "127.0.0.1:-1", "::1:8025", "[::1]8025", "host:80a"])
    func badListenAddress(text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }

    @Test("the token is accepted only exactly, after the Bearer scheme (any case)")
    func bearerToken() throws {
        let token = try #require(BearerToken("abc123"))
        #expect(token.accepts("Bearer abc123"))
        #expect(token.accepts("bearer abc123"))
        for header in [nil, "", "Bearer", "Bearer ", "Bearer abc12", "Bearer abc1234", "Bearer abc124", "Basic abc123",
                       "abc123", "Bearer  abc123"] as [String?] {
            #expect(!token.accepts(header), "\(header ?? "nil")")
        }
        #expect(!"\(token)".contains("abc123"))
        #expect(BearerToken("") == nil)
    }

    @Test("NDJSON bodies split like the stream reader: numbered lines, blanks skipped, CRLF, overlong lines")
    func bodyLines() {
        let body = Array("{\"a\":1}\r\n\n  \t\n{\"b\":2}\n0123456789\n{\"c\":3}".utf8)
        let lines = RequestBodyLines.split(body, maxLineLength: 8)
        #expect(lines == [
            .line(number: 1, bytes: Array("{\"a\":1}".utf8)), .line(number: 4, bytes: Array("{\"b\":2}".utf8)),
            .overlong(number: 5, length: 10), .line(number: 6, bytes: Array("{\"c\":3}".utf8)),
        ])
        #expect(RequestBodyLines.split([]).isEmpty)
    }

    @Test("smtp.rate_limit: N/s, N/m, N/h, N/d", arguments: [("14/s", 14, 1), ("600/m", 600, 60), ("3600/h", 3600, 3600), ("1/d", 1, 86_400)])
    func rateLimit(text: String, count: Int, seconds: Int) throws {
        let limit = try #require(RateLimit(parsing: text))
        #expect(limit.count == count && limit.period == .seconds(seconds))
        #expect(limit.description == text)
        #expect(limit.interval == .seconds(seconds) / count)
    }

    @Test("malformed rate limits are refused", arguments: ["", "14", "14/", "/s", "0/s", "-1/s", "1.5/s", "14/sec", "14/s/s", "x/s"])
    func badRateLimit(text: String) {
        #expect(RateLimit(parsing: text) == nil)
    }
}
