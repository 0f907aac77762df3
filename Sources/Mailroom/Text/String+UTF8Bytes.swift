extension String {
    /// Calls `body` with this string's UTF-8, without a copy when the string is native (always on
    /// Linux); a bridged or foreign string is made contiguous in a copy first.
    @inline(__always)
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }
}
