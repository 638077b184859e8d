// swift-tools-version:6.0
import PackageDescription

/// rankscope: explore singular-value spectra of LLM checkpoints and plan low-rank compression.
///
/// Layers (lower never imports higher):
/// StrictJSON → SafeTensors → (LinearAlgebra) → GGUF → Planning → Compression / DemoModel / Explorer → rankscope;
/// TerminalUI (cells, backends, widgets) knows nothing of checkpoints.
let package = Package(
    name: "rankscope",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rankscope", targets: ["rankscope"]),
        .library(name: "SafeTensors", targets: ["SafeTensors"]),
        .library(name: "GGUF", targets: ["GGUF"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
        .library(name: "Planning", targets: ["Planning"]),
        .executable(name: "rankscope-bench", targets: ["RankscopeBench"]),
        .executable(name: "rankscope-fuzz", targets: ["RankscopeFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // OpenBLAS is not linked: COpenBLAS forwards each BLAS/LAPACK call to libopenblas.so.0,
        // dlopen()ed on first use, so commands that never compute (inspect, --version) do not pay
        // for its thread pool. Runtime provider: apt libopenblas-dev (installed by scripts/setup);
        // without it the first BLAS call says so in one sentence and exits 1.
        .target(name: "COpenBLAS", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
        .target(name: "StrictJSON"),
        .target(name: "SafeTensors", dependencies: ["StrictJSON"]),
        // tokenizer.json (byte-level BPE, SentencePiece-style BPE, WordPiece), in Swift.
        .target(name: "Tokenizers", dependencies: ["StrictJSON", "SafeTensors"]),
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS"]),
        // llama.cpp's format: header, metadata, mmap'd tensors, dequantization (F16 via HalfPrecision).
        .target(name: "GGUF", dependencies: ["SafeTensors", "LinearAlgebra", "StrictJSON"]),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "LinearAlgebra", "FuzzTargets", "PythonOracle"]),
        .target(name: "Planning", dependencies: ["SafeTensors", "LinearAlgebra", "StrictJSON"]),
        // Runs checkpoints (llama family, GPT-2/BigCode, BERT) in float32 on OpenBLAS sgemm.
        .target(name: "ModelRuntime", dependencies: ["SafeTensors", "LinearAlgebra", "COpenBLAS", "StrictJSON"]),
        .target(name: "TerminalUI", dependencies: ["CNcursesw"]),
        .target(name: "Explorer", dependencies: ["TerminalUI", "Planning", "SafeTensors", "GGUF"]),
        .target(name: "Compression", dependencies: ["SafeTensors", "LinearAlgebra", "Planning", "StrictJSON"]),
        // Perplexity, embedding agreement and activation statistics of models run by ModelRuntime.
        .target(name: "Evaluation", dependencies: ["ModelRuntime", "Compression", "Planning", "LinearAlgebra", "COpenBLAS"]),
        .target(name: "FuzzTargets", dependencies: ["SafeTensors", "StrictJSON", "GGUF", "Planning"]),
        .executableTarget(name: "RankscopeFuzz", dependencies: ["FuzzTargets"]),
        .target(name: "DemoModel", dependencies: ["SafeTensors", "LinearAlgebra", "StrictJSON"]),
        .executableTarget(
            name: "rankscope",
            dependencies: [
                "SafeTensors", "GGUF", "LinearAlgebra", "Planning", "DemoModel", "StrictJSON", "Explorer", "TerminalUI", "Compression",
                "ModelRuntime", "Evaluation", "Tokenizers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Release builds link the Swift runtime and Foundation statically, as a non-PIE
            // executable: no dynamic symbol binding of libswiftCore/libFoundation and no ~78,000
            // relative relocations at start (`inspect` and `--version` start ~5 ms sooner). The
            // compile flag makes the module import the static Foundation, whose autolink entries
            // pull in CoreFoundation and ICU. Debug and test builds stay dynamic so they link fast.
            swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie"], .when(configuration: .release))]
        ),
        .executableTarget(name: "RankscopeBench", dependencies: ["Planning", "LinearAlgebra", "SafeTensors", "GGUF", "Compression", "DemoModel", "COpenBLAS", "CheckpointFixtures", "Explorer", "TerminalUI", "Tokenizers", "ModelRuntime"]),
        .target(name: "CheckpointFixtures", path: "Tests/CheckpointFixtures"),
        // Runs Python (numpy, scipy, pandas, safetensors) as the tests' independent oracle.
        .target(name: "PythonOracle", path: "Tests/PythonOracle"),
        .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors", "StrictJSON", "FuzzTargets", "PythonOracle"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "PythonOracle"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "SafeTensors", "LinearAlgebra", "StrictJSON", "CheckpointFixtures", "PythonOracle"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
        .testTarget(name: "ExplorerTests", dependencies: ["Explorer", "TerminalUI", "Planning", "SafeTensors", "LinearAlgebra"]),
        .testTarget(name: "CompressionTests", dependencies: ["Compression", "Planning", "SafeTensors", "LinearAlgebra", "StrictJSON", "PythonOracle"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers", "StrictJSON", "PythonOracle"]),
        .testTarget(name: "ModelRuntimeTests", dependencies: ["ModelRuntime", "SafeTensors", "PythonOracle"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "ModelRuntime", "Compression", "LinearAlgebra", "Planning", "SafeTensors", "Tokenizers", "PythonOracle"]),
        .testTarget(name: "EndToEndTests", dependencies: ["SafeTensors", "CheckpointFixtures", "PythonOracle", "Compression", "Planning", "LinearAlgebra"]),
    ],
    swiftLanguageModes: [.v5]
)
