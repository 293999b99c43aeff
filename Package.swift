// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Passerelle",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "passerelle", targets: ["passerelle"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .systemLibrary(
            name: "CCMark",
            pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]
        ),
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD"]),
        .target(name: "PasserelleCore"),
        .target(
            name: "PasserelleContent",
            dependencies: ["PasserelleCore", "CCMark", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "PasserelleStore",
            dependencies: ["PasserelleCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "PasserelleWeb",
            dependencies: [
                "HTTPServer", "PasserelleCore", "PasserelleContent", "PasserelleStore", "CSodium",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(
            name: "passerelle",
            dependencies: [
                "HTTPServer", "PasserelleCore", "PasserelleContent", "PasserelleStore", "PasserelleWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "PasserelleCoreTests", dependencies: ["PasserelleCore"]),
        .testTarget(name: "PasserelleContentTests", dependencies: ["PasserelleContent"]),
        .testTarget(name: "PasserelleStoreTests", dependencies: ["PasserelleStore"]),
        .testTarget(
            name: "PasserelleWebTests",
            dependencies: ["PasserelleWeb", "HTTPServer", "PasserelleStore", "PasserelleContent", "TestSupport"]
        ),
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
    ]
)
