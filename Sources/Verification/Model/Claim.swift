import Foundation

/// The claim form as the intake service sends it (SPEC section 3, `claim.json`).
public struct ClaimForm: Codable, Sendable, Hashable {
    public var id: String
    public var nama: String?
    public var nik: String?
    public var kpj: String?
    public var whatsapp: String?
    public var area: String?
    public var reason: ClaimReason?
    /// `YYYY-MM-DD`; the date the rules judge against.
    public var submittedAt: String?
    /// `YYYY-MM-DD`
    public var preferredDate: String?
    /// Slot name -> file name, relative to the claim folder.
    public var documents: [String: String]?

    public init(id: String, nama: String? = nil, nik: String? = nil, kpj: String? = nil,
                whatsapp: String? = nil, area: String? = nil, reason: ClaimReason? = nil,
                submittedAt: String? = nil, preferredDate: String? = nil,
                documents: [String: String]? = nil) {
        self.id = id; self.nama = nama; self.nik = nik; self.kpj = kpj
        self.whatsapp = whatsapp; self.area = area; self.reason = reason
        self.submittedAt = submittedAt; self.preferredDate = preferredDate
        self.documents = documents
    }

    enum CodingKeys: String, CodingKey {
        case id, nama, nik, kpj, whatsapp, area, reason
        case submittedAt = "submitted_at"
        case preferredDate = "preferred_date"
        case documents
    }
}

/// Why the claimant left work (SPEC section 3 `reason`).
public enum ClaimReason: String, Codable, Sendable, CaseIterable {
    case resign
    case contractEnd = "contract_end"
    case termination
    case retirement
}

/// The verdict statuses (SPEC section 2).
public enum ClaimStatus: String, Codable, Sendable, CaseIterable {
    /// Accepted, not yet checked (HTTP API only).
    case pending
    case complete
    case incomplete
    case review
}

/// A booked video call (SPEC section 5).
public struct QueueBooking: Codable, Sendable, Hashable {
    public var area: String
    /// `YYYY-MM-DD`
    public var date: String
    /// 1-based position in the day's calls of that area.
    public var position: Int

    public init(area: String, date: String, position: Int) {
        self.area = area; self.date = date; self.position = position
    }
}

/// The verdict on one claim (SPEC section 2 `check` object).
public struct Verdict: Codable, Sendable {
    public var claim: String
    public var status: ClaimStatus
    public var reasons: [Issue]
    public var documents: [String: DocumentResult]
    public var queue: QueueBooking?

    public init(claim: String, status: ClaimStatus, reasons: [Issue],
                documents: [String: DocumentResult], queue: QueueBooking? = nil) {
        self.claim = claim; self.status = status; self.reasons = reasons
        self.documents = documents; self.queue = queue
    }

    enum CodingKeys: String, CodingKey { case claim, status, reasons, documents, queue }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(claim, forKey: .claim)
        try c.encode(status, forKey: .status)
        try c.encode(reasons, forKey: .reasons)
        try c.encode(documents, forKey: .documents)
        // SPEC: `"queue": {...} | null`, so the key is always present.
        if let queue { try c.encode(queue, forKey: .queue) } else { try c.encodeNil(forKey: .queue) }
    }
}
