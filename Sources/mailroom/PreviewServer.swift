import Foundation
import Hummingbird
import Logging
import Mailroom
import NIOCore

/// `mailroom preview --serve`: a local web page previewing every template x locale x sample (and
/// the `--event` file, when given), rendered from disk on every request, reloading itself when a
/// file under the templates directory changes.
///
/// Safe to open in the author's browser: every value is HTML-escaped, the email itself is shown
/// only inside a sandboxed iframe (no scripts, its own opaque origin) and served with a
/// Content-Security-Policy that forbids loading anything; the page loads nothing from outside,
/// and a request naming another host is refused (DNS rebinding).
struct PreviewServer: Sendable {
    let runtime: Runtime
    let eventFile: String?
    let host: String
    let port: Int

    static let defaultListen = "127.0.0.1:8026"

    /// `HOST:PORT` or `[IPv6]:PORT`; port 0 takes a free one (printed on start).
    static func parseListen(_ text: String) throws -> (host: String, port: Int) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[close...].dropFirst().drop(while: { $0 == ":" })
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            throw Failure.usage("--listen \(text): give HOST:PORT, e.g. \(defaultListen)")
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else {
            throw Failure.usage("--listen \(text): give HOST:PORT with a port 0-65535, e.g. \(defaultListen)")
        }
        return (String(host), port)
    }

    /// Serves until SIGINT or SIGTERM.
    func run() async throws {
        var logger = Logger(label: "mailroom.preview")
        logger.logLevel = runtime.options.verbose ? .info : .warning
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? port
                let shown = host.contains(":") ? "[\(host)]" : host
                Terminal.out("mailroom preview: serving http://\(shown):\(port)/ (templates: \(runtime.settings.templatesPath)); Ctrl-C stops")
            },
            logger: logger)
        do {
            try await app.runService()
        } catch let error as IOError {
            throw Failure.usage("cannot listen on \(host):\(port): \(error)")
        }
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(HostCheck(listenHost: host))
        router.get("/") { _, _ in html(PreviewPages.index(entries: entries(), version: version()), csp: PreviewPages.pagePolicy) }
        router.get("/email") { request, _ in
            // A template that does not load is shown in place; the page reloads once it is fixed.
            if case .failure(let failure) = entries() {
                return html(PreviewPages.loadError(failure, version: version()), csp: PreviewPages.pagePolicy)
            }
            guard let entry = entry(request) else {
                return html(PreviewPages.notFound(), status: .notFound, csp: PreviewPages.pagePolicy)
            }
            return html(PreviewPages.email(entry, rendering: render(entry), version: version()), csp: PreviewPages.pagePolicy)
        }
        router.get("/email/html") { request, _ in
            guard let entry = entry(request), case .success(let made) = render(entry) else {
                return html(PreviewPages.notFound(), status: .notFound, csp: PreviewPages.framePolicy)
            }
            return html(made.email.html, csp: PreviewPages.framePolicy)
        }
        router.get("/version") { _, _ in
            response(version(), type: "text/plain; charset=utf-8", csp: PreviewPages.framePolicy, cache: false)
        }
        router.get("/preview.js") { _, _ in
            response(PreviewPages.script, type: "text/javascript; charset=utf-8", csp: PreviewPages.framePolicy)
        }
        router.get("/preview.css") { _, _ in
            response(PreviewPages.style, type: "text/css; charset=utf-8", csp: PreviewPages.framePolicy)
        }
        return router
    }

    /// What the index lists: every template x locale x sample file, then the event file.
    func entries() -> Result<[PreviewPages.Entry], Failure> {
        let catalog: TemplateCatalog
        do {
            catalog = try runtime.catalog()
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(.configuration("\(error)"))
        }
        var entries: [PreviewPages.Entry] = []
        for name in catalog.templateNames {
            for locale in catalog.locales(of: name) {
                for file in catalog.sampleFiles(of: name) {
                    let source = PreviewSource.sampleFile(template: name, file: file.lastPathComponent, locale: locale)
                    entries.append(PreviewPages.Entry(template: name, locale: locale, sample: file.lastPathComponent, source: source))
                }
            }
        }
        if let eventFile {
            entries.append(PreviewPages.Entry(template: "--event", locale: "", sample: eventFile,
                                              source: .eventFile(path: eventFile, line: nil)))
        }
        return .success(entries)
    }

    func entry(_ request: Request) -> PreviewPages.Entry? {
        let query = request.uri.queryParameters
        guard case .success(let all) = entries() else { return nil }
        if query.get("event") != nil { return all.first { if case .eventFile = $0.source { true } else { false } } }
        return all.first {
            $0.template == query.get("template") && $0.locale == query.get("locale") && $0.sample == query.get("sample")
        }
    }

    func render(_ entry: PreviewPages.Entry) -> Result<MessageFactory.Made, Failure> {
        do {
            return .success(try PreviewSource.render(entry.source, runtime: runtime).0)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(.input("\(error)"))
        }
    }

    func version() -> String {
        TemplateFingerprint(paths: [runtime.settings.templatesPath] + (eventFile.map { [$0] } ?? [])).token
    }

    func html(_ body: String, status: HTTPResponse.Status = .ok, csp: String) -> Response {
        response(body, type: "text/html; charset=utf-8", status: status, csp: csp, cache: false)
    }

    func response(_ body: String, type: String, status: HTTPResponse.Status = .ok, csp: String, cache: Bool = true) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentSecurityPolicy] = csp
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = cache ? "max-age=60" : "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// Refuses a request whose Host is not a loopback name: a page on another site could otherwise
/// point its own host name at 127.0.0.1 (DNS rebinding) and read the previews.
struct HostCheck<Context: RequestContext>: RouterMiddleware {
    /// The `--listen` host, also accepted (a preview served on a LAN address on purpose).
    let listenHost: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority ?? ""
        let host: Substring
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[authority.index(after: authority.startIndex)..<close]
        } else {
            host = authority.split(separator: ":", maxSplits: 1).first ?? ""
        }
        guard host == "localhost" || host == "::1" || host.hasPrefix("127.") || host == listenHost else {
            return Response(status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "mailroom preview answers only to localhost and 127.0.0.1\n")))
        }
        return try await next(request, context)
    }
}
