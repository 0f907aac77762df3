import Foundation
import Mailroom
import Metrics
import Prometheus

/// `serve`'s figures, recorded through swift-metrics and shown by `GET /metrics` in Prometheus's
/// text format.
///
/// Counters count what this process did since it started (Prometheus computes rates from them);
/// the per-state counts and the oldest unsent age are read from the outbox at each scrape, so they
/// cover every process sharing it and agree with `mailroom outbox status`.
///
/// Metrics are made through an explicit factory over the service's own registry, not the global
/// `MetricsSystem`, so that several services (tests) in one process keep their figures apart.
package final class ServeMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    private let stored: Metrics.Counter
    private let duplicates: Metrics.Counter
    private let rejected: Metrics.Counter
    private let stateGauges: [MessageState: Meter]
    private let oldestUnsent: Meter
    private let leased: Meter
    private let relayPaused: Meter
    private let storeUp: Meter

    static let latencyLabel = "mailroom_delivery_duration_seconds"

    package init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Self.latencyLabel] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60),
        ]
        self.factory = factory
        stored = Metrics.Counter(label: "mailroom_messages_stored_total", factory: factory)
        duplicates = Metrics.Counter(label: "mailroom_events_duplicate_total", factory: factory)
        rejected = Metrics.Counter(label: "mailroom_events_rejected_total", factory: factory)
        var gauges: [MessageState: Meter] = [:]
        for state in MessageState.allCases {
            gauges[state] = Meter(label: "mailroom_messages", dimensions: [("state", state.rawValue)], factory: factory)
        }
        stateGauges = gauges
        oldestUnsent = Meter(label: "mailroom_oldest_unsent_age_seconds", factory: factory)
        leased = Meter(label: "mailroom_messages_leased", factory: factory)
        relayPaused = Meter(label: "mailroom_relay_circuit_open", factory: factory)
        storeUp = Meter(label: "mailroom_outbox_up", factory: factory)
    }

    /// Counts what one intake request or stdin batch did.
    func counted(stored: Int, duplicates: Int, rejected: Int) {
        if stored > 0 { self.stored.increment(by: stored) }
        if duplicates > 0 { self.duplicates.increment(by: duplicates) }
        if rejected > 0 { self.rejected.increment(by: rejected) }
    }

    /// Counts one delivery attempt: its classification, the relay's reply code and its duration.
    func attempted(_ attempt: DeliveryAttempt, verdict: DeliveryVerdict) {
        Metrics.Counter(label: "mailroom_delivery_attempts_total", dimensions: [("classification", verdict.rawValue)],
                factory: factory).increment()
        let code = attempt.reply.map { String($0.code) } ?? "none"
        Metrics.Counter(label: "mailroom_relay_replies_total", dimensions: [("code", code)], factory: factory).increment()
        Metrics.Timer(label: Self.latencyLabel, factory: factory).recordNanoseconds(Self.nanoseconds(attempt.duration))
    }

    /// The outbox's state at a scrape (nil when it could not be read) and the relay's.
    func observe(_ status: OutboxStatus?, relayPaused paused: Bool) {
        storeUp.set(status == nil ? 0 : 1)
        relayPaused.set(paused ? 1 : 0)
        guard let status else { return }
        for (state, gauge) in stateGauges { gauge.set(status.counts[state, default: 0]) }
        oldestUnsent.set(status.oldestUnsentAge ?? 0)
        leased.set(status.leased)
    }

    /// The Prometheus text exposition of every metric.
    package func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
