import Configuration
import Foundation
import Logging
import Mailroom
import SystemPackage
import Yams

/// Merges the configuration file, the environment and the flags (in rising precedence) into
/// ``MailroomSettings``, with swift-configuration's provider hierarchy.
///
/// Every value is read as text and parsed here, so that a wrong type or unit is an error that
/// names the key, rather than swift-configuration's silent fallback to a default.
struct SettingsLoader {
    /// Environment variables of shared/CONTRACT.md section 2 and the keys they set.
    static let environmentKeys: [(variable: String, key: String)] = [
        ("MAILROOM_OUTBOX", "outbox.path"),
        ("MAILROOM_TEMPLATES", "templates.path"),
        ("MAILROOM_SMTP_URL", "smtp.url"),
        ("MAILROOM_SMTP_USERNAME", "smtp.username"),
        ("MAILROOM_SMTP_PASSWORD", "smtp.password"),
        ("MAILROOM_SERVE_TOKEN", "serve.token"),
    ]

    var options: GlobalOptions
    var environment: [String: String] = ProcessInfo.processInfo.environment

    func load() async throws(ConfigurationError) -> MailroomSettings {
        var providers: [any ConfigProvider] = [InMemoryProvider(name: "flags", values: flagValues())]
        providers.append(InMemoryProvider(name: "environment", values: environmentValues()))
        if let file = try await fileProvider() { providers.append(file) }
        return try Self.settings(from: ConfigReader(providers: providers))
    }

