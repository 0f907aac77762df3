import Foundation
import MailroomTesting
import Testing

/// `mailroom serve` over HTTP: events in with curl and urllib, exactly once to a real SMTP server
/// (aiosmtpd), duplicates on a repeated POST, the CLI's reasons for invalid events, bounds,
/// malformed requests, the token, health and Prometheus metrics.
@Suite("serve: HTTP intake, delivery, health and metrics")
struct ServeTests {
    @Test("events POSTed with curl and urllib reach aiosmtpd exactly once; the same POST again gives duplicates and sends nothing; /metrics parses and agrees with outbox status")
    func intakeDeliversOnce() async throws {
        let relay = try TestServer.capture()
        defer { relay.stop() }
        let workspace = try Workspace()
        let serve = try await ServeProcess(workspace, arguments: ["--smtp-url", "smtp://127.0.0.1:\(relay.port)"])
        let events = TestEvents.make(12, prefix: "evt_http")
        let first = try await serve.curl("/v1/events", body: events.ndjson)
        #expect(first.status == 200, "\(first)")
        #expect(first.results == Array(repeating: "stored", count: 12), "\(first)")
        #expect(first.headers["content-type"] == "application/json", "\(first)")

        // One event as a single (pretty-printed) JSON document, with Python's urllib.
        let single = TestEvents.closure("evt_http_single").replacingOccurrences(of: ",\"", with: ",\n  \"")
        let second = try await serve.urllib("/v1/events", body: single)
        #expect(second.status == 200, "\(second)")
        #expect(second.results == ["stored"], "\(second)")

        let delivered = try await eventually { (try? relay.stats()["messages"]) == 13 }
        #expect(delivered, "\(String(describing: try? relay.stats())) \(serve.command.stderrSoFar())")
        let again = try await serve.curl("/v1/events", body: events.ndjson)
        #expect(again.status == 200, "\(again)")
        #expect(again.results == Array(repeating: "duplicate", count: 12), "\(again)")

        let metrics = try await serve.metrics()
        let status = try await workspace.status()
        #expect(status.count("sent") == 13, "\(status)")
        #expect(status.duplicates == 12)
        for state in ["queued", "held", "deferred", "sent", "failed", "uncertain"] {
            #expect(metrics["mailroom_messages{state=\(state)}"] == Double(status.count(state)), "\(state): \(metrics)")
        }
        #expect(metrics["mailroom_messages_stored_total"] == 13, "\(metrics)")
        #expect(metrics["mailroom_events_duplicate_total"] == 12, "\(metrics)")
        #expect(metrics["mailroom_delivery_attempts_total{classification=sent}"] == 13, "\(metrics)")
        #expect(metrics["mailroom_relay_replies_total{code=250}"] == 13, "\(metrics)")
        #expect(metrics["mailroom_delivery_duration_seconds_count"] == 13, "\(metrics)")
        #expect(metrics["mailroom_oldest_unsent_age_seconds"] == 0, "\(metrics)")

        let ids = try (1...13).map { number in
            let message = String(decoding: try relay.capturedMessage(number), as: UTF8.self)
            return message.split(separator: "\r\n").first { $0.hasPrefix("Message-ID:") }.map(String.init) ?? ""
        }
        #expect(Set(ids).count == 13, "every message once: \(ids)")
        #expect(try (await serve.curl("/healthz")).status == 200)
        #expect(try (await serve.curl("/readyz")).status == 200)
        let ended = await serve.terminate()
        #expect(ended.status == 0 && !ended.signalled, "\(ended)")
        #expect(try relay.stats()["messages"] == 13, "nothing sent twice after the duplicates")
    }

    @Test("an invalid event is rejected with the reasons `send` prints, the valid ones are stored, and the reply is not 200")
    func invalidEventsAreRejectedLikeTheCLI() async throws {
        let workspace = try Workspace()
        let serve = try await ServeProcess(workspace)  // no relay: messages are kept held
        let bad = #"{"id":"evt_bad","type":"account.balance_outstanding","occurred_at":"2026-02-30T09:15:00Z","account":{"id":"a","email":"not-an-address"},"data":{"balance":{"amount":12.5,"currency":"EUR"},"withdraw_by":"2036-12-10T23:59:59Z"}}"#
        let body = TestEvents.closure("evt_good") + "\n" + bad + "\n" + "this is not json\n"
        let reply = try await serve.curl("/v1/events", body: body)
        #expect(reply.status == 422, "\(reply)")
        #expect(reply.results == ["stored", "rejected", "rejected"], "\(reply)")
        let results = reply.json["results"] as? [[String: Any]] ?? []
        let problems = results.dropFirst().map { $0["problems"] as? [String] ?? [] }
        #expect(results.count == 3 && results[1]["id"] as? String == "evt_bad" && results[2]["id"] is NSNull, "\(reply)")

        let cli = try Workspace()
        let file = try cli.write("events.ndjson", body)
        let send = try await cli.run(["send", file])
        for problem in problems.joined() {
            #expect(send.stderr.contains(problem), "the CLI says it too: \(problem)\n\(send.stderr)")
        }
        #expect(problems.allSatisfy { !$0.isEmpty }, "\(problems)")
        let status = try await workspace.status()
        #expect(status.count("held") == 1 && status.rejected == 2, "\(status)")
        let metrics = try await serve.metrics()
        #expect(metrics["mailroom_events_rejected_total"] == 2, "\(metrics)")
        _ = await serve.terminate()
    }

