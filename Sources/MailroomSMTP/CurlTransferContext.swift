import Mailroom

/// What the C callbacks of one connection read from and write to.
///
/// libcurl calls the read and debug callbacks on the thread inside `curl_easy_perform`, which is
/// the connection's thread, so no locking is needed. One instance lives as long as the easy handle
/// (QUIT at cleanup still produces debug output) and is reset for every message.
final class CurlTransferContext {
    /// The conversation as seen on the wire, secrets redacted, at most ``transcriptLimit`` lines.
    private(set) var transcript: [String] = []
    private(set) var stage: SMTPStage = .connect
    /// The last complete reply the server sent.
    private(set) var lastReply: SMTPReply?
    /// True once the read callback has handed libcurl the last byte of the message.
    private(set) var messageExhausted = false

    private var message: [UInt8] = []
    /// Called once, before the first byte of the message is handed to libcurl.
    private var beforeData: (() -> Void)?
    private var offset = 0
    private var implicitTLS = false
    private var parser = SMTPReplyParser()
    private var awaitingAuthContinuation = false
    /// libcurl says QUIT on its own after a failed transaction: its 221 must not hide the failure.
    private var quitSent = false
    private static let transcriptLimit = 200

    func reset(message: [UInt8], implicitTLS: Bool, beforeData: (() -> Void)?) {
        self.message = message
        self.beforeData = beforeData
        self.offset = 0
        self.implicitTLS = implicitTLS
        messageExhausted = false
        stage = .connect
        lastReply = nil
        transcript = []
        parser.reset()
        awaitingAuthContinuation = false
        quitSent = false
    }

    /// Releases the message bytes once the transfer is over.
    func finish() {
        message = []
        beforeData = nil
    }

    /// Copies the next part of the message into libcurl's buffer; 0 means end of message.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        if let announce = beforeData {
            beforeData = nil
            announce()
        }
        let count = min(capacity, message.count - offset)
        guard count > 0 else {
            messageExhausted = true
            stage = .endOfData
            return 0
        }
        message.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: count)
        }
        offset += count
        return count
    }

    /// Handles one chunk of libcurl's debug stream. Message bodies (DATA_OUT) are never looked at.
    func debug(kind: DebugKind, bytes: UnsafeRawBufferPointer) {
        switch kind {
        case .text:
            let text = String(decoding: bytes, as: UTF8.self)
            if stage == .connect && !implicitTLS && text.hasPrefix("Connected to ") { stage = .greeting }
            if stage == .connect && implicitTLS && text.hasPrefix("SSL connection using") { stage = .greeting }
        case .headerIn:
            for line in Self.lines(bytes) { received(line) }
        case .headerOut:
            for line in Self.lines(bytes) { sent(line) }
        }
    }

    enum DebugKind { case text, headerIn, headerOut }

    private func received(_ line: Substring) {
        if stage == .connect { stage = .greeting }
        guard let reply = parser.consume(line: line) else {
            record("S: \(line)")
            return
        }
        if reply.code == 334 {
            awaitingAuthContinuation = true
            record("S: 334 [redacted]")
        } else {
            record("S: \(line)")
        }
        if !quitSent { lastReply = reply }
    }

    private func sent(_ line: Substring) {
        if awaitingAuthContinuation {
            awaitingAuthContinuation = false
            record("C: [redacted]")
            return
        }
        let verb = line.prefix(while: { $0 != " " && $0 != ":" }).uppercased()
        switch verb {
        case "EHLO", "HELO": stage = .ehlo
        case "STARTTLS": stage = .starttls
        case "AUTH": stage = .auth
        case "MAIL": stage = .mailFrom
        case "RCPT": stage = .rcptTo
        case "DATA": stage = .data
        case "QUIT": quitSent = true  // the stage that failed stays the one reported
        default: break
        }
        if verb == "AUTH" {
            let mechanism = line.split(separator: " ").dropFirst().first ?? ""
            record("C: AUTH \(mechanism) [redacted]")
        } else {
            record("C: \(line)")
        }
    }

    private func record(_ line: String) {
        if transcript.count < Self.transcriptLimit { transcript.append(line) }
    }

    private static func lines(_ bytes: UnsafeRawBufferPointer) -> [Substring] {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" })
    }
}
