import Crypto
import Foundation
import Hummingbird
import Store

/// A request under `/review`: the session, when the cookie names a valid one.
public struct ReviewRequestContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `OfficerSessionMiddleware`.
    public var session: OfficerSession?

    public init(context: AppRequestContext) throws {
        self.coreContext = context.coreContext
        self.session = nil
    }
}

/// A request of a signed-in officer: `officer` is never nil. POST routes also carry the form,
/// read once by `CSRFMiddleware` after it checked the token.
public struct OfficerRequestContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let officer: Officer
    /// The token every form of this session carries.
    public let csrfToken: String
    public var form: FormFields

    public init(context: ReviewRequestContext) throws {
        guard let session = context.session else { throw ReviewPageError.signInRequired }
        self.coreContext = context.coreContext
        self.officer = session.officer
        self.csrfToken = session.csrfToken
        self.form = FormFields()
    }
}

/// The cookie names and attributes of the officers' pages.
enum ReviewCookies {
    static let session = "berkas_session"
    /// Double-submit token of the sign-in form, which has no session yet.
    static let signIn = "berkas_signin"

    static func make(_ name: String, value: String, maxAge: Int?, secure: Bool) -> Cookie {
        // Strict: no other site can make a browser send it; the path keeps it off the API.
        Cookie(name: name, value: value, maxAge: maxAge, path: "/review", secure: secure, httpOnly: true,
               sameSite: .strict)
    }

    static func expired(_ name: String, secure: Bool) -> Cookie {
        make(name, value: "", maxAge: 0, secure: secure)
    }
}

/// Resolves the session cookie against the stored (hashed) session ids.
struct OfficerSessionMiddleware<Store: OfficerStore>: RouterMiddleware {
    typealias Context = ReviewRequestContext
    let store: Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let id = request.cookies[ReviewCookies.session]?.value, !id.isEmpty {
            context.session = try await store.session(id: id, now: Date())
        }
        return try await next(request, context)
    }
}

/// Every POST of a signed-in officer carries the session's CSRF token in the `csrf` field; the
/// body is read here (bounded) and handed on as `context.form`.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = OfficerRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        var context = context
        context.form = try await FormFields.read(request)
        guard let sent = context.form["csrf"], constantTimeEqual(sent, context.csrfToken) else {
            throw ReviewPageError.csrf
        }
        return try await next(request, context)
    }
}

/// Compares secrets without leaking where they differ through timing.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}

/// An `application/x-www-form-urlencoded` body.
public struct FormFields: Sendable {
    var values: [String: String] = [:]

    /// The most a form of these pages can hold; larger is refused, not truncated.
    static let maxBytes = 64 * 1024

    subscript(_ name: String) -> String? { values[name] }

    /// A required field, trimmed; a clear 400 when it is missing or empty.
    func require(_ name: String, maxLength: Int = 500) throws -> String {
        let value = (values[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw ReviewPageError.badForm("Isian `\(name)` wajib diisi.") }
        guard value.count <= maxLength else { throw ReviewPageError.badForm("Isian `\(name)` terlalu panjang (paling banyak \(maxLength) karakter).") }
        return value
    }

    /// An optional field, trimmed; empty when absent.
    func optional(_ name: String, maxLength: Int = 500) throws -> String {
        let value = (values[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count <= maxLength else { throw ReviewPageError.badForm("Isian `\(name)` terlalu panjang (paling banyak \(maxLength) karakter).") }
        return value
    }

    static func read(_ request: Request) async throws -> FormFields {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw ReviewPageError(.unsupportedMediaType, "Formulir harus dikirim sebagai application/x-www-form-urlencoded.")
        }
        var bytes = Data()
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= maxBytes else {
                throw ReviewPageError(.contentTooLarge, "Isian formulir terlalu besar.")
            }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return try parse(String(decoding: bytes, as: UTF8.self))
    }

    static func parse(_ text: String) throws -> FormFields {
        var fields = FormFields()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) throws -> String {
                guard let value = s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw ReviewPageError.badForm("Formulir tidak dapat dibaca.")
                }
                return value
            }
            let name = try decode(parts[0])
            // The first value wins: a field sent twice cannot override the token or the choice.
            if fields.values[name] == nil { fields.values[name] = try parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }
}
