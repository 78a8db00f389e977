import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Server
import Store
import Testing
import Verification

/// The repository's `models/branch.json` (Pekalongan: pekalongan 30, batang 10, pemalang 10).
let repositoryBranch: Branch = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/branch.json")
    return try! Branch.load(from: url)
}()

/// A fresh data directory holding a real SQLite file, the key and the scans.
func temporaryDataDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("berkas-server-tests-\(UUID().uuidString)",
                                                                   isDirectory: true)
}

/// A tiny, deterministic engine standing in for OCR: it decides from the form and the bytes'
/// first bytes only, so tests can name the verdict they expect.
/// - no `whatsapp` -> incomplete `claim.whatsapp_missing`
/// - a slot missing -> incomplete `document.missing`; not an image or PDF -> `document.unsupported`
/// - another open claim for the NIK -> incomplete `claim.duplicate`
/// - `nama` containing REVIEW -> review; otherwise complete
struct FormChecker: ClaimChecking {
    var delay: Duration = .zero

    func check(form: ClaimForm, documents: [String: ScanSource], context: ClaimContext) async -> Verdict {
        if delay > .zero { try? await Task.sleep(for: delay) }
        var reasons: [Verification.Issue] = []
        var results: [String: DocumentResult] = [:]
        for slot in DocumentKind.slots {
            guard let source = documents[slot.rawValue] else {
                reasons.append(Verification.Issue(.documentMissing, document: slot.rawValue))
                continue
            }
            guard case let .data(data, name) = source else { continue }
            let known = MediaType.sniff(data)
            if known == "application/octet-stream" {
                let issue = Verification.Issue(.documentUnsupported, document: slot.rawValue)
                reasons.append(issue)
                results[slot.rawValue] = DocumentResult(file: name, kind: .unknown, issues: [issue])
            } else {
                results[slot.rawValue] = DocumentResult(file: name, kind: slot, kindConfidence: 1)
            }
        }
        if form.whatsapp == nil { reasons.append(Verification.Issue(.claimWhatsappMissing)) }
        if context.hasOtherOpenClaim { reasons.append(Verification.Issue(.claimDuplicate)) }
        let status: ClaimStatus = !reasons.isEmpty ? .incomplete
            : (form.nama ?? "").contains("REVIEW") ? .review : .complete
        return Verdict(claim: form.id, status: status, reasons: reasons, documents: results)
    }
}

/// A check that never ends: the worker holding it is as good as dead.
struct HangingChecker: ClaimChecking {
    func check(form: ClaimForm, documents: [String: ScanSource], context: ClaimContext) async -> Verdict {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        return Verdict(claim: form.id, status: .review, reasons: [], documents: [:])
    }
}

/// A service under test: its data directory, its store, and a valid token.
struct TestService {
    let directory: URL
    let store: AppDatabase
    let token: String

    static func make(directory: URL = temporaryDataDirectory()) async throws -> TestService {
        let store = try AppDatabase.open(dataDirectory: directory, branch: repositoryBranch)
        let token = try await store.createToken(name: "intake-test")
        return TestService(directory: directory, store: store, token: token)
    }

    func configuration(workers: Int = 2, maxScanBytes: Int = 1024 * 1024) -> ServerConfiguration {
        ServerConfiguration(host: "127.0.0.1", port: 0, dataDirectory: directory, branch: repositoryBranch,
                            workers: workers, lease: .seconds(120), pollInterval: .milliseconds(200),
                            maxScanBytes: maxScanBytes, maxClaimBytes: 16 * 1024, maxWait: .seconds(30))
    }

    /// The production builder over this service's store.
    func app(checker: any ClaimChecking = FormChecker(), workers: Int = 2,
             maxScanBytes: Int = 1024 * 1024) -> some ApplicationProtocol {
        var logger = Logger(label: "berkas-test")
        logger.logLevel = .warning
        return buildApplication(configuration: configuration(workers: workers, maxScanBytes: maxScanBytes),
                                store: store, checker: checker, logger: logger)
    }

    var auth: HTTPFields { [.authorization: "Bearer \(token)"] }

    func claimCount() async throws -> Int {
        try await store.claims(matching: ClaimFilter()).count
    }

    /// Every regular file under `scans/`.
    func scanFiles() -> [URL] {
        let root = directory.appendingPathComponent("scans")
        guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return e.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }
}

