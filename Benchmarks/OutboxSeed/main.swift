// outbox-seed: builds a large outbox quickly through the store, for Benchmarks/outbox-scale.sh.
//
//   outbox-seed --outbox DIR --count N [--sample FILE.eml] [--batch 1000] [--workers 16]
//               [--deferred 100] [--deferred-due 60] [--held 30] [--queued 10] [--failed 20]
//               [--uncertain 10] [--days 365]
//
// Nothing is sent: every message goes in through `SQLiteOutboxStore.store(_:leasingTo:)` in big
// batches, and its journal through `beginAttempt` / `recordAttempt` called from `--workers`
// threads at once (so the store's group commit batches them, as it does for a real send with
// several connections). The history is spread over `--days` days ending an hour ago (the store's
// clock is simulated); what is waiting is recent and its retry times are relative to the real
// clock, so `mailroom replay --dry-run` finds `--held + --queued + --deferred-due` messages due.
//
// The mix: all but the waiting and the few below are `sent` (one in 20 after a 451 deferral,
// so two attempts); `--deferred` deferred (after a 451), `--deferred-due` of them due an hour ago,
// the rest in 30 days; `--held` held and `--queued` queued (never tried); `--failed` failed (550);
// `--uncertain` uncertain (connection lost after the whole message was sent). Besides: one
// rejected input line per 1,000 messages, and one duplicate event per 2,000 (every fifth of them
// seen twice more); at least 5 of each.
//
// Message bytes: `--sample` (a message Mailroom composed, e.g. `mailroom outbox show ID --raw`),
// with its To and Message-ID headers replaced per message; without it, a built-in ~5 KB
// multipart message. Events are ~400-byte NDJSON lines in the benchmark events' format.
// Prints one line on stdout: messages, bytes, event bytes, seconds.
import Foundation
import Mailroom
import MailroomSQLite

struct Options {
    var outbox = ""
    var count = 1000
    var sample: String?
    var batch = 1000
    var workers = 16
    var deferred = 100
    var deferredDue = 60
    var held = 30
    var queued = 10
    var failed = 20
    var uncertain = 10
    var days = 365.0

    init(_ arguments: [String]) {
        var rest = arguments[...]
        func value(_ name: String) -> String {
            guard let v = rest.popFirst() else { fail("\(name) needs a value") }
            return v
        }
        func int(_ name: String) -> Int {
            let text = value(name)
            guard let n = Int(text.replacingOccurrences(of: "_", with: "")), n >= 0 else { fail("\(name): not a count: \(text)") }
            return n
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--outbox": outbox = value(argument)
            case "--count": count = int(argument)
            case "--sample": sample = value(argument)
            case "--batch": batch = max(1, int(argument))
            case "--workers": workers = max(1, int(argument))
            case "--deferred": deferred = int(argument)
            case "--deferred-due": deferredDue = int(argument)
            case "--held": held = int(argument)
            case "--queued": queued = int(argument)
            case "--failed": failed = int(argument)
            case "--uncertain": uncertain = int(argument)
            case "--days": days = Double(value(argument)) ?? days
            case "-h", "--help":
                print("usage: outbox-seed --outbox DIR --count N [--sample FILE.eml] [--batch 1000] [--workers 16] "
                      + "[--deferred 100] [--deferred-due 60] [--held 30] [--queued 10] [--failed 20] [--uncertain 10] [--days 365]")
                exit(0)
            default: fail("unknown argument \(argument)")
            }
        }
        if outbox.isEmpty { fail("--outbox DIR is required") }
        if deferredDue > deferred { fail("--deferred-due cannot exceed --deferred") }
    }

    var waiting: Int { deferred + held + queued + failed + uncertain }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("outbox-seed: \(message)\n".utf8))
    exit(64)
}

/// The store's clock: the seeder moves it through the simulated history.
final class SimulatedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date {
        get { lock.lock(); defer { lock.unlock() }; return current }
        set { lock.lock(); current = newValue; lock.unlock() }
    }
}

/// A small deterministic generator (xorshift64*), so every seeded outbox holds the same bytes.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Composes the seeded messages and their events.
struct Corpus {
    static let first = ["Ada", "Grace", "Jürgen", "Zoë", "Søren", "Amélie", "Hedy", "Alan", "Łukasz", "Mary"]
    static let last = ["Lovelace", "Hopper", "Müller", "Brontë", "Kierkegaard", "Poulain", "Lamarr", "Turing", "Nowak", "Shelley"]
    static let types = ["account.closure_requested", "account.balance_outstanding", "account.closed"]
    static let locales = ["en", "de-DE"]
    static let sender = "notifications@example.com"

