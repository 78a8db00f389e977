import Foundation
import Logging
import ServiceLifecycle
import Store
import Verification

/// The pool of check workers: each leases a job from the store, runs the one pre-check
/// (`ClaimChecking`) on the decrypted scans, and stores the verdict with its booking.
///
/// A worker that dies mid-check leaves a job whose lease runs out; any worker (here or after
/// a restart) then takes it over. On graceful shutdown workers take no new job and finish the
/// one in hand.
struct CheckWorkers<Store: ClaimStore>: Service {
    let store: Store
    let checker: any ClaimChecking
    let count: Int
    let lease: Duration
    let pollInterval: Duration
    let jobs: Doorbell
    let verdicts: VerdictWaiters
    let metrics: ServiceMetrics
    let logger: Logger
    /// Distinguishes this process's workers in the jobs table and the audit trail.
    let node: String

    func run() async throws {
        guard count > 0 else {
            try? await gracefulShutdown()
            return
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for index in 0..<count {
                    group.addTask { await work(as: "\(node)-\(index)") }
                }
            }
        } onGracefulShutdown: {
            Task { await jobs.ringAll() }
        }
    }

    private func work(as worker: String) async {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                if let job = try await store.leaseNextJob(worker: worker, lease: lease, now: Date()) {
                    await process(job)
                } else {
                    await jobs.wait(upTo: pollInterval)
                }
            } catch {
                logger.error("could not lease a check job", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    func process(_ job: LeasedJob) async {
        let start = ContinuousClock.now
        do {
            let input = try await store.checkInput(claimID: job.claimID)
            guard input.revision == job.revision else { return }  // changed since leased; queued again
            let verdict = await checkHoldingLease(job, input)
            // A reading cut short by its time limit (this node was busy) is tried again a little
            // later, here or on another node, before an officer is asked to look at it.
            if job.attempts < Self.attemptsForTimedOutReading,
               verdict.documents.values.contains(where: { $0.issues.contains { $0.code == .documentTimedOut } }) {
                logger.notice("a document's reading timed out; checking again later", metadata: ["claim": "\(job.claimID)"])
                await Task { try? await store.retryJob(job, error: "document reading timed out", delay: retryDelay(job), now: Date()) }.value
                return
            }
            switch try await store.finishJob(job, verdict: verdict, now: Date()) {
            case .applied(let stored):
                metrics.checkFinished(status: stored.status, duration: ContinuousClock.now - start)
                logger.info("claim checked", metadata: [
                    "claim": "\(job.claimID)", "status": "\(stored.status.rawValue)",
                    "queue": "\(stored.queue.map { "\($0.area) \($0.date) #\($0.position)" } ?? "-")",
                ])
            case .stale:
                logger.notice("verdict dropped: the claim changed or the job moved on", metadata: ["claim": "\(job.claimID)"])
            }
            await verdicts.notify(job.claimID)
        } catch {
            metrics.checkFailed()
            logger.error("check failed; queued again", metadata: ["claim": "\(job.claimID)", "error": "\(error)"])
            // Not under the (possibly cancelled) worker task: the job must go back either way.
            await Task { try? await store.retryJob(job, error: String(describing: error), delay: retryDelay(job), now: Date()) }.value
        }
    }

    /// Checks whose reading timed out are run this many times in all before the verdict (an
    /// officer's review) is kept.
    static var attemptsForTimedOutReading: Int { 3 }

    /// Backing off: 2 s after the first attempt, then 4, 8 ... up to a minute.
    private func retryDelay(_ job: LeasedJob) -> Duration {
        .seconds(min(60, 1 << min(job.attempts, 6)))
    }

    /// Runs the check while renewing the job's lease, so a long check is not taken over.
    private func checkHoldingLease(_ job: LeasedJob, _ input: CheckInput) async -> Verdict {
        await withTaskGroup(of: Verdict?.self) { group in
            group.addTask { [checker] in
                await checker.check(form: input.form, documents: input.scans, context: input.context)
            }
            group.addTask { [store, lease] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: lease / 3)
                    if Task.isCancelled { break }
                    _ = try? await store.renewLease(job, lease: lease, now: Date())
                }
                return nil
            }
            var verdict: Verdict?
            for await result in group {
                if let result { verdict = result; group.cancelAll() }
            }
            return verdict!
        }
    }
}
