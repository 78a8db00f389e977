/// Turns the rules' findings into a status and the reasons shown with it.
///
/// `incomplete` when anything must be fixed by the claimant, else `review` when any evidence is
/// doubtful, else `complete`. Calling a defective claim complete is the worst error, so a
/// finding can only move a claim away from `complete`.
public enum VerdictPolicy {
    public static func status(for findings: [RuleFinding]) -> ClaimStatus {
        let worst = findings.map(\.effect).max() ?? .note
        switch worst {
        case .fix: return .incomplete
        case .review: return .review
        case .note: return .complete
        }
    }

    /// The findings that decide the status (notes left out), errors first, one per
    /// code + document + field (the strongest kept), otherwise in the rules' order.
    public static func reasons(from findings: [RuleFinding]) -> [Issue] {
        struct Key: Hashable { let code: ReasonCode; let document: String?; let field: String? }
        var kept: [Key: Int] = [:]
        var ordered: [RuleFinding] = []
        for finding in findings where finding.effect != .note {
            let key = Key(code: finding.issue.code, document: finding.issue.document, field: finding.issue.field)
            if let index = kept[key] {
                if finding.effect > ordered[index].effect { ordered[index] = finding }
            } else {
                kept[key] = ordered.count
                ordered.append(finding)
            }
        }
        let errors = ordered.filter { $0.issue.severity == .error }
        let warnings = ordered.filter { $0.issue.severity != .error }
        return (errors + warnings).map(\.issue)
    }
}