    /// The sample's bytes without its To and Message-ID header lines.
    let body: [UInt8]

    init(sample: String?) {
        let bytes: [UInt8]
        if let sample {
            guard let data = FileManager.default.contents(atPath: sample) else { fail("cannot read \(sample)") }
            bytes = [UInt8](data)
        } else {
            bytes = Corpus.builtInSample()
        }
        // Drop the To: and Message-ID: header lines (with any folded continuation lines).
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inHeader = true
        var skipping = false
        var lineStart = 0
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x0A else { i += 1; continue }
            let line = bytes[lineStart...i]
            if inHeader {
                let text = String(decoding: line.prefix(16), as: UTF8.self).lowercased()
                if line.count <= 2 { inHeader = false; skipping = false }
                else if line.first == 0x20 || line.first == 0x09 { if skipping { lineStart = i + 1; i += 1; continue } }
                else { skipping = text.hasPrefix("to:") || text.hasPrefix("message-id:") }
                if skipping { lineStart = i + 1; i += 1; continue }
            }
            out.append(contentsOf: line)
            lineStart = i + 1
            i += 1
        }
        out.append(contentsOf: bytes[lineStart...])
        body = out
    }

    /// A multipart/alternative message of about 5 KB, as Mailroom composes them.
    static func builtInSample() -> [UInt8] {
        var paragraph = "We received your request to close your account. Before it is closed, please withdraw "
            + "your remaining balance; after the closing date we can no longer pay it out. "
        paragraph += paragraph
        var text = "Subject: Your account closure\r\nFrom: Example <\(sender)>\r\nDate: Sat, 28 Nov 2026 09:15:00 +0000\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        for _ in 0..<8 { text += paragraph + "\r\n" }
        text += "--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        for _ in 0..<8 { text += "<p>" + paragraph + "</p>\r\n" }
        text += "--b1--\r\n"
        return Array(text.utf8)
    }

    func eventLine(_ n: Int, id: String, random: inout Random) -> [UInt8] {
        let kind = Corpus.types[n % 3]
        let locale = Corpus.locales[(n / 3) % 2]
        let day = 1 + n % 28
        let name = "\(Corpus.first[random.below(10)]) \(Corpus.last[random.below(10)])"
        let dd = day < 10 ? "0\(day)" : "\(day)"
        let data: String
        switch n % 3 {
        case 0:
            let reference = "CLS-2026-\(n)"
            data = #"{"reference":"\#(reference)","effective_at":"2099-12-\#(dd)T00:00:00Z","cancel_url":"https://example.com/account/closure/\#(reference)/cancel"}"#
        case 1:
            data = #"{"balance":{"amount":"\#(random.below(99999)).\#(10 + random.below(90))","currency":"EUR"},"withdraw_by":"2099-12-\#(dd)T23:59:59Z","withdraw_url":"https://example.com/wallet/withdraw"}"#
        default:
            data = #"{"closed_at":"2026-12-\#(dd)T00:00:00Z","privacy_contact":"privacy@example.com","retained":[{"category":"Invoices and payment records","reason":"tax law requires us to keep them","retain_until":"2036-12-31"}]}"#
        }
        let line = #"{"id":"\#(id)","type":"\#(kind)","occurred_at":"2026-11-\#(dd)T09:15:00Z","request_id":"req_\#(String(random.next(), radix: 36))","account":{"id":"acc_\#(n)","email":"user\#(n)@example.com","name":"\#(name)","locale":"\#(locale)"},"data":\#(data)}"#
        return Array(line.utf8)
    }

    func message(_ n: Int, id: String, state: MessageState, random: inout Random) -> NewMessage {
        let recipient = "user\(n)@example.com"
        let messageID = "<\(id).\(String(random.next(), radix: 36))@mail.example.com>"
        var bytes = Array("To: Account holder <\(recipient)>\r\nMessage-ID: \(messageID)\r\n".utf8)
        bytes.reserveCapacity(bytes.count + body.count)
        bytes.append(contentsOf: body)
        let composed = ComposedMessage(envelope: Envelope(sender: Corpus.sender, recipients: [recipient]),
                                       messageID: messageID, bytes: bytes)
        return NewMessage(eventID: id, eventType: Corpus.types[n % 3], template: Corpus.types[n % 3],
                          locale: Corpus.locales[(n / 3) % 2], sourceEvent: eventLine(n, id: id, random: &random),
                          composed: composed, initialState: state, source: "events-\(n / 100_000).ndjson",
                          line: n % 100_000 + 1)
    }
}

