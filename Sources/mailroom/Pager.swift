import Foundation
import SystemPackage

/// Shows long output through a pager, as git does: only when standard output is a terminal and
/// the text is taller than it; `$PAGER` (run by the shell), `less -R` when unset; an empty
/// `PAGER` or `cat` means none. `LESS` defaults to `FRX` (quit if one screen, keep colour, leave
/// the text on the screen) when the user has not set it.
enum Pager {
    /// The pager command to run for `lines` lines of output, or nil to write directly.
    static func command(lines: Int, rows: Int, isTerminal: Bool, disabled: Bool,
                        environment: [String: String]) -> String? {
        guard isTerminal, !disabled, lines > rows - 1 else { return nil }
        let pager = environment["PAGER"] ?? "less -R"
        let trimmed = pager.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed != "cat" else { return nil }
        return pager
    }

    /// Writes `text` through the pager `command` and waits for it to end; false when the pager
    /// could not be started (the caller then writes directly).
    ///
    /// Spawned directly rather than with Foundation's `Process`, which puts the child in a process
    /// group of its own: a pager outside the terminal's foreground group cannot read its keys.
    static func show(_ text: String, command: String) -> Bool {
        guard let (readEnd, writeEnd) = try? FileDescriptor.pipe() else { return false }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd.rawValue, STDIN_FILENO)
        posix_spawn_file_actions_addclose(&actions, readEnd.rawValue)
        posix_spawn_file_actions_addclose(&actions, writeEnd.rawValue)
        var environment = ProcessInfo.processInfo.environment
        if environment["LESS"] == nil { environment["LESS"] = "FRX" }
        let arguments = ["/bin/sh", "-c", command]
        var pid = pid_t()
        let spawned = withCStrings(arguments) { argv in
            withCStrings(environment.map { "\($0.key)=\($0.value)" }) { envp in
                posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
            }
        }
        try? readEnd.close()
        guard spawned == 0 else {
            try? writeEnd.close()
            return false
        }
        // Ctrl-C in the pager is the pager's (less stops a search with it); this process only waits.
        let previous = signal(SIGINT, SIG_IGN)
        defer { signal(SIGINT, previous) }
        // A pager quit before the end (`q`) closes the pipe: EPIPE (SIGPIPE is ignored), not a failure.
        _ = try? writeEnd.writeAll(text.utf8)
        try? writeEnd.close()
        var status: Int32 = 0
        // swift-system has no waitpid.
        while waitpid(pid, &status, 0) == -1 && Errno(rawValue: errno) == .interrupted {}
        return true
    }

    /// Calls `body` with a NULL-terminated C array of `strings`.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}
