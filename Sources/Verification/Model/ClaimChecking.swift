/// The whole pre-check of one claim: every scan read, the rules applied, a verdict returned.
/// The CLI (`berkas check`), the HTTP service's background jobs and `berkas recheck` all call
/// this one interface. Booking into the video-call queue is the store's job, not this one's:
/// the returned verdict has `queue == nil`.
public protocol ClaimChecking: Sendable {
    /// `documents` maps a slot (`ktp`, `kk`, `employer_letter`) to its scan; a slot the
    /// claimant left empty is absent.
    func check(form: ClaimForm, documents: [String: ScanSource], context: ClaimContext) async -> Verdict
}
