// swift-tools-version: 6.0
// The course kit: a language model's training pipeline, from autograd to evaluation, in Swift.
import PackageDescription

/// Numerical code is compiled optimised even in debug builds, so `swift test` and learners'
/// runs are fast (a debug build of a tensor loop is ~50x slower than -O).
let fast: [SwiftSetting] = [.unsafeFlags(["-O", "-enforce-exclusivity=unchecked"])]

/// Chapter modules: (target name, folder, dependencies). Chapter N depends only on chapters < N.
let chapters: [(String, String, [Target.Dependency])] = [
    ("Autograd", "01-Autograd", ["Core", "Plot"]),
    ("Transformer", "02-Transformer", ["Autograd", "Plot", "SupportDesk"]),
    ("SFT", "03-SFT", ["Transformer"]),
    ("LoRA", "04-LoRA", ["SFT"]),
    ("QLoRA", "05-QLoRA", ["LoRA"]),
    ("RewardModel", "06-RewardModel", ["SFT"]),
    ("RLHF", "07-RLHF", ["RewardModel"]),
    ("DPO", "08-DPO", ["SFT", "LoRA"]),
    ("Evaluation", "09-Evaluation", ["QLoRA"]),
]
let chapterNames = chapters.map { Target.Dependency(stringLiteral: $0.0) }
let everything: [Target.Dependency] = ["Core", "Plot", "SupportDesk"] + chapterNames

let package = Package(
    name: "CourseKit",
    platforms: [.macOS(.v14)],
    products: [.executable(name: "course", targets: ["course"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .target(name: "Core", dependencies: ["COpenBLAS"], swiftSettings: fast),
        .target(name: "Plot", dependencies: ["CPNG", "Core"], swiftSettings: fast),
        .target(name: "SupportDesk", dependencies: ["Core"], swiftSettings: fast),
        // The book: Markdown chapters with code pulled from named regions of the sources.
        .target(name: "BookKit", dependencies: ["Core", .product(name: "Ink", package: "Ink")]),
    ] + chapters.map { name, folder, deps in
        .target(name: name, dependencies: deps, path: "Chapters/\(folder)", swiftSettings: fast)
    } + [
        // The learner's code (stubs) and the reference solutions: same public signatures.
        .target(name: "Exercises", dependencies: ["Core", "Autograd", "Transformer", "RewardModel"], path: "exercises", swiftSettings: fast),
        .target(name: "Solutions", dependencies: ["Core", "Autograd", "Transformer", "RewardModel"], path: "solutions", swiftSettings: fast),
        // The exercise checks, runnable against either module (course check / swift test).
        .target(name: "Checks", dependencies: ["Core", "SupportDesk"] + chapterNames + ["Exercises", "Solutions"]),
        // From the kit to the Hugging Face ecosystem: downloaded GPT-2 checkpoints as a base,
        // fine-tuning with adapters on them, and exports transformers, PEFT and TRL read.
        .target(name: "Ecosystem", dependencies: ["Core", "Plot", "SupportDesk", "SFT", "LoRA", "QLoRA"], swiftSettings: fast),
        .executableTarget(name: "course", dependencies: everything + [
            "Checks", "BookKit", "Ecosystem",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: fast),
        // The loaders' fuzzing contract and mutator, shared by the test targets and the libFuzzer
        // harnesses (scripts/fuzz.sh); the kit itself does not link it.
        .target(name: "FuzzSupport", dependencies: ["Core"], path: "Tests/FuzzSupport", swiftSettings: fast),
        .testTarget(name: "CoreTests", dependencies: ["Core", "FuzzSupport"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot", "Core"], resources: [.copy("Golden")]),
        .testTarget(name: "SupportDeskTests", dependencies: ["SupportDesk"]),
        .testTarget(name: "ChapterTests", dependencies: ["Core", "SupportDesk", "Autograd", "Transformer", "SFT", "LoRA", "QLoRA",
                                                         "RewardModel", "RLHF", "DPO", "FuzzSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CheckTests", dependencies: ["Checks"]),
        .testTarget(name: "CLITests", dependencies: ["course", "Core", "Plot", "SupportDesk", "Transformer", "SFT", "LoRA", "QLoRA",
                                                     "RewardModel", "RLHF", "DPO", "Ecosystem", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "BookTests", dependencies: ["BookKit", "Checks"]),
    ]
)
