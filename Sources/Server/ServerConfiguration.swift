import Foundation
import Store

/// Everything `berkas serve` can be told. Defaults are the SPEC's (`--host 127.0.0.1`,
/// `--port 8080`, `--data ./data` or `BERKAS_DATA`).
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// SQLite database, key file and encrypted scans.
    public var dataDirectory: URL
    /// Default `BERKAS_KEY_FILE`, else `DATA/berkas.key`.
    public var keyFile: URL?
    /// Areas, quotas and holidays; nil loads `models/branch.json` (see `Branch.locate`).
    public var branch: Branch?
    /// Check workers in this process; default one per core. Zero accepts claims without checking them.
    public var workers: Int
    /// How long a worker holds a job before another may take it over; renewed while checking.
    public var lease: Duration
    /// How often an idle worker looks for jobs queued by another process.
    public var pollInterval: Duration
    /// Largest scan accepted, per file.
    public var maxScanBytes: Int
    /// Largest `claim` part.
    public var maxClaimBytes: Int
    /// The longest `?wait=` honoured.
    public var maxWait: Duration
    /// Marks the officers' session cookie `Secure`: set it when the pages are served over HTTPS
    /// (directly or behind a proxy), so the cookie never travels in clear.
    public var secureCookies: Bool

    public init(host: String = "127.0.0.1", port: Int = 8080,
                dataDirectory: URL = ServerConfiguration.defaultDataDirectory(),
                keyFile: URL? = nil, branch: Branch? = nil,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                lease: Duration = .seconds(120), pollInterval: Duration = .seconds(1),
                maxScanBytes: Int = 10 * 1024 * 1024, maxClaimBytes: Int = 64 * 1024,
                maxWait: Duration = .seconds(60), secureCookies: Bool = false) {
        self.host = host; self.port = port; self.dataDirectory = dataDirectory
        self.keyFile = keyFile; self.branch = branch; self.workers = max(0, workers)
        self.lease = lease; self.pollInterval = pollInterval
        self.maxScanBytes = maxScanBytes; self.maxClaimBytes = maxClaimBytes; self.maxWait = maxWait
        self.secureCookies = secureCookies
    }

    /// `BERKAS_DATA`, else `./data`.
    public static func defaultDataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["BERKAS_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: "data", isDirectory: true)
    }
}
