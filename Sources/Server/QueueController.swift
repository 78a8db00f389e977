import Foundation
import Hummingbird
import Store

/// `GET /queue?area=&date=`: the video calls booked in one area on one day.
struct QueueController<Store: ClaimStore> {
    typealias Context = ClientRequestContext
    let store: Store

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("queue", use: day)
    }

    struct Day: Encodable {
        var area: String
        var date: String
        var quota: Int
        var booked: Int
        var calls: [QueueEntry]
    }

    @Sendable func day(request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let areaID = query["area"].map { String($0).lowercased() } ?? ""
        guard let area = store.branch.area(areaID) else {
            let known = store.branch.areas.map(\.id).joined(separator: ", ")
            throw APIError.badRequest("invalid_area", "area must be one of: \(known)")
        }
        let date: CivilDate
        if let text = query["date"].map(String.init) {
            guard let parsed = CivilDate(text) else {
                throw APIError.badRequest("invalid_date", "date must be YYYY-MM-DD")
            }
            date = parsed
        } else {
            // Without a date: today where the branch is.
            date = CivilDate(Date(), timeZone: TimeZone(identifier: "Asia/Jakarta") ?? .current)
        }
        let calls = try await store.bookings(area: area.id, date: date)
        return try ClaimsController<Store>.json(
            Day(area: area.id, date: date.description, quota: area.dailyQuota, booked: calls.count, calls: calls),
            status: .ok)
    }
}
