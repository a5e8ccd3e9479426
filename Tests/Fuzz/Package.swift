// swift-tools-version:5.10
// Coverage-guided fuzz targets (libFuzzer) for the service's hand-written parsers. Built and run
// only by `make fuzz` (see README.md here), with the fuzzer, address and undefined-behaviour
// sanitizers; the root package's own build and tests do not see this package.
import PackageDescription

/// One executable per parser: `LLVMFuzzerTestOneInput` in Sources/<name>/, libFuzzer's main.
func fuzzTarget(_ name: String, _ products: [String]) -> Target {
    .executableTarget(name: name, dependencies: products.map { .product(name: $0, package: "nexus-vault") })
}

let package = Package(
    name: "nexus-vault-fuzz",
    dependencies: [.package(name: "nexus-vault", path: "../..")],
    targets: [
        fuzzTarget("fuzz-json", ["JSON"]),
        fuzzTarget("fuzz-jwt-token", ["JWT", "JSON", "VaultCrypto"]),
        fuzzTarget("fuzz-jwks", ["JWT"]),
        fuzzTarget("fuzz-base64", ["VaultCrypto"]),
        fuzzTarget("fuzz-env-file", ["Gateway"]),
        fuzzTarget("fuzz-cgi-parameters", ["FastCGI"]),
        fuzzTarget("fuzz-tailscale", ["Tailscale", "JSON", "OperatingSystem"]),
    ]
)
