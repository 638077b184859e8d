import DemoModel
import Foundation
import LinearAlgebra
import SafeTensors

/// A Llama-shaped BF16 checkpoint folder with the names and shapes of a ``DemoCheckpoint``
/// configuration but plain Gaussian weights (norms near one): what the `model` and
/// `compress-memory` sections need, without the demo's designed spectra, whose QR
/// factorizations would take minutes at these sizes. Streamed tensor by tensor, so writing a
/// 2 GB checkpoint needs memory for one tensor only; reused while its metadata matches.
enum GaussianCheckpoint {
    static let version = "rankscope-bench-gaussian-1"

    /// The folder `name` in the data folder holding `model`'s tensors, written when missing.
    static func folder(_ name: String, model: DemoCheckpoint, options: BenchOptions) throws -> String {
        let folder = try options.dataPath(name)
        let path = folder + "/model.safetensors"
        let recipe = model.tensors.map { "\($0.name)\($0.shape)" }.joined(separator: ",")
        let fingerprint = String(FNV1a.hash(recipe), radix: 16)
        if let existing = try? SafeTensorsFile(path: path), existing.metadata?["generator"] == version,
           existing.metadata?["recipe"] == fingerprint {
            return folder
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let plans = Dictionary(uniqueKeysWithValues: model.tensors.map { ($0.name, $0) })
        let writer = try SafeTensorsWriter(path: path, tensors: model.tensors.map { TensorSpec(name: $0.name, dtype: .BF16, shape: $0.shape) },
                                           metadata: ["format": "pt", "generator": version, "recipe": fingerprint])
        for info in writer.layout {
            var generator = SeededGenerator(seed: FNV1a.hash(info.name))
            let isNorm = plans[info.name]?.shape.count == 1
            let bits = (0..<info.elementCount).map { _ -> UInt16 in
                let value = isNorm ? 1 + 0.05 * generator.nextGaussian() : 0.02 * generator.nextGaussian()
                return HalfPrecision.bf16Bits(from: Float(value))
            }
            try bits.withUnsafeBytes { try writer.append($0) }
        }
        try writer.finish()
        try AtomicFile.write(Data(model.configJSON.utf8), to: folder + "/config.json")
        return folder
    }

    /// A Llama-shaped configuration: `hidden` wide, MLP 2.6875× (Llama's 11008/4096), heads of
    /// 64 with a quarter as many key-value heads, vocabulary 8192.
    static func llama(hidden: Int, blocks: Int) -> DemoCheckpoint {
        var model = DemoCheckpoint()
        model.hiddenSize = hidden
        model.intermediateSize = hidden * 43 / 16
        model.blockCount = blocks
        model.headCount = max(1, hidden / 64)
        model.keyValueHeadCount = max(1, hidden / 256)
        model.vocabularySize = 8192
        return model
    }
}
