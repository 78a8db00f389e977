import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Server
import Store
import Testing
import Verification

/// The officers' pages in a real browser: the real server on a port, the real pre-check
/// (Tesseract) on a fixture claim, and headless Chromium driven over the DevTools protocol.
/// Screenshots of the list and the claim page are written to .build/screenshots/ (or to the
/// folder in BERKAS_SCREENSHOTS: `BERKAS_SCREENSHOTS=docs/screenshots` refreshes the committed ones).
@Suite("Officers' pages in headless Chromium", .serialized)
struct ReviewBrowserTests {
    static let repository = fixturesDirectory.deletingLastPathComponent()
    static var screenshots: URL {
        if let dir = ProcessInfo.processInfo.environment["BERKAS_SCREENSHOTS"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, relativeTo: repository)
        }
        return repository.appendingPathComponent(".build/screenshots")
    }

    @Test func anOfficerSignsInCorrectsAFieldAndApprovesAFlaggedClaim() async throws {
        guard let chromium = Chromium.executable() else {
            let message = "chromium is not installed (apt-get install -y chromium, see scripts/install-deps.sh)"
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("\(message): the browser test cannot run in CI without it")
            } else {
                print("\n⚠️⚠️⚠️  SKIPPED: the officers' browser test did not run: \(message)  ⚠️⚠️⚠️\n")
            }
            return
        }
        // Given the bundled claim c0001 with the form's name one letter off what its documents
        // say: the real pre-check doubts the name and sends it to review.
        let precheck = try Precheck.load(workers: 1, modelDirectory: Self.repository.appendingPathComponent("models"))
        let review = try await ReviewService.make()
        let folder = fixturesDirectory.appendingPathComponent("claims/c0001")
        var form = try JSONDecoder().decode(ClaimForm.self, from: Data(contentsOf: folder.appendingPathComponent("claim.json")))
        let documents = form.documents ?? [:]
        form.documents = nil
        form.nama = "TEGUH MAULANI"
        var body = Multipart()
        body.add(name: "claim", contentType: "application/json", data: try JSONEncoder().encode(form))
        for (slot, file) in documents.sorted(by: { $0.key < $1.key }) {
            body.add(name: slot, fileName: file, data: try Data(contentsOf: folder.appendingPathComponent(file)))
        }
        let submission = body
        let id = form.id

        try await review.service.app(checker: precheck, workers: 1).test(.live) { client in
            #expect(try await client.post(submission, auth: review.service.auth).status == .accepted)
            let checked = try await client.checkedClaim(id, auth: review.service.auth)
            try #require(checked.json["status"] as? String == "review", "the pre-check said \(checked.json["status"] ?? "nothing")")
            let base = "http://127.0.0.1:\(try #require(client.port))"

            let browser = try await Chromium.launch(chromium)
            defer { browser.stop() }
            let page = try await browser.newPage()

            // When the officer signs in through the form
            try await page.navigate("\(base)/review/login")
            try await page.run("""
                document.getElementById('username').value = 'ani';
                document.getElementById('password').value = '\(officerPassword)';
                document.querySelector('form.signin').submit();
                """)
            try await page.waitUntil("location.pathname === '/review' && document.readyState === 'complete'")
            // Then the list shows the flagged claim with its reasons
            #expect(try await page.text().contains("Nama pada KTP sedikit berbeda"))
            try await page.screenshot(to: Self.screenshots.appendingPathComponent("review-list.png"))

            // When they open it from the list
            try await page.run("document.querySelector('a[href=\"/review/claims/\(id)\"]').click();")
            try await page.waitUntil("location.pathname === '/review/claims/\(id)' && document.readyState === 'complete'")
            try await page.waitUntil("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
            // Then the KTP is shown with the doubtful name's box highlighted over it
            #expect(try await page.evaluate("document.querySelectorAll('#doc-ktp rect.flagged').length") as? Int ?? 0 >= 1)
            #expect(try await page.evaluate("document.querySelector('#doc-ktp img').naturalWidth") as? Int ?? 0 > 0)

            // When they correct the name as printed on the card
            try await page.run("""
                const f = document.querySelector('#field-ktp-nama form');
                f.querySelector('input[name=value]').value = 'TEGUH MAULANA';
                f.submit();
                """)
            try await page.waitUntil("location.search.includes('done=corrected') && document.readyState === 'complete'")
            try await page.waitUntil("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
            #expect(try await page.text().contains("TEGUH MAULANA (oleh ani)"))
            try await page.screenshot(to: Self.screenshots.appendingPathComponent("claim-page.png"))

            // And approve it
            try await page.run("document.getElementById('approve').click();")
            try await page.waitUntil("location.search.includes('done=approved') && document.readyState === 'complete'")
            #expect(try await page.text().contains("Klaim disetujui"))

            // Then the claim is booked, as the intake API sees it
            let verdict = try await client.getClaim(id, auth: review.service.auth)
            #expect(verdict.json["status"] as? String == "complete")
            let queue = try #require(verdict.json["queue"] as? [String: Any])
            #expect(queue["area"] as? String == "pekalongan")
            #expect(queue["date"] as? String == "2022-02-14")
        }
        let audit = try await review.officerAudit(id).map(\.detail)
        #expect(audit.count == 2)
        #expect(audit.first?.hasPrefix("corrected ktp.nama: ") == true)
        #expect(audit.first?.hasSuffix(#"-> "TEGUH MAULANA""#) == true)
        #expect(audit.last == "approved; booked pekalongan 2022-02-14 #1")
    }
}

