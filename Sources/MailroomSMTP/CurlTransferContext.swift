import CCurl
import Mailroom

/// What the C callbacks of one connection read from and write to.
///
/// libcurl calls the read and debug callbacks on the thread inside `curl_easy_perform`, which is
/// the connection's thread, so no locking is needed. One instance lives as long as the easy handle
/// (QUIT at cleanup still produces debug output) and is reset for every message.
final class CurlTransferContext {
    /// The conversation as seen on the wire, secrets redacted, at most ``transcriptLimit`` lines;
    /// kept only when asked for (trace logging), since it costs a few strings per command.
    private(set) var transcript: [String] = []
    private var keepsTranscript = false
    private(set) var stage: SMTPStage = .connect
    /// The last complete reply the server sent.
    private(set) var lastReply: SMTPReply?
    /// True once the read callback has handed libcurl the last byte of the message.
    private(set) var messageExhausted = false
    /// What the server's last EHLO reply offered. Kept across transfers: a reused connection
    /// does not say EHLO again.
    private(set) var offersAuth = false
    private(set) var offersStartTLS = false

    private var message: [UInt8] = []
    /// Called once, before the first byte of the message is handed to libcurl; false gives the
    /// transaction up there.
    private var beforeData: (() -> Bool)?
    /// True when `beforeData` gave the transaction up: libcurl reports an abort by callback.
    private(set) var abandoned = false
    private var offset = 0
    private var implicitTLS = false
    private var parser = SMTPReplyParser()
    private var awaitingAuthContinuation = false
    /// libcurl says QUIT on its own after a failed transaction: its 221 must not hide the failure.
    private var quitSent = false
    /// True during a transfer: a QUIT then ends a failed transaction, on a connection libcurl is
    /// about to drop.
    private var inTransfer = false
    /// Set when that QUIT was written: the caller shuts the socket, so that libcurl does not wait
    /// a whole reply timeout more for the 221 of a relay that stalled or is gone.
    var abandonConnection = false
    /// The socket of the connection libcurl opened last (CURLOPT_SOCKOPTFUNCTION); -1 before one.
    /// CURLINFO_ACTIVESOCKET no longer names a connection that is being closed.
    var socket: Int32 = -1
    private static let transcriptLimit = 200

    func reset(message: [UInt8], implicitTLS: Bool, keepTranscript: Bool, beforeData: (() -> Bool)?) {
        self.message = message
        self.keepsTranscript = keepTranscript
        self.beforeData = beforeData
        self.offset = 0
        self.implicitTLS = implicitTLS
        messageExhausted = false
        abandoned = false
        stage = .connect
        lastReply = nil
        transcript = []
        parser.reset()
        awaitingAuthContinuation = false
        quitSent = false
        inTransfer = true
        abandonConnection = false
    }

    /// Releases the message bytes once the transfer is over.
    func finish() {
        message = []
        beforeData = nil
        inTransfer = false
        abandonConnection = false
    }

    /// Copies the next part of the message into libcurl's buffer; 0 means end of message.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        if let announce = beforeData {
            beforeData = nil
            guard announce() else {
                abandoned = true
                return ccurl_read_abort()
            }
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
            guard stage == .connect else { return }
            let text = String(decoding: bytes, as: UTF8.self)
            if !implicitTLS && text.hasPrefix("Connected to ") { stage = .greeting }
            if implicitTLS && text.hasPrefix("SSL connection using") { stage = .greeting }
        case .headerIn:
            for line in Self.lines(bytes) { received(line) }
        case .headerOut:
            for line in Self.lines(bytes) { sent(line) }
        }
    }

    enum DebugKind { case text, headerIn, headerOut }

    private func received(_ line: Substring) {
        if stage == .connect { stage = .greeting }
        if stage == .ehlo, line.hasPrefix("250"), line.count > 4 {
            let keyword = line.dropFirst(4).prefix { $0 != " " && $0 != "=" }.uppercased()
            if keyword == "AUTH" { offersAuth = true }
            if keyword == "STARTTLS" { offersStartTLS = true }
        }
        guard let reply = parser.consume(line: line) else {
            if keepsTranscript { record("S: \(line)") }
            return
        }
        if reply.code == 334 {
            awaitingAuthContinuation = true
            if keepsTranscript { record("S: 334 [redacted]") }
        } else if keepsTranscript {
            record("S: \(line)")
        }
        if !quitSent { lastReply = reply }
    }

    private func sent(_ line: Substring) {
        if awaitingAuthContinuation {
            awaitingAuthContinuation = false
            if keepsTranscript { record("C: [redacted]") }
            return
        }
        let verb = line.utf8.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: ":") }
        func named(_ name: StaticString) -> Bool {
            // ASCII letters only, so OR-ing 0x20 compares them case-insensitively.
            verb.count == name.utf8CodeUnitCount && name.withUTF8Buffer { zip(verb, $0).allSatisfy { $0 | 0x20 == $1 | 0x20 } }
        }
        if named("EHLO") || named("HELO") {
            stage = .ehlo
            offersAuth = false
            offersStartTLS = false
        } else if named("STARTTLS") {
            stage = .starttls
        } else if named("AUTH") {
            stage = .auth
        } else if named("MAIL") {
            stage = .mailFrom
        } else if named("RCPT") {
            stage = .rcptTo
        } else if named("DATA") {
            stage = .data
        } else if named("QUIT") {
            quitSent = true  // the stage that failed stays the one reported
            abandonConnection = inTransfer
        }
        guard keepsTranscript else { return }
        if named("AUTH") {
            let mechanism = line.split(separator: " ").dropFirst().first ?? ""
            record("C: AUTH \(mechanism) [redacted]")
        } else {
            record("C: \(line)")
        }
    }

    private func record(_ line: String) {
        if transcript.count < Self.transcriptLimit { transcript.append(line) }
    }

    /// The non-empty lines of a chunk, split at CR and LF bytes (not Characters: grapheme
    /// breaking cost more than the rest of the reply handling).
    private static func lines(_ bytes: UnsafeRawBufferPointer) -> [Substring] {
        let text = String(decoding: bytes, as: UTF8.self)
        let utf8 = text.utf8
        var lines: [Substring] = []
        var start = utf8.startIndex
        var index = start
        while index < utf8.endIndex {
            let byte = utf8[index]
            let next = utf8.index(after: index)
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                if start < index { lines.append(text[start..<index]) }
                start = next
            }
            index = next
        }
        if start < utf8.endIndex { lines.append(text[start...]) }
        return lines
    }
}
