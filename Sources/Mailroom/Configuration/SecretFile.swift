import Foundation

/// A file holding a secret (a private key, a hash key): read only when no one but its owner may
/// read or change it, as OpenSSH treats its keys.
package enum SecretFile {
    package enum Problem: Error, Sendable, Equatable {
        /// Missing, not a regular file, or unreadable.
        case unreadable(String)
        /// Others than the owner may read or write it; the message says to `chmod 600`.
        case permissions(String)

        package var message: String {
            switch self {
            case .unreadable(let text), .permissions(let text): text
            }
        }
    }

    /// The file's bytes. Messages name `what` and the path, never the contents.
    package static func read(_ path: String, what: String) throws(Problem) -> [UInt8] {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw .unreadable("cannot read \(what) \(path): it does not exist or is not accessible")
        }
        guard (attributes[.type] as? FileAttributeType) == .typeRegular else {
            throw .unreadable("\(what) \(path) is not a regular file")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw .permissions("\(what) \(path) can be read or changed by others than its owner "
                + "(mode \(String(mode & 0o777, radix: 8))): run chmod 600 on it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable("cannot read \(what) \(path)")
        }
        return Array(data)
    }
}
