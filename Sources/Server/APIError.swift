import Foundation
import Hummingbird
import Store

/// Every 4xx/5xx the API sends: `{"error": {"code", "message"}}`. Errors from the store and
/// the framework are mapped to it here, in one place.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status; self.code = code; self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(ErrorBody(error: .init(code: code, message: message)))
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static let unauthorized = APIError(.unauthorized, "unauthorized", "a valid `Authorization: Bearer TOKEN` is required")
    static func notFound(_ what: String) -> APIError { APIError(.notFound, "not_found", what) }
    static func badRequest(_ code: String, _ message: String) -> APIError { APIError(.badRequest, code, message) }
    static func unprocessable(_ message: String) -> APIError { APIError(.unprocessableContent, "invalid_claim", message) }
    static func tooLarge(_ message: String) -> APIError { APIError(.contentTooLarge, "too_large", message) }

    /// Maps any error to what the client sees.
    init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as StoreError:
            switch error {
            case .claimConflict: self.init(.conflict, "claim_conflict", error.description)
            case .idempotencyConflict: self.init(.conflict, "idempotency_conflict", error.description)
            case .unknownClaim: self.init(.notFound, "not_found", error.description)
            case .unknownArea: self.init(.badRequest, "invalid_area", error.description)
            case .invalidSlot: self.init(.badRequest, "invalid_slot", error.description)
            case .notWorkingDay, .dayFull, .notBooked: self.init(.conflict, "queue_conflict", error.description)
            case .noBranch: self.init(.internalServerError, "internal", error.description)
            }
        case let error as HTTPError:
            let code = switch error.status {
            case .notFound: "not_found"
            case .contentTooLarge: "too_large"
            case .methodNotAllowed: "method_not_allowed"
            case .badRequest: "bad_request"
            default: error.status.code < 500 ? "bad_request" : "internal"
            }
            self.init(error.status, code, error.body ?? error.status.reasonPhrase)
        default:
            self.init(.internalServerError, "internal", "internal error")
        }
    }
}

/// `{"error": {"code", "message"}}`
struct ErrorBody: Codable {
    struct Detail: Codable { let code, message: String }
    let error: Detail
}

/// Turns every error thrown below it into the JSON error body.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError(error)
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return try apiError.response(from: request, context: context)
        }
    }
}
