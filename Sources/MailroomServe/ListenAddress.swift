/// Where `serve` listens: `HOST:PORT`, the host a name or an address (`[::1]:8025` for IPv6).
package struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    package let host: String
    /// 0 lets the system choose a free port (the one chosen is logged).
    package let port: Int

    package init?(parsing text: String) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            if host.contains(":") { return nil }
        }
        guard !host.isEmpty, !port.isEmpty, port.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let number = Int(port), number <= 65535 else { return nil }
        self.host = String(host)
        self.port = number
    }

    /// True for addresses no other host can reach: 127.0.0.0/8, `::1` and `localhost`.
    package var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
