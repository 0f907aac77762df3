import Foundation

/// A throw-away CA and a server certificate for 127.0.0.1 (IP SAN), made with the openssl CLI
/// once per test process, plus a second, unrelated CA for the "wrong CA" test.
public struct TestPKI: Sendable {
    public var caFile: String
    public var otherCAFile: String
    public var serverCert: String
    public var serverKey: String

    /// Made on first use; a failure (openssl missing or refusing) fails the TLS tests that need it.
    public static let shared: Result<TestPKI, TestServer.StartError> = make()

    private static func make() -> Result<TestPKI, TestServer.StartError> {
        do {
            let dir = try TestServer.makeTemporaryDirectory().path
            func path(_ name: String) -> String { dir + "/" + name }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try "subjectAltName=IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n"
                .write(toFile: path("ext.cnf"), atomically: true, encoding: .utf8)
            let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            for ca in ["ca", "other-ca"] {
                try openssl(["req", "-x509"] + ec + ["-keyout", path("\(ca).key"), "-out", path("\(ca).pem"), "-days", "2",
                             "-subj", "/CN=Mailroom Test \(ca)", "-addext", "basicConstraints=critical,CA:TRUE",
                             "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
            }
            try openssl(["req"] + ec + ["-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"])
            try openssl(["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                         "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("ext.cnf")])
            return .success(TestPKI(caFile: path("ca.pem"), otherCAFile: path("other-ca.pem"),
                                    serverCert: path("server.pem"), serverKey: path("server.key")))
        } catch let error as TestServer.StartError {
            return .failure(error)
        } catch {
            return .failure(TestServer.StartError(description: "\(error)"))
        }
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServer.StartError(description: "openssl \(arguments.joined(separator: " ")) failed")
        }
    }
}
