import Foundation
import SystemPackage

/// Reads NDJSON lines from a file descriptor as they arrive, in bounded memory.
///
/// Made for `mailroom send -` at the end of a pipe that never closes: each line is returned as
/// soon as its newline has been read (one `read(2)` returns whatever the pipe holds), never
/// after waiting for more input or for end of file. A final line without a newline is returned
/// at end of file. `\r\n` endings are accepted, and lines holding only spaces and tabs are
/// skipped (they still count for line numbers).
///
/// A line longer than ``maxLineLength`` bytes is reported as ``Line/overlong(number:length:)``
/// and not kept: once past the limit the reader only counts bytes until the next newline, so
/// memory stays at one read chunk plus at most one line of the limit, whatever the input holds.
///
/// The reader does not close the descriptor. Reads block the calling thread; run it on a thread
/// that may block (not a Swift concurrency executor thread) when the input is a live stream.
public struct EventStreamReader: Sendable {
    /// One input line, numbered from 1 in the order of the input (blank lines included).
    public enum Line: Sendable, Equatable {
        /// The line's bytes, without `\n` or `\r\n`.
        case line(number: Int, bytes: [UInt8])
        /// A line over the limit; `length` is its size in bytes, without the line terminator.
        case overlong(number: Int, length: Int)

        /// The 1-based line number, for error messages.
        public var number: Int {
            switch self {
            case .line(let number, _), .overlong(let number, _): number
            }
        }
    }

    /// 1 MiB: far above any real event, small enough to hold a few in memory at once.
    public static let defaultMaxLineLength = 1 << 20

    public let maxLineLength: Int
    private let descriptor: FileDescriptor
    /// Keeps a `FileHandle` given to the initialiser (and so its descriptor) alive.
    private let handle: FileHandle?
    private var chunk: [UInt8]
    private var chunkStart = 0
    private var chunkEnd = 0
    /// The start of the current line, while it is within the limit.
    private var pending: [UInt8] = []
    /// Set while skipping the rest of an overlong line.
    private var discarding = false
    private var discardedLength = 0
    private var lastDiscardedByte: UInt8 = 0
    private var lineNumber = 0
    private var reachedEnd = false

    /// - Parameters:
    ///   - fileDescriptor: an open descriptor; the caller keeps ownership and closes it.
    ///   - maxLineLength: longest line returned as bytes, without its terminator.
    ///   - chunkSize: bytes asked of each `read(2)`.
    public init(fileDescriptor: Int32, maxLineLength: Int = defaultMaxLineLength, chunkSize: Int = 64 * 1024) {
        self.init(fileDescriptor: fileDescriptor, handle: nil, maxLineLength: maxLineLength, chunkSize: chunkSize)
    }

    /// Reads from `fileHandle`'s descriptor; the handle is retained but not closed.
    public init(fileHandle: FileHandle, maxLineLength: Int = defaultMaxLineLength, chunkSize: Int = 64 * 1024) {
        self.init(fileDescriptor: fileHandle.fileDescriptor, handle: fileHandle, maxLineLength: maxLineLength, chunkSize: chunkSize)
    }

    private init(fileDescriptor: Int32, handle: FileHandle?, maxLineLength: Int, chunkSize: Int) {
        self.descriptor = FileDescriptor(rawValue: fileDescriptor)
        self.handle = handle
        self.maxLineLength = max(1, maxLineLength)
        self.chunk = [UInt8](repeating: 0, count: max(1, chunkSize))
    }

    /// The next non-blank line, or nil at end of input. Blocks until a whole line is available.
    public mutating func next() throws(EventStreamError) -> Line? {
        while true {
            if chunkStart < chunkEnd {
                if let line = takeLineFromChunk(), !isBlank(line) { return line }
                continue
            }
            if reachedEnd {
                guard let line = finishLastLine() else { return nil }
                if !isBlank(line) { return line }
                continue
            }
            try fill()
        }
    }

    /// Scans the buffered bytes for a newline; returns a line if one ends there.
    private mutating func takeLineFromChunk() -> Line? {
        let newline: Int? = chunk.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress,
                  let found = memchr(base + chunkStart, Int32(UInt8(ascii: "\n")), chunkEnd - chunkStart)
            else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        let segmentEnd = newline ?? chunkEnd
        let segment = chunk[chunkStart..<segmentEnd]
        chunkStart = newline.map { $0 + 1 } ?? chunkEnd
        guard newline != nil else {
            absorb(segment)
            return nil
        }
        lineNumber += 1
        if discarding {
            return endOverlong(adding: segment.count, lastByte: segment.last)
        }
        // One byte of slack for a `\r` that is not part of the line.
        if pending.count + segment.count > maxLineLength + 1 {
            startDiscarding(with: segment)
            return endOverlong(adding: 0, lastByte: nil)
        }
        var bytes = pending
        bytes.append(contentsOf: segment)
        pending.removeAll(keepingCapacity: true)
        return finished(bytes)
    }

    /// Keeps a piece of a line that has no newline yet, or only counts it once over the limit.
    private mutating func absorb(_ segment: ArraySlice<UInt8>) {
        if discarding {
            discardedLength += segment.count
            lastDiscardedByte = segment.last ?? lastDiscardedByte
        } else if pending.count + segment.count > maxLineLength + 1 {
            startDiscarding(with: segment)
        } else {
            pending.append(contentsOf: segment)
        }
    }

    private mutating func startDiscarding(with segment: ArraySlice<UInt8>) {
        discarding = true
        discardedLength = pending.count + segment.count
        lastDiscardedByte = segment.last ?? pending.last ?? 0
        pending = []
    }

    private mutating func endOverlong(adding count: Int, lastByte: UInt8?) -> Line {
        var length = discardedLength + count
        if (lastByte ?? lastDiscardedByte) == UInt8(ascii: "\r") { length -= 1 }
        discarding = false
        discardedLength = 0
        return .overlong(number: lineNumber, length: length)
    }

    /// A line without `\r`, or overlong if it is still over the limit without it.
    private func finished(_ raw: [UInt8]) -> Line {
        var bytes = raw
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        if bytes.count > maxLineLength { return .overlong(number: lineNumber, length: bytes.count) }
        return .line(number: lineNumber, bytes: bytes)
    }

    /// At end of input: the last line if it had no newline.
    private mutating func finishLastLine() -> Line? {
        if discarding {
            lineNumber += 1
            return endOverlong(adding: 0, lastByte: nil)
        }
        guard !pending.isEmpty else { return nil }
        lineNumber += 1
        let bytes = pending
        pending = []
        return finished(bytes)
    }

    private func isBlank(_ line: Line) -> Bool {
        guard case .line(_, let bytes) = line else { return false }
        return bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// One `read(2)`, retried on EINTR; returns as soon as any bytes are there.
    private mutating func fill() throws(EventStreamError) {
        let count: Int
        do {
            count = try chunk.withUnsafeMutableBytes { [descriptor] buffer in try descriptor.read(into: buffer) }
        } catch {
            let cause = error as? Errno ?? .ioError
            throw EventStreamError(code: .readFailed, message: "could not read the event stream: \(cause)", errno: cause)
        }
        if count > 0 {
            chunkStart = 0
            chunkEnd = count
        } else {
            reachedEnd = true
        }
    }
}