/// A `multipart/form-data` body.
struct Multipart {
    let boundary = "berkas-test-\(UUID().uuidString)"
    var body = Data()

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func add(name: String, fileName: String? = nil, contentType: String? = nil, data: Data) {
        var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
        if let fileName { head += "; filename=\"\(fileName)\"" }
        head += "\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        body.append(Data((head + "\r\n").utf8))
        body.append(data)
        body.append(Data("\r\n".utf8))
    }

    func finished() -> ByteBuffer {
        ByteBuffer(bytes: body + Data("--\(boundary)--\r\n".utf8))
    }
}

/// A scan that starts like a JPEG, unique per text.
func fakeJPEG(_ text: String) -> Data {
    Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data("fake scan: \(text)".utf8)
}

func claimJSON(id: String, area: String = "batang", nik: String? = nil, whatsapp: String? = "081234567890",
               nama: String = "RINA MARLINA", submittedAt: String = "2020-04-28",
               preferredDate: String? = "2020-04-30") -> Data {
    var object: [String: Any] = ["id": id, "nama": nama, "kpj": "02010170188", "area": area,
                                 "reason": "resign", "submitted_at": submittedAt]
    object["nik"] = nik ?? stableNIK(id)
    if let whatsapp { object["whatsapp"] = whatsapp }
    if let preferredDate { object["preferred_date"] = preferredDate }
    return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
}

/// A NIK-shaped number that differs per claim id and run after run (FNV-1a of the id).
func stableNIK(_ id: String) -> String {
    var hash: UInt64 = 0xcbf29ce484222325
    for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
    return "3325065" + String(format: "%09llu", hash % 1_000_000_000)
}

/// A whole claim: the `claim` part and a scan in every slot.
func claimBody(id: String, claim: Data? = nil, slots: [String] = ["ktp", "kk", "employer_letter"]) -> Multipart {
    var form = Multipart()
    form.add(name: "claim", contentType: "application/json", data: claim ?? claimJSON(id: id))
    for slot in slots {
        form.add(name: slot, fileName: "\(slot).jpg", contentType: "image/jpeg", data: fakeJPEG("\(id)/\(slot)"))
    }
    return form
}

extension TestClientProtocol {
    func post(_ form: Multipart, auth: HTTPFields, extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = auth
        headers[.contentType] = form.contentType
        for field in extra { headers.append(field) }
        return try await execute(uri: "/api/v1/claims", method: .post, headers: headers, body: form.finished())
    }

    func getClaim(_ id: String, wait: Int? = nil, auth: HTTPFields) async throws -> TestResponse {
        try await execute(uri: "/api/v1/claims/\(id)" + (wait.map { "?wait=\($0)" } ?? ""), method: .get, headers: auth)
    }

    /// The claim once checked, over a live server: long polls of 5 s, well under the live test
    /// client's fixed read timeout (20 s). A poll that times out anyway is asked again: under the
    /// whole suite's load (OCR tests holding every thread) an answer can be late, and a GET is
    /// safe to repeat. What is asserted is the verdict, not how fast it came.
    func checkedClaim(_ id: String, within seconds: Int = 120, auth: HTTPFields) async throws -> TestResponse {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        while true {
            do {
                let response = try await getClaim(id, wait: 5, auth: auth)
                if response.json["status"] as? String != "pending" || Date() >= deadline { return response }
            } catch where Date() < deadline {
                continue
            }
        }
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
}

/// The hook for the real pre-check: with `BERKAS_E2E_CHECKER` set (any value, e.g. `precheck`)
/// the end-to-end test runs the Verification pipeline (`Precheck`, Tesseract) over the checkout's
/// `models/`. Unset, or the pipeline cannot start, is nil: the end-to-end test says it skipped.
func e2eChecker() -> (any ClaimChecking)? {
    guard let name = ProcessInfo.processInfo.environment["BERKAS_E2E_CHECKER"], !name.isEmpty else { return nil }
    let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models", isDirectory: true)
    do {
        return try Precheck.load(workers: ProcessInfo.processInfo.activeProcessorCount, modelDirectory: models)
    } catch {
        print("⚠️  BERKAS_E2E_CHECKER=\(name) but the pipeline did not start: \(error)")
        return nil
    }
}
