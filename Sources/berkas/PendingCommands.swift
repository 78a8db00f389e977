import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "The HTTP API and the officers' web pages.")
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @OptionGroup var data: DataOptions
    func run() async throws { throw NotAvailable(command: "serve") }
}

struct RecheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recheck", abstract: "Re-runs the pre-check on stored claims and reports what changed.")
    @OptionGroup var data: DataOptions
    @Option(help: "Statuses to re-check, comma-separated.") var status: String?
    @Option(help: "Only claims submitted on or after this date (YYYY-MM-DD).") var since: String?
    @Flag(help: "Report what would change without writing.") var dryRun = false
    func run() async throws { throw NotAvailable(command: "recheck") }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Bearer tokens for intake services.",
                                                    subcommands: [Create.self])
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Prints a new bearer token (stored hashed).")
        @OptionGroup var data: DataOptions
        @Argument(help: "Name of the intake service.") var name: String
        func run() async throws { throw NotAvailable(command: "token create") }
    }
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

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "OCR speed and memory on a fixture set, beside the tesseract CLI.")
    @Argument(help: "Folders or files to read.") var inputs: [String]
    func run() async throws { throw NotAvailable(command: "bench") }
}
