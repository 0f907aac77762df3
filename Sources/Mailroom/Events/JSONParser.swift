/// A strict RFC 8259 parser for one NDJSON line, written for hostile input.
///
/// Foundation's parsers accept duplicate keys silently (last one wins) and say little about
/// where input broke. This one refuses duplicate keys, bounds nesting depth so a `[[[[...` line
/// cannot exhaust the stack, rejects invalid UTF-8 and unpaired surrogate escapes, and names the
/// JSON path and byte position of the first syntax error. A leading UTF-8 byte order mark is
/// skipped, as RFC 8259 allows.
struct JSONParser {
    /// Events nest three levels deep; 32 leaves room for unknown extra fields.
    static let defaultMaxDepth = 32

    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    /// The next byte to read.
    var index = 0
    /// Where the parser is, for error messages.
    var path: [JSONPathComponent] = []

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses exactly one JSON value (surrounded by optional whitespace) from `input`.
    static func parse(_ input: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONSyntaxError) -> JSONValue {
        let result: Result<JSONValue, JSONSyntaxError> = input.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: buffer, maxDepth: maxDepth)
            do throws(JSONSyntaxError) {
                return .success(try parser.parseDocument())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        skipWhitespace()
        if index == bytes.count { throw fail("expected a JSON object, found an empty line") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index < bytes.count {
            throw fail("unexpected \(describeByte(at: index)) after the end of the JSON value, at byte \(index + 1)")
        }
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard index < bytes.count else { throw truncated() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("expected a JSON value, found \(describeByte(at: index)) at byte \(index + 1)")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        if depth > maxDepth { throw fail("JSON nested deeper than \(maxDepth) levels") }
        index += 1
        // Event objects have up to ~8 members: one allocation instead of growing 1 -> 2 -> 4 -> 8.
        var members: [String: JSONValue] = Dictionary(minimumCapacity: 8)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw truncated() }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw fail("expected a quoted key, found \(describeByte(at: index)) at byte \(index + 1)")
            }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after the key")
            path.append(.key(key))
            if members[key] != nil { throw fail("the key appears more than once in the same object") }
            skipWhitespace()
            members[key] = try parseValue(depth: depth)
            path.removeLast()
            skipWhitespace()
            guard index < bytes.count else { throw truncated() }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: throw fail("expected ',' or '}', found \(describeByte(at: index)) at byte \(index + 1)")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        if depth > maxDepth { throw fail("JSON nested deeper than \(maxDepth) levels") }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            path.append(.index(elements.count))
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            path.removeLast()
            skipWhitespace()
            guard index < bytes.count else { throw truncated() }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(elements)
            default: throw fail("expected ',' or ']', found \(describeByte(at: index)) at byte \(index + 1)")
            }
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else if try skipDigits() == 0 {
            throw fail("malformed number at byte \(start + 1)")
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            if try skipDigits() == 0 { throw fail("malformed number at byte \(start + 1): no digit after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            if try skipDigits() == 0 { throw fail("malformed number at byte \(start + 1): no digit in the exponent") }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    }

    private mutating func skipDigits() throws(JSONSyntaxError) -> Int {
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw truncated() }
        guard bytes[index] == byte else {
            throw fail("expected \(what), found \(describeByte(at: index)) at byte \(index + 1)")
        }
        index += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let start = index
        for expected in UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount) {
            guard index < bytes.count else { throw truncated() }
            guard bytes[index] == expected else { throw fail("expected a JSON value at byte \(start + 1)") }
            index += 1
        }
    }
}

extension JSONParser {
    /// An error at the current JSON path.
    func fail(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(path: path.pathString, message: "invalid JSON: " + message)
    }

    func truncated() -> JSONSyntaxError {
        fail("the line ends in the middle of a value (truncated JSON?)")
    }

    /// `'x'` for printable ASCII, else `byte 0xNN`; never raw control characters.
    func describeByte(at position: Int) -> String {
        let byte = bytes[position]
        if byte > 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + Hex.padded(byte, width: 2)
    }
}

/// Why a line is not JSON, and where in the document that became clear.
struct JSONSyntaxError: Error, Sendable, Equatable {
    var path: String
    var message: String
}
