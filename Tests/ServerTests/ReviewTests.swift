import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import Store
import Testing
import Verification

@Suite("Officers' pages: signing in")
struct ReviewSignInTests {
    @Test func rightPasswordOpensASessionWithAStrictHttpOnlyCookie() async throws {
        let review = try await ReviewService.make()
        try await review.seed("c1")
        try await review.app().test(.router) { client in
            var browser = Browser()
            let response = try await browser.signIn(client, as: "ani")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/review")
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("berkas_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/review"))
            #expect(!cookie.contains("Secure"))  // not configured in tests: served over plain HTTP
            let list = try await browser.get(client, "/review")
            #expect(list.status == .ok)
            #expect(list.text.contains("c1"))
            #expect(list.text.contains("Nama pada KTP sedikit berbeda"))
        }
    }

    @Test func wrongPasswordOrUnknownUserIsRefusedWithoutASession() async throws {
        let review = try await ReviewService.make()
        try await review.app().test(.router) { client in
            var browser = Browser()
            let wrong = try await browser.signIn(client, as: "ani", password: "salah-sekali-123")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Nama pengguna atau kata sandi salah"))
            let unknown = try await browser.signIn(client, as: "tidak-ada")
            #expect(unknown.status == .unauthorized)
            #expect(browser.cookies["berkas_session"] == nil)
            let list = try await browser.get(client, "/review")
            #expect(list.status == .seeOther)
            #expect(list.headers[.location] == "/review/login")
        }
    }

    @Test func repeatedFailuresLockTheAccountEvenForTheRightPassword() async throws {
        let review = try await ReviewService.make()
        try await review.app().test(.router) { client in
            var browser = Browser()
            for _ in 0..<SignInPolicy.maxFailures {
                let response = try await browser.signIn(client, as: "ani", password: "salah-sekali-123")
                #expect(response.status == .unauthorized)
            }
            let locked = try await browser.signIn(client, as: "ani")
            #expect(locked.status == .tooManyRequests)
            #expect(browser.cookies["berkas_session"] == nil)
            // Another account is not affected.
            let other = try await browser.signIn(client, as: "budi")
            #expect(other.status == .seeOther)
        }
    }

    @Test func signInWithoutTheFormsTokenIsRefused() async throws {
        let review = try await ReviewService.make()
        try await review.app().test(.router) { client in
            var browser = Browser()
            // No GET of the form first: no double-submit cookie.
            let forged = try await browser.post(client, "/review/login", ["username": "ani", "password": officerPassword],
                                                csrf: "made-up")
            #expect(forged.status == .forbidden)
            #expect(browser.cookies["berkas_session"] == nil)
        }
    }

    @Test func signingOutEndsTheSession() async throws {
        let review = try await ReviewService.make()
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "ani")
            let session = try #require(browser.cookies["berkas_session"])
            _ = try await browser.get(client, "/review")
            let out = try await browser.post(client, "/review/logout", [:])
            #expect(out.status == .seeOther)
            // The old cookie no longer works, even if a browser kept it.
            let again = try await client.execute(uri: "/review", method: .get, headers: [.cookie: "berkas_session=\(session)"])
            #expect(again.status == .seeOther)
        }
    }

    @Test func aPostWithoutASessionIs401AndChangesNothing() async throws {
        let review = try await ReviewService.make()
        try await review.seed("c1")
        try await review.app().test(.router) { client in
            var browser = Browser()
            let response = try await browser.post(client, "/review/claims/c1/approve", [:], csrf: "x")
            #expect(response.status == .unauthorized)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
        }
        #expect(try await review.status("c1") == "review")
    }
}

