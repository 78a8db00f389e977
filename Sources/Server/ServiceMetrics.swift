import Foundation
import Hummingbird
import Prometheus
import Store
import Verification

/// The Prometheus metrics `GET /metrics` shows.
final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]
    private let checkBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    func request(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: .init(metricName: "berkas_http_requests", unitName: "total",
                                               helpText: "HTTP requests by method, route and status"),
                             labels: [("method", method), ("route", route), ("status", String(status))])
            .increment()
        registry.makeDurationHistogram(descriptor: .init(metricName: "berkas_http_request_duration", unitName: "seconds",
                                                         helpText: "HTTP request latency"),
                                       labels: [("method", method), ("route", route)], buckets: latencyBuckets)
            .record(duration)
    }

    func checkFinished(status: ClaimStatus, duration: Duration) {
        registry.makeCounter(descriptor: .init(metricName: "berkas_checks", unitName: "total",
                                               helpText: "Claim checks finished, by verdict status"),
                             labels: [("status", status.rawValue)])
            .increment()
        registry.makeDurationHistogram(descriptor: .init(metricName: "berkas_check_duration", unitName: "seconds",
                                                         helpText: "Time to check one claim"),
                                       labels: [], buckets: checkBuckets)
            .record(duration)
    }

    func checkFailed() {
        registry.makeCounter(descriptor: .init(metricName: "berkas_check_failures", unitName: "total",
                                               helpText: "Checks that failed and were queued again"))
            .increment()
    }

    func jobs(_ counts: [JobState: Int]) {
        for (state, count) in counts {
            registry.makeGauge(descriptor: .init(metricName: "berkas_jobs", unitName: "",
                                                 helpText: "Check jobs by state (queued = queue depth)"),
                               labels: [("state", state.rawValue)])
                .set(Double(count))
        }
    }

    func text() -> String { registry.emitToString() }
}

/// Counts and times every request, labelled by the route's template, not its concrete path.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.request(method: request.method.rawValue, route: context.endpointPath ?? "unmatched",
                        status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}
