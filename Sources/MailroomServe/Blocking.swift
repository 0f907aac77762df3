import Dispatch

/// Runs blocking work (store writes that wait for the disk, rendering) off Swift's cooperative
/// pool and the server's event loops, whose few threads must never wait.
func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: body()) }
    }
}
