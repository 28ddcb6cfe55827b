// swift-tools-version: 6.1
// newsd's libFuzzer targets, in a package of their own so that the main build never needs the
// fuzzer's runtime. `scripts/fuzz` builds it with `-sanitize=fuzzer,address -parse-as-library`.
import PackageDescription

let package = Package(
    name: "newsd-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "newsd", path: "../.."),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .executableTarget(
            name: "newsd-fuzz",
            dependencies: [
                .product(name: "NewsCore", package: "newsd"),
                .product(name: "NewsFormats", package: "newsd"),
                .product(name: "NewsIndex", package: "newsd"),
                .product(name: "NewsSystem", package: "newsd"),
                .product(name: "NewsDaemon", package: "newsd"),
                .product(name: "Logging", package: "swift-log"),
                "CFuzzerDriver",
            ],
            path: "Sources"
        ),
        .target(name: "CFuzzerDriver", path: "CFuzzerDriver"),
    ]
)
