// swift-tools-version:5.10
// Nexus Vault Gateway: a multi-process FastCGI responder behind nginx.
// No Swift package dependencies: the system libraries (libfcgi, libpq, libcurl, libcrypto)
// are reached through `systemLibrary` targets, and everything else is the toolchain's own.
import PackageDescription

// Every worker is a whole process, so its resident memory is the product's footprint. The
// service uses neither Swift Concurrency nor Regex: not loading them (and linking the Swift
// runtime statically) saves about 3 MiB of resident memory per worker, measured.
let lean: [SwiftSetting] = [
    .unsafeFlags(["-Xfrontend", "-disable-implicit-concurrency-module-import",
                  "-Xfrontend", "-disable-implicit-string-processing-module-import"]),
]

let package = Package(
    name: "nexus-vault",
    products: [
        .executable(name: "nexus-vault", targets: ["nexus-vault"]),
        // For the fuzz targets in Tests/Fuzz (a package of its own that depends on this one).
        .library(name: "OperatingSystem", targets: ["OperatingSystem"]),
        .library(name: "JSON", targets: ["JSON"]),
        .library(name: "VaultCrypto", targets: ["VaultCrypto"]),
        .library(name: "JWT", targets: ["JWT"]),
        .library(name: "FastCGI", targets: ["FastCGI"]),
        .library(name: "Tailscale", targets: ["Tailscale"]),
        .library(name: "Gateway", targets: ["Gateway"]),
    ],
    targets: [
        // Thin C layer: one systemLibrary per system library, and a C target per job Swift
        // cannot do itself: libcurl's variadic API, Linux calls (signal handlers, prctl, epoll,
        // malloc_trim), and the tables processes share in memory (C11 atomics).
        .systemLibrary(name: "CFastCGI", path: "Sources/CFastCGI"),
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .target(name: "CCurlShims", dependencies: ["CCurl"], linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .target(name: "CSystemShims"),
        .target(name: "CSharedMemory"),
        .target(name: "CMetrics", dependencies: ["CSharedMemory"]),

        // Libraries, one job each; dependencies point one way (toward the C layer).
        .target(name: "OperatingSystem", dependencies: ["CSystemShims"], swiftSettings: lean),
        .target(name: "Metrics", dependencies: ["CMetrics", "OperatingSystem"], swiftSettings: lean),
        .target(name: "JSON", swiftSettings: lean, linkerSettings: [.linkedLibrary("m")]),
        .target(name: "VaultCrypto", dependencies: ["COpenSSL", "OperatingSystem"], swiftSettings: lean),
        .target(name: "JWT", dependencies: ["JSON", "VaultCrypto", "COpenSSL", "OperatingSystem"], swiftSettings: lean),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "CSystemShims", "OperatingSystem"], swiftSettings: lean),
        .target(name: "Supervisor", dependencies: ["CSystemShims", "CSharedMemory", "JSON", "OperatingSystem", "Metrics"], swiftSettings: lean),
        .target(name: "Postgres", dependencies: ["CPostgres", "VaultCrypto", "OperatingSystem", "Metrics"], swiftSettings: lean),
        .target(name: "CurlHTTP", dependencies: ["CCurl", "CCurlShims", "OperatingSystem"], swiftSettings: lean),
        .target(name: "Tailscale", dependencies: ["CurlHTTP", "JSON", "OperatingSystem", "Metrics"], swiftSettings: lean),
        .target(name: "Gateway", dependencies: [
            "JSON", "VaultCrypto", "JWT", "FastCGI", "Postgres", "CurlHTTP", "Tailscale", "OperatingSystem", "CSharedMemory", "Metrics",
        ], swiftSettings: lean),
        .executableTarget(name: "nexus-vault", dependencies: [
            "Gateway", "Supervisor", "FastCGI", "Postgres", "CurlHTTP", "JWT", "OperatingSystem", "Metrics", "CSystemShims",
        ], swiftSettings: lean, linkerSettings: [.unsafeFlags(["-static-stdlib"])]),

        .testTarget(name: "OperatingSystemTests", dependencies: ["OperatingSystem", "CSystemShims"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "VaultCryptoTests", dependencies: ["VaultCrypto"]),
        .testTarget(name: "JWTTests", dependencies: ["JWT", "JSON", "VaultCrypto", "OperatingSystem"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "VaultCrypto", "OperatingSystem"]),
        .testTarget(name: "TailscaleTests", dependencies: ["Tailscale", "CurlHTTP", "JSON", "OperatingSystem"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "JSON", "FastCGI", "VaultCrypto", "JWT", "Postgres", "Tailscale", "OperatingSystem"]),
    ]
)
