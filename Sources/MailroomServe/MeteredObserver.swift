import Mailroom

/// Passes every attempt on to the observer that journals it (the outbox recorder) and counts it
/// in ``ServeMetrics``.
final class MeteredObserver: DeliveryObserver {
    private let recorder: any DeliveryObserver
    private let metrics: ServeMetrics

    init(recorder: any DeliveryObserver, metrics: ServeMetrics) {
        self.recorder = recorder
        self.metrics = metrics
    }

    func willAttempt(_ job: DeliveryJob) -> Bool {
        recorder.willAttempt(job)
    }

    func didFinish(_ job: DeliveryJob, attempt: DeliveryAttempt?, verdict: DeliveryVerdict?,
                   disposition: DeliveryDisposition) {
        if let attempt, let verdict { metrics.attempted(attempt, verdict: verdict) }
        recorder.didFinish(job, attempt: attempt, verdict: verdict, disposition: disposition)
    }

    var recordingFailure: String? { recorder.recordingFailure }
}
