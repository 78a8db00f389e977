import Foundation
import Verification

/// A BPJAMSOSTEK branch: the areas it serves, each with a daily quota of video calls, and the
/// days it works (SPEC section 5). Loaded from `models/branch.json`.
public struct Branch: Codable, Sendable, Hashable {
    public struct Area: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        public var dailyQuota: Int

        public init(id: String, name: String, dailyQuota: Int) {
            self.id = id; self.name = name; self.dailyQuota = dailyQuota
        }

        enum CodingKeys: String, CodingKey {
            case id, name
            case dailyQuota = "daily_quota"
        }
    }

    public struct Holiday: Codable, Sendable, Hashable {
        public var date: CivilDate
        public var name: String
        /// `libur_nasional` (national holiday) or `cuti_bersama` (collective leave): offices close on both.
        public var kind: String
    }

    public var id: String
    public var name: String
    public var areas: [Area]
    /// ISO weekdays the branch makes calls on, 1 = Monday ... 7 = Sunday.
    public var workingWeekdays: Set<Int>
    public var holidays: [Holiday]
    /// How far ahead of the first candidate day a booking may go before the claim is sent to an officer.
    public var bookingHorizonDays: Int

    public init(id: String, name: String, areas: [Area], workingWeekdays: Set<Int> = [1, 2, 3, 4, 5],
                holidays: [Holiday] = [], bookingHorizonDays: Int = 180) {
        self.id = id; self.name = name; self.areas = areas
        self.workingWeekdays = workingWeekdays; self.holidays = holidays
        self.bookingHorizonDays = bookingHorizonDays
        self.holidayDates = Set(holidays.map(\.date))
    }

    enum CodingKeys: String, CodingKey {
        case id, name, areas, holidays
        case workingWeekdays = "working_weekdays"
        case bookingHorizonDays = "booking_horizon_days"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(String.self, forKey: .id),
                  name: try c.decode(String.self, forKey: .name),
                  areas: try c.decode([Area].self, forKey: .areas),
                  workingWeekdays: try c.decode(Set<Int>.self, forKey: .workingWeekdays),
                  holidays: try c.decode([Holiday].self, forKey: .holidays),
                  bookingHorizonDays: try c.decode(Int.self, forKey: .bookingHorizonDays))
        guard !areas.isEmpty, areas.allSatisfy({ $0.dailyQuota > 0 }),
              Set(areas.map(\.id)).count == areas.count else {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.areas],
                debugDescription: "areas must be non-empty, unique, each with a positive daily_quota"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(name, forKey: .name)
        try c.encode(areas, forKey: .areas)
        try c.encode(workingWeekdays.sorted(), forKey: .workingWeekdays)
        try c.encode(holidays, forKey: .holidays)
        try c.encode(bookingHorizonDays, forKey: .bookingHorizonDays)
    }

    private var holidayDates: Set<CivilDate>

    public func area(_ id: String) -> Area? { areas.first { $0.id == id } }

    public func isWorkingDay(_ date: CivilDate) -> Bool {
        workingWeekdays.contains(date.isoWeekday) && !holidayDates.contains(date)
    }

    public static func load(from url: URL) throws -> Branch {
        do {
            return try JSONDecoder().decode(Branch.self, from: Data(contentsOf: url))
        } catch {
            throw BranchError.unreadable(url.path, String(describing: error))
        }
    }

    /// Finds `branch.json`: `BERKAS_BRANCH`; the models folder (`BERKAS_MODELS`, `./models`, or
    /// one beside or above the executable).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Branch {
        if let path = environment["BERKAS_BRANCH"], !path.isEmpty {
            return try load(from: URL(fileURLWithPath: path))
        }
        var candidates: [URL] = []
        if let models = ModelDirectory.locate(environment: environment) {
            candidates.append(models.appendingPathComponent("branch.json"))
        }
        let fm = FileManager.default
        candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("models/branch.json"))
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<8 {
            candidates.append(dir.appendingPathComponent("models/branch.json"))
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        guard let found = candidates.first(where: { fm.fileExists(atPath: $0.path) }) else {
            throw BranchError.notFound
        }
        return try load(from: found)
    }
}

public enum BranchError: Error, CustomStringConvertible {
    case notFound
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .notFound:
            "models/branch.json not found: run from the Berkas checkout, or set BERKAS_BRANCH (or BERKAS_MODELS)"
        case .unreadable(let path, let why):
            "\(path): not a valid branch file: \(why)"
        }
    }
}
