/// One finding about a claim or a document (SPEC `ISSUE`).
public struct Issue: Codable, Sendable, Hashable {
    public enum Severity: String, Codable, Sendable { case error, warning }

    public var code: ReasonCode
    public var severity: Severity
    /// The claim slot (`ktp`, `kk`, `employer_letter`) or nil for the claim itself.
    public var document: String?
    public var field: String?
    public var message: String

    public init(_ code: ReasonCode, severity: Severity? = nil, document: String? = nil,
                field: String? = nil, message: String? = nil) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.document = document
        self.field = field
        self.message = message ?? code.message
    }

    enum CodingKeys: String, CodingKey { case code, severity, document, field, message }

    // SPEC: `document` and `field` are present, `null` when they do not apply.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(severity, forKey: .severity)
        if let document { try c.encode(document, forKey: .document) } else { try c.encodeNil(forKey: .document) }
        if let field { try c.encode(field, forKey: .field) } else { try c.encodeNil(forKey: .field) }
        try c.encode(message, forKey: .message)
    }
}
