import Foundation
import MailroomTesting

/// A JSON value with ordered members, written by hand so that every string can be escaped a
/// different (valid) way: raw UTF-8 or `\u` escapes, `\/`, short or long control escapes.
indirect enum HostileJSON {
    case string(String)
    case literal(String)
    case array([HostileJSON])
    case object([(String, HostileJSON)])

    /// Valid JSON for the value; `rng` picks among the equivalent spellings.
    func encoded(_ rng: inout SeededGenerator) -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out, &rng)
        return out
    }

    private func write(into out: inout [UInt8], _ rng: inout SeededGenerator) {
        switch self {
        case .string(let text):
            Self.writeString(text, into: &out, &rng)
        case .literal(let text):
            out += Array(text.utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out, &rng)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out += Array((Bool.random(using: &rng) ? ", " : ",").utf8) }
                Self.writeString(member.0, into: &out, &rng)
                out.append(UInt8(ascii: ":"))
                member.1.write(into: &out, &rng)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// RFC 8259 section 7: `"` and `\` and C0 must be escaped; anything else may be.
    static func writeString(_ text: String, into out: inout [UInt8], _ rng: inout SeededGenerator) {
        let escapeNonASCII = Int.random(in: 0..<4, using: &rng) == 0
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            case "/": out += Array((Bool.random(using: &rng) ? "\\/" : "/").utf8)
            case "\n" where Bool.random(using: &rng): out += Array("\\n".utf8)
            case "\r" where Bool.random(using: &rng): out += Array("\\r".utf8)
            case "\t" where Bool.random(using: &rng): out += Array("\\t".utf8)
            default:
                if scalar.value < 0x20 || (escapeNonASCII && scalar.value >= 0x7F) {
                    for unit in String(scalar).utf16 { out += Array(String(format: "\\u%04x", unit).utf8) }
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
