import Foundation

/// Wakes idle check workers when a job is queued. A ring with nobody waiting is kept for the
/// next waiter, so a job queued between "no job found" and "wait" is not missed.
actor Doorbell {
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var unanswered = 0

    /// Returns when rung, or after `timeout`.
    func wait(upTo timeout: Duration) async {
        if unanswered > 0 { unanswered -= 1; return }
        let id = UUID()
        await withCheckedContinuation { continuation in
            waiters[id] = continuation
            Task { try? await Task.sleep(for: timeout); self.expire(id) }
        }
    }

    func ring() {
        if let (id, continuation) = waiters.first {
            waiters[id] = nil
            continuation.resume()
        } else {
            unanswered = min(unanswered + 1, 1024)
        }
    }

    func ringAll() {
        let all = waiters.values
        waiters.removeAll()
        all.forEach { $0.resume() }
        unanswered = 1024
    }

    private func expire(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }
}

/// `GET /claims/{id}?wait=` callers, woken when a verdict for their claim is stored here.
/// Callers still re-read the store after each wake-up or timeout, so a verdict stored by
/// another process is seen too.
actor VerdictWaiters {
    private var waiters: [String: [UUID: CheckedContinuation<Void, Never>]] = [:]

    func wait(for claimID: String, upTo timeout: Duration) async {
        let id = UUID()
        await withCheckedContinuation { continuation in
            waiters[claimID, default: [:]][id] = continuation
            Task { try? await Task.sleep(for: timeout); self.expire(claimID, id) }
        }
    }

    func notify(_ claimID: String) {
        waiters.removeValue(forKey: claimID)?.values.forEach { $0.resume() }
    }

    private func expire(_ claimID: String, _ id: UUID) {
        guard let continuation = waiters[claimID]?.removeValue(forKey: id) else { return }
        if waiters[claimID]?.isEmpty == true { waiters[claimID] = nil }
        continuation.resume()
    }
}
