import ArgumentParser

struct RecheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recheck", abstract: "Re-runs the pre-check on stored claims and reports what changed.")
    @OptionGroup var data: DataOptions
    @Option(help: "Statuses to re-check, comma-separated.") var status: String?
    @Option(help: "Only claims submitted on or after this date (YYYY-MM-DD).") var since: String?
    @Flag(help: "Report what would change without writing.") var dryRun = false
    func run() async throws { throw NotAvailable(command: "recheck") }
}
