import Foundation
import HTTPTypes
import Hummingbird
import Store
import Verification

/// `POST /claims`, `GET /claims/{id}`, `PUT /claims/{id}/documents/{slot}`.
struct ClaimsController<Store: ClaimStore> {
    typealias Context = ClientRequestContext
    let store: Store
    let configuration: ServerConfiguration
    let jobs: Doorbell
    let verdicts: VerdictWaiters

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("claims", use: submit)
        group.get("claims/{id}", use: show)
        group.put("claims/{id}/documents/{slot}", use: replaceDocument)
    }

    // MARK: POST /claims

    @Sendable func submit(request: Request, context: Context) async throws -> Response {
        guard case let .some(boundary) = MultipartForm.boundary(contentType: request.headers[.contentType]) else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type",
                           "send the claim as multipart/form-data with a `claim` part and one file part per document")
        }
        guard let boundary else {
            throw APIError.badRequest("invalid_multipart", "the multipart content type has no boundary")
        }
        let idempotencyKey = request.headers[.idempotencyKey]
        if let key = idempotencyKey, key.isEmpty || key.utf8.count > 200 {
            throw APIError.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1 to 200 characters")
        }
        try rejectOversizedBody(request, limit: configuration.maxClaimBytes + 3 * configuration.maxScanBytes + 64 * 1024)

        let parts = try await MultipartForm.read(request.body, boundary: boundary, limits: .init(
            maxBytes: { name in
                name == "claim" ? configuration.maxClaimBytes
                    : Slots.isValid(name) ? configuration.maxScanBytes : nil
            },
            maxParts: 1 + Slots.all.count))

        guard let claimPart = parts.first(where: { $0.name == "claim" }) else {
            throw APIError.badRequest("missing_claim", "the `claim` part (claim.json without `documents`) is missing")
        }
        let form = try ClaimIntake.parseForm(claimPart.data, branch: store.branch)
        var scans: [ScanUpload] = []
        for part in parts where part.name != "claim" {
            guard !part.data.isEmpty else {
                throw APIError.badRequest("empty_document", "part `\(part.name)` is empty")
            }
            scans.append(ScanUpload(slot: part.name, data: part.data, fileName: ClaimIntake.displayName(part.fileName)))
        }

        let outcome = try await store.submit(NewClaim(form: form, scans: scans), client: context.client,
                                             idempotencyKey: idempotencyKey, now: Date())
        if outcome.kind == .created {
            await jobs.ring()
            context.logger.info("claim accepted", metadata: ["claim": "\(form.id)", "client": "\(context.client.name)"])
        }
        return try Self.json(outcome.receipt, status: .accepted)
    }

    // MARK: GET /claims/{id}

    @Sendable func show(request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let wait: Duration
        if let text = request.uri.queryParameters["wait"].map(String.init) {
            guard let seconds = Double(text), seconds >= 0, seconds.isFinite else {
                throw APIError.badRequest("invalid_wait", "wait is a number of seconds")
            }
            wait = min(.milliseconds(Int64(seconds * 1000)), configuration.maxWait)
        } else {
            wait = .zero
        }
        let deadline = ContinuousClock.now + wait
        while true {
            guard let claim = try await store.claim(id: id) else { throw APIError.notFound("no claim \(id)") }
            if claim.status != .pending, let verdict = claim.verdict {
                return try Self.json(verdict, status: .ok)
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero, !Task.isCancelled else {
                return try Self.json(ClaimReceipt(id: id, status: .pending), status: .ok)
            }
            // Woken by a local worker at once; re-read at least every second for other nodes.
            await verdicts.wait(for: id, upTo: min(left, .seconds(1)))
        }
    }

    // MARK: PUT /claims/{id}/documents/{slot}

    /// The body is the scan itself (any Content-Type), or `multipart/form-data` with one file part.
    @Sendable func replaceDocument(request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let slot = try context.parameters.require("slot")
        guard Slots.isValid(slot) else {
            throw APIError.badRequest("invalid_slot", "unknown slot `\(slot)`: expected `ktp`, `kk` or `employer_letter`")
        }
        try rejectOversizedBody(request, limit: configuration.maxScanBytes + 64 * 1024)
        let data: Data
        var fileName: String? = nil
        switch MultipartForm.boundary(contentType: request.headers[.contentType]) {
        case .some(.some(let boundary)):
            let parts = try await MultipartForm.read(request.body, boundary: boundary, limits: .init(
                maxBytes: { _ in configuration.maxScanBytes }, maxParts: 1))
            guard let part = parts.first else {
                throw APIError.badRequest("empty_document", "the multipart body holds no file part")
            }
            data = part.data
            fileName = ClaimIntake.displayName(part.fileName)
        case .some(.none):
            throw APIError.badRequest("invalid_multipart", "the multipart content type has no boundary")
        case .none:
            data = try await Self.collect(request.body, limit: configuration.maxScanBytes)
        }
        guard !data.isEmpty else { throw APIError.badRequest("empty_document", "the scan is empty") }
        let receipt = try await store.replaceScan(
            claimID: id, scan: ScanUpload(slot: slot, data: data, fileName: fileName ?? slot),
            actor: "client:\(context.client.name)", now: Date())
        await jobs.ring()
        return try Self.json(receipt, status: .accepted)
    }

    // MARK: Helpers

    /// A declared length over the limit is refused before reading anything.
    private func rejectOversizedBody(_ request: Request, limit: Int) throws {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError.tooLarge("the body is \(length) bytes; at most \(limit) are accepted")
        }
    }

    /// Reads a raw body, stopping as soon as it passes `limit`.
    static func collect(_ body: RequestBody, limit: Int) async throws -> Data {
        var data = Data()
        for try await chunk in body {
            guard data.count + chunk.readableBytes <= limit else {
                throw APIError.tooLarge("the scan is larger than \(limit) bytes")
            }
            data.append(contentsOf: chunk.readableBytesView)
        }
        return data
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// Checks of the `claim` part that need no storage.
enum ClaimIntake {
    /// Parses claim.json: 400 when it is not a JSON object, 422 when it is one but not a claim.
    static func parseForm(_ data: Data, branch: Branch) throws -> ClaimForm {
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw APIError.badRequest("invalid_json", "the `claim` part is not a JSON object")
        }
        var form: ClaimForm
        do {
            form = try JSONDecoder().decode(ClaimForm.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError.unprocessable("claim.json lacks `\(key.stringValue)`")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw APIError.unprocessable("claim.json field `\(context.codingPath.map(\.stringValue).joined(separator: "."))` has the wrong type")
        } catch let DecodingError.dataCorrupted(context) {
            throw APIError.unprocessable("claim.json field `\(context.codingPath.map(\.stringValue).joined(separator: "."))` is not valid: \(context.debugDescription)")
        } catch {
            throw APIError.unprocessable("claim.json is not a valid claim")
        }
        form.documents = nil
        guard form.id.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"#, options: .regularExpression) != nil else {
            throw APIError.unprocessable("`id` must be 1 to 64 letters, digits, `.`, `_` or `-`")
        }
        guard let area = form.area?.trimmingCharacters(in: .whitespaces).lowercased(), !area.isEmpty else {
            throw APIError.unprocessable("claim.json lacks `area`")
        }
        guard branch.area(area) != nil else {
            let known = branch.areas.map(\.id).joined(separator: ", ")
            throw APIError.badRequest("invalid_area", "unknown area `\(area)`: this branch serves \(known)")
        }
        form.area = area
        for (name, value) in [("submitted_at", form.submittedAt), ("preferred_date", form.preferredDate)] {
            if let value, CivilDate(value) == nil {
                throw APIError.unprocessable("`\(name)` must be a date YYYY-MM-DD")
            }
        }
        return form
    }

    /// The client's file name, reduced to its last path component, for display only.
    static func displayName(_ fileName: String?) -> String? {
        guard let fileName else { return nil }
        let last = fileName.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }.prefix(200))
        return cleaned.isEmpty ? nil : cleaned
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
}
