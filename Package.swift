// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "berkas",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "berkas", targets: ["berkas"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.0.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
    ],
    targets: [
        // Tesseract 5 and Leptonica through their C APIs (Debian libtesseract-dev, libleptonica-dev).
        .systemLibrary(
            name: "CTesseract",
            pkgConfig: "tesseract",
            providers: [.apt(["libtesseract-dev", "libleptonica-dev"])]
        ),
        // Thin, safe Swift over Tesseract and Leptonica: loading, preprocessing, recognition, engine pool.
        .target(
            name: "OCR",
            dependencies: [
                "CTesseract",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The domain: documents, fields, extraction per kind, rules, verdicts. No HTTP, no SQL.
        .target(
            name: "Verification",
            dependencies: [
                "OCR",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: []
        ),
        // GRDB: the embedded SQLite store, migrations, jobs, the queue ledger, encrypted scans.
        .target(
            name: "Store",
            dependencies: [
                "Verification",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Hummingbird: the HTTP API and the officers' pages.
        .target(
            name: "Server",
            dependencies: [
                "OCR",
                "Store",
                "Verification",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "berkas",
            dependencies: [
                "OCR",
                "Verification",
                "Store",
                "Server",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "OCRTests", dependencies: ["OCR"]),
        .testTarget(name: "VerificationTests", dependencies: ["Verification", "OCR"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Verification"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Store", "Verification",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "CLITests", dependencies: ["berkas"]),
    ]
)
