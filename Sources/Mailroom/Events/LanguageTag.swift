/// Syntax of BCP 47 language tags (RFC 5646 section 2.1), without consulting the registry.
///
/// Only the shape is checked (`en`, `de-DE`, `zh-Hant-TW`, `es-419`, `sl-rozaj-biske`,
/// `en-u-ca-gregory`, `x-private`): whether a language is supported is rendering's business,
/// which falls back to `en`. Grandfathered irregular tags (`i-klingon`) are refused, and so is
/// `de_DE`, the POSIX spelling people paste by mistake.
enum LanguageTag {
    /// RFC 5646 asks implementations to support at least 35 characters; leave room for extensions.
    static let maxLength = 64

    static func problem(with tag: String) -> FieldProblem? {
        var shown: String { SafeText.quoted(tag) }  // only for a problem
        if tag.isEmpty { return FieldProblem("expected a BCP 47 language tag such as en or de-DE, found an empty string") }
        if tag.utf8.count > maxLength {
            return FieldProblem("expected a BCP 47 language tag of at most \(maxLength) characters, found \(tag.utf8.count) bytes")
        }
        if tag.utf8.contains(UInt8(ascii: "_")) {
            return FieldProblem("expected a BCP 47 language tag with '-' between subtags (de-DE, not de_DE), found \(shown)")
        }
        let subtags = tag.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false).map(Array.init)
        let wellFormed = subtags.allSatisfy { !$0.isEmpty && $0.count <= 8 && $0.allSatisfy(isAlphanumeric) }
        guard wellFormed, isLangtag(subtags) || isPrivateUse(subtags[...]) else {
            return FieldProblem("expected a BCP 47 language tag such as en, de-DE or zh-Hant-TW, found \(shown)")
        }
        return nil
    }

    private static func isLangtag(_ subtags: [[UInt8]]) -> Bool {
        var rest = subtags[...]
        guard let language = rest.popFirst(), language.allSatisfy(isAlpha), language.count >= 2 else { return false }
        if language.count <= 3 {
            var extlangs = 0
            while extlangs < 3, let next = rest.first, next.count == 3, next.allSatisfy(isAlpha) {
                rest.removeFirst()
                extlangs += 1
            }
        }
        if let script = rest.first, script.count == 4, script.allSatisfy(isAlpha) { rest.removeFirst() }
        if let region = rest.first,
           (region.count == 2 && region.allSatisfy(isAlpha)) || (region.count == 3 && region.allSatisfy(isDigit)) {
            rest.removeFirst()
        }
        while let variant = rest.first, isVariant(variant) { rest.removeFirst() }
        while let singleton = rest.first, singleton.count == 1, singleton[0] | 0x20 != UInt8(ascii: "x") {
            rest.removeFirst()
            var count = 0
            while let part = rest.first, part.count >= 2 {
                rest.removeFirst()
                count += 1
            }
            if count == 0 { return false }
        }
        return rest.isEmpty || isPrivateUse(rest)
    }

    private static func isPrivateUse(_ subtags: ArraySlice<[UInt8]>) -> Bool {
        guard let first = subtags.first, first.count == 1, first[0] | 0x20 == UInt8(ascii: "x") else { return false }
        return subtags.count >= 2
    }

    private static func isVariant(_ subtag: [UInt8]) -> Bool {
        (subtag.count >= 5 && subtag.count <= 8) || (subtag.count == 4 && isDigit(subtag[0]))
    }

    private static func isAlpha(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte)
    }
}
