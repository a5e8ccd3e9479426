// swift-tools-version:5.10
// Nexus Vault Gateway: a multi-process FastCGI responder behind nginx.
// No Swift package dependencies: the system libraries (libfcgi, libpq, libcurl, libcrypto)
// are reached through `systemLibrary` targets, and everything else is the toolchain's own.
import PackageDescription

let package = Package(
    name: "nexus-vault",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nexus-vault", targets: ["nexus-vault"]),
    ],
    targets: [
        // Thin C layer: one systemLibrary per system library, plus shims for variadic C APIs.
        .systemLibrary(name: "CFastCGI", path: "Sources/CFastCGI"),
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .target(name: "CShims", dependencies: ["CCurl"], path: "Sources/CShims"),

        // Libraries, one job each; dependencies point one way (toward the C layer).
        .target(name: "JSON", linkerSettings: [.linkedLibrary("m")]),
        .target(name: "Crypto", dependencies: ["COpenSSL"]),
        .target(name: "JWT", dependencies: ["JSON", "Crypto", "COpenSSL"]),
        .target(name: "FastCGI", dependencies: ["CFastCGI", "CShims"]),
        .target(name: "Supervisor", dependencies: ["CShims", "JSON"]),
        .target(name: "Postgres", dependencies: ["CPostgres", "Crypto"]),
        .target(name: "HTTPClient", dependencies: ["CCurl", "CShims"]),
        .target(name: "Tailscale", dependencies: ["HTTPClient", "JSON"]),
        .target(name: "Gateway", dependencies: [
            "JSON", "Crypto", "JWT", "FastCGI", "Postgres", "HTTPClient", "Tailscale",
        ]),
        .executableTarget(name: "nexus-vault", dependencies: ["Gateway", "Supervisor", "FastCGI"]),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "CryptoTests", dependencies: ["Crypto"]),
        .testTarget(name: "JWTTests", dependencies: ["JWT", "JSON", "Crypto"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "Crypto"]),
        .testTarget(name: "TailscaleTests", dependencies: ["Tailscale", "HTTPClient", "JSON"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "JSON", "FastCGI"]),
    ]
)
