import Hummingbird
import Store

/// The context of every request: only the request's own facts.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `BearerAuthMiddleware` on the API routes.
    public var client: Client?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.client = nil
    }
}

/// The context of an authenticated API request: `client` is never nil.
public struct ClientRequestContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let client: Client

    public init(context: AppRequestContext) throws {
        guard let client = context.client else { throw APIError.unauthorized }
        self.coreContext = context.coreContext
        self.client = client
    }
}

/// Resolves `Authorization: Bearer TOKEN` against the stored token hashes.
struct BearerAuthMiddleware<Store: ClaimStore>: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { throw APIError.unauthorized }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let client = try await store.authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces))
        else { throw APIError.unauthorized }
        var context = context
        context.client = client
        return try await next(request, context)
    }
}
