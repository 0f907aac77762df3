import Foundation
import Hummingbird
import Mailroom

/// The HTTP endpoints of shared/CONTRACT.md: `POST /v1/events`, `GET /healthz`, `GET /readyz`,
/// `GET /metrics`.
///
/// The token, when one is configured, guards intake and metrics; the health endpoints answer
/// anyone, since an orchestrator's probes carry no credentials and learn nothing from them.
struct ServeRoutes: Sendable {
    let intake: EventIntake
    let store: any OutboxStore
    let metrics: ServeMetrics
    let token: BearerToken?
    let maxRequestBytes: Int
    let maxRequestEvents: Int
    /// Why the service no longer takes events (it is stopping), once it is.
    let stopping: @Sendable () -> String?
    /// When the relay is paused by the circuit breaker, until when; nil without a relay.
    let relayPausedUntil: @Sendable () -> Date?

    /// Seconds a client is told to wait before sending again (`Retry-After`).
    static let retryAfter = "5"

    func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.post("/v1/events") { request, _ in try await events(request) }
        router.get("/healthz") { _, _ in Self.json(.ok, ["status": "alive"]) }
        router.get("/readyz") { _, _ in await readiness() }
        router.get("/metrics") { request, _ in await metricsPage(request) }
        return router
    }

    // MARK: - Intake

    private func events(_ request: Request) async throws -> Response {
        if let reason = stopping() {
            return Self.error(.serviceUnavailable, "not taking events: \(reason); send them again later",
                              headers: [.retryAfter: Self.retryAfter])
        }
        if let token, !token.accepts(request.headers[.authorization]) {
            return Self.error(.unauthorized, "a valid bearer token is required (Authorization: Bearer ...)",
                              headers: [.wwwAuthenticate: "Bearer"])
        }
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "identity" {
            return Self.error(.unsupportedMediaType, "Content-Encoding \(SafeText.quoted(encoding)) is not supported; send the body uncompressed")
        }
        let single: Bool
        switch Self.mediaType(request.headers[.contentType]) {
        case nil, "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "text/plain":
            single = false
        case "application/json":
            single = true
        case let other?:
            return Self.error(.unsupportedMediaType, "expected application/json (one event) or application/x-ndjson "
                              + "(one event per line), found \(SafeText.quoted(other))")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxRequestBytes {
            return tooLarge()
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxRequestBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return tooLarge()
        }
        let body = Array(buffer.readableBytesView)
        let lines: [EventStreamReader.Line]
        if single {
            if let problem = EventDecoder.syntaxProblem(body) {
                return Self.error(.badRequest, "the body is not one JSON document: \(problem)")
            }
            lines = [.line(number: 1, bytes: body)]
        } else {
            lines = RequestBodyLines.split(body)
        }
        guard !lines.isEmpty else { return Self.error(.badRequest, "the body holds no event") }
        guard lines.count <= maxRequestEvents else {
            return Self.error(.contentTooLarge, "\(lines.count) events in one request, over the limit of \(maxRequestEvents); split it")
        }
        let intake = intake
        let outcome = await blocking { intake.accept(lines, source: "http") }
        if let failure = outcome.failure {
            return Self.error(.serviceUnavailable, "the outbox could not record the events, none of this request's valid "
                              + "events was stored; send it again: \(failure)", headers: [.retryAfter: Self.retryAfter])
        }
        return Self.json(outcome.allAccepted ? .ok : .unprocessableContent, Reply(results: outcome.results))
    }

    private func tooLarge() -> Response {
        Self.error(.contentTooLarge, "the body is over the limit of \(maxRequestBytes) bytes; split it into smaller requests")
    }

    private struct Reply: Encodable {
        var results: [EventIntake.Result]
    }

    /// `application/json; charset=utf-8` -> `application/json`.
    private static func mediaType(_ header: String?) -> String? {
        guard let header else { return nil }
        let type = header.split(separator: ";", maxSplits: 1).first.map(String.init) ?? header
        return type.trimmingCharacters(in: .whitespaces).lowercased()
    }

    // MARK: - Health and metrics

    private func readiness() async -> Response {
        if let reason = stopping() {
            return Self.json(.serviceUnavailable, ["status": "stopping", "reason": reason])
        }
        let store = store
        let reachable: String? = await blocking {
            do {
                _ = try store.status()
                return nil
            } catch {
                return "\(error)"
            }
        }
        if let reachable {
            return Self.json(.serviceUnavailable, ["status": "not ready", "reason": reachable])
        }
        if let until = relayPausedUntil() {
            return Self.json(.serviceUnavailable, ["status": "not ready",
                                                    "reason": "the relay does not respond; next probe at \(until.formatted(.iso8601))"])
        }
        return Self.json(.ok, ["status": "ready"])
    }

    private func metricsPage(_ request: Request) async -> Response {
        if let token, !token.accepts(request.headers[.authorization]) {
            return Self.error(.unauthorized, "a valid bearer token is required (Authorization: Bearer ...)",
                              headers: [.wwwAuthenticate: "Bearer"])
        }
        let store = store
        let metrics = metrics
        let paused = relayPausedUntil() != nil
        let text = await blocking {
            metrics.observe(try? store.status(), relayPaused: paused)
            return metrics.exposition()
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }

    // MARK: - Replies

    private static func json(_ status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"the reply could not be encoded"}"#.utf8)
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data + [0x0A])))
    }

    private static func error(_ status: HTTPResponse.Status, _ message: String, headers: HTTPFields = [:]) -> Response {
        json(status, ["error": message], headers: headers)
    }
}
