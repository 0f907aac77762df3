// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "mailroom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mailroom", targets: ["mailroom"]),
        .library(name: "Mailroom", targets: ["Mailroom"]),
        .library(name: "MailroomSMTP", targets: ["MailroomSMTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: ["YAML"]),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Core: events, templates, MIME, outbox, delivery policy. No C, no CLI.
        .target(
            name: "Mailroom",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            exclude: ["Outbox/LAYOUT.md"]
        ),
        // The embedded outbox store: SQLite through GRDB, in the outbox directory.
        .target(
            name: "MailroomSQLite",
            dependencies: [
                "Mailroom",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The shared outbox store: PostgreSQL through postgres-nio, for many workers on many hosts.
        .target(
            name: "MailroomPostgres",
            dependencies: [
                "Mailroom",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // DKIM signing (RFC 6376, RFC 8463): our canonicalisation and header over swift-crypto's
        // RSA and Ed25519, in a target of its own so the core does not build BoringSSL.
        .target(
            name: "MailroomDKIM",
            dependencies: [
                "Mailroom",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The only C in the project: typed wrappers over libcurl's variadic API.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // The SMTP transport over libcurl; the only importer of CCurl.
        .target(
            name: "MailroomSMTP",
            dependencies: [
                "Mailroom", "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // In-memory transport, manual clock and fixtures shared by the test targets.
        .target(
            name: "MailroomTesting",
            dependencies: ["Mailroom"]
        ),
        // `mailroom serve`: HTTP intake, continuous delivery, health and Prometheus metrics.
        .target(
            name: "MailroomServe",
            dependencies: [
                "Mailroom",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "mailroom",
            dependencies: [
                "Mailroom", "MailroomSMTP", "MailroomSQLite", "MailroomPostgres", "MailroomDKIM", "MailroomServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // The render-only benchmark of Benchmarks/run.sh; not part of the shipped binary.
        .executableTarget(
            name: "mailroom-render-benchmark",
            dependencies: [
                "Mailroom", "MailroomDKIM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/RenderBenchmark"
        ),
        // Benchmarks only (Benchmarks/outbox-scale.sh), not in any product: builds a large outbox
        // through the store, without sending.
        .executableTarget(
            name: "outbox-seed",
            dependencies: ["Mailroom", "MailroomSQLite"],
            path: "Benchmarks/OutboxSeed"
        ),
        // swift-mustache is the templates' independent judge: tests only, never shipped.
        .testTarget(
            name: "MailroomTests",
            dependencies: [
                "Mailroom", "MailroomSQLite", "MailroomTesting",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Fixtures")]
        ),
        // One conformance suite for every OutboxStore engine.
        .testTarget(
            name: "MailroomStoreTests",
            dependencies: ["Mailroom", "MailroomSQLite", "MailroomPostgres", "MailroomTesting"],
            resources: [.copy("Fixtures")]
        ),
        // dkimpy (Python) is the signatures' independent judge.
        .testTarget(
            name: "MailroomDKIMTests",
            dependencies: ["MailroomDKIM", "Mailroom", "MailroomTesting"]
        ),
        .testTarget(
            name: "MailroomSMTPTests",
            dependencies: ["MailroomSMTP", "Mailroom", "MailroomTesting"]
        ),
        .testTarget(
            name: "MailroomServeTests",
            dependencies: ["MailroomServe", "Mailroom", "MailroomSQLite", "MailroomTesting"]
        ),
        .testTarget(
            name: "mailroomTests",
            dependencies: [
                "mailroom", "Mailroom", "MailroomTesting",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
