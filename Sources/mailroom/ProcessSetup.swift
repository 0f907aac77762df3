#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the process sets up before any command runs.
enum ProcessSetup {
    static func apply() {
        // A reader that goes away (`mailroom send | head`) must cost its output, not the run:
        // writes then fail with EPIPE, which ``TerminalStream`` handles. libcurl (OpenSSL) can
        // raise SIGPIPE on a dead relay connection too.
        signal(SIGPIPE, SIG_IGN)
        occupyClosedStandardDescriptors()
    }

    /// A closed stdin, stdout or stderr (`2>&-`) would be handed to the next file opened, an outbox
    /// file say, and diagnostics would be written into it: point each closed one at /dev/null.
    private static func occupyClosedStandardDescriptors() {
        for (descriptor, flags) in [(STDIN_FILENO, O_RDONLY), (STDOUT_FILENO, O_WRONLY), (STDERR_FILENO, O_WRONLY)]
        where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", flags)
            if opened >= 0 && opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
    }
}