/// Headless Chromium and the few DevTools protocol commands the test needs, spoken over
/// `--remote-debugging-pipe` (file descriptors 3 and 4, messages ending in NUL): no Node, no
/// WebSocket client (Foundation's on Linux has none without a libcurl built for it).
final class Chromium: @unchecked Sendable {
    // Set once in `launch`; the channel is used by one task at a time.
    let pid: pid_t
    let profile: URL
    let socket: DevToolsPipe

    static func executable() -> URL? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        return nil
    }

    private init(pid: pid_t, profile: URL, socket: DevToolsPipe) {
        self.pid = pid; self.profile = profile; self.socket = socket
    }

    static func launch(_ executable: URL) async throws -> Chromium {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("berkas-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        var toBrowser: [Int32] = [0, 0], fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw BrowserError("pipe() failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The browser reads commands on fd 3 and writes answers on fd 4.
        posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
        let devNull = open("/dev/null", O_WRONLY)
        posix_spawn_file_actions_adddup2(&actions, devNull, 1)
        posix_spawn_file_actions_adddup2(&actions, devNull, 2)
        let arguments = [executable.path, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--remote-debugging-pipe", "--user-data-dir=\(profile.path)",
                         "--window-size=1440,1000", "about:blank"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, &argv, environ)
        close(toBrowser[0]); close(fromBrowser[1]); close(devNull)
        guard spawned == 0 else { throw BrowserError("could not start \(executable.path): errno \(spawned)") }
        return Chromium(pid: pid, profile: profile, socket: DevToolsPipe(write: toBrowser[1], read: fromBrowser[0]))
    }

    func newPage() async throws -> BrowserPage {
        let target = try await socket.send("Target.createTarget", ["url": "about:blank"])
        let targetID = try #require(target["targetId"] as? String)
        let attached = try await socket.send("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        let page = BrowserPage(socket: socket, session: try #require(attached["sessionId"] as? String))
        _ = try await page.command("Emulation.setDeviceMetricsOverride",
                                   ["width": 1440, "height": 1000, "deviceScaleFactor": 1, "mobile": false])
        return page
    }

    func stop() {
        socket.close()
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: profile)
    }
}

struct BrowserPage {
    let socket: DevToolsPipe
    let session: String

    func command(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
        try await socket.send(method, params, session: session)
    }

    func navigate(_ url: String) async throws {
        _ = try await command("Page.navigate", ["url": url])
        try await waitUntil("location.href === \(Self.literal(url)) && document.readyState === 'complete'")
    }

    /// Evaluates an expression and returns its value (JSON types).
    func evaluate(_ expression: String) async throws -> Any? {
        let result = try await command("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        if let exception = result["exceptionDetails"] { throw BrowserError("script failed: \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    func run(_ script: String) async throws {
        _ = try await evaluate("(() => { \(script) })()")
    }

    func text() async throws -> String { try await evaluate("document.body.innerText") as? String ?? "" }

    func waitUntil(_ condition: String, timeout: TimeInterval = 30) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            // A navigation in progress destroys the context the check runs in: try again.
            if (try? await evaluate("!!(\(condition))")) as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let url = (try? await evaluate("location.href")) ?? "?"
        throw BrowserError("timed out waiting for `\(condition)` (at \(url ?? "?"))")
    }

    /// The whole page, not only the window, as PNG.
    func screenshot(to file: URL) async throws {
        let metrics = try await command("Page.getLayoutMetrics")
        let size = metrics["cssContentSize"] as? [String: Any] ?? [:]
        let width = (size["width"] as? Double) ?? 1440, height = min((size["height"] as? Double) ?? 1000, 6000)
        let shot = try await command("Page.captureScreenshot", [
            "format": "png", "captureBeyondViewport": true,
            "clip": ["x": 0, "y": 0, "width": width, "height": height, "scale": 1],
        ])
        guard let encoded = shot["data"] as? String, let data = Data(base64Encoded: encoded) else {
            throw BrowserError("Page.captureScreenshot returned no image")
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
    }

    static func literal(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast().description
    }
}

/// The DevTools pipe: commands are numbered, and a command's answer is the message with its
/// id (events in between are skipped).
final class DevToolsPipe: @unchecked Sendable {
    // Commands are sent one at a time by the test, so `next` and `buffer` are never shared.
    private let writeFD: Int32
    private let readFD: Int32
    private var next = 0
    private var buffer = Data()
    /// Blocking reads happen here, not on the cooperative threads the server under test needs.
    private let reader = DispatchQueue(label: "berkas.devtools.read")

    init(write: Int32, read: Int32) { writeFD = write; readFD = read }

    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil) async throws -> [String: Any] {
        next += 1
        let id = next
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(writeFD, raw.baseAddress! + offset, raw.count - offset)
                guard n > 0 else { throw BrowserError("the browser closed its DevTools pipe") }
                offset += n
            }
        }
        while true {
            let bytes = try await receive()
            guard let reply = try JSONSerialization.jsonObject(with: bytes) as? [String: Any],
                  reply["id"] as? Int == id else { continue }
            if let error = reply["error"] { throw BrowserError("\(method) failed: \(error)") }
            return reply["result"] as? [String: Any] ?? [:]
        }
    }

    private func receive() async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            reader.async { continuation.resume(with: Result { try self.readMessage() }) }
        }
    }

    private func readMessage() throws -> Data {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = buffer[buffer.startIndex..<end]
                buffer = Data(buffer[(end + 1)...])
                return Data(message)
            }
            let n = Glibc.read(readFD, &chunk, chunk.count)
            guard n > 0 else { throw BrowserError("the browser closed its DevTools pipe") }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    func close() { Glibc.close(writeFD); Glibc.close(readFD) }
}

struct BrowserError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
