import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import Store
import Testing
import Verification

@Suite("Intake API: bad input is refused and changes nothing")
struct IntakeRejectionTests {
    @Test func postWithoutTokenIs401AndStoresNothing() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            let response = try await client.post(claimBody(id: "c0001"), auth: [:])
            #expect(response.status == .unauthorized)
            #expect(response.errorCode == "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
        }
        #expect(try await service.claimCount() == 0)
        #expect(service.scanFiles().isEmpty)
    }

    @Test func postWithWrongTokenIs401AndStoresNothing() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            let response = try await client.post(claimBody(id: "c0001"),
                                                 auth: [.authorization: "Bearer not-\(service.token)"])
            #expect(response.status == .unauthorized)
            let basic = try await client.post(claimBody(id: "c0001"), auth: [.authorization: "Basic \(service.token)"])
            #expect(basic.status == .unauthorized)
        }
        #expect(try await service.claimCount() == 0)
        #expect(service.scanFiles().isEmpty)
    }

    @Test func missingClaimPartIs400() async throws {
        let service = try await TestService.make()
        var building = Multipart()
        building.add(name: "ktp", fileName: "ktp.jpg", data: fakeJPEG("ktp"))
        let form = building
        try await service.app().test(.router) { client in
            let response = try await client.post(form, auth: service.auth)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "missing_claim")
        }
        #expect(try await service.claimCount() == 0)
    }

    @Test func claimPartThatIsNotJSONIs400() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            let response = try await client.post(claimBody(id: "x", claim: Data("{\"id\": \"c1\",".utf8)), auth: service.auth)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_json")
        }
        #expect(try await service.claimCount() == 0)
    }

    @Test func claimWithoutIdIs422() async throws {
        let service = try await TestService.make()
        let noID = Data(#"{"nama": "RINA", "area": "batang"}"#.utf8)
        let badDate = claimJSON(id: "c1", preferredDate: "30-04-2020")
        try await service.app().test(.router) { client in
            let response = try await client.post(claimBody(id: "x", claim: noID), auth: service.auth)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "invalid_claim")
            let dated = try await client.post(claimBody(id: "x", claim: badDate), auth: service.auth)
            #expect(dated.status == .unprocessableContent)
        }
        #expect(try await service.claimCount() == 0)
    }

    @Test func unknownAreaIs400() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            let response = try await client.post(claimBody(id: "c1", claim: claimJSON(id: "c1", area: "semarang")),
                                                 auth: service.auth)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_area")
        }
        #expect(try await service.claimCount() == 0)
    }

    @Test func unknownFilePartIs400() async throws {
        let service = try await TestService.make()
        var building = claimBody(id: "c1")
        building.add(name: "selfie", fileName: "me.jpg", data: fakeJPEG("me"))
        let form = building
        try await service.app().test(.router) { client in
            let response = try await client.post(form, auth: service.auth)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_slot")
        }
        #expect(try await service.claimCount() == 0)
    }

    @Test func fileOverTheLimitIs413AndStoresNothing() async throws {
        let service = try await TestService.make()
        var building = Multipart()
        building.add(name: "claim", data: claimJSON(id: "c1"))
        building.add(name: "ktp", fileName: "ktp.jpg", data: fakeJPEG(String(repeating: "x", count: 5000)))
        let form = building
        try await service.app(maxScanBytes: 4096).test(.router) { client in
            let response = try await client.post(form, auth: service.auth)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "too_large")
        }
        #expect(try await service.claimCount() == 0)
        #expect(service.scanFiles().isEmpty)
    }

    @Test func bodyThatIsNotMultipartIs415() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            var headers = service.auth
            headers[.contentType] = "application/json"
            let response = try await client.execute(uri: "/api/v1/claims", method: .post, headers: headers,
                                                    body: ByteBuffer(bytes: claimJSON(id: "c1")))
            #expect(response.status == .unsupportedMediaType)
            #expect(response.errorCode == "unsupported_media_type")
        }
        #expect(try await service.claimCount() == 0)
    }

    @Test func unknownClaimIs404() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            let response = try await client.getClaim("c404", auth: service.auth)
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not_found")
            var headers = service.auth
            headers[.contentType] = "image/jpeg"
            let put = try await client.execute(uri: "/api/v1/claims/c404/documents/ktp", method: .put,
                                               headers: headers, body: ByteBuffer(bytes: fakeJPEG("k")))
            #expect(put.status == .notFound)
        }
        #expect(service.scanFiles().isEmpty)
    }

    @Test func sameClaimIdWithAnotherBodyIs409() async throws {
        let service = try await TestService.make()
        try await service.app(workers: 0).test(.router) { client in
            #expect(try await client.post(claimBody(id: "c1"), auth: service.auth).status == .accepted)
            let again = try await client.post(claimBody(id: "c1"), auth: service.auth)
            #expect(again.status == .accepted, "the same claim again is answered, not duplicated")
            let other = try await client.post(claimBody(id: "c1", claim: claimJSON(id: "c1", nama: "ANOTHER")),
                                              auth: service.auth)
            #expect(other.status == .conflict)
            #expect(other.errorCode == "claim_conflict")
        }
        #expect(try await service.claimCount() == 1)
    }
}

