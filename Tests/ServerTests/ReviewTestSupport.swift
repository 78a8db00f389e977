import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import Store
import Testing
import Verification

let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures", isDirectory: true)

/// A real KTP image from the fixtures, so the scan handler has something to decode.
let ktpScan = try! Data(contentsOf: fixturesDirectory.appendingPathComponent("corpus/clean/ktp-001.png"))

let officerPassword = "kata-sandi-panjang-1"

/// A service with officers and claims already checked, for driving the officers' pages.
struct ReviewService {
    let service: TestService
    var store: AppDatabase { service.store }

    static func make() async throws -> ReviewService {
        let service = try await TestService.make()
        try await OfficerAccounts.add(username: "ani", password: officerPassword, areas: [], to: service.store)
        try await OfficerAccounts.add(username: "budi", password: officerPassword, areas: ["batang"], to: service.store)
        return ReviewService(service: service)
    }

    /// The production app without check workers: claims are checked by `seed`, deterministically.
    func app() -> some ApplicationProtocol { service.app(workers: 0) }

    /// Stores a claim and applies `status` as a worker would, with a KTP verdict whose `nama`
    /// was read doubtfully (boxed, flagged by a reason) when the status is `review`.
    @discardableResult
    func seed(_ id: String, area: String = "batang", status: ClaimStatus = .review,
              preferred: String = "2020-04-30", whatsapp: String = "081234567890") async throws -> StoredClaim {
        let form = ClaimForm(id: id, nama: "RINA MARLINA", nik: stableNIK(id), kpj: "02010170188", whatsapp: whatsapp,
                             area: area, reason: .resign, submittedAt: "2020-04-28", preferredDate: preferred)
        let client = Client(tokenID: 1, name: "intake-test")
        _ = try await store.submit(NewClaim(form: form, scans: [
            ScanUpload(slot: "ktp", data: ktpScan, fileName: "ktp.png"),
            ScanUpload(slot: "kk", data: fakeJPEG("\(id)/kk"), fileName: "kk.jpg"),
        ]), client: client, idempotencyKey: nil, now: Date())
        let job = try #require(try await store.leaseNextJob(worker: "seed", lease: .seconds(60), now: Date()))
        #expect(job.claimID == id)
        _ = try await store.finishJob(job, verdict: Self.verdict(id, status: status), now: Date())
        return try #require(try await store.claim(id: id))
    }

    static func verdict(_ id: String, status: ClaimStatus) -> Verdict {
        let doubt = Verification.Issue(.ktpNameMismatch, severity: .warning, document: "ktp", field: "nama",
                                       message: "Nama pada KTP sedikit berbeda dengan nama pada formulir, mungkin karena foto kurang jelas; petugas akan memeriksanya.")
        let ktp = DocumentResult(file: "ktp.png", kind: .ktp, kindConfidence: 0.97, fields: [
            "nama": FieldValue(value: "RINA MARLlNA", confidence: 0.52, box: Box(x: 260, y: 180, w: 300, h: 34)),
            "nik": FieldValue(value: stableNIK(id), confidence: 0.95, box: Box(x: 240, y: 120, w: 420, h: 40)),
        ], quality: Quality(width: 1012, height: 638, pages: 1, readable: true))
        return Verdict(claim: id, status: status, reasons: status == .review ? [doubt] : [],
                       documents: ["ktp": ktp, "kk": DocumentResult(file: "kk.jpg", kind: .kk, kindConfidence: 0.9)])
    }

    func status(_ id: String) async throws -> String? {
        try await store.reviewRecord(claimID: id)?.status
    }

    func officerAudit(_ id: String) async throws -> [AuditEntry] {
        try await store.auditTrail(claimID: id).filter { $0.actor.hasPrefix("officer:") }
    }
}

/// A browser over the test client: keeps cookies and reads the CSRF token off the last page.
struct Browser {
    var cookies: [String: String] = [:]
    var csrf: String?

    var cookieHeader: HTTPFields {
        cookies.isEmpty ? [:] : [.cookie: cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")]
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        let response = try await client.execute(uri: uri, method: .get, headers: cookieHeader)
        remember(response)
        return response
    }

    /// Posts a form; `csrf` is added unless the caller gives one (or `nil` to leave it out).
    mutating func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [String: String],
                       csrf: String?? = .none) async throws -> TestResponse {
        var fields = fields
        switch csrf {
        case .none: if let token = self.csrf { fields["csrf"] = token }
        case .some(.some(let token)): fields["csrf"] = token
        case .some(.none): break
        }
        var headers = cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.sorted { $0.key < $1.key }.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return response
    }

    @discardableResult
    mutating func signIn(_ client: some TestClientProtocol, as username: String,
                         password: String = officerPassword) async throws -> TestResponse {
        _ = try await get(client, "/review/login")
        return try await post(client, "/review/login", ["username": username, "password": password])
    }

    private mutating func remember(_ response: TestResponse) {
        for value in response.headers[values: .setCookie] {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]), content = String(pair[1])
            if content.isEmpty || value.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = content }
        }
        if let token = Self.csrfToken(in: response.text) { csrf = token }
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: "%20", with: "+")
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
