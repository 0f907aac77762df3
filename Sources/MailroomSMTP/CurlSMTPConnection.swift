import CCurl
import Logging
import Mailroom

/// One SMTP connection over one libcurl easy handle, reused across messages.
///
/// libcurl keeps the connection in the handle's cache after each successful transaction, so the
/// greeting, EHLO, STARTTLS and AUTH happen once and every further message costs only MAIL, RCPT
/// and DATA. After a failed transaction libcurl closes the connection and the next message opens a
/// new one. Blocking and not thread-safe: the dispatcher uses each connection from one thread at a
/// time, which is why the class is not `Sendable`.
public final class CurlSMTPConnection: MailConnection {
    let settings: SMTPSettings
    let logger: Logger
    /// The easy handle; nil before the first message and after ``close()``.
    var handle: UnsafeMutableRawPointer?
    /// Why the handle could not be set up; reported by every send until `close()`.
    var setupProblem: String?
    /// Read and debug callback state; outlives every transfer of the handle.
    let context = CurlTransferContext()
    /// libcurl writes error text here (CURLOPT_ERRORBUFFER does not copy: it must outlive the handle).
    let errorBuffer: UnsafeMutablePointer<CChar>

    public init(settings: SMTPSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
        errorBuffer.deallocate()
    }

    /// Delivers one message; retries once on a fresh connection when a reused one proves stale.
    public func send(_ message: ComposedMessage, beforeData: () -> Bool) -> DeliveryAttempt {
        // The hook only runs inside this call, during curl_easy_perform; it never outlives it. Its
        // answer stands for the retry on a fresh connection too: a refusal is never asked again.
        withoutActuallyEscaping(beforeData) { beforeData in
            var answer: Bool?
            return send(message) {
                if let answer { return answer }
                let given = beforeData()
                answer = given
                return given
            }
        }
    }

    private func send(_ message: ComposedMessage, announcingData beforeData: @escaping () -> Bool) -> DeliveryAttempt {
        let clock = ContinuousClock()
        let start = clock.now
        if let refusal = Self.envelopeRefusal(message.envelope) {
            logger.warning("refused envelope before the wire", metadata: ["message-id": "\(message.messageID)", "reason": "\(refusal.reason)"])
            return DeliveryAttempt(failure: .local(refusal.reason), reply: nil, stage: refusal.stage,
                                   messageFullySent: false, detail: refusal.reason, duration: clock.now - start)
        }
        guard let handle = openHandle() else {
            let problem = setupProblem ?? "could not create a libcurl handle"
            return DeliveryAttempt(failure: .local(problem), reply: nil, stage: .connect, messageFullySent: false,
                                   detail: problem, duration: clock.now - start)
        }
        var outcome = transfer(message, on: handle, freshConnection: false, beforeData: beforeData)
        var retried = false
        if outcome.looksLikeStaleConnection {
            logger.info("reused SMTP connection was stale; retrying once on a fresh connection",
                        metadata: ["message-id": "\(message.messageID)", "first-outcome": "\(outcome.summary)"])
            outcome = transfer(message, on: handle, freshConnection: true, beforeData: beforeData)
            retried = true
        }
        var attempt = outcome.attempt
        attempt.duration = clock.now - start
        attempt.retriedOnFreshConnection = retried
        logger.debug("SMTP transaction finished", metadata: [
            "message-id": "\(message.messageID)", "outcome": "\(outcome.summary)",
            "new-connections": "\(outcome.newConnections)", "duration": "\(attempt.duration)",
        ])
        if logger.logLevel <= .trace {
            for line in outcome.transcript { logger.trace("\(line)", metadata: ["message-id": "\(message.messageID)"]) }
        }
        return attempt
    }

    /// Says QUIT (libcurl does so on cleanup) and forgets the handle; the next send reconnects.
    public func close() {
        if let handle { curl_easy_cleanup(handle) }
        handle = nil
        setupProblem = nil
    }

    /// Runs one transaction; per-message options are set anew because libcurl keeps the old ones.
    private func transfer(_ message: ComposedMessage, on handle: UnsafeMutableRawPointer, freshConnection: Bool,
                          beforeData: @escaping () -> Bool) -> CurlTransferOutcome {
        context.reset(message: message.bytes, implicitTLS: settings.endpoint.security == .implicitTLS,
                      keepTranscript: logger.logLevel <= .trace, beforeData: beforeData)
        defer { context.finish() }
        errorBuffer[0] = 0
        var recipients: UnsafeMutablePointer<curl_slist>?
        for address in message.envelope.recipients {
            guard let appended = curl_slist_append(recipients, address) else {
                curl_slist_free_all(recipients)
                return .localProblem("out of memory building the recipient list")
            }
            recipients = appended
        }
        // The list is not copied by libcurl: detach it before freeing, after the transfer.
        defer {
            _ = ccurl_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
            curl_slist_free_all(recipients)
        }
        var code = ccurl_easy_setopt_string(handle, CURLOPT_MAIL_FROM, message.envelope.sender)
        if code == CURLE_OK { code = ccurl_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients) }
        if code == CURLE_OK { code = ccurl_easy_setopt_long(handle, CURLOPT_FRESH_CONNECT, freshConnection ? 1 : 0) }
        guard code == CURLE_OK else {
            return .localProblem("setting the envelope failed: \(String(cString: curl_easy_strerror(code)))")
        }
        code = curl_easy_perform(handle)
        var responseCode = 0
        var newConnections = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
        return CurlTransferOutcome(
            code: code, responseCode: responseCode, newConnections: newConnections,
            errorText: String(cString: errorBuffer), stage: context.stage, lastReply: context.lastReply,
            messageExhausted: context.messageExhausted, transcript: context.transcript, abandoned: context.abandoned,
            session: .init(plaintext: settings.endpoint.security == .plaintext, hasCredentials: settings.username != nil,
                           offersAuth: context.offersAuth, offersStartTLS: context.offersStartTLS))
    }
}
