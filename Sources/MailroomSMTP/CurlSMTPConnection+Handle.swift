import CCurl
#if canImport(Glibc)
import Glibc
#endif
import Mailroom

extension CurlSMTPConnection {
    /// The easy handle, created and configured on first use; nil (with ``setupProblem``) on failure.
    func openHandle() -> UnsafeMutableRawPointer? {
        if let handle { return handle }
        if let problem = CurlGlobal.initializationProblem {
            setupProblem = problem
            return nil
        }
        guard let created = curl_easy_init() else {
            setupProblem = "curl_easy_init failed"
            return nil
        }
        if let problem = configure(created) {
            curl_easy_cleanup(created)
            setupProblem = problem
            return nil
        }
        handle = created
        return created
    }

    /// Sets the options that stay the same for every message; returns what failed, if anything.
    private func configure(_ handle: UnsafeMutableRawPointer) -> String? {
        let endpoint = settings.endpoint
        var longs: [(String, CURLoption, Int)] = [
            ("NOSIGNAL", CURLOPT_NOSIGNAL, 1),
            ("UPLOAD", CURLOPT_UPLOAD, 1),
            ("VERBOSE", CURLOPT_VERBOSE, 1),
            ("USE_SSL", CURLOPT_USE_SSL, Int(endpoint.security == .plaintext ? CURLUSESSL_NONE.rawValue : CURLUSESSL_ALL.rawValue)),
            ("SSL_VERIFYPEER", CURLOPT_SSL_VERIFYPEER, 1),
            ("SSL_VERIFYHOST", CURLOPT_SSL_VERIFYHOST, 2),
            ("CONNECTTIMEOUT_MS", CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(settings.connectTimeout)),
            ("SERVER_RESPONSE_TIMEOUT", CURLOPT_SERVER_RESPONSE_TIMEOUT, Self.wholeSeconds(settings.replyTimeout)),
            ("MAXAGE_CONN", CURLOPT_MAXAGE_CONN, Self.wholeSeconds(settings.maxConnectionAge)),
            ("TCP_KEEPALIVE", CURLOPT_TCP_KEEPALIVE, 1),
        ]
        if let transferTimeout = settings.transferTimeout {
            longs.append(("TIMEOUT_MS", CURLOPT_TIMEOUT_MS, Self.milliseconds(transferTimeout)))
        }
        for (name, option, value) in longs {
            let code = ccurl_easy_setopt_long(handle, option, value)
            if code != CURLE_OK { return Self.optionProblem(name, code) }
        }
        var strings: [(String, CURLoption, String)] = [
            ("URL", CURLOPT_URL, endpoint.curlURL(heloName: settings.heloName)),
            ("PROTOCOLS_STR", CURLOPT_PROTOCOLS_STR, "smtp,smtps"),
        ]
        if let caFile = settings.caFile { strings.append(("CAINFO", CURLOPT_CAINFO, caFile)) }
        if let username = settings.username { strings.append(("USERNAME", CURLOPT_USERNAME, username)) }
        if let password = settings.password { strings.append(("PASSWORD", CURLOPT_PASSWORD, password)) }
        for (name, option, value) in strings {
            let code = ccurl_easy_setopt_string(handle, option, value)
            if code != CURLE_OK { return Self.optionProblem(name, code) }
        }
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        let results = [
            ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            ccurl_easy_setopt_pointer(handle, CURLOPT_READDATA, contextPointer),
            ccurl_easy_setopt_pointer(handle, CURLOPT_DEBUGDATA, contextPointer),
            ccurl_easy_setopt_read_function(handle) { buffer, size, count, userdata in
                guard let buffer, let userdata else { return ccurl_read_abort() }
                let context = Unmanaged<CurlTransferContext>.fromOpaque(userdata).takeUnretainedValue()
                return context.read(into: buffer, capacity: size * count)
            },
            ccurl_easy_setopt_pointer(handle, CURLOPT_SOCKOPTDATA, contextPointer),
            ccurl_easy_setopt_sockopt_function(handle) { userdata, socket, _ in
                if let userdata { Unmanaged<CurlTransferContext>.fromOpaque(userdata).takeUnretainedValue().socket = socket }
                return Int32(CURL_SOCKOPT_OK)
            },
            ccurl_easy_setopt_debug_function(handle) { _, type, data, size, userdata in
                guard let data, let userdata else { return 0 }
                let kind: CurlTransferContext.DebugKind
                switch type {
                case CURLINFO_TEXT: kind = .text
                case CURLINFO_HEADER_IN: kind = .headerIn
                case CURLINFO_HEADER_OUT: kind = .headerOut
                default: return 0  // DATA_OUT is the message body: never kept, never logged.
                }
                let context = Unmanaged<CurlTransferContext>.fromOpaque(userdata).takeUnretainedValue()
                context.debug(kind: kind, bytes: UnsafeRawBufferPointer(start: data, count: size))
                if context.abandonConnection {
                    // The QUIT is written (libcurl reports a command after sending it); its reply is
                    // not worth a reply timeout. Shutting the socket makes the wait end at once.
                    context.abandonConnection = false
                    if context.socket >= 0 { _ = shutdown(context.socket, Int32(SHUT_RDWR)) }
                }
                return 0
            },
        ]
        if let failed = results.first(where: { $0 != CURLE_OK }) { return Self.optionProblem("callbacks", failed) }
        return nil
    }

    private static func optionProblem(_ name: String, _ code: CURLcode) -> String {
        "libcurl refused CURLOPT_\(name): \(String(cString: curl_easy_strerror(code))) (\(code.rawValue))"
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// libcurl 7.88.1 takes these in whole seconds; round up so a short timeout never becomes 0 (= default).
    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }

    /// Why an envelope must not reach libcurl, which writes addresses verbatim after `MAIL FROM:<`.
    static func envelopeRefusal(_ envelope: Envelope) -> (stage: SMTPStage, reason: String)? {
        if let problem = addressProblem(envelope.sender) {
            return (.mailFrom, "refused envelope sender '\(printable(envelope.sender))': \(problem)")
        }
        if envelope.recipients.isEmpty { return (.rcptTo, "refused envelope: no recipients") }
        for recipient in envelope.recipients {
            if let problem = addressProblem(recipient) {
                return (.rcptTo, "refused envelope recipient '\(printable(recipient))': \(problem)")
            }
        }
        return nil
    }

    private static func addressProblem(_ address: String) -> String? {
        if address.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "control characters (CR, LF, ...) would inject SMTP commands"
        }
        if address.utf8.contains(UInt8(ascii: "<")) || address.utf8.contains(UInt8(ascii: ">")) {
            return "angle brackets are not part of an address"
        }
        return AddressSpec.problem(with: address)
    }

    /// The address with control characters shown as escapes, so a refusal cannot inject log lines.
    private static func printable(_ address: String) -> String {
        String(address.unicodeScalars.prefix(300).map { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? scalar.escaped(asASCII: true) : String(scalar)
        }.joined())
    }
}
