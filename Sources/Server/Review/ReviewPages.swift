import Foundation
import HTTPTypes
import Hummingbird
import Store
import Verification

/// A refusal on the officers' pages, shown as an HTML page in Bahasa Indonesia.
public struct ReviewPageError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status; self.message = message
    }

    static let signInRequired = ReviewPageError(.unauthorized, "Silakan masuk terlebih dahulu.")
    static let csrf = ReviewPageError(.forbidden, "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")
    static let notFound = ReviewPageError(.notFound, "Klaim tidak ditemukan.")
    static func badForm(_ message: String) -> ReviewPageError { ReviewPageError(.badRequest, message) }

    /// Maps any error to what the officer sees, in one place.
    init(_ error: any Error) {
        switch error {
        case let error as ReviewPageError:
            self = error
        case let error as ReviewError:
            switch error {
            case .notAllowed(_, let status):
                self.init(.conflict, "Tindakan ini tidak berlaku untuk klaim berstatus \(ReviewPages.statusLabel(status)). Muat ulang halaman.")
            case .unknownField(let slot, let field):
                self.init(.badRequest, "Dokumen \(slot) tidak memiliki isian \(field).")
            case .emptySlot(let slot):
                self.init(.badRequest, "Klaim ini tidak memiliki pindaian \(slot).")
            }
        case let error as StoreError:
            switch error {
            case .unknownClaim: self = .notFound
            case .invalidSlot(let slot): self.init(.badRequest, "Jenis dokumen `\(slot)` tidak dikenal.")
            case .unknownArea(let area): self.init(.badRequest, "Wilayah `\(area)` tidak dikenal.")
            case .dayFull, .notWorkingDay:
                self.init(.conflict, "Tidak ada jadwal panggilan yang kosong dalam batas pemesanan; klaim tidak diubah.")
            case .notBooked: self.init(.conflict, "Klaim ini tidak memiliki jadwal panggilan.")
            default: self.init(.internalServerError, "Terjadi kesalahan pada server.")
            }
        case let error as HTTPError:
            self.init(error.status, error.status == .notFound ? "Halaman tidak ditemukan." : error.status.reasonPhrase)
        default:
            self.init(.internalServerError, "Terjadi kesalahan pada server.")
        }
    }
}

/// Renders every error below it as an HTML page; a page that needs a signed-in officer sends a
/// browser that has none to the sign-in page instead.
struct ReviewErrorMiddleware: RouterMiddleware {
    typealias Context = ReviewRequestContext
    let pages: ReviewPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let page = ReviewPageError(error)
            if page.status == .unauthorized, request.method == .get {
                return Response(status: .seeOther, headers: [.location: "/review/login"])
            }
            if page.status.code >= 500 {
                context.logger.error("officer page failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return pages.html(status: page.status, title: "Tidak dapat diproses", template: "error",
                              ["heading": page.status.code == 404 ? "Tidak ditemukan" : "Tidak dapat diproses",
                               "message": page.message],
                              session: context.session)
        }
    }
}

/// The common frame of the pages: layout, labels, formatting.
struct ReviewPages: Sendable {
    let branch: Branch

    /// The page body rendered into the layout.
    func html(status: HTTPResponse.Status = .ok, title: String, template: String, _ object: Any,
              session: OfficerSession?, headers: HTTPFields = [:]) -> Response {
        let body = ReviewTemplates.library.render(object, withTemplate: template) ?? ""
        var layout: [String: Any] = ["title": title, "body": body]
        if let session { layout["officer"] = ["username": session.officer.username, "csrf": session.csrfToken] }
        let page = ReviewTemplates.library.render(layout, withTemplate: "layout") ?? body
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        // Pages hold names and NIKs: not cached, not framed, no script from elsewhere.
        fields[.cacheControl] = "no-store"
        fields[.contentSecurityPolicy] = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; form-action 'self'"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// Post/redirect/get: after an action the browser reloads the page it came from.
    static func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = location
        return Response(status: .seeOther, headers: fields)
    }

    static func statusLabel(_ raw: String) -> String {
        switch ReviewStatus(rawValue: raw) {
        case .pending: "menunggu pemeriksaan"
        case .complete: "lengkap"
        case .incomplete: "belum lengkap"
        case .review: "perlu diperiksa"
        case .callVerified: "terverifikasi lewat panggilan"
        case .callMissed: "panggilan tidak tersambung"
        case .dropbox: "dokumen ke dropbox"
        case nil: raw
        }
    }

    static func bookingText(_ booking: QueueBooking) -> String {
        "\(booking.area), \(booking.date), urutan \(booking.position)"
    }

    func areaName(_ id: String) -> String { branch.area(id)?.name ?? id }

    /// Today where the branch is.
    static func today() -> CivilDate {
        CivilDate(Date(), timeZone: TimeZone(identifier: "Asia/Jakarta") ?? .current)
    }

    static let timestamp: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Jakarta")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f
    }()
}

/// `https://wa.me/62…` from the form's number, written 08…, +62… or 62…; nil when invalid.
func whatsAppLink(_ number: String?) -> String? {
    guard let number, let parsed = WhatsAppNumber(number) else { return nil }
    return "https://wa.me/" + parsed.e164.dropFirst()
}
