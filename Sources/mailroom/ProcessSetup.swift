#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// What the process sets up before any command runs.
enum ProcessSetup {
    static func apply() {
        // A reader that goes away (`mailroom send | head`) must cost its output, not the run:
        // writes then fail with EPIPE, which ``TerminalStream`` handles. libcurl (OpenSSL) can
        // raise SIGPIPE on a dead relay connection too.
        signal(SIGPIPE, SIG_IGN)
        occupyClosedStandardDescriptors()
        disableCoreDumps()
    }

    /// A closed stdin, stdout or stderr (`2>&-`) would be handed to the next file opened, an outbox
    /// file say, and diagnostics would be written into it: point each closed one at /dev/null.
    private static func occupyClosedStandardDescriptors() {
        let standard: [(FileDescriptor, FileDescriptor.AccessMode)] =
            [(.standardInput, .readOnly), (.standardOutput, .writeOnly), (.standardError, .writeOnly)]
        // swift-system has no fcntl: F_GETFD is the one call that asks whether a descriptor is open.
        for (descriptor, mode) in standard where fcntl(descriptor.rawValue, F_GETFD) == -1 && Errno(rawValue: errno) == .badFileDescriptor {
            guard let opened = try? FileDescriptor.open("/dev/null", mode) else { continue }
            if opened != descriptor {
                _ = try? opened.duplicate(as: descriptor)
                try? opened.close()
            }
        }
    }

    /// A core dump would hold the SMTP password (from the environment and the libcurl handle). The
    /// hard limit is lowered too, so nothing the process runs can raise it again.
    private static func disableCoreDumps() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        #if os(Linux)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none)
        #else
        _ = setrlimit(RLIMIT_CORE, &none)
        #endif
    }
}
