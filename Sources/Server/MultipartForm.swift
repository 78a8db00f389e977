import Foundation
import Hummingbird
import MultipartKit

/// One part of a `multipart/form-data` body.
struct FormPart: Sendable {
    var name: String
    var fileName: String?
    var contentType: String?
    var data: Data
}

/// Reads a `multipart/form-data` body as it streams in, enforcing limits per part: a part over
/// its limit stops the read with 413 before the rest of the body is taken in.
struct MultipartForm {
    struct Limits {
        /// The largest a part named `name` may be, or nil if such a part is not accepted.
        var maxBytes: (_ name: String) -> Int?
        var maxParts: Int
    }

    /// The boundary of a `multipart/form-data` content type, or nil for any other type.
    static func boundary(contentType: String?) -> String?? {
        guard let contentType else { return nil }
        let fields = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.first?.lowercased() == "multipart/form-data" else { return nil }
        for field in fields.dropFirst() {
            let pair = field.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
                return .some(value.isEmpty || value.count > 200 ? nil : value)
            }
        }
        return .some(nil)
    }

    static func read(_ body: RequestBody, boundary: String, limits: Limits) async throws -> [FormPart] {
        let collector = PartCollector(limits: limits)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.header(name, value) }
        parser.onBody = { buffer in collector.body(&buffer) }
        parser.onPartComplete = { collector.complete() }
        for try await chunk in body {
            do {
                try parser.execute(chunk)
            } catch {
                throw APIError.badRequest("invalid_multipart", "the multipart body could not be parsed")
            }
            if let failure = collector.failure { throw failure }
        }
        if let failure = collector.failure { throw failure }
        guard collector.current == nil else {
            throw APIError.badRequest("invalid_multipart", "the multipart body ended inside a part")
        }
        return collector.parts
    }
}

/// The parser's callbacks cannot throw, so the first failure is kept here and checked after each chunk.
private final class PartCollector {
    let limits: MultipartForm.Limits
    var parts: [FormPart] = []
    var current: FormPart?
    var currentLimit = 0
    var failure: APIError?

    init(limits: MultipartForm.Limits) { self.limits = limits }

    func header(_ name: String, _ value: String) {
        guard failure == nil else { return }
        if current == nil { current = FormPart(name: "", data: Data()) }
        switch name.lowercased() {
        case "content-disposition":
            let params = Self.parameters(value)
            guard let partName = params["name"], !partName.isEmpty else {
                failure = .badRequest("invalid_multipart", "a part has no name")
                return
            }
            guard let limit = limits.maxBytes(partName) else {
                failure = .badRequest("invalid_slot", "unknown part `\(partName)`: expected `claim`, `ktp`, `kk` or `employer_letter`")
                return
            }
            guard !parts.contains(where: { $0.name == partName }) else {
                failure = .badRequest("duplicate_part", "part `\(partName)` appears twice")
                return
            }
            guard parts.count < limits.maxParts else {
                failure = .badRequest("invalid_multipart", "too many parts")
                return
            }
            current?.name = partName
            current?.fileName = params["filename"]
            currentLimit = limit
        case "content-type":
            current?.contentType = value
        default:
            break
        }
    }

    func body(_ buffer: inout ByteBuffer) {
        guard failure == nil else { return }
        guard var part = current, !part.name.isEmpty else {
            failure = .badRequest("invalid_multipart", "a part has no Content-Disposition name")
            return
        }
        guard part.data.count + buffer.readableBytes <= currentLimit else {
            failure = .tooLarge("part `\(part.name)` is larger than \(currentLimit) bytes")
            return
        }
        current = nil  // keep `part.data` uniquely referenced while appending
        part.data.append(contentsOf: buffer.readableBytesView)
        current = part
    }

    func complete() {
        guard failure == nil else { return }
        guard let part = current, !part.name.isEmpty else {
            failure = .badRequest("invalid_multipart", "a part has no Content-Disposition name")
            return
        }
        parts.append(part)
        current = nil
    }

    /// `form-data; name="ktp"; filename="ktp.jpg"` -> ["name": "ktp", "filename": "ktp.jpg"].
    static func parameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        for field in value.split(separator: ";").dropFirst() {
            let pair = field.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            var v = pair[1].trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            result[key] = v
        }
        return result
    }
}
