import Foundation

extension DKIMKey {
    /// Reads the key at `path`, refusing one that others than its owner may read or change.
    ///
    /// A private key readable by the group or the world is treated as leaked, as OpenSSH treats
    /// its keys: the fix is `chmod 600`, and the error says so.
    public static func load(file path: String, domain: String, selector: String) throws(DKIMError) -> DKIMKey {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw DKIMError(.unreadable, "cannot read the DKIM key file \(path): it does not exist or is not accessible")
        }
        guard (attributes[.type] as? FileAttributeType) == .typeRegular else {
            throw DKIMError(.unreadable, "the DKIM key file \(path) is not a regular file")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw DKIMError(.permissions, "the DKIM key file \(path) can be read or changed by others than its "
                + "owner (mode \(String(mode & 0o777, radix: 8))): run chmod 600 on it")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DKIMError(.unreadable, "cannot read the DKIM key file \(path)")
        }
        return try DKIMKey(pem: String(decoding: data, as: UTF8.self), domain: domain, selector: selector,
                           source: "the DKIM key file \(path)")
    }
}