@Suite("Officers' pages: CSRF and bad input")
struct ReviewCSRFTests {
    @Test func everyActionWithoutTheSessionsTokenIs403AndChangesNothing() async throws {
        let review = try await ReviewService.make()
        try await review.seed("c1")
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "ani")
            _ = try await browser.get(client, "/review/claims/c1")
            let posts: [(String, [String: String])] = [
                ("/review/claims/c1/approve", [:]),
                ("/review/claims/c1/incomplete", ["reason": "ktp.name_mismatch"]),
                ("/review/claims/c1/documents/ktp/accept", [:]),
                ("/review/claims/c1/documents/ktp/fields/nama", ["value": "RINA MARLINA"]),
                ("/review/logout", [:]),
            ]
            for (uri, fields) in posts {
                let missing = try await browser.post(client, uri, fields, csrf: .some(nil))
                #expect(missing.status == .forbidden, "\(uri) without a token")
                let wrong = try await browser.post(client, uri, fields, csrf: "not-the-token")
                #expect(wrong.status == .forbidden, "\(uri) with a wrong token")
            }
            // The session still works: the refused sign-out did not happen.
            #expect(try await browser.get(client, "/review").status == .ok)
        }
        #expect(try await review.status("c1") == "review")
        #expect(try await review.officerAudit("c1").isEmpty)
    }

    @Test func badFieldsGetAClear400PageAndChangeNothing() async throws {
        let review = try await ReviewService.make()
        try await review.seed("c1")
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "ani")
            _ = try await browser.get(client, "/review/claims/c1")
            let noReason = try await browser.post(client, "/review/claims/c1/incomplete", [:])
            #expect(noReason.status == .badRequest)
            #expect(noReason.text.contains("wajib diisi"))
            let unknownReason = try await browser.post(client, "/review/claims/c1/incomplete", ["reason": "bukan.kode"])
            #expect(unknownReason.status == .badRequest)
            let noValue = try await browser.post(client, "/review/claims/c1/documents/ktp/fields/nama", ["value": "  "])
            #expect(noValue.status == .badRequest)
            let unknownField = try await browser.post(client, "/review/claims/c1/documents/ktp/fields/warna", ["value": "X"])
            #expect(unknownField.status == .badRequest)
            let badSlot = try await browser.post(client, "/review/claims/c1/documents/paspor/accept", [:])
            #expect(badSlot.status == .badRequest)
            let emptySlot = try await browser.post(client, "/review/claims/c1/documents/employer_letter/accept", [:])
            #expect(emptySlot.status == .badRequest)
            let badStatus = try await browser.get(client, "/review?status=dibayar")
            #expect(badStatus.status == .badRequest)
            let badDate = try await browser.get(client, "/review/calls?area=batang&date=30-04-2020")
            #expect(badDate.status == .badRequest)
            let unknown = try await browser.get(client, "/review/claims/c404")
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains("Klaim tidak ditemukan"))
            let unknownPost = try await browser.post(client, "/review/claims/c404/approve", [:])
            #expect(unknownPost.status == .notFound)
        }
        #expect(try await review.status("c1") == "review")
        #expect(try await review.officerAudit("c1").isEmpty)
    }
}

@Suite("Officers' pages: areas and scans")
struct ReviewAccessTests {
    @Test func anOfficerCannotSeeOrTouchAClaimOutsideTheirAreas() async throws {
        let review = try await ReviewService.make()
        try await review.seed("mine", area: "batang")
        try await review.seed("theirs", area: "pekalongan")
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "budi")   // batang only
            let list = try await browser.get(client, "/review")
            #expect(list.text.contains("mine"))
            #expect(!list.text.contains("theirs"))
            #expect(try await browser.get(client, "/review/claims/mine").status == .ok)
            #expect(try await browser.get(client, "/review/claims/theirs").status == .notFound)
            #expect(try await browser.get(client, "/review/claims/theirs/scans/ktp.png").status == .notFound)
            #expect(try await browser.get(client, "/review/claims/theirs/scans/ktp").status == .notFound)
            #expect(try await browser.post(client, "/review/claims/theirs/approve", [:]).status == .notFound)
            #expect(try await browser.post(client, "/review/calls/theirs/outcome", ["outcome": "dropbox"]).status == .notFound)
            #expect(try await browser.get(client, "/review?area=pekalongan").status == .forbidden)
            #expect(try await browser.get(client, "/review/calls?area=pekalongan").status == .forbidden)
        }
        #expect(try await review.status("theirs") == "review")
        #expect(try await review.officerAudit("theirs").isEmpty)
    }

    @Test func scansAreServedDecryptedOnlyToSignedInOfficers() async throws {
        let review = try await ReviewService.make()
        try await review.seed("c1")
        try await review.app().test(.router) { client in
            var browser = Browser()
            let anonymous = try await browser.get(client, "/review/claims/c1/scans/ktp.png")
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.contentType] != "image/png")
            try await browser.signIn(client, as: "ani")
            let png = try await browser.get(client, "/review/claims/c1/scans/ktp.png")
            #expect(png.status == .ok)
            #expect(png.headers[.contentType] == "image/png")
            #expect(Array(png.body.readableBytesView.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            let original = try await browser.get(client, "/review/claims/c1/scans/ktp")
            #expect(original.status == .ok)
            #expect(Data(buffer: original.body) == ktpScan)
            #expect(original.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            // Not decodable (the test's fake JPEG): a clear 422, not a crash.
            #expect(try await browser.get(client, "/review/claims/c1/scans/kk.png").status == .unprocessableContent)
            #expect(try await browser.get(client, "/review/claims/c1/scans/employer_letter.png").status == .notFound)
            #expect(try await browser.get(client, "/review/claims/c1/scans/ktp.png?page=2").status == .notFound)
        }
        // The files at rest are sealed: the PNG's bytes are not on disk in clear.
        for file in review.service.scanFiles() {
            let stored = try Data(contentsOf: file)
            #expect(stored.range(of: ktpScan.prefix(64)) == nil)
        }
    }

    @Test func theClaimPageDrawsTheFieldBoxesAndHighlightsTheFlaggedOne() async throws {
        let review = try await ReviewService.make()
        try await review.seed("c1")
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "ani")
            let page = try await browser.get(client, "/review/claims/c1")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains(#"viewBox="0 0 1012 638""#))
            #expect(html.contains(#"<rect id="box-ktp-nama" class="flagged" x="260" y="180" width="300" height="34">"#))
            #expect(html.contains(#"<rect id="box-ktp-nik" class="" x="240" y="120""#))
            #expect(html.contains("RINA MARLlNA"))   // the reading, beside
            #expect(html.contains("52%"))            // its confidence
            #expect(html.contains(#"<tr class="flagged" id="field-ktp-nama">"#))
            #expect(html.contains("Content-Security-Policy") == false)  // a header, not in the body
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
        }
    }
}

