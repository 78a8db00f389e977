import Foundation
import Hummingbird
import Logging
import Store
import Verification

/// Builds the service `berkas serve` runs: opens (creating on first use) the data directory,
/// the key and the database, loads the branch, and wires the API and the check workers.
///
/// ```swift
/// let app = try await buildApplication(configuration: .init(port: 8080), checker: checker)
/// try await app.runService()
/// ```
public func buildApplication(configuration: ServerConfiguration, checker: any ClaimChecking,
                             logger: Logger = Logger(label: "berkas")) async throws -> some ApplicationProtocol {
    let branch = try configuration.branch ?? Branch.locate()
    let store = try AppDatabase.open(dataDirectory: configuration.dataDirectory, keyFile: configuration.keyFile,
                                     branch: branch, logger: logger)
    return buildApplication(configuration: configuration, store: store, checker: checker, logger: logger)
}

/// The same service over a store the caller opened (tests, or another store).
public func buildApplication<Store: ClaimStore & OfficerStore & ReviewStore>(configuration: ServerConfiguration, store: Store,
                                                checker: any ClaimChecking,
                                                logger: Logger = Logger(label: "berkas")) -> some ApplicationProtocol {
    let jobs = Doorbell()
    let verdicts = VerdictWaiters()
    let metrics = ServiceMetrics()
    let router = buildRouter(configuration: configuration, store: store, jobs: jobs, verdicts: verdicts, metrics: metrics)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "berkas"),
        logger: logger)
    app.addServices(CheckWorkers(
        store: store, checker: checker, count: configuration.workers, lease: configuration.lease,
        pollInterval: configuration.pollInterval, jobs: jobs, verdicts: verdicts, metrics: metrics,
        logger: logger, node: "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"))
    return app
}

func buildRouter<Store: ClaimStore & OfficerStore & ReviewStore>(configuration: ServerConfiguration, store: Store, jobs: Doorbell,
                                    verdicts: VerdictWaiters, metrics: ServiceMetrics) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: ErrorMiddleware())

    router.get("healthz") { _, _ -> Response in
        try await store.ping()
        return try ClaimsController<Store>.json(["status": "ok"], status: .ok)
    }
    router.get("metrics") { _, _ -> Response in
        metrics.jobs(try await store.jobCounts())
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
    }
    router.get("api/v1/openapi.yaml") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
    }

    let api = router.group("api/v1")
        .add(middleware: BearerAuthMiddleware(store: store))
        .group(context: ClientRequestContext.self)
    ClaimsController(store: store, configuration: configuration, jobs: jobs, verdicts: verdicts).addRoutes(to: api)
    QueueController(store: store).addRoutes(to: api)

    addReviewRoutes(to: router, configuration: configuration, store: store)
    return router
}
