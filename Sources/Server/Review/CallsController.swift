import Foundation
import Hummingbird
import Store

/// Today's video calls of one area: who to call, in order, and what came of each call.
struct CallsController<Store: ClaimStore & ReviewStore> {
    typealias Context = OfficerRequestContext
    let store: Store
    let pages: ReviewPages

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("calls", use: day)
        group.post("calls/{id}/outcome", use: outcome)
        group.post("calls/{id}/rebook", use: rebook)
    }

    @Sendable func day(request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let (area, date) = try areaAndDate(query["area"].map(String.init), query["date"].map(String.init), context.officer)
        let calls = try await store.callDay(area: area.id, date: date)
        let object: [String: Any] = [
            "areaName": area.name, "area": area.id, "date": date.description, "quota": area.dailyQuota,
            "booked": calls.filter { $0.status == ReviewStatus.complete.rawValue || $0.status == ReviewStatus.callVerified.rawValue }.count,
            "csrf": context.csrfToken,
            "areas": store.branch.areas.filter { context.officer.mayHandle(area: $0.id) }.map {
                ["id": $0.id, "name": $0.name, "selected": $0.id == area.id] as [String: Any]
            },
            "hasCalls": !calls.isEmpty,
            "calls": calls.map { call -> [String: Any] in
                var row: [String: Any] = [
                    "position": call.position, "claim": call.claim, "nama": call.nama ?? "—",
                    "whatsapp": call.whatsapp ?? "—", "status": call.status,
                    "statusLabel": ReviewPages.statusLabel(call.status),
                    "open": call.status == ReviewStatus.complete.rawValue,
                    "missed": call.status == ReviewStatus.callMissed.rawValue,
                ]
                if let link = whatsAppLink(call.whatsapp) { row["whatsappLink"] = link }
                return row
            },
        ]
        var page = object
        if let done = query["done"].map(String.init), let notice = Self.notices[done] { page["notice"] = notice }
        return pages.html(title: "Panggilan video", template: "calls", page,
                          session: OfficerSession(officer: context.officer, csrfToken: context.csrfToken, expiresAt: .distantFuture))
    }

    static var notices: [String: String] { [
        "call_verified": "Hasil panggilan dicatat: terverifikasi.",
        "call_missed": "Hasil panggilan dicatat: tidak dapat dihubungi. Jadwal dilepas; klaim menunggu dijadwalkan ulang.",
        "dropbox": "Hasil panggilan dicatat: dokumen dibawa ke dropbox kantor. Jadwal dilepas.",
        "rebooked": "Klaim dijadwalkan ulang.",
    ] }

    @Sendable func outcome(request: Request, context: Context) async throws -> Response {
        let id = try await claimInOfficersArea(context)
        let text = try context.form.require("outcome", maxLength: 40)
        guard let outcome = CallOutcome(rawValue: text) else {
            throw ReviewPageError.badForm("Hasil panggilan `\(text)` tidak dikenal.")
        }
        let note = try context.form.optional("note", maxLength: 300)
        try await store.recordCallOutcome(claimID: id, outcome: outcome, note: note, officer: context.officer.username, now: Date())
        return ReviewPages.redirect(backToDay(context, done: outcome.rawValue))
    }

    @Sendable func rebook(request: Request, context: Context) async throws -> Response {
        let id = try await claimInOfficersArea(context)
        _ = try await store.rebook(claimID: id, officer: context.officer.username, now: Date())
        return ReviewPages.redirect(backToDay(context, done: "rebooked"))
    }

    /// The day the form came from (its hidden fields), when they are valid.
    private func backToDay(_ context: Context, done: String) -> String {
        var location = "/review/calls?done=\(done)"
        if let area = context.form["area"], store.branch.area(area) != nil { location += "&area=\(area)" }
        if let date = context.form["date"].flatMap(CivilDate.init) { location += "&date=\(date)" }
        return location
    }

    private func claimInOfficersArea(_ context: Context) async throws -> String {
        let id = try context.parameters.require("id")
        guard let record = try await store.reviewRecord(claimID: id), context.officer.mayHandle(area: record.area) else {
            throw ReviewPageError.notFound
        }
        return id
    }

    /// The area asked for (default: the officer's first) and the day (default: today in the branch).
    private func areaAndDate(_ areaText: String?, _ dateText: String?, _ officer: Officer) throws -> (Branch.Area, CivilDate) {
        let areaID = areaText.flatMap { $0.isEmpty ? nil : $0 } ?? officer.areas.first ?? store.branch.areas.first?.id ?? ""
        guard let area = store.branch.area(areaID) else { throw ReviewPageError.badForm("Wilayah `\(areaID)` tidak dikenal.") }
        guard officer.mayHandle(area: area.id) else { throw ReviewPageError(.forbidden, "Wilayah ini bukan wilayah Anda.") }
        guard let text = dateText.flatMap({ $0.isEmpty ? nil : $0 }) else { return (area, ReviewPages.today()) }
        guard let date = CivilDate(text) else { throw ReviewPageError.badForm("Tanggal harus berformat YYYY-MM-DD.") }
        return (area, date)
    }
}
