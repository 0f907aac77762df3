import Foundation
import Logging
import Mailroom
import Yams

/// Checks on the configuration file before swift-configuration reads it.
///
/// The file may hold `smtp.password`, so no message about it quotes the file: a YAML error names
/// the line, the column and the problem (libyaml's description and the snippet it prints would
/// show the line, or the whole file, password included).
extension SettingsLoader {
    /// Keys whose values never appear in a message.
    static let secretKeys: Set<String> = ["smtp.password", "serve.token"]

    /// Parses `text` (the file at `path`) and checks what swift-configuration would let pass
    /// silently: a secret that is not a string (a list, a map, a number, `~`) would be read as
    /// no value at all. Warns when the file holds a secret others can read.
    static func checkFile(_ text: String, path: String, permissions: Int?, logger: Logger) throws(ConfigurationError) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(key: path, message: describe(error, in: text))
        } catch {
            throw ConfigurationError(key: path, message: "the file is not valid YAML")
        }
        for key in secretKeys.sorted() {
            guard let node = root.flatMap({ value(of: key, in: $0) }) else { continue }
            let line = node.mark.map { " (line \($0.line))" } ?? ""
            guard case .scalar(let scalar) = node, scalar.tag.rawValue == Tag.Name.str.rawValue else {
                throw ConfigurationError(
                    key: key + line,
                    message: "expected a string; a list, a map, a number or ~ is not a secret. Quote the value, "
                        + "or better, give it in \(environmentVariable(for: key))")
            }
            if let permissions, permissions & 0o077 != 0 {
                logger.warning("the configuration file holds \(key) and can be read by others than its owner: run chmod 600 on it, or give it in \(environmentVariable(for: key))",
                               metadata: ["file": "\(path)", "mode": "\(String(permissions & 0o777, radix: 8))"])
            }
        }
    }

    /// The environment variable that sets `key`, e.g. `MAILROOM_SMTP_PASSWORD`.
    private static func environmentVariable(for key: String) -> String {
        environmentKeys.first { $0.key == key }?.variable ?? key
    }

    /// The node at a dotted key, e.g. `smtp.password`.
    private static func value(of key: String, in root: Node) -> Node? {
        var node: Node? = root
        for part in key.split(separator: ".") {
            guard case .mapping(let mapping)? = node else { return nil }
            node = mapping[String(part)]
        }
        return node
    }

    /// The lines on which `name` is written as a mapping key (libyaml reports only where the
    /// mapping starts).
    private static func linesDefining(_ name: String, in text: String) -> [Int] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            let key = line.drop { $0 == " " || $0 == "\t" || $0 == "-" }
            let written = [name, "\"\(name)\"", "'\(name)'"].contains { key.hasPrefix($0 + ":") }
            return written ? index + 1 : nil
        }
    }

    /// Where and what, never the text around it.
    static func describe(_ error: YamlError, in text: String) -> String {
        func at(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> String {
            let within = context.map { " (\($0.text) from line \($0.mark.line))" } ?? ""
            return "not valid YAML: line \(mark.line), column \(mark.column): \(problem)\(within)"
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return at(mark, problem, context)
        case let .duplicatedKeysInMapping(duplicates, _):
            return "not valid YAML: " + duplicates.sorted().map { name in
                let lines = linesDefining(name, in: text)
                let place = lines.isEmpty ? "" : " (lines \(lines.map(String.init).joined(separator: ", ")))"
                return "the key '\(name)' appears more than once\(place)"
            }.joined(separator: "; ") + "; give each key once"
        case let .reader(problem, offset, _, _):
            return "not valid YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")"
        default:
            return "not valid YAML"
        }
    }
}
