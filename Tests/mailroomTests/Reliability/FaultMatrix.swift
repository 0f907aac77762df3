import Foundation

/// The fault matrix of issue 5: each fault at each stage of the SMTP conversation, what the
/// scripted server does to produce it, and the outcome the contract promises.
enum FaultMatrix {
    enum Stage: String, CaseIterable, Sendable {
        case greeting, ehlo = "EHLO", starttls = "STARTTLS", auth = "AUTH", mail = "MAIL FROM", rcpt = "RCPT TO", data = "DATA"
        case dot = "after the final dot"

        /// The stage name the journal uses (`(at rcpt)`).
        var journalName: String {
            switch self {
            case .greeting: "greeting"
            case .ehlo: "ehlo"
            case .starttls: "starttls"
            case .auth: "auth"
            case .mail: "mail"
            case .rcpt: "rcpt"
            case .data: "data"
            case .dot: "end-of-data"
            }
        }

        /// The scripted server's keys the fault replaces (EHLO faults also hit libcurl's HELO fallback).
        var scriptKeys: [String] {
            switch self {
            case .greeting: ["greeting"]
            case .ehlo: ["EHLO", "HELO"]
            case .starttls: ["STARTTLS"]
            case .auth: ["AUTH"]
            case .mail: ["MAIL"]
            case .rcpt: ["RCPT"]
            case .data: ["DATA"]
            case .dot: ["DOT"]
            }
        }

        /// An ordinary reply of this stage's kind, for the 4xx and 5xx faults.
        var transientReply: String {
            switch self {
            case .greeting: "450 4.3.2 system not accepting network messages"
            case .ehlo: "451 4.3.0 local error, try again"
            case .starttls: "454 4.7.0 TLS not available due to temporary reason"
            case .auth: "454 4.7.0 temporary authentication failure"
            case .mail: "451 4.3.0 sender check failed, try again"
            case .rcpt: "450 4.2.1 mailbox busy, try again"
            case .data: "451 4.3.0 cannot accept data now"
            case .dot: "451 4.3.0 error writing the queue file"
            }
        }

        var permanentReply: String {
            switch self {
            case .greeting: "554 5.3.2 no SMTP service here"
            case .ehlo: "550 5.7.1 access denied"
            case .starttls: "554 5.7.3 TLS not permitted"
            case .auth: "535 5.7.8 authentication credentials invalid"
            case .mail: "553 5.1.8 sender address refused"
            case .rcpt: "550 5.1.1 no such user here"
            case .data: "554 5.5.1 no valid recipients"
            case .dot: "554 5.7.1 message refused as spam"
            }
        }

        /// Stages where a 5xx says the set-up is wrong for every message, not this message.
        var refusesTheSetup: Bool { [.greeting, .ehlo, .starttls, .auth].contains(self) }
    }

    enum Fault: String, CaseIterable, Sendable {
        case transient = "4xx", permanent = "5xx", reset = "connection reset", stall = "silent stall"
        case close421 = "421 then close", garbage = "garbage reply", tls = "TLS handshake failure"
    }

    /// What the contract says must happen, or why the cell cannot happen.
    enum Expectation: Sendable, Equatable {
        case outcome(state: String, exitCode: Int32, attempts: Int)
        case notApplicable(String)
    }

    struct Cell: Sendable {
        var stage: Stage
        var fault: Fault

        var expectation: Expectation {
            let stall = Expectation.outcome(state: "deferred", exitCode: 75, attempts: 2)
            switch (fault, stage) {
            case (.tls, .greeting):
                // Implicit TLS (smtps://) to a listener that speaks plain SMTP.
                return stall
            case (.tls, .starttls):
                return stall
            case (.tls, _):
                return .notApplicable("TLS is negotiated only on connecting (smtps://) or at STARTTLS")
            case (.transient, _):
                return stall
            case (.permanent, let stage) where stage.refusesTheSetup:
                // Configuration: the run stops, nothing is failed, the message waits for a fix.
                return .outcome(state: "queued", exitCode: 78, attempts: 1)
            case (.permanent, _):
                return .outcome(state: "failed", exitCode: 69, attempts: 1)
            case (.close421, _):
                // A 421 is an answer, even after the dot: the relay did not take the message.
                return stall
            case (.reset, .dot), (.stall, .dot), (.garbage, .dot):
                // The whole message went out and no answer came: it may have arrived.
                return .outcome(state: "uncertain", exitCode: 75, attempts: 1)
            case (.reset, _), (.stall, _), (.garbage, _):
                return stall
            }
        }

        /// The reply code the journal must show, for faults that are a reply.
        var expectedCode: Int? {
            switch fault {
            case .transient: Int(stage.transientReply.prefix(3))
            case .permanent: Int(stage.permanentReply.prefix(3))
            case .close421: 421
            default: nil
            }
        }

        /// Words one of which the journal's detail must contain, for faults that are not a reply.
        var expectedWords: [String] {
            switch fault {
            case .reset: ["lost", "reset", "closed"]
            case .stall, .garbage: ["timed out", "timeout"]
            case .tls: ["TLS", "SSL"]
            default: []
            }
        }

        /// The URL path to use: the stage decides TLS and credentials.
        func smtpURL(port: Int) -> String {
            if fault == .tls && stage == .greeting { return "smtps://127.0.0.1:\(port)" }
            if stage == .starttls { return "smtp://127.0.0.1:\(port)?tls=starttls" }
            return "smtp://127.0.0.1:\(port)?tls=none"
        }

        var usesCredentials: Bool { stage == .auth }

        /// The scripted server's script for this cell (one connection spec, repeated).
        var script: String {
            var spec: [String: Any] = [:]
            var ehlo = ["250-scripted.test", "250-8BITMIME"]
            if stage == .starttls { ehlo.append("250-STARTTLS") }
            if stage == .auth { ehlo.append("250-AUTH PLAIN LOGIN") }
            ehlo.append("250 SIZE 10240000")
            spec["EHLO"] = ehlo.joined(separator: "\n")
            let response: Any? = switch fault {
            case .transient: stage.transientReply
            case .permanent: stage.permanentReply
            case .reset: ["action": "reset"]
            case .stall: ["action": "stall"]
            case .close421: ["action": "reply-then-close", "reply": "421 4.3.2 service shutting down, closing channel"]
            case .garbage: ["action": "garbage"]
            case .tls: stage == .starttls ? ["action": "reply-then-not-tls", "reply": "220 2.0.0 ready to start TLS"] : nil
            }
            if let response, !(fault == .tls && stage == .greeting) {
                for key in stage.scriptKeys { spec[key] = response }
            }
            let data = (try? JSONSerialization.data(withJSONObject: ["connections": [spec]], options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    static let cells: [Cell] = Stage.allCases.flatMap { stage in Fault.allCases.map { Cell(stage: stage, fault: $0) } }
}
