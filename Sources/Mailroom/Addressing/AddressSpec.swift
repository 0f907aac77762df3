/// Syntax checks for the ASCII addr-spec (`local@domain`) used in headers and the SMTP envelope.
///
/// Deliberately narrower than RFC 5322: dot-atom local parts only (no quoted strings, no
/// comments), a domain of LDH labels (IDNA as A-labels) or nothing else, and the length limits
/// of RFC 5321 (local part <= 64, domain <= 255, whole path <= 254 octets). Anything accepted
/// here is safe to write after `MAIL FROM:<` / `RCPT TO:<` and inside a header.
package enum AddressSpec {
    /// Nil when `address` is acceptable, else what is wrong with it, in words for an error message.
    package static func problem(with address: String) -> String? {
        if isValid(address) { return nil }
        let bytes = Array(address.utf8)
        if bytes.isEmpty { return "expected an email address, found an empty string" }
        if bytes.count > 254 { return "expected an email address of at most 254 octets, found \(bytes.count)" }
        if bytes.contains(where: { $0 >= 0x80 }) {
            return "expected an ASCII address (IDNA domains as A-labels, xn--...)"
        }
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return "control characters (CR, LF, NUL, ...) are not allowed in an address"
        }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else {
            return "expected local@domain, found no @"
        }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        if local.isEmpty { return "the part before @ is empty" }
        if local.count > 64 { return "the part before @ is longer than 64 octets" }
        if let problem = localPartProblem(local) { return problem }
        return domainProblem(domain)
    }

    /// The same rules as ``problem(with:)`` in one pass over the bytes, without allocating: every
    /// message's recipient goes through here, and the words of a refusal are only needed when refusing.
    package static func isValid(_ address: String) -> Bool {
        address.withUTF8Bytes(isValid)
    }

    private static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        // Local part: dot-separated non-empty runs of atext, at most 64 octets.
        guard at > 0, at <= 64 else { return false }
        var previousWasDot = true
        for index in 0..<at {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                if previousWasDot { return false }
                previousWasDot = true
            } else if isAtext(byte) {
                previousWasDot = false
            } else {
                return false
            }
        }
        if previousWasDot { return false }
        // Domain: at least two labels of 1-63 letters, digits and inner hyphens, at most 253 octets.
        let domainCount = bytes.count - at - 1
        guard domainCount > 0, domainCount <= 253 else { return false }
        var labels = 0
        var labelStart = at + 1
        for index in (at + 1)...bytes.count {
            if index < bytes.count && bytes[index] != UInt8(ascii: ".") {
                if !isLetterDigitHyphen(bytes[index]) { return false }
                continue
            }
            let length = index - labelStart
            guard length > 0, length <= 63, bytes[labelStart] != 0x2D, bytes[index - 1] != 0x2D else { return false }
            labels += 1
            labelStart = index + 1
        }
        return labels >= 2
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    @inline(__always)
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2F, 0x3D, 0x3F, 0x5E...0x60, 0x7B...0x7E: true
        default: false
        }
    }

    @inline(__always)
    private static func isLetterDigitHyphen(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D
    }

    private static let atext: Set<UInt8> = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".utf8)

    private static func localPartProblem(_ local: ArraySlice<UInt8>) -> String? {
        let atoms = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if atoms.contains(where: \.isEmpty) { return "the part before @ has an empty dot-separated piece" }
        for atom in atoms where !atom.allSatisfy({ atext.contains($0) }) {
            return "the part before @ may only hold letters, digits and !#$%&'*+-/=?^_`{|}~ between dots"
        }
        return nil
    }

    private static func domainProblem(_ domain: ArraySlice<UInt8>) -> String? {
        if domain.isEmpty { return "the domain after @ is empty" }
        if domain.count > 253 { return "the domain is longer than 253 octets" }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.count < 2 { return "expected a fully qualified domain such as example.com" }
        for label in labels {
            if label.isEmpty { return "the domain has an empty label" }
            if label.count > 63 { return "a domain label is longer than 63 octets" }
            let ldh = label.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
            }
            if !ldh { return "a domain label may only hold letters, digits and hyphens" }
            if label.first == 0x2D || label.last == 0x2D { return "a domain label may not start or end with a hyphen" }
        }
        return nil
    }
}