/// How the journal of one seeded message goes.
enum Story {
    case sent, sentAfterDeferral, deferred(next: Date), failed, uncertain
}

/// Runs `body` for each item on `workers` threads at once and waits for all of them.
func concurrently<T>(_ items: [T], workers: Int, _ body: @escaping @Sendable (T) -> Void) {
    let workers = min(workers, items.count)
    guard workers > 0 else { return }
    let group = DispatchGroup()
    let boxed = UnsafeSendable(items)
    for w in 0..<workers {
        group.enter()
        let thread = Thread {
            var i = w
            while i < boxed.value.count {
                body(boxed.value[i])
                i += workers
            }
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
}

struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

func must<T>(_ what: String, _ body: () throws -> T) -> T {
    do { return try body() } catch { fail("\(what): \(error)") }
}

final class Seeder: @unchecked Sendable {
    let options: Options
    let started = Date()
    let realNow = Date()
    let historyStart: Date
    let historyEnd: Date
    let clock: SimulatedClock
    let store: SQLiteOutboxStore
    let owner = LeaseOwner.current
    let corpus: Corpus
    var random = Random(state: 0x9E37_79B9_7F4A_7C15)
    let reply250 = SMTPReply(code: 250, enhancedCode: "2.0.0", text: "Ok: queued as 4Xk2p71Zq3z9")
    let reply451 = SMTPReply(code: 451, enhancedCode: "4.7.1", text: "Try again later: greylisted, see https://example.com/greylisting")
    let reply550 = SMTPReply(code: 550, enhancedCode: "5.1.1", text: "The email account that you tried to reach does not exist")
    var totalBytes = 0
    var totalEvent = 0
    var stored = 0
    var n = 0
    var k = 0
    /// Seconds spent in store(_:leasingTo:) and in the journal calls.
    var storing: TimeInterval = 0
    var journaling: TimeInterval = 0
    /// The bulk's time span: the history less its last day, which holds what is waiting.
    var span: TimeInterval { historyEnd.timeIntervalSince(historyStart) - 86400 }

    init(_ options: Options) {
        self.options = options
        historyEnd = realNow.addingTimeInterval(-3600)
        historyStart = historyEnd.addingTimeInterval(-options.days * 86400)
        let clock = SimulatedClock(historyStart)
        self.clock = clock
        do {
            store = try SQLiteOutboxStore(directory: options.outbox, create: true, clock: { clock.now })
        } catch {
            fail("cannot open the outbox: \(error)")
        }
        corpus = Corpus(sample: options.sample)
    }

    /// Records one attempt: its start, then its result.
    func attempt(_ lease: Lease, reply: SMTPReply?, classification: String, detail: String = "", state: MessageState,
                 next: Date? = nil, release: Bool) {
        must("begin an attempt") { _ = try store.beginAttempt(lease) }
        let result = AttemptRecord(duration: .milliseconds(38), reply: reply, classification: classification, detail: detail)
        must("record an attempt") {
            try store.recordAttempt(lease, result: result, newState: state, nextAttemptAt: next, release: release)
        }
    }

    func tell(_ lease: Lease, _ story: Story) {
        switch story {
        case .sent:
            attempt(lease, reply: reply250, classification: "sent", state: .sent, release: true)
        case .sentAfterDeferral:
            attempt(lease, reply: reply451, classification: "transient", state: .deferred,
                    next: clock.now.addingTimeInterval(300), release: false)
            attempt(lease, reply: reply250, classification: "sent", state: .sent, release: true)
        case .deferred(let next):
            attempt(lease, reply: reply451, classification: "transient", state: .deferred, next: next, release: true)
        case .failed:
            attempt(lease, reply: reply550, classification: "permanent", state: .failed, release: true)
        case .uncertain:
            attempt(lease, reply: nil, classification: "uncertain",
                    detail: "the connection was lost - Recv failure: Connection reset by peer (libcurl 56) "
                        + "(at end-of-data, after the whole message was sent)", state: .uncertain, release: true)
        }
    }

    /// Stores the messages `numbers` at `time`, leased when they have a story, then tells each story.
    func seed(_ numbers: Range<Int>, at time: Date, state: MessageState, story: (Int) -> Story?) {
        var batch: [NewMessage] = []
        batch.reserveCapacity(numbers.count)
        for n in numbers {
            let message = corpus.message(n, id: "seed-\(n)", state: state, random: &random)
            totalBytes += message.composed.bytes.count
            totalEvent += message.sourceEvent.count
            batch.append(message)
        }
        clock.now = time
        let leased = story(numbers.lowerBound) != nil
        let before = Date()
        let results = must("store a batch") { try store.store(batch, leasingTo: leased ? owner : nil) }
        let after = Date()
        storing += after.timeIntervalSince(before)
        defer { journaling += Date().timeIntervalSince(after) }
        stored += results.count { !$0.isDuplicate }
        guard leased else { return }
        clock.now = time.addingTimeInterval(2)
        let work = results.enumerated().compactMap { offset, result in
            result.lease.flatMap { lease in story(numbers.lowerBound + offset).map { (lease, $0) } }
        }
        concurrently(work, workers: options.workers) { [self] lease, story in tell(lease, story) }
    }

    /// A group of waiting or failed messages in the last day of the history.
    func group(_ count: Int, state: MessageState, _ story: (Int) -> Story?) {
        guard count > 0 else { return }
        let recent = historyEnd.addingTimeInterval(-86400)
        seed(n..<(n + count), at: recent.addingTimeInterval(Double(k) * 600), state: state, story: story)
        n += count
        k += 1
    }

    func run() {
        // The history: sent messages, oldest first.
        let bulk = max(0, options.count - options.waiting)
        while n < bulk {
            let end = min(n + options.batch, bulk)
            let time = historyStart.addingTimeInterval(span * Double(n) / Double(max(bulk, 1)))
            seed(n..<end, at: time, state: .queued) { $0 % 20 == 7 ? .sentAfterDeferral : .sent }
            n = end
            if n % 100_000 == 0 || n == bulk {
                let line = "outbox-seed: \(n) of \(options.count) stored, \(Int(Date().timeIntervalSince(started))) s "
                    + "(storing \(Int(storing)) s, journaling \(Int(journaling)) s)\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        // The last day: what is still waiting or went wrong.
        let dueAt = realNow.addingTimeInterval(-3600)
        let laterAt = realNow.addingTimeInterval(30 * 86400)
        group(options.deferredDue, state: .queued) { _ in .deferred(next: dueAt) }
        group(options.deferred - options.deferredDue, state: .queued) { _ in .deferred(next: laterAt) }
        group(options.failed, state: .queued) { _ in .failed }
        group(options.uncertain, state: .queued) { _ in .uncertain }
        group(options.held, state: .held) { _ in nil }
        group(options.queued, state: .queued) { _ in nil }

        // Rejected input lines and duplicate events, spread over the history.
        let rejectedCount = max(5, options.count / 1000)
        let span = self.span
        let rejections = (0..<rejectedCount).map { r in
            RejectedEvent(time: historyStart.addingTimeInterval(span * Double(r) / Double(max(rejectedCount, 1))),
                          source: "events-\(r % 10).ndjson", line: 1 + r, eventID: "bad-\(r)",
                          problems: ["account.email: expected an email address, found 'user\(r)(at)example.com'"],
                          raw: Array(#"{"id":"bad-\#(r)","type":"account.closed","account":{"email":"user\#(r)(at)example.com"}}"#.utf8))
        }
        concurrently(rejections, workers: options.workers) { [store] event in
            must("record a rejected event") { try store.recordRejected(event) }
        }
        let duplicateCount = max(5, options.count / 2000)
        var again: [NewMessage] = []
        for d in 0..<duplicateCount {
            let target = (d * 1999) % max(bulk, 1)
            let message = corpus.message(target, id: "seed-\(target)", state: .queued, random: &random)
            again.append(message)
            if d % 5 == 0 { again.append(message); again.append(message) }
        }
        clock.now = historyEnd
        for start in stride(from: 0, to: again.count, by: options.batch) {
            _ = must("store duplicates") {
                try store.store(Array(again[start..<min(start + options.batch, again.count)]), leasingTo: nil)
            }
        }
        must("sync") { try store.sync() }
        let seconds = Date().timeIntervalSince(started)
        print("messages \(stored) bytes \(totalBytes) event_bytes \(totalEvent) rejected \(rejectedCount) "
              + "duplicates \(again.count) seconds \(String(format: "%.1f", seconds))")
    }
}

Seeder(Options(Array(CommandLine.arguments.dropFirst()))).run()