@Suite("Officers' pages: actions and their audit")
struct ReviewActionTests {
    @Test func correctingAFieldIsAuditedAndShownAndSurvivesARecheck() async throws {
        let review = try await ReviewService.make()
        let claim = try await review.seed("c1")
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "ani")
            _ = try await browser.get(client, "/review/claims/c1")
            let response = try await browser.post(client, "/review/claims/c1/documents/ktp/fields/nama", ["value": "RINA MARLINA"])
            #expect(response.status == .seeOther)
            let page = try await browser.get(client, "/review/claims/c1")
            #expect(page.text.contains("RINA MARLINA (oleh ani)"))
            #expect(page.text.contains("corrected ktp.nama: &quot;RINA MARLlNA&quot; -&gt; &quot;RINA MARLINA&quot;"))
        }
        let audit = try await review.officerAudit("c1")
        #expect(audit.count == 1)
        #expect(audit.first?.actor == "officer:ani")
        #expect(audit.first?.detail == #"corrected ktp.nama: "RINA MARLlNA" -> "RINA MARLINA""#)
        // An automatic re-check of the same scans rewrites the verdict, not the correction.
        _ = try await review.store.applyVerdict(claimID: "c1", verdict: ReviewService.verdict("c1", status: .review),
                                                expectedRevision: claim.revision, actor: "recheck", now: Date())
        let record = try #require(try await review.store.reviewRecord(claimID: "c1"))
        #expect(record.corrections.map(\.value) == ["RINA MARLINA"])
        #expect(record.claim.verdict?.documents["ktp"]?.value("nama") == "RINA MARLlNA")  // SPEC: the value is what was read
    }

    @Test func acceptingADocumentIsAudited() async throws {
        let review = try await ReviewService.make()
        try await review.seed("c1")
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "ani")
            _ = try await browser.get(client, "/review/claims/c1")
            #expect(try await browser.post(client, "/review/claims/c1/documents/ktp/accept", [:]).status == .seeOther)
            #expect(try await browser.get(client, "/review/claims/c1").text.contains("diterima oleh ani"))
        }
        let audit = try await review.officerAudit("c1")
        #expect(audit.map(\.detail).first?.hasPrefix("accepted ktp scan ") == true)
        #expect(try await review.status("c1") == "review")
    }

    @Test func markingIncompleteReleasesTheCallAndTellsTheClaimantWhy() async throws {
        let review = try await ReviewService.make()
        try await review.seed("c1", status: .complete)
        #expect(try await review.store.claim(id: "c1")?.booking != nil)
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "ani")
            _ = try await browser.get(client, "/review/claims/c1")
            let response = try await browser.post(client, "/review/claims/c1/incomplete",
                                                  ["reason": "kk.claimant_not_listed", "note": "KK lama, minta yang terbaru"])
            #expect(response.status == .seeOther)
            // The API's verdict says it to the intake service, in Indonesian.
            let api = try await client.getClaim("c1", auth: review.service.auth)
            #expect(api.json["status"] as? String == "incomplete")
            let reasons = api.json["reasons"] as? [[String: Any]] ?? []
            #expect(reasons.first?["code"] as? String == "kk.claimant_not_listed")
            #expect((reasons.first?["message"] as? String)?.hasSuffix("Catatan petugas: KK lama, minta yang terbaru") == true)
            #expect(api.json["queue"] is NSNull)
        }
        let audit = try await review.officerAudit("c1")
        #expect(audit.count == 1)
        #expect(audit.first?.fromStatus == "complete")
        #expect(audit.first?.toStatus == "incomplete")
        #expect(audit.first?.detail.contains("released call batang 2020-04-30 #1") == true)
    }

    @Test func approvingBooksThroughTheLedgerAndARecheckKeepsTheDecision() async throws {
        let review = try await ReviewService.make()
        // The preferred day already full: approval must book the next working day, not overbook.
        for i in 1...repositoryBranch.area("batang")!.dailyQuota {
            try await review.seed("full\(i)", status: .complete)
        }
        let claim = try await review.seed("c1")
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "budi")
            _ = try await browser.get(client, "/review/claims/c1")
            let response = try await browser.post(client, "/review/claims/c1/approve", [:])
            #expect(response.status == .seeOther)
            let page = try await browser.get(client, try #require(response.headers[.location]))
            #expect(page.text.contains("Klaim disetujui"))
            #expect(page.text.contains("batang, 2020-05-04, urutan 1"))
            let queue = try await client.execute(uri: "/api/v1/queue?area=batang&date=2020-05-04", method: .get,
                                                 headers: review.service.auth)
            #expect((queue.json["calls"] as? [[String: Any]])?.first?["claim"] as? String == "c1")
            // Approving twice is refused, not booked twice.
            #expect(try await browser.post(client, "/review/claims/c1/approve", [:]).status == .conflict)
        }
        #expect(try await review.store.bookings(area: "batang", date: CivilDate("2020-04-30")!).count == 10)
        let audit = try await review.officerAudit("c1")
        #expect(audit.map(\.detail) == ["approved; booked batang 2020-05-04 #1"])
        #expect(audit.first?.actor == "officer:budi")

        // A re-check of the same scans that still doubts the claim does not undo the approval.
        _ = try await review.store.applyVerdict(claimID: "c1", verdict: ReviewService.verdict("c1", status: .review),
                                                expectedRevision: claim.revision, actor: "recheck", now: Date())
        let after = try #require(try await review.store.claim(id: "c1"))
        #expect(after.status == .complete)
        #expect(after.booking == QueueBooking(area: "batang", date: "2020-05-04", position: 1))
    }
}