@Suite("Intake API: accepting and checking claims")
struct IntakeFlowTests {
    @Test func duplicateIdempotencyKeyReturnsTheFirstAnswer() async throws {
        let service = try await TestService.make()
        let form = claimBody(id: "c1")
        try await service.app(workers: 0).test(.router) { client in
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "retry-1"]
            let first = try await client.post(form, auth: service.auth, extra: key)
            let second = try await client.post(form, auth: service.auth, extra: key)
            #expect(first.status == .accepted)
            #expect(second.status == .accepted)
            #expect(Data(buffer: first.body) == Data(buffer: second.body))
            #expect(first.json["id"] as? String == "c1")
            #expect(first.json["status"] as? String == "pending")

            let reused = try await client.post(claimBody(id: "c2"), auth: service.auth, extra: key)
            #expect(reused.status == .conflict)
            #expect(reused.errorCode == "idempotency_conflict")
        }
        #expect(try await service.claimCount() == 1)
    }

    @Test func acceptedClaimGetsAVerdictWithABooking() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            let accepted = try await client.post(claimBody(id: "c0001"), auth: service.auth)
            #expect(accepted.status == .accepted)
            #expect(accepted.json as NSDictionary == ["id": "c0001", "status": "pending"] as NSDictionary)

            let verdict = try await client.getClaim("c0001", wait: 20, auth: service.auth).json
            #expect(verdict["claim"] as? String == "c0001")
            #expect(verdict["status"] as? String == "complete")
            #expect((verdict["reasons"] as? [Any])?.isEmpty == true)
            #expect(Set((verdict["documents"] as? [String: Any])?.keys ?? [:].keys) == ["ktp", "kk", "employer_letter"])
            let queue = try #require(verdict["queue"] as? [String: Any])
            #expect(queue as NSDictionary == ["area": "batang", "date": "2020-04-30", "position": 1] as NSDictionary)
        }
    }

    @Test func incompleteClaimHasReasonsAndNoBooking() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            let body = claimBody(id: "c2", claim: claimJSON(id: "c2", whatsapp: nil), slots: ["ktp", "kk"])
            #expect(try await client.post(body, auth: service.auth).status == .accepted)
            let verdict = try await client.getClaim("c2", wait: 20, auth: service.auth).json
            #expect(verdict["status"] as? String == "incomplete")
            let codes = (verdict["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(Set(codes) == ["document.missing", "claim.whatsapp_missing"])
            #expect(verdict["queue"] is NSNull, "queue is present and null")
        }
    }

    @Test func fileThatIsNotAnImageIsStoredAndReportedUnsupported() async throws {
        let service = try await TestService.make()
        var building = Multipart()
        building.add(name: "claim", data: claimJSON(id: "c3"))
        building.add(name: "ktp", fileName: "ktp.docx", data: Data("PK\u{3}\u{4} a word file".utf8))
        building.add(name: "kk", fileName: "kk.jpg", data: fakeJPEG("kk"))
        building.add(name: "employer_letter", fileName: "surat.pdf", data: Data("%PDF-1.4 letter".utf8))
        let form = building
        try await service.app().test(.router) { client in
            #expect(try await client.post(form, auth: service.auth).status == .accepted)
            let verdict = try await client.getClaim("c3", wait: 20, auth: service.auth).json
            #expect(verdict["status"] as? String == "incomplete")
            let reasons = verdict["reasons"] as? [[String: Any]] ?? []
            #expect(reasons.contains { $0["code"] as? String == "document.unsupported" && $0["document"] as? String == "ktp" })
        }
        let stored = try #require(try await service.store.claim(id: "c3"))
        #expect(stored.documents["ktp"]?.mediaType == "application/octet-stream")
        #expect(stored.documents["ktp"]?.fileName == "ktp.docx")
    }

    @Test func getWithoutWaitAnswersPendingAtOnce() async throws {
        let service = try await TestService.make()
        try await service.app(workers: 0).test(.router) { client in
            _ = try await client.post(claimBody(id: "c4"), auth: service.auth)
            let start = ContinuousClock.now
            let response = try await client.getClaim("c4", auth: service.auth)
            #expect(response.json as NSDictionary == ["id": "c4", "status": "pending"] as NSDictionary)
            let waited = try await client.getClaim("c4", wait: 1, auth: service.auth)
            #expect(waited.json["status"] as? String == "pending")
            #expect(ContinuousClock.now - start >= .milliseconds(900), "wait=1 blocks about a second")
            let bad = try await client.execute(uri: "/api/v1/claims/c4?wait=soon", method: .get, headers: service.auth)
            #expect(bad.status == .badRequest)
        }
    }

    @Test func replacingAScanChecksTheClaimAgain() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            _ = try await client.post(claimBody(id: "c5", slots: ["ktp", "kk"]), auth: service.auth)
            let first = try await client.getClaim("c5", wait: 20, auth: service.auth).json
            #expect(first["status"] as? String == "incomplete")

            var headers = service.auth
            headers[.contentType] = "application/pdf"
            let put = try await client.execute(uri: "/api/v1/claims/c5/documents/employer_letter", method: .put,
                                               headers: headers, body: ByteBuffer(bytes: Data("%PDF-1.4 surat".utf8)))
            #expect(put.status == .accepted)
            #expect(put.json["status"] as? String == "pending")
            let second = try await client.getClaim("c5", wait: 20, auth: service.auth).json
            #expect(second["status"] as? String == "complete")
            #expect(second["queue"] is [String: Any])

            let badSlot = try await client.execute(uri: "/api/v1/claims/c5/documents/selfie", method: .put,
                                                   headers: headers, body: ByteBuffer(string: "x"))
            #expect(badSlot.status == .badRequest)
            #expect(badSlot.errorCode == "invalid_slot")
        }
        let trail = try await service.store.auditTrail(claimID: "c5").map { "\($0.fromStatus ?? "-")>\($0.toStatus)" }
        #expect(trail == ["->pending", "pending>incomplete", "incomplete>pending", "pending>complete"])
    }

    @Test func replacingAScanWithMultipartWorksToo() async throws {
        let service = try await TestService.make()
        try await service.app(workers: 0).test(.router) { client in
            _ = try await client.post(claimBody(id: "c6", slots: ["ktp"]), auth: service.auth)
            var building = Multipart()
            building.add(name: "file", fileName: "C:\\photos\\kk.png", data: Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]))
            let form = building
            var headers = service.auth
            headers[.contentType] = form.contentType
            let put = try await client.execute(uri: "/api/v1/claims/c6/documents/kk", method: .put,
                                               headers: headers, body: form.finished())
            #expect(put.status == .accepted)
        }
        let stored = try #require(try await service.store.claim(id: "c6"))
        #expect(stored.documents["kk"]?.mediaType == "image/png")
        #expect(stored.documents["kk"]?.fileName == "kk.png", "only the last path component is kept, for display")
        #expect(stored.revision == 2)
    }

    @Test func laterClaimForTheSameNIKIsADuplicate() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            _ = try await client.post(claimBody(id: "first", claim: claimJSON(id: "first", nik: "3325065106884443")),
                                      auth: service.auth)
            #expect(try await client.getClaim("first", wait: 20, auth: service.auth).json["status"] as? String == "complete")
            _ = try await client.post(claimBody(id: "second", claim: claimJSON(id: "second", nik: "3325065106884443")),
                                      auth: service.auth)
            let second = try await client.getClaim("second", wait: 20, auth: service.auth).json
            #expect(second["status"] as? String == "incomplete")
            let codes = (second["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            #expect(codes == ["claim.duplicate"])
        }
    }
}

