@testable import Mailroom

/// Namespace of the pre-optimisation MIME writer (the oracle of ``ComposerDifferentialTests``).
///
/// Copied from Sources/Mailroom/MIME and Addressing at commit 7b6c9bd, before issue #4 rewrote the
/// writer over UTF-8 bytes. Only the namespace and the `Mailbox` stand-in below are new.
enum ReferenceMIME {
    /// The old `Mailbox` checks and `Mailbox+Header`, over the oracle's own address and text checks.
    struct Mailbox {
        let address: String
        let displayName: String?

        init(address: String, displayName: String?, field: String) throws(MessageError) {
            if let problem = AddressSpec.problem(with: address) {
                let code: MessageError.Code =
                    address.unicodeScalars.contains(where: HeaderText.isForbidden) ? .controlCharacter : .invalidAddress
                throw MessageError.refusing(code, field: "\(field) address", value: address, because: problem)
            }
            if let displayName {
                try HeaderText.requireNoControls(displayName, field: "\(field) display name")
            }
            self.address = address
            self.displayName = (displayName?.isEmpty ?? true) ? nil : displayName
        }

        func headerTokens(headerName: String) -> [String] {
            guard let displayName else { return [address] }
            return HeaderEncoding.phrase(displayName, headerName: headerName) + ["<\(address)>"]
        }
    }
}
