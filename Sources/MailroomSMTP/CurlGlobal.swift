import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide libcurl set-up, done once before the first easy handle exists.
///
/// `curl_global_init` is not thread-safe in 7.88.1 and must run exactly once; a global `let` is
/// initialised lazily and atomically by Swift, which gives exactly that. SIGPIPE is ignored at the
/// same time because OpenSSL can write to a socket the server has closed, and `CURLOPT_NOSIGNAL`
/// stops libcurl from handling it itself.
enum CurlGlobal {
    /// The result of `curl_global_init`; nil when it succeeded.
    static var initializationProblem: String? { token }

    private static let token: String? = {
        signal(SIGPIPE, SIG_IGN)
        let code = ccurl_global_init_all()
        guard code != CURLE_OK else { return nil }
        return "curl_global_init failed: \(String(cString: curl_easy_strerror(code))) (\(code.rawValue))"
    }()
}
