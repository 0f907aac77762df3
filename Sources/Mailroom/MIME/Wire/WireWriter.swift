/// The bytes of one message as they are written, with RFC 5322 folding between header tokens.
///
/// The writer appends into one growing buffer that is copied out once, rather than making a
/// `String` per token and an array per field or line, and folds in place: a token
/// is written after a space, and when it turns out too wide for the line a CRLF is slipped in before
/// that space (only the token's own bytes move). Non-copyable, so the buffer has exactly one owner
/// and is freed exactly once.
struct WireWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    // Folding state of the header field being written (see `startField`).
    private var column = 0
    private var tokensOnLine = 0
    private var tokenStart = 0
    /// When set, the range of every token written, for the token-returning wrappers kept for tests.
    private var recordedTokens: [Range<Int>]?

    init(capacity: Int, recordingTokens: Bool = false) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
        recordedTokens = recordingTokens ? [] : nil
    }

    deinit { base.deallocate() }

    // MARK: Bytes

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toAtLeast: count + 1) }
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    mutating func append(_ text: String) {
        text.withUTF8Bytes { append($0) }
    }

    /// The decimal digits of `value`, with a leading `-` when negative.
    mutating func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        reserve(digits)
        var position = count + digits - 1
        repeat {
            base[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
        count += digits
    }

    /// Makes room for `extra` more bytes, so a loop of single appends never reallocates.
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(toAtLeast: count + extra) }
    }

    /// Lets `body` write up to `maximum` bytes straight into the buffer's free space and keeps the
    /// number it returns: for the inner loops (quoted-printable), which then run on a raw pointer.
    @inline(__always)
    mutating func appendInPlace(maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(maximum)
        count += body(base + count)
    }

    /// Forgets everything written from `position` on (used when a body part is re-encoded).
    mutating func truncate(to position: Int) {
        count = min(count, max(0, position))
    }

    /// The bytes written so far, for inspection while writing.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        body(UnsafeBufferPointer(start: base, count: count))
    }

    /// A copy of everything written, sized exactly.
    func bytes(in range: Range<Int>? = nil) -> [UInt8] {
        let range = range ?? 0..<count
        return Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    private mutating func grow(toAtLeast needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    // MARK: Header fields

    /// Writes `Name:`; the field's tokens follow, then ``endField()``.
    mutating func startField(_ name: StaticString) {
        append(name)
        append(UInt8(ascii: ":"))
        column = name.utf8CodeUnitCount + 1
        tokensOnLine = 0
    }

    /// Writes `Name:` for a name only known at run time (the token-returning wrappers).
    mutating func startField(named name: String) {
        append(name)
        append(UInt8(ascii: ":"))
        column = name.utf8.count + 1
        tokensOnLine = 0
    }

    /// Starts a token: writes the space that separates it from the previous one.
    mutating func beginToken() {
        tokenStart = count
        append(UInt8(ascii: " "))
    }

    /// Ends the token begun last. A token that would pass column 78 moves to a continuation line,
    /// unless it is the first on its line (a long token gets a line of its own rather than a break).
    mutating func endToken() {
        let width = count - tokenStart - 1
        if tokensOnLine > 0 && column + 1 + width > HeaderField.preferredWidth {
            reserve(2)
            let moved = base + tokenStart
            (moved + 2).moveInitialize(from: moved, count: width + 1)
            moved[0] = 0x0D
            moved[1] = 0x0A
            count += 2
            tokenStart += 2
            column = 0
            tokensOnLine = 0
        }
        column += 1 + width
        tokensOnLine += 1
        recordedTokens?.append((tokenStart + 1)..<count)
    }

    mutating func token(_ text: StaticString) {
        beginToken()
        append(text)
        endToken()
    }

    mutating func token(_ text: String) {
        beginToken()
        append(text)
        endToken()
    }

    /// Ends the field with CRLF.
    mutating func endField() {
        append(0x0D)
        append(0x0A)
    }

    /// The tokens written so far as strings (only when made with `recordingTokens`).
    func tokenStrings() -> [String] {
        (recordedTokens ?? []).map { String(decoding: bytes(in: $0), as: UTF8.self) }
    }
}
