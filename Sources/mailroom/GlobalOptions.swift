import ArgumentParser

/// The options every command accepts (shared/CONTRACT.md section 2).
struct GlobalOptions: ParsableArguments {
    @Option(help: "Configuration file (YAML). Default: config/mailroom.yaml if present.")
    var config: String?

    @Option(help: "Outbox directory.")
    var outbox: String?

    @Option(help: "Templates directory.")
    var templates: String?

    @Option(name: .customLong("smtp-url"), help: "SMTP relay, e.g. smtp://relay.example.com:587 or smtps://relay.example.com.")
    var smtpURL: String?

    @Flag(help: "Log every attempt and decision.")
    var verbose = false

    @Flag(help: "Print only errors and the final summary.")
    var quiet = false

    @Option(name: .customLong("log-format"), help: "Logs on stderr as human text or one JSON object per line (human|json).")
    var logFormat: LogFormat = .human
}

/// How logs are written on stderr.
enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case human, json
}
