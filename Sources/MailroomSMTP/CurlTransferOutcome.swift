import CCurl
import Mailroom

/// What one `curl_easy_perform` observed, before it becomes a ``DeliveryAttempt``.
///
/// The mapping reports what happened and nothing more: whether a failure is worth retrying is
/// decided in the core, from the ``TransportFailure`` and the reply together.
struct CurlTransferOutcome {
    var code: CURLcode
    /// CURLINFO_RESPONSE_CODE: the last reply code libcurl saw. Stale beside an error unless >= 400.
    var responseCode: Int
    /// CURLINFO_NUM_CONNECTS: 0 means the transaction ran on a connection kept from before.
    var newConnections: Int
    var errorText: String
    var stage: SMTPStage
    var lastReply: SMTPReply?
    var messageExhausted: Bool
    var transcript: [String]
    /// The caller gave the transaction up before the message data (see ``CurlTransferContext``).
    var abandoned = false
    /// A failure found before calling libcurl.
    var localProblem: String?
    /// What is known about the session, to tell a refusal every message would get.
    var session = Session()

    struct Session {
        /// No TLS on this connection (the URL says so).
        var plaintext = false
        var hasCredentials = false
        /// From the server's EHLO reply.
        var offersAuth = false
        var offersStartTLS = false
    }

    static func localProblem(_ problem: String) -> CurlTransferOutcome {
        CurlTransferOutcome(code: CURLE_FAILED_INIT, responseCode: 0, newConnections: 0, errorText: problem, stage: .connect,
                            lastReply: nil, messageExhausted: false, transcript: [], localProblem: problem)
    }

    /// The reply that explains a failure: a complete 4xx/5xx reply from the debug stream, else
    /// the bare code from CURLINFO_RESPONSE_CODE when that is >= 400.
    var failingReply: SMTPReply? {
        if let lastReply, lastReply.code >= 400 { return lastReply }
        if responseCode >= 400 { return SMTPReply(code: responseCode, text: "") }
        return nil
    }

    /// True once the read callback reached the end and libcurl went on to write the final dot.
    /// A send error at that point means the dot (or the last chunk) never made it to the socket.
    var messageFullySent: Bool {
        messageExhausted && !(code == CURLE_SEND_ERROR && failingReply == nil)
    }

    /// A failure on a reused connection before the message went out that a dropped connection
    /// explains: the server's 421 (it is closing), or a connection that died without a reply.
    var looksLikeStaleConnection: Bool {
        guard code != CURLE_OK, localProblem == nil, newConnections == 0, !messageExhausted else { return false }
        if let reply = failingReply { return reply.code == 421 }
        return [CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR].contains(code)
    }

    var attempt: DeliveryAttempt {
        if let localProblem {
            return DeliveryAttempt(failure: .local(localProblem), reply: nil, stage: stage, messageFullySent: false, detail: localProblem)
        }
        if code == CURLE_OK {
            let reply = lastReply.flatMap { (200..<300).contains($0.code) ? $0 : nil } ?? SMTPReply(code: 250, text: "")
            return DeliveryAttempt(failure: nil, reply: reply, stage: .endOfData, messageFullySent: true, detail: "")
        }
        let reply = failingReply
        let fullySent = messageFullySent
        let stage: SMTPStage = messageExhausted && !fullySent ? .data : stage
        return DeliveryAttempt(failure: failure(reply: reply), reply: reply, stage: stage, messageFullySent: fullySent, detail: detail)
    }

    /// libcurl's own words: the error buffer, which is empty for some failures (a rejection after
    /// DATA, AUTH 535), then the generic text for the code. Never contains the password: the URL
    /// holds none and AUTH exchanges are not quoted by libcurl.
    var detail: String {
        let generic = String(cString: curl_easy_strerror(code))
        let text = errorText.isEmpty ? generic : errorText
        return "\(text) (libcurl \(code.rawValue))"
    }

    var summary: String {
        let reply = failingReply.map { ", reply \($0)" } ?? ""
        return code == CURLE_OK ? "sent (\(lastReply.map { "\($0)" } ?? "250"))" : "\(detail) at \(stage.rawValue)\(reply)"
    }

    /// A refusal of MAIL or RCPT that says the session, not the message, is wrong: authentication
    /// required (530, or a 5.7.x security refusal when AUTH was offered and we have no
    /// credentials) or TLS required on a plain connection.
    private func refusal(_ reply: SMTPReply) -> TransportFailure {
        let policy = reply.code == 530 || reply.enhancedCode?.hasPrefix("5.7.") == true
        guard policy, stage == .mailFrom || stage == .rcptTo else { return .rejected }
        if session.plaintext && (reply.text.uppercased().contains("TLS") || (reply.code == 530 && session.offersStartTLS)) {
            return .encryptionRequired
        }
        if !session.hasCredentials && session.offersAuth { return .authenticationRequired }
        return .rejected
    }

    private func failure(reply: SMTPReply?) -> TransportFailure {
        switch code {
        case CURLE_ABORTED_BY_CALLBACK where abandoned: return .abandoned
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .couldNotResolveHost
        case CURLE_COULDNT_CONNECT: return .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT: return .timedOut
        case CURLE_LOGIN_DENIED: return .loginDenied
        case CURLE_USE_SSL_FAILED: return .startTLSUnavailable
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return .tlsNotTrusted
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_SHUTDOWN_FAILED:
            return .tlsHandshakeFailed
        // Both mean "the server said no" when a 4xx/5xx reply was read, else a broken conversation.
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            return reply.map(refusal) ?? .connectionLost
        case CURLE_WEIRD_SERVER_REPLY:
            return reply.map(refusal) ?? .protocolViolation
        case CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE:
            return .tlsSetupFailed
        default:
            return .local(detail)
        }
    }
}