@Suite("Operations: health, metrics, OpenAPI, queue listing, first start")
struct OperationsTests {
    @Test func healthMetricsAndOpenAPINeedNoToken() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            _ = try await client.post(claimBody(id: "m1"), auth: service.auth)
            _ = try await client.getClaim("m1", wait: 20, auth: service.auth)
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(health.json["status"] as? String == "ok")

            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"berkas_checks_total{status="complete"} 1"#))
            #expect(metrics.contains(#"berkas_jobs{state="queued"} 0"#))
            #expect(metrics.contains("berkas_http_requests_total"))
            #expect(metrics.contains("berkas_http_request_duration_seconds_bucket"))

            let openapi = try await client.execute(uri: "/api/v1/openapi.yaml", method: .get)
            #expect(openapi.status == .ok)
            let yaml = String(buffer: openapi.body)
            #expect(yaml.hasPrefix("openapi: 3."))
            for path in ["/api/v1/claims:", "/api/v1/claims/{id}:", "/api/v1/claims/{id}/documents/{slot}:", "/api/v1/queue:"] {
                #expect(yaml.contains(path))
            }
        }
    }

    @Test func queueListsTheDaysCalls() async throws {
        let service = try await TestService.make()
        try await service.app().test(.router) { client in
            for id in ["q1", "q2"] {
                _ = try await client.post(claimBody(id: id), auth: service.auth)
                _ = try await client.getClaim(id, wait: 20, auth: service.auth)
            }
            let day = try await client.execute(uri: "/api/v1/queue?area=batang&date=2020-04-30", method: .get,
                                               headers: service.auth).json
            #expect(day["quota"] as? Int == 10)
            #expect(day["booked"] as? Int == 2)
            let calls = day["calls"] as? [[String: Any]] ?? []
            #expect(calls.compactMap { $0["position"] as? Int } == [1, 2])
            #expect(Set(calls.compactMap { $0["claim"] as? String }) == ["q1", "q2"])

            let badArea = try await client.execute(uri: "/api/v1/queue?area=semarang&date=2020-04-30", method: .get,
                                                   headers: service.auth)
            #expect(badArea.status == .badRequest)
            #expect(badArea.errorCode == "invalid_area")
            let badDate = try await client.execute(uri: "/api/v1/queue?area=batang&date=30/04/2020", method: .get,
                                                   headers: service.auth)
            #expect(badDate.errorCode == "invalid_date")
            let noToken = try await client.execute(uri: "/api/v1/queue?area=batang", method: .get)
            #expect(noToken.status == .unauthorized)
        }
    }

    @Test func firstStartCreatesDataDirectoryKeyAndDatabase() async throws {
        let directory = temporaryDataDirectory().appendingPathComponent("nested/data")
        var configuration = ServerConfiguration(port: 0, dataDirectory: directory, branch: repositoryBranch, workers: 1)
        configuration.pollInterval = .milliseconds(200)
        let app = try await buildApplication(configuration: configuration, checker: FormChecker())
        try await app.test(.live) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: directory.appendingPathComponent("berkas.sqlite").path))
        let key = directory.appendingPathComponent("berkas.key")
        let mode = try #require(try fm.attributesOfItem(atPath: key.path)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
    }
}