@Suite("Officers' pages: today's calls")
struct ReviewCallTests {
    @Test func theDayListsBookedCallsInOrderWithWhatsAppLinks() async throws {
        let review = try await ReviewService.make()
        try await review.seed("c1", status: .complete, whatsapp: "0812-3456-7890")
        try await review.seed("c2", status: .complete, whatsapp: "+62 857 7943 6246")
        try await review.seed("c3", status: .complete, whatsapp: "12345")
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "budi")
            let page = try await browser.get(client, "/review/calls?area=batang&date=2020-04-30")
            #expect(page.status == .ok)
            let html = page.text
            let first = try #require(html.range(of: "https://wa.me/6281234567890"))
            let second = try #require(html.range(of: "https://wa.me/6285779436246"))
            #expect(first.lowerBound < second.lowerBound)
            #expect(html.contains("12345 (nomor tidak sah)"))
            #expect(html.contains("RINA MARLINA"))
        }
    }

    @Test func eachOutcomeSetsTheStatusIsAuditedAndSaysWhatItFrees() async throws {
        let review = try await ReviewService.make()
        try await review.seed("ok", status: .complete)
        try await review.seed("missed", status: .complete)
        try await review.seed("box", status: .complete)
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "ani")
            _ = try await browser.get(client, "/review/calls?area=batang&date=2020-04-30")
            for (id, outcome) in [("ok", "call_verified"), ("missed", "call_missed"), ("box", "dropbox")] {
                let response = try await browser.post(client, "/review/calls/\(id)/outcome",
                                                      ["outcome": outcome, "area": "batang", "date": "2020-04-30"])
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/review/calls?done=\(outcome)&area=batang&date=2020-04-30")
            }
            let bad = try await browser.post(client, "/review/calls/ok/outcome", ["outcome": "paid"])
            #expect(bad.status == .badRequest)
            let twice = try await browser.post(client, "/review/calls/ok/outcome", ["outcome": "call_missed"])
            #expect(twice.status == .conflict)
            // Every call of the day is still listed, with what happened.
            let page = try await browser.get(client, "/review/calls?area=batang&date=2020-04-30")
            #expect(page.text.contains("terverifikasi lewat panggilan"))
            #expect(page.text.contains("panggilan tidak tersambung"))
            #expect(page.text.contains("dokumen ke dropbox"))
            #expect(page.text.contains("Jadwalkan ulang"))
        }
        #expect(try await review.status("ok") == "call_verified")
        #expect(try await review.status("missed") == "call_missed")
        #expect(try await review.status("box") == "dropbox")
        // A verified call keeps its place; a missed call and the dropbox free theirs.
        #expect(try await review.store.claim(id: "ok")?.booking != nil)
        #expect(try await review.store.claim(id: "missed")?.booking == nil)
        #expect(try await review.store.claim(id: "box")?.booking == nil)
        let audit = try await review.officerAudit("missed")
        #expect(audit.map(\.detail) == ["call batang 2020-04-30 #2: call_missed; call released"])
        #expect(audit.first?.toStatus == "call_missed")
    }

    @Test func aMissedCallIsBookedAgainAfterTheMissedDay() async throws {
        let review = try await ReviewService.make()
        let claim = try await review.seed("c1", status: .complete)
        try await review.store.recordCallOutcome(claimID: "c1", outcome: .callMissed, note: "", officer: "ani", now: Date())
        // A re-check does not resurrect the released call or change the recorded outcome.
        _ = try await review.store.applyVerdict(claimID: "c1", verdict: ReviewService.verdict("c1", status: .complete),
                                                expectedRevision: claim.revision, actor: "recheck", now: Date())
        #expect(try await review.status("c1") == "call_missed")
        #expect(try await review.store.claim(id: "c1")?.booking == nil)
        try await review.app().test(.router) { client in
            var browser = Browser()
            try await browser.signIn(client, as: "ani")
            _ = try await browser.get(client, "/review/calls?area=batang&date=2020-04-30")
            let response = try await browser.post(client, "/review/calls/c1/rebook", ["area": "batang", "date": "2020-04-30"])
            #expect(response.status == .seeOther)
        }
        #expect(try await review.status("c1") == "complete")
        #expect(try await review.store.claim(id: "c1")?.booking == QueueBooking(area: "batang", date: "2020-05-04", position: 1))
        #expect(try await review.officerAudit("c1").last?.detail == "booked again after a missed call: batang 2020-05-04 #1")
    }

    @Test(arguments: [CallOutcome.callVerified, .callMissed, .dropbox])
    func aClaimAfterItsCallStillMakesALaterOneWithTheSameNIKADuplicate(outcome: CallOutcome) async throws {
        let review = try await ReviewService.make()
        let first = try await review.seed("c1", status: .complete)
        try await review.store.recordCallOutcome(claimID: "c1", outcome: outcome, note: "", officer: "ani", now: Date())
        let form = ClaimForm(id: "c2", nama: first.form.nama, nik: first.form.nik, kpj: "02010170188", whatsapp: "081234567890",
                             area: "batang", reason: .resign, submittedAt: "2020-05-02", preferredDate: "2020-05-04")
        _ = try await review.store.submit(NewClaim(form: form, scans: [ScanUpload(slot: "ktp", data: ktpScan, fileName: "ktp.png")]),
                                          client: Client(tokenID: 1, name: "intake-test"), idempotencyKey: nil, now: Date().addingTimeInterval(1))
        #expect(try await review.store.checkInput(claimID: "c2").context.hasOtherOpenClaim, "after \(outcome)")
    }
}