    private func flagValues() -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        if let outbox = options.outbox { Self.setOutbox(outbox, in: &values) }
        if let templates = options.templates { values["templates.path"] = ConfigValue(.string(templates), isSecret: false) }
        if let url = options.smtpURL { values["smtp.url"] = ConfigValue(.string(url), isSecret: false) }
        return values
    }

    private func environmentValues() -> [AbsoluteConfigKey: ConfigValue] {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (variable, key) in Self.environmentKeys {
            if let value = environment[variable], !value.isEmpty {
                if key == "outbox.path" {
                    Self.setOutbox(value, in: &values)
                    continue
                }
                values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] =
                    ConfigValue(.string(value), isSecret: Self.secretKeys.contains(key))
            }
        }
        return values
    }

    /// `--outbox` and `MAILROOM_OUTBOX` take a directory or a `postgresql://` URL; either one
    /// overrides both keys of the layers below (an empty value reads as unset).
    private static func setOutbox(_ value: String, in values: inout [AbsoluteConfigKey: ConfigValue]) {
        let isURL = value.hasPrefix("postgresql://") || value.hasPrefix("postgres://")
        values["outbox.url"] = ConfigValue(.string(isURL ? value : ""), isSecret: false)
        if !isURL { values["outbox.path"] = ConfigValue(.string(value), isSecret: false) }
    }

    /// The file named by `--config`, else `MAILROOM_CONFIG`, else `config/mailroom.yaml` if present.
    private func fileProvider() async throws(ConfigurationError) -> FileProvider<YAMLSnapshot>? {
        let explicit = options.config ?? environment["MAILROOM_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let path = explicit ?? "config/mailroom.yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            if explicit != nil {
                throw ConfigurationError(key: path, message: "the configuration file does not exist")
            }
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: path, message: "cannot read the configuration file")
        }
        let permissions = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int
        try Self.checkFile(String(decoding: data, as: UTF8.self), path: path, permissions: permissions,
                           logger: Logger(label: "mailroom"))
        do {
            return try await FileProvider<YAMLSnapshot>(filePath: FilePath(path))
        } catch let error as YamlError {
            throw ConfigurationError(key: path, message: Self.describe(error, in: ""))
        } catch {
            throw ConfigurationError(key: path, message: "cannot read the configuration file: \(error)")
        }
    }

    static func settings(from config: ConfigReader) throws(ConfigurationError) -> MailroomSettings {
        var settings = MailroomSettings()
        func text(_ key: String, secret: Bool = false) -> String? {
            let value = config.string(forKey: ConfigKey(key.split(separator: ".").map(String.init)), isSecret: secret)
            return value?.isEmpty == true ? nil : value
        }
        func duration(_ key: String) throws(ConfigurationError) -> Duration? {
            guard let raw = text(key) else { return nil }
            guard let value = DurationText.parse(raw) else {
                throw ConfigurationError(key: key, message: "expected a duration such as 250ms, 30s, 5m or 3d, found '\(raw)'")
            }
            return value
        }
        func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            guard let raw = text(key) else { return nil }
            guard let value = Int(raw), range.contains(value) else {
                throw ConfigurationError(key: key, message: "expected a whole number from \(range.lowerBound) to \(range.upperBound), found '\(raw)'")
            }
            return value
        }

        settings.smtp.url = text("smtp.url")
        settings.smtp.username = text("smtp.username")
        settings.smtp.password = text("smtp.password", secret: true).map(Secret.init)
        settings.smtp.caFile = text("smtp.ca_file")
        settings.smtp.heloName = text("smtp.helo_name")
        if let value = try integer("smtp.connections", in: 1...64) { settings.smtp.connections = value }
        if let value = try duration("smtp.connect_timeout") { settings.smtp.connectTimeout = value }
        if let value = try duration("smtp.reply_timeout") { settings.smtp.replyTimeout = value }
        if let value = try duration("smtp.transaction_timeout") { settings.smtp.transactionTimeout = value }
        if let value = try duration("smtp.max_connection_age") { settings.smtp.maxConnectionAge = value }
        if let raw = text("smtp.rate_limit") {
            guard let limit = RateLimit(parsing: raw) else {
                throw ConfigurationError(key: "smtp.rate_limit", message: "expected attempts per period such as 14/s, 600/m or 10000/h, found '\(raw)'")
            }
            settings.smtp.rateLimit = limit
        }
        if let value = try duration("smtp.outage_pause") { settings.smtp.outagePause = value }
        if let value = text("sender.from") { settings.sender.from = value }
        settings.sender.replyTo = text("sender.reply_to")
        settings.sender.messageIDDomain = text("sender.message_id_domain")
        if let value = text("sender.organization") { settings.sender.organization = value }
        if let value = text("outbox.path") { settings.outboxPath = value }
        settings.outboxURL = text("outbox.url")
        if let value = text("templates.path") { settings.templatesPath = value }

        if let value = text("serve.listen") { settings.serve.listen = value }
        settings.serve.token = text("serve.token", secret: true).map(Secret.init)
        if let value = try duration("serve.shutdown_grace") { settings.serve.shutdownGrace = value }
        if let value = try duration("serve.idle_check") { settings.serve.idleCheck = value }
        if let value = try integer("serve.max_request_bytes", in: 1024...(1 << 30)) { settings.serve.maxRequestBytes = value }
        if let value = try integer("serve.max_request_events", in: 1...100_000) { settings.serve.maxRequestEvents = value }

        var retry = settings.retry
        if let value = try integer("retry.attempts", in: 1...100) { retry.attempts = value }
        if let value = try duration("retry.initial_delay") { retry.initialDelay = value }
        if let value = try duration("retry.max_delay") { retry.maxDelay = value }
        if let value = try duration("retry.lifetime") { retry.lifetime = value }
        if retry.maxDelay < retry.initialDelay {
            throw ConfigurationError(key: "retry.max_delay", message: "must not be shorter than retry.initial_delay")
        }
        settings.retry = retry
        settings.dkim = try dkimKeys(from: config)
        settings.retention = RetentionPolicy(redactAfter: try duration("retention.redact_after"),
                                             deleteAfter: try duration("retention.delete_after"),
                                             hashKeyFile: text("retention.hash_key_file"))
        if let redact = settings.retention.redactAfter, let delete = settings.retention.deleteAfter, delete < redact {
            throw ConfigurationError(key: "retention.delete_after", message: "must not be shorter than retention.redact_after")
        }
        return settings
    }

    /// `dkim.domain`, `dkim.selector`, `dkim.private_key_file`: each a string, or a list for
    /// several keys (paired by position; one domain may serve every selector).
    ///
    /// Parallel lists rather than a list of maps because swift-configuration's YAML provider
    /// refuses a list that holds maps, for the whole file.
    static func dkimKeys(from config: ConfigReader) throws(ConfigurationError) -> [MailroomSettings.DKIMKeySettings] {
        func values(_ key: String) -> [String] {
            let configKey = ConfigKey(key.split(separator: ".").map(String.init))
            if let one = config.string(forKey: configKey), !one.isEmpty { return [one] }
            return config.stringArray(forKey: configKey) ?? []
        }
        let domains = values("dkim.domain"), selectors = values("dkim.selector"), files = values("dkim.private_key_file")
        if domains.isEmpty && selectors.isEmpty && files.isEmpty { return [] }
        for (key, list) in [("dkim.domain", domains), ("dkim.selector", selectors), ("dkim.private_key_file", files)]
        where list.isEmpty {
            throw ConfigurationError(key: key, message: "DKIM signing needs dkim.domain, dkim.selector and "
                + "dkim.private_key_file together; this one is missing")
        }
        guard selectors.count == files.count, domains.count == 1 || domains.count == selectors.count else {
            throw ConfigurationError(key: "dkim.selector", message: "give one dkim.private_key_file per selector "
                + "(found \(selectors.count) selector(s), \(files.count) file(s)) and one dkim.domain, or one per selector "
                + "(found \(domains.count))")
        }
        return zip(selectors, files).enumerated().map { index, pair in
            MailroomSettings.DKIMKeySettings(domain: domains.count == 1 ? domains[0] : domains[index],
                                             selector: pair.0, privateKeyFile: pair.1)
        }
    }
}
