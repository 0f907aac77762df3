import Foundation
import Mailroom

extension DKIMKey {
    /// Reads the key at `path`, refusing one that others than its owner may read or change
    /// (``SecretFile``): a private key readable by the group or the world is treated as leaked.
    public static func load(file path: String, domain: String, selector: String) throws(DKIMError) -> DKIMKey {
        let bytes: [UInt8]
        do {
            bytes = try SecretFile.read(path, what: "the DKIM key file")
        } catch {
            switch error {
            case .permissions(let message): throw DKIMError(.permissions, message)
            case .unreadable(let message): throw DKIMError(.unreadable, message)
            }
        }
        return try DKIMKey(pem: String(decoding: bytes, as: UTF8.self), domain: domain, selector: selector,
                           source: "the DKIM key file \(path)")
    }
}
