import Foundation
import Testing

/// Runs the built `berkas` executable as a user would.
struct CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let binary: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("berkas")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return root.appendingPathComponent(".build/debug/berkas")
    }()

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil) throws -> Output {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env["OMP_THREAD_LIMIT"] = "1"
        // An empty value removes the variable.
        for (k, v) in environment { env[k] = v.isEmpty ? nil : v }
        p.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        // Read before waiting: a full pipe would block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                      stderr: String(decoding: e, as: UTF8.self))
    }

    static func jsonLines(_ s: String) throws -> [[String: Any]] {
        try s.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
}

@Suite("berkas command line", .serialized)
struct CLITests {
    @Test("Given --help, then every command of the contract is listed")
    func help() throws {
        let out = try CLI.run(["--help"])
        #expect(out.status == 0)
        for command in ["verify", "check", "serve", "recheck", "eval", "token", "officer"] {
            #expect(out.stdout.contains(command), "\(command) missing from --help")
        }
    }

    @Test("Given a clean KTP, when verified as JSON, then one object with the contract's keys and the right NIK is printed")
    func verifyJSON() throws {
        let out = try CLI.run(["verify", "--format", "json", "fixtures/formats/ktp.png"])
        #expect(out.status == 0, "\(out.stderr)")
        let lines = try CLI.jsonLines(out.stdout)
        try #require(lines.count == 1)
        let obj = lines[0]
        for key in ["file", "kind", "kind_confidence", "fields", "quality", "issues", "timing_ms"] {
            #expect(obj[key] != nil, "missing key \(key)")
        }
        #expect(obj["kind"] as? String == "ktp")
        let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: CLI.root.appendingPathComponent("fixtures/formats/ktp.json"))) as! [String: Any]
        let nik = ((truth["fields"] as! [String: Any])["nik"] as! String)
        let fields = obj["fields"] as! [String: Any]
        let read = fields["nik"] as? [String: Any]
        #expect(read?["value"] as? String == nik)
        let box = read?["box"] as? [Int]
        #expect(box?.count == 4)
    }

    @Test("Given a missing file among readable ones, then the others are reported and the exit status is 2")
    func missingFile() throws {
        let out = try CLI.run(["verify", "--format", "json", "fixtures/bad/text.jpg", "no/such/file.png"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("no/such/file.png"))
        let lines = try CLI.jsonLines(out.stdout)
        #expect(lines.count == 1)
        let issues = lines.first?["issues"] as? [[String: Any]]
        #expect(issues?.first?["code"] as? String == "document.unsupported")
    }

    @Test("Given a labelled corpus, when evaluated with --misses, then the table is printed and a field the truth disagrees with is listed with what was read")
    func evalMisses() throws {
        let corpus = FileManager.default.temporaryDirectory.appendingPathComponent("berkas-eval-\(UUID().uuidString)/clean")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: corpus.deletingLastPathComponent()) }
        let source = CLI.root.appendingPathComponent("fixtures/corpus/clean")
        try FileManager.default.copyItem(at: source.appendingPathComponent("ktp-001.png"), to: corpus.appendingPathComponent("ktp-001.png"))
        var truth = try JSONSerialization.jsonObject(with: Data(contentsOf: source.appendingPathComponent("ktp-001.json"))) as! [String: Any]
        var fields = truth["fields"] as! [String: Any]
        let realName = try #require(fields["nama"] as? String)
        fields["nama"] = "SOMEONE ELSE"
        truth["fields"] = fields
        try JSONSerialization.data(withJSONObject: truth).write(to: corpus.appendingPathComponent("ktp-001.json"))

        let out = try CLI.run(["eval", "--misses", "--workers", "1", corpus.deletingLastPathComponent().path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("ktp              clean"))
        #expect(out.stdout.contains("clean/ktp-001.png  nama  \"SOMEONE ELSE\" -> \"\(realName)\""), "\(out.stdout)")
        #expect(!out.stdout.contains("ktp-001.png  nik"), "the NIK the truth agrees with is not listed")
    }

    @Test("Given bad usage, then the exit status is 1 with a message")
    func badUsage() throws {
        let out = try CLI.run(["verify", "--kind", "passport", "fixtures/formats/ktp.png"])
        #expect(out.status == 1)
        #expect(!out.stderr.isEmpty)
        let none = try CLI.run(["check"])
        #expect(none.status == 1)
    }

    @Test("Given a claim folder, when checked as JSON, then the verdict object of the contract is printed")
    func checkJSON() throws {
        let out = try CLI.run(["check", "--format", "json", "fixtures/claims/c0013"])
        #expect(out.status == 0, "\(out.stderr)")
        let v = try #require(try CLI.jsonLines(out.stdout).first)
        for key in ["claim", "status", "reasons", "documents", "queue"] {
            #expect(v.keys.contains(key), "missing key \(key)")
        }
        #expect(["complete", "incomplete", "review"].contains(v["status"] as? String ?? ""))
    }

    @Test("Given a folder without claim.json, then the exit status is 2")
    func unreadableClaim() throws {
        let out = try CLI.run(["check", "fixtures/bad"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("claim.json"))
    }

    @Test("Given officer add with a password on stdin, then the account is made; a bad name, area, short or missing password, or a second add exits 1")
    func officerAdd() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("berkas-cli-officer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let made = try CLI.run(["officer", "add", "--data", data.path, "--area", "batang", "ani"], input: "rahasia-panjang-1\n")
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stderr.contains("ani"))
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("berkas.sqlite").path))
        let again = try CLI.run(["officer", "add", "--data", data.path, "ani"], input: "rahasia-panjang-2\n")
        #expect(again.status == 1)
        for (arguments, input) in [(["officer", "add", "--data", data.path, "Bad Name!"], "rahasia-panjang-1\n"),
                                   (["officer", "add", "--data", data.path, "--area", "jakarta", "budi"], "rahasia-panjang-1\n"),
                                   (["officer", "add", "--data", data.path, "citra"], "pendek\n"),
                                   (["officer", "add", "--data", data.path, "dewi"], "")] {
            let out = try CLI.run(arguments, input: input)
            #expect(out.status == 1, "\(arguments): \(out.stderr)")
            #expect(!out.stderr.isEmpty)
        }
    }

    @Test("Given OMP_THREAD_LIMIT unset, then berkas restarts itself with it set, keeping its arguments, stdin and exit status")
    func restartsWithOpenMPLimit() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("berkas-cli-omp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let made = try CLI.run(["officer", "add", "--data", data.path, "omp"], environment: ["OMP_THREAD_LIMIT": ""],
                               input: "rahasia-panjang-1\n")
        #expect(made.status == 0, "\(made.stderr)")
        let read = try CLI.run(["verify", "--format", "json", "fixtures/formats/ktp.png"], environment: ["OMP_THREAD_LIMIT": ""])
        #expect(read.status == 0)
        #expect(try CLI.jsonLines(read.stdout).first?["kind"] as? String == "ktp")
        let missing = try CLI.run(["verify", "/nonexistent.jpg"], environment: ["OMP_THREAD_LIMIT": ""])
        #expect(missing.status == 2)
    }

    @Test("Given recheck with an unknown status, a pending status, a bad date or no data folder, then it exits 1 with a message")
    func recheckBadUsage() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("berkas-cli-recheck-\(UUID().uuidString)")
        let missing = try CLI.run(["recheck", "--data", empty.path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("berkas.sqlite"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: empty.path), "recheck must not create a data folder")

        let unknown = try CLI.run(["recheck", "--data", empty.path, "--status", "complete,paid"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("paid"))
        let pending = try CLI.run(["recheck", "--data", empty.path, "--status", "pending"])
        #expect(pending.status == 1)
        #expect(pending.stderr.contains("pending"))
        let emptyStatus = try CLI.run(["recheck", "--data", empty.path, "--status", "complete,"])
        #expect(emptyStatus.status == 1)
        for date in ["2024-13-01", "2024-02-30", "01-02-2024", "yesterday"] {
            let bad = try CLI.run(["recheck", "--data", empty.path, "--since", date])
            #expect(bad.status == 1, "\(date)")
            #expect(bad.stderr.contains("--since"), "\(date): \(bad.stderr)")
        }
        let env = try CLI.run(["recheck"], environment: ["BERKAS_DATA": empty.path])
        #expect(env.status == 1)
        #expect(env.stderr.contains(empty.path))
    }
}
