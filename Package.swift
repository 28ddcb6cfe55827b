// swift-tools-version: 6.1
// The package shape is explained in README.md ("Architecture").
import PackageDescription

/// How the release binaries are linked. `--static-swift-stdlib` exports every symbol of the
/// binary for the dynamic loader (some 49,000: tables it reads, and keeps resident, at every
/// start) and a position-independent binary carries a relocation entry per pointer (3 MB);
/// nothing looks newsd's symbols up, so none are exported, and the relocations are packed
/// (DT_RELR, glibc 2.36), which the toolchain's lld writes and the system linker gold cannot.
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "--no-export-dynamic", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
                 .when(configuration: .release)),
]

let package = Package(
    name: "newsd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "newsd", targets: ["newsd"]),
        .executable(name: "newsctl", targets: ["newsctl"]),
        // For the fuzz targets' own package (Tests/Fuzz), which builds with the fuzzer's runtime.
        .library(name: "NewsCore", targets: ["NewsCore"]),
        .library(name: "NewsFormats", targets: ["NewsFormats"]),
        .library(name: "NewsIndex", targets: ["NewsIndex"]),
        .library(name: "NewsSystem", targets: ["NewsSystem"]),
        .library(name: "NewsDaemon", targets: ["NewsDaemon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.0.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/jpsim/Yams", "5.0.0"..<"7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
    ],
    targets: [
        // Pure domain logic: parsing, query translation, API types. No I/O.
        .target(name: "NewsCore"),
        // zlib (Debian's zlib1g-dev), for the article text the index stores compressed.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // zstd (Debian's libzstd-dev): stored text compressed with a dictionary of the archive's own.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // SQLite's process-wide settings (Debian's libsqlite3-dev, the library GRDB links).
        .systemLibrary(name: "CSQLiteSettings", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The embedded SQLite FTS5 index.
        .target(
            name: "NewsIndex",
            dependencies: ["NewsCore", "NewsText", "CZlib", "CZstd", "CSQLiteSettings", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // The shared PostgreSQL archive (issue #15), used only when `index_url` names a database.
        .target(
            name: "NewsPostgres",
            dependencies: [
                "NewsCore", "NewsIndex", "NewsText",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libxml2's HTML parser (Debian's libxml2-dev).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // CommonMark's reference parser (Debian's libcmark-dev), for Markdown notes.
        .systemLibrary(name: "CCommonMark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        // One reader per file format (HTML, Markdown, JSON, e-mail, PDF's converted text): bytes in,
        // parsed articles with their metadata out. Pure apart from libxml2's parser.
        .target(
            name: "NewsFormats",
            dependencies: [
                "NewsCore", "NewsText", "CLibXML2", "CCommonMark",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Snowball stemmers (Debian's libstemmer-dev) and the Compact Language Detector 2 (libcld2-dev,
        // a C++ library, behind a C function of our own).
        .systemLibrary(name: "CStemmer", providers: [.apt(["libstemmer-dev"])]),
        .target(name: "CLanguageDetection", linkerSettings: [.linkedLibrary("cld2")]),
        // Language detection and stemming, for the analysis and the full-text tokenizer.
        .target(name: "NewsText", dependencies: ["CStemmer", "CLanguageDetection"]),
        // libsystemd (sd_notify, sd_listen_fds, sd_journal_sendv) from Debian's libsystemd-dev.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // glibc's malloc.h (malloc_trim), part of libc6-dev.
        .systemLibrary(name: "CMalloc"),
        // jemalloc (Debian's libjemalloc-dev), the daemon's allocator: glibc's arenas keep the pages
        // a bulk load scattered its long-lived objects over (README, "Memory after a bulk load").
        .systemLibrary(name: "CJemalloc", pkgConfig: "jemalloc", providers: [.apt(["libjemalloc-dev"])]),
        // glibc's memfd_create and pipe2 (declared only under _GNU_SOURCE), for the PDF converter.
        .systemLibrary(name: "CLinux"),
        // Linux edges: inotify, file reading, Unix socket probing, log output, systemd.
        .target(
            name: "NewsSystem",
            dependencies: ["NewsCore", "CSystemd", "CMalloc", "CLinux", .product(name: "Logging", package: "swift-log")]
        ),
        // Services and their wiring: ingest, control server, configuration.
        .target(
            name: "NewsDaemon",
            dependencies: [
                "NewsCore", "NewsFormats", "NewsText", "NewsIndex", "NewsPostgres", "NewsSystem", "NewsClient", "CLinux",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
            ]
        ),
        // A small HTTP/1.1 client over the Unix socket, shared by newsctl and the tests.
        .target(name: "NewsClient", dependencies: ["NewsCore"]),
        .executableTarget(
            name: "newsd",
            dependencies: [
                "NewsDaemon", "CJemalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: releaseLinking
        ),
        .executableTarget(
            name: "newsctl",
            dependencies: [
                "NewsClient", "NewsCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: releaseLinking
        ),
        // The benchmark driver (Benchmarks/run): measures a newsd binary on a corpus.
        .executableTarget(
            name: "newsd-bench",
            dependencies: ["NewsClient"],
            path: "Benchmarks/Sources/newsd-bench"
        ),
        .target(
            name: "TestSupport",
            dependencies: ["NewsClient", "NewsCore", "CLinux"],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "NewsCoreTests", dependencies: ["NewsCore", "TestSupport"]),
        .testTarget(name: "NewsFormatsTests", dependencies: ["NewsFormats", "NewsCore", "NewsSystem", "TestSupport"]),
        .testTarget(name: "NewsClientTests", dependencies: ["NewsClient", "NewsCore", "TestSupport"]),
        .testTarget(name: "NewsDaemonTests", dependencies: ["NewsDaemon", "NewsCore", "NewsIndex", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                                                      .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTPTypes", package: "swift-nio-extras")]),
        .testTarget(name: "NewsPostgresTests", dependencies: ["NewsPostgres", "NewsIndex", "NewsCore", "TestSupport"]),
        .testTarget(name: "NewsIndexTests", dependencies: ["NewsIndex", "NewsCore", "TestSupport"]),
        .testTarget(name: "NewsSystemTests", dependencies: ["NewsSystem", "NewsCore", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["NewsClient", "NewsCore", "TestSupport"]),
    ]
)
