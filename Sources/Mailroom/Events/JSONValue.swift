/// A parsed JSON value, as ``JSONParser`` produces it for event validation.
///
/// Numbers keep their text: events never need a numeric JSON value (amounts are strings), so
/// nothing here rounds through `Double`. Objects are dictionaries because ``JSONParser`` has
/// already refused duplicate keys.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// `a string`, `a number`, ... for "expected X, found Y" messages; never the value itself.
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// One step of a JSON path, used to name the place of a problem (`$.data.retained[1].reason`).
enum JSONPathComponent: Sendable, Equatable {
    case key(String)
    case index(Int)
}

extension [JSONPathComponent] {
    /// The path in the `$.a.b[2]` notation; keys that are not plain identifiers are quoted
    /// (`$["odd key"]`) and shortened so a hostile key cannot flood an error message.
    var pathString: String {
        var out = "$"
        for component in self {
            switch component {
            case .index(let index):
                out += "[\(index)]"
            case .key(let key):
                let plain = !key.isEmpty && key.utf8.count <= 64 && key.utf8.allSatisfy { byte in
                    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
                        || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
                }
                out += plain ? ".\(key)" : "[\(SafeText.quoted(key, limit: 32))]"
            }
        }
        return out
    }
}
