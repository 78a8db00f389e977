import Foundation
import Hummingbird
import HummingbirdBcrypt
import Store

/// Signing in and out of the officers' pages.
///
/// The sign-in form has no session yet, so its CSRF token is a double-submit one: a random
/// value in a `SameSite=Strict` cookie and the same value in the form. Failures are counted per
/// account and lock it for a while (`SignInPolicy`); an unknown username costs the same bcrypt
/// work as a known one, so timing does not tell which usernames exist.
struct SignInController<Store: OfficerStore> {
    let store: Store
    let pages: ReviewPages
    let secureCookies: Bool

    func addRoutes(to group: RouterGroup<ReviewRequestContext>) {
        group.get("login", use: form)
        group.post("login", use: signIn)
    }

    func addSignOut(to group: RouterGroup<OfficerRequestContext>) {
        group.post("logout", use: signOut)
    }

    @Sendable func form(request: Request, context: ReviewRequestContext) async throws -> Response {
        if context.session != nil { return ReviewPages.redirect("/review") }
        return page(status: .ok, username: "", problem: nil)
    }

    @Sendable func signIn(request: Request, context: ReviewRequestContext) async throws -> Response {
        let form = try await FormFields.read(request)
        guard let sent = form["csrf"], let cookie = request.cookies[ReviewCookies.signIn]?.value, !cookie.isEmpty,
              constantTimeEqual(sent, cookie) else {
            throw ReviewPageError.csrf
        }
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let password = form["password"] ?? ""
        guard !username.isEmpty, !password.isEmpty, username.count <= 64, password.utf8.count <= 72 else {
            return page(status: .badRequest, username: username, problem: "Isi nama pengguna dan kata sandi.")
        }
        let now = Date()
        let account = try await store.officerAccount(username: username)
        if let account, account.isLocked(at: now) {
            return page(status: .tooManyRequests, username: username,
                        problem: "Terlalu banyak percobaan gagal. Akun dikunci sementara; coba lagi dalam \(Int(SignInPolicy.lockout / 60)) menit.")
        }
        let hash = account?.passwordHash ?? SignInDecoy.hash
        let matches = await Task.detached { Bcrypt.verify(password, hash: hash) }.value
        guard let account, matches, !account.disabled else {
            if account != nil { try await store.recordFailedSignIn(username: username, now: now) }
            context.logger.notice("officer sign-in failed", metadata: ["username": "\(username)"])
            return page(status: .unauthorized, username: username, problem: "Nama pengguna atau kata sandi salah.")
        }
        let session = try await store.startSession(username: account.officer.username, now: now)
        var response = ReviewPages.redirect("/review")
        response.setCookie(ReviewCookies.make(ReviewCookies.session, value: session.id,
                                              maxAge: Int(SignInPolicy.sessionLifetime), secure: secureCookies))
        response.setCookie(ReviewCookies.expired(ReviewCookies.signIn, secure: secureCookies))
        return response
    }

    @Sendable func signOut(request: Request, context: OfficerRequestContext) async throws -> Response {
        if let id = request.cookies[ReviewCookies.session]?.value { try await store.endSession(id: id) }
        var response = ReviewPages.redirect("/review/login")
        response.setCookie(ReviewCookies.expired(ReviewCookies.session, secure: secureCookies))
        return response
    }

    /// The form with a fresh double-submit token.
    private func page(status: HTTPResponse.Status, username: String, problem: String?) -> Response {
        let token = AppDatabase.newToken()
        var response = pages.html(status: status, title: "Masuk", template: "signin",
                                  ["csrf": token, "username": username, "problem": problem as Any], session: nil)
        response.setCookie(ReviewCookies.make(ReviewCookies.signIn, value: token, maxAge: 3600, secure: secureCookies))
        return response
    }

}

/// Verified against when the username is unknown, so that costs the same time as a known one.
enum SignInDecoy {
    static let hash = Bcrypt.hash(AppDatabase.newToken(), cost: OfficerAccounts.cost)
}

/// Creating officer accounts (`berkas officer add`): the password is hashed here, with bcrypt.
public enum OfficerAccounts {
    /// bcrypt's work factor: about a quarter of a second per sign-in on one core.
    static let cost: UInt8 = 12

    public static func add<Store: OfficerStore>(username: String, password: String, areas: [String],
                                                to store: Store) async throws {
        guard password.count >= 10 else { throw OfficerAccountError.weakPassword }
        // bcrypt reads at most 72 bytes; a longer password would be silently cut.
        guard password.utf8.count <= 72 else { throw OfficerAccountError.longPassword }
        let hash = await Task.detached { Bcrypt.hash(password, cost: cost) }.value
        try await store.addOfficer(username: username, passwordHash: hash, areas: areas, now: Date())
    }
}

public enum OfficerAccountError: Error, CustomStringConvertible {
    case weakPassword, longPassword
    public var description: String {
        switch self {
        case .weakPassword: "the password must be at least 10 characters"
        case .longPassword: "the password must be at most 72 bytes (bcrypt ignores the rest)"
        }
    }
}