    @Test("oversized, malformed and unauthenticated requests, and a client that goes away mid-request, store nothing and crash nothing")
    func hostileRequests() async throws {
        let workspace = try Workspace(config: ["serve.max_request_bytes": "4096", "serve.max_request_events": "5"])
        let token = "s3cret-token-\(UUID().uuidString)"
        let serve = try await ServeProcess(workspace, arguments: ["--log-format", "json"],
                                           environment: ["MAILROOM_SERVE_TOKEN": token])
        let auth = "Authorization: Bearer \(token)"
        let events = TestEvents.make(6, prefix: "evt_hostile")

        let missing = try await serve.curl("/v1/events", body: TestEvents.closure("evt_t1"))
        #expect(missing.status == 401 && missing.json["error"] is String, "\(missing)")
        #expect(missing.headers["www-authenticate"] == "Bearer", "\(missing)")
        let wrong = try await serve.curl("/v1/events", body: TestEvents.closure("evt_t1"), headers: ["Authorization: Bearer \(token)x"])
        #expect(wrong.status == 401, "\(wrong)")
        let metricsWithout = try await serve.curl("/metrics")
        #expect(metricsWithout.status == 401, "\(metricsWithout)")

        let tooMany = try await serve.curl("/v1/events", body: events.ndjson, headers: [auth])
        #expect(tooMany.status == 413 && tooMany.json["error"] is String, "\(tooMany)")
        let huge = String(repeating: TestEvents.closure("evt_big") + "\n", count: 20)
        let tooLarge = try await serve.curl("/v1/events", body: huge, headers: [auth])
        #expect(tooLarge.status == 413, "\(tooLarge)")
        let notJSON = try await serve.curl("/v1/events", body: "{\"id\": ", contentType: "application/json", headers: [auth])
        #expect(notJSON.status == 400 && (notJSON.json["error"] as? String)?.contains("not one JSON document") == true, "\(notJSON)")
        let empty = try await serve.curl("/v1/events", body: "\n\n", headers: [auth])
        #expect(empty.status == 400, "\(empty)")
        let form = try await serve.curl("/v1/events", body: "a=b", contentType: "application/x-www-form-urlencoded", headers: [auth])
        #expect(form.status == 415, "\(form)")
        let notFound = try await serve.curl("/v2/nothing")
        #expect(notFound.status == 404, "\(notFound)")

        let partial = try workspace.write("partial.ndjson", TestEvents.make(3, prefix: "evt_cut").ndjson)
        _ = try await ServeProcess.run("/usr/bin/python3", [TestServer.supportFile("http_client.py"), "--abort", "127.0.0.1", "\(serve.port)", partial])

        let good = try await serve.curl("/v1/events", body: TestEvents.closure("evt_t1"), headers: [auth])
        #expect(good.status == 200 && good.results == ["stored"], "\(good)")
        #expect(try (await serve.curl("/metrics", headers: [auth])).status == 200)
        let status = try await workspace.status()
        #expect(status.total == 1 && status.rejected == 0, "only the authorised, well-formed event is stored: \(status)")
        let ended = await serve.terminate()
        #expect(ended.status == 0, "\(ended)")
        #expect(!ended.output.contains(token), "the token never appears in the output")
        let lines = ended.stderrLines
        #expect(lines.count >= 3, "\(ended)")
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["message"] is String && object?["level"] is String && object?["time"] is String,
                    "--log-format json: one JSON object per line: \(line)")
        }
    }

    @Test("listening on an address that is not loopback needs MAILROOM_SERVE_TOKEN (exit 78)")
    func tokenRequiredBeyondLoopback() async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["serve", "--listen", "0.0.0.0:0"])
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("MAILROOM_SERVE_TOKEN"), "\(result)")
    }

    @Test("serve - stores and delivers the events of standard input beside HTTP")
    func standardInput() async throws {
        let relay = try TestServer.capture()
        defer { relay.stop() }
        let workspace = try Workspace()
        let serve = try await ServeProcess(workspace, arguments: ["--smtp-url", "smtp://127.0.0.1:\(relay.port)", "-"], input: .pipe)
        try serve.command.write(TestEvents.make(4, prefix: "evt_stdin").ndjson)
        let http = try await serve.curl("/v1/events", body: TestEvents.closure("evt_stdin_http"))
        #expect(http.status == 200, "\(http)")
        let delivered = try await eventually { (try? relay.stats()["messages"]) == 5 }
        #expect(delivered, "\(serve.command.stderrSoFar())")
        let ended = await serve.terminate()
        try? serve.command.closeInput()
        #expect(ended.status == 0, "\(ended)")
        #expect(try await workspace.status().count("sent") == 5)
    }
}
