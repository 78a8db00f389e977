import Foundation
import HTTPTypes
import Hummingbird
import Store
import Verification

/// The review list, the claim page, its actions and its scans.
struct ReviewController<Store: ClaimStore & ReviewStore> {
    typealias Context = OfficerRequestContext
    let store: Store
    let pages: ReviewPages
    let renderer: ScanRenderer

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("", use: list)
        group.get("claims/{id}", use: show)
        group.get("claims/{id}/scans/{file}", use: scan)
        group.post("claims/{id}/approve", use: approve)
        group.post("claims/{id}/incomplete", use: markIncomplete)
        group.post("claims/{id}/documents/{slot}/accept", use: accept)
        group.post("claims/{id}/documents/{slot}/fields/{field}", use: correct)
    }

    /// The statuses the list has a tab for, in the order an officer works through them.
    static var tabs: [ReviewStatus] { [.review, .incomplete, .complete, .pending, .callMissed, .callVerified, .dropbox] }

    // MARK: The list

    @Sendable func list(request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let statusText = query["status"].map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? ReviewStatus.review.rawValue
        guard let status = ReviewStatus(rawValue: statusText) else {
            throw ReviewPageError.badForm("Status `\(statusText)` tidak dikenal.")
        }
        let areaFilter = query["area"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        if let areaFilter { try checkArea(areaFilter, context.officer) }
        let dateText = query["date"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let date = try dateText.map { text in
            guard let date = CivilDate(text) else { throw ReviewPageError.badForm("Tanggal harus berformat YYYY-MM-DD.") }
            return date
        }
        let officerAreas = context.officer.areas.isEmpty ? nil : context.officer.areas
        let areas = areaFilter.map { [$0] } ?? officerAreas
        let items = try await store.reviewList(ReviewQuery(statuses: [status.rawValue], areas: areas, submittedOn: date))
        let counts = try await store.statusCounts(areas: officerAreas)

        func href(_ tab: ReviewStatus) -> String {
            var parts = ["status=\(tab.rawValue)"]
            if let areaFilter { parts.append("area=\(areaFilter)") }
            if let dateText { parts.append("date=\(dateText)") }
            return "/review?" + parts.joined(separator: "&")
        }
        let object: [String: Any] = [
            "status": status.rawValue,
            "date": dateText ?? "",
            "tabs": Self.tabs.map { ["href": href($0), "label": ReviewPages.statusLabel($0.rawValue),
                                     "count": counts[$0.rawValue] ?? 0, "current": $0 == status] as [String: Any] },
            "areas": visibleAreas(context.officer).map { ["id": $0.id, "name": $0.name, "selected": $0.id == areaFilter] as [String: Any] },
            "hasItems": !items.isEmpty,
            "items": items.map { item -> [String: Any] in
                var row: [String: Any] = [
                    "id": item.id, "nama": item.nama ?? "—", "area": pages.areaName(item.area),
                    "submittedAt": item.submittedAt ?? "—", "status": item.status,
                    "statusLabel": ReviewPages.statusLabel(item.status),
                    "reasons": item.reasons.map { ["message": $0.message, "severity": $0.severity.rawValue] },
                ]
                if let booking = item.booking { row["booking"] = ReviewPages.bookingText(booking) }
                return row
            },
        ]
        return pages.html(title: "Daftar klaim", template: "list", object, session: session(context))
    }

    // MARK: The claim page

    @Sendable func show(request: Request, context: Context) async throws -> Response {
        let record = try await record(context)
        let claim = record.claim
        let verdict = claim.verdict
        let status = ReviewStatus(rawValue: record.status)
        let editable = [.review, .incomplete, .complete].contains(status)
        let corrections = Dictionary(record.corrections.map { ("\($0.slot).\($0.field)", $0) }, uniquingKeysWith: { $1 })
        let allIssues = (verdict?.reasons ?? []) + (verdict?.documents.values.flatMap(\.issues) ?? [])
        let flagged = Set(allIssues.compactMap { issue in issue.document.flatMap { d in issue.field.map { "\(d).\($0)" } } })

        /// What a document says about a field: the officer's correction if any, else the reading.
        func said(_ slot: DocumentKind, _ field: String) -> String? {
            corrections["\(slot.rawValue).\(field)"]?.value ?? verdict?.documents[slot.rawValue]?.value(field)
        }
        let kkMember = verdict?.documents["kk"]?.members?.first { $0["nik"]?.value == claim.form.nik }

        var object: [String: Any] = [
            "id": claim.id, "claimID": claim.id, "nama": claim.form.nama ?? "—",
            "status": record.status, "statusLabel": ReviewPages.statusLabel(record.status),
            "csrf": context.csrfToken,
            "reasons": (verdict?.reasons ?? []).map { issue -> [String: Any] in
                ["message": issue.message, "code": issue.code.rawValue, "severity": issue.severity.rawValue,
                 "where": [issue.document, issue.field].compactMap { $0 }.joined(separator: ".")]
            },
            "comparison": [
                Self.row("Nama", claim.form.nama, [said(.ktp, "nama"), kkMember?["nama"]?.value, said(.employerLetter, "nama")]),
                Self.row("NIK", claim.form.nik, [said(.ktp, "nik"), kkMember?["nik"]?.value, said(.employerLetter, "nik")]),
                Self.row("Alasan berhenti", claim.form.reason?.rawValue, [nil, nil, said(.employerLetter, "alasan_berhenti")]),
                Self.row("Tanggal berhenti", nil, [nil, nil, said(.employerLetter, "tanggal_berakhir")], compare: false),
                Self.row("KPJ", claim.form.kpj, [nil, nil, nil]),
                Self.row("WhatsApp", claim.form.whatsapp, [nil, nil, nil]),
                Self.row("Wilayah", pages.areaName(record.area), [said(.ktp, "kabupaten_kota"), said(.kk, "kabupaten_kota"), nil], compare: false),
                Self.row("Tanggal pengajuan", claim.form.submittedAt, [nil, nil, nil]),
                Self.row("Tanggal pilihan", claim.form.preferredDate, [nil, nil, nil]),
            ],
            "actionable": editable,
            "canApprove": status == .review || status == .incomplete,
            "canMarkIncomplete": status == .review || status == .complete,
            "reasonChoices": ReasonCode.allCases.map { ["code": $0.rawValue, "message": $0.message] },
            "history": record.audit.reversed().map { entry -> [String: Any] in
                ["at": ReviewPages.timestamp.string(from: entry.at), "actor": entry.actor, "detail": entry.detail,
                 "change": entry.fromStatus.map { $0 == entry.toStatus ? ReviewPages.statusLabel($0) : "\(ReviewPages.statusLabel($0)) → \(ReviewPages.statusLabel(entry.toStatus))" }
                    ?? ReviewPages.statusLabel(entry.toStatus)]
            },
        ]
        if let booking = claim.booking { object["booking"] = ReviewPages.bookingText(booking) }
        if let decision = record.decision, decision.revision == claim.revision {
            object["decision"] = "\(decision.decision == "approved" ? "disetujui" : "belum lengkap") oleh \(decision.officer), \(ReviewPages.timestamp.string(from: decision.at))"
        }
        if let done = request.uri.queryParameters["done"].map(String.init) { object["notice"] = Self.notices[done] }

        object["documents"] = DocumentKind.slots.map { kind -> [String: Any] in
            let slot = kind.rawValue
            let result = verdict?.documents[slot]
            let stored = claim.documents[slot]
            let fieldNames = AppDatabase.knownFields(kind)
                + (result?.fields.keys.sorted().filter { !AppDatabase.knownFields(kind).contains($0) } ?? [])
            var document: [String: Any] = [
                "slot": slot, "title": kind.indonesianName, "hasScan": stored != nil,
                "fileName": stored?.fileName ?? slot,
                "kind": result.map { $0.kind.indonesianName } ?? "belum dibaca",
                "kindConfidence": result.map { Self.percent($0.kindConfidence) } ?? "—",
                "issues": (result?.issues ?? []).map { ["message": $0.message, "severity": $0.severity.rawValue] },
                "hasIssues": !(result?.issues ?? []).isEmpty,
                "canAccept": editable && stored != nil,
                "fields": fieldNames.map { name -> [String: Any] in
                    let field = result?.fields[name]
                    let correction = corrections["\(slot).\(name)"]
                    var row: [String: Any] = [
                        "name": name, "value": field?.value ?? "—",
                        "confidence": field.map { Self.percent($0.confidence) } ?? "—",
                        "flagged": flagged.contains("\(slot).\(name)"),
                        "editable": editable && stored != nil && result != nil,
                        "current": correction?.value ?? field?.value ?? "",
                    ]
                    if let correction { row["corrected"] = "\(correction.value) (oleh \(correction.officer))" }
                    return row
                },
            ]
            if let acceptance = record.acceptances.first(where: { $0.slot == slot }) {
                document["accepted"] = "diterima oleh \(acceptance.officer)"
            }
            if let result, result.quality.width > 0, result.quality.height > 0 {
                document["viewBox"] = "0 0 \(result.quality.width) \(result.quality.height)"
                document["boxes"] = result.fields.sorted { $0.key < $1.key }.compactMap { name, field -> [String: Any]? in
                    guard let box = field.box else { return nil }
                    return ["name": name, "x": box.x, "y": box.y, "w": box.w, "h": box.h,
                            "flagged": flagged.contains("\(slot).\(name)")]
                }
                if result.quality.pages > 1 { document["pages"] = result.quality.pages }
            }
            return document
        }
        return pages.html(title: "Klaim \(claim.id)", template: "claim", object, session: session(context))
    }

    static var notices: [String: String] { [
        "approved": "Klaim disetujui dan dijadwalkan panggilan video.",
        "incomplete": "Klaim ditandai belum lengkap.",
        "accepted": "Dokumen diterima.",
        "corrected": "Koreksi disimpan.",
    ] }

    static func row(_ label: String, _ form: String?, _ documents: [String?], compare: Bool = true) -> [String: Any] {
        func normal(_ s: String) -> String { s.uppercased().filter { $0.isLetter || $0.isNumber } }
        return ["label": label, "form": form ?? "—", "documents": documents.map { value -> [String: Any] in
            let differs = compare && value != nil && form != nil && normal(value!) != normal(form!)
            return ["value": value ?? "—", "differs": differs]
        }]
    }

    static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }

    // MARK: Scans

    /// `ktp.png` (`?page=N`): the page as the pipeline loaded it; `ktp`: the decrypted original.
    @Sendable func scan(request: Request, context: Context) async throws -> Response {
        let record = try await record(context)
        let file = try context.parameters.require("file")
        let rendered = file.hasSuffix(".png")
        let slot = rendered ? String(file.dropLast(4)) : file
        guard Slots.isValid(slot) else { throw ReviewPageError(.notFound, "Dokumen `\(slot)` tidak dikenal.") }
        guard let (document, data) = try await store.scan(claimID: record.claim.id, slot: slot) else {
            throw ReviewPageError(.notFound, "Klaim ini tidak memiliki pindaian \(slot).")
        }
        var headers: HTTPFields = [.cacheControl: "private, no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff"]
        if rendered {
            let page = request.uri.queryParameters["page"].map { Int(String($0)) } ?? 1
            guard let page, page >= 1 else { throw ReviewPageError.badForm("Nomor halaman tidak sah.") }
            let png: Data
            do { png = try await renderer.png(data, page: page) } catch ScanRenderer.Failure.noSuchPage {
                throw ReviewPageError(.notFound, "Halaman \(page) tidak ada.")
            } catch {
                throw ReviewPageError(.unprocessableContent, "Pindaian ini tidak dapat ditampilkan; unduh berkas aslinya.")
            }
            headers[.contentType] = "image/png"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }
        // The original, as a download: the browser never interprets an uploaded file inline.
        headers[.contentType] = document.mediaType
        headers[.contentDisposition] = "attachment; filename=\"\(record.claim.id)-\(slot)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Actions

    @Sendable func approve(request: Request, context: Context) async throws -> Response {
        let record = try await record(context)
        _ = try await store.approve(claimID: record.claim.id, officer: context.officer.username, now: Date())
        return ReviewPages.redirect("/review/claims/\(record.claim.id)?done=approved")
    }

    @Sendable func markIncomplete(request: Request, context: Context) async throws -> Response {
        let record = try await record(context)
        let code = try context.form.require("reason", maxLength: 100)
        guard let reason = ReasonCode(rawValue: code) else {
            throw ReviewPageError.badForm("Alasan `\(code)` tidak ada dalam daftar.")
        }
        let note = try context.form.optional("note")
        try await store.markIncomplete(claimID: record.claim.id, reason: reason, note: note,
                                       officer: context.officer.username, now: Date())
        return ReviewPages.redirect("/review/claims/\(record.claim.id)?done=incomplete")
    }

    @Sendable func accept(request: Request, context: Context) async throws -> Response {
        let record = try await record(context)
        let slot = try documentSlot(context)
        try await store.acceptDocument(claimID: record.claim.id, slot: slot, officer: context.officer.username, now: Date())
        return ReviewPages.redirect("/review/claims/\(record.claim.id)?done=accepted#doc-\(slot)")
    }

    @Sendable func correct(request: Request, context: Context) async throws -> Response {
        let record = try await record(context)
        let slot = try documentSlot(context)
        let field = try context.parameters.require("field")
        let value = try context.form.require("value", maxLength: 200)
        try await store.correctField(claimID: record.claim.id, slot: slot, field: field, value: value,
                                     officer: context.officer.username, now: Date())
        return ReviewPages.redirect("/review/claims/\(record.claim.id)?done=corrected#doc-\(slot)")
    }

    // MARK: Access

    /// The claim named in the path, if this officer handles its area. Another area's claim is
    /// answered exactly like a missing one, so ids of other areas are not revealed.
    private func record(_ context: Context) async throws -> ReviewRecord {
        let id = try context.parameters.require("id")
        guard let record = try await store.reviewRecord(claimID: id), context.officer.mayHandle(area: record.area) else {
            throw ReviewPageError.notFound
        }
        return record
    }

    private func documentSlot(_ context: Context) throws -> String {
        let slot = try context.parameters.require("slot")
        guard Slots.isValid(slot) else { throw ReviewPageError.badForm("Jenis dokumen `\(slot)` tidak dikenal.") }
        return slot
    }

    private func checkArea(_ area: String, _ officer: Officer) throws {
        guard store.branch.area(area) != nil else { throw ReviewPageError.badForm("Wilayah `\(area)` tidak dikenal.") }
        guard officer.mayHandle(area: area) else { throw ReviewPageError(.forbidden, "Wilayah ini bukan wilayah Anda.") }
    }

    private func visibleAreas(_ officer: Officer) -> [Branch.Area] {
        store.branch.areas.filter { officer.mayHandle(area: $0.id) }
    }

    private func session(_ context: Context) -> OfficerSession {
        OfficerSession(officer: context.officer, csrfToken: context.csrfToken, expiresAt: .distantFuture)
    }
}
