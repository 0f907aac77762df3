import Foundation

// libFuzzer target for the MIME writer, compiled together with Sources/Mailroom/MIME and
// Addressing and the independent decoders of Tests/MailroomTests/Support (see Fuzz/run.sh).
//
// The input is split at 0xFF bytes (never valid UTF-8, so never part of a field) into subject,
// display name, text, HTML, event id and locale. Properties:
//  - compose refuses only a control character in a header value (subject, name, event id) or
//    an invalid locale, and then says which;
//  - otherwise the message is 7-bit, CRLF only, no line over 998 octets, ends in CRLF;
//  - the header set is exactly the expected one (no header created from data), the parts have
//    exactly Content-Type and Content-Transfer-Encoding, the boundary occurs only as delimiter;
//  - parsed back by the independent decoders, Subject, display name, text and HTML are the
//    input (line ends normalised), and the envelope is the recipient alone.

@_cdecl("LLVMFuzzerTestOneInput")
public func messageComposingFuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    check(bytes)
    return 0
}

func violated(_ what: String, _ bytes: [UInt8]) -> Never {
    let excerpt = bytes.prefix(300).map { String(format: "%02x", $0) }.joined()
    FileHandle.standardError.write(Data("INVARIANT VIOLATED: \(what)\ninput (hex, first 300 bytes): \(excerpt)\n".utf8))
    abort()
}

let sender: Mailbox = {
    guard let mailbox = try? Mailbox(parsing: "Example Accounts <accounts@example.com>") else { fatalError("sender") }
    return mailbox
}()
let composer = MessageComposer(from: sender, replyTo: nil, messageIDDomain: "mail.example.com")
let expectedHeaders = ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type", "Content-Language", "Auto-Submitted"]

func hasForbidden(_ text: String) -> Bool { text.unicodeScalars.contains(where: SafeText.isForbiddenInLine) }

func check(_ bytes: [UInt8]) {
    var fields = bytes.split(separator: 0xFF, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    while fields.count < 6 { fields.append("") }
    let (subject, name, text, html) = (fields[0], fields[1], fields[2], fields[3])
    let eventID = fields[4].isEmpty ? "evt_1" : fields[4]
    let locale = fields[5].isEmpty ? "en" : fields[5]
    let email = RenderedEmail(templateName: "closure-confirmation", locale: locale, subject: subject, text: text, html: html)
    let message: ComposedMessage
    do {
        let to = try Mailbox(address: "ada@example.com", displayName: name)
        message = try composer.compose(email, eventID: eventID, to: to, date: Date(timeIntervalSince1970: 1_764_321_300))
    } catch {
        switch error.code {
        case .controlCharacter where hasForbidden(subject) || hasForbidden(name) || hasForbidden(eventID) || hasForbidden(locale):
            return
        case .invalidLocale:
            if (try? composer.contentLanguage(locale)) != nil { violated("refused a valid locale", bytes) }
            return
        default:
            violated("refused without reason: \(error)", bytes)
        }
    }
    if hasForbidden(subject) || hasForbidden(name) || hasForbidden(eventID) {
        violated("accepted a control character in a header value", bytes)
    }
    let wire = MIMEWire.problems(message.bytes)
    if !wire.isEmpty { violated("wire problems: \(wire.prefix(3))", bytes) }
    let headers = MIMEWire.headers(message.bytes)
    if headers.map(\.name) != expectedHeaders { violated("headers \(headers.map(\.name))", bytes) }
    if message.envelope.recipients != ["ada@example.com"] || message.envelope.sender != "accounts@example.com" {
        violated("envelope \(message.envelope)", bytes)
    }
    guard let subjectValue = headers.first(where: { $0.name == "Subject" })?.value,
          MIMEWire.subject(subjectValue) == subject
    else { violated("Subject does not read back", bytes) }
    guard let toValue = headers.first(where: { $0.name == "To" })?.value else { violated("no To", bytes) }
    let readName = name.isEmpty ? toValue == "ada@example.com" : MIMEWire.displayName(inMailbox: toValue) == name
    if !readName { violated("To does not read back: \(toValue.prefix(200))", bytes) }
    guard let messageID = headers.first(where: { $0.name == "Message-ID" })?.value, messageID == message.messageID,
          messageID.hasPrefix("<"), messageID.hasSuffix("@mail.example.com>"),
          !messageID.contains(" "), messageID.filter({ $0 == "@" }).count == 1
    else { violated("Message-ID", bytes) }
    checkParts(message.bytes, headers: headers, text: text, html: html, input: bytes)
}

func checkParts(_ message: [UInt8], headers: [(name: String, value: String)], text: String, html: String, input: [UInt8]) {
    guard let contentType = headers.first(where: { $0.name == "Content-Type" })?.value,
          let boundary = contentType.components(separatedBy: "boundary=\"").last.map({ String($0.dropLast()) })
    else { violated("no boundary", input) }
    let lines = MIMEWire.lines(message)
    let delimiters = lines.indices.filter { lines[$0].hasPrefix("--" + boundary) }
    if delimiters.map({ lines[$0] }) != ["--" + boundary, "--" + boundary, "--" + boundary + "--"] || lines.last != "--" + boundary + "--" {
        violated("boundary lines \(delimiters.count)", input)
    }
    for (index, expected) in [(0, text), (1, html)] {
        let partLines = Array(lines[(delimiters[index] + 1)..<delimiters[index + 1]])
        guard let blank = partLines.firstIndex(of: "") else { violated("part without a body", input) }
        let partHeaders = partLines[..<blank]
        let names = partHeaders.map { String($0.prefix { $0 != ":" }) }
        if names != ["Content-Type", "Content-Transfer-Encoding"] { violated("part headers \(names)", input) }
        let encoding = partHeaders.last.map { $0.dropFirst("Content-Transfer-Encoding: ".count).lowercased() } ?? ""
        let body = Array(partLines[(blank + 1)...].joined(separator: "\r\n").utf8)
        var decoded: [UInt8]?
        if encoding == "quoted-printable" {
            decoded = MIMEDecoders.quotedPrintable(body)
        } else if encoding == "base64" {
            decoded = Data(base64Encoded: String(decoding: body.filter { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)).map(Array.init)
        } else {
            violated("transfer encoding \(encoding)", input)
        }
        guard let decoded, let readBack = String(validating: decoded, as: UTF8.self) else {
            violated("part \(index) does not decode", input)
        }
        if MIMEWire.lineFeeds(readBack) != MIMEWire.lineFeeds(expected) {
            violated("part \(index) reads back differently", input)
        }
    }
}
