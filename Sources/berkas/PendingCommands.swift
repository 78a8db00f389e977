import ArgumentParser

struct RecheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recheck", abstract: "Re-runs the pre-check on stored claims and reports what changed.")
    @OptionGroup var data: DataOptions
    @Option(help: "Statuses to re-check, comma-separated.") var status: String?
    @Option(help: "Only claims submitted on or after this date (YYYY-MM-DD).") var since: String?
    @Flag(help: "Report what would change without writing.") var dryRun = false
    func run() async throws { throw NotAvailable(command: "recheck") }
}

struct OfficerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "officer", abstract: "Officer accounts for the web pages.",
                                                    subcommands: [Add.self])
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Creates an officer account (password from stdin).")
        @OptionGroup var data: DataOptions
        @Option(help: "Areas the officer may see, comma-separated (default: all).") var area: String?
        @Argument(help: "Username.") var username: String
        func run() async throws { throw NotAvailable(command: "officer add") }
    }
}

