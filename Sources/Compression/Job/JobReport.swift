import Foundation
import Planning

/// `rankscope-report.json`: per compressed layer the plan's estimate and what was measured and
/// written, and the totals. The schema is in docs/compression.md ("Report"); keys are
/// snake_case, unknown figures are absent.
public struct JobReport: Sendable, Equatable, Encodable {
    /// One compressed layer.
    public struct Layer: Sendable, Equatable, Encodable {
        /// The original weight's name.
        public let name: String
        /// Rows m and columns n of the original.
        public let rows: Int, columns: Int
        /// The choice: `"rank"` (LoRD), `"caldera"` or `"dense"`.
        public let method: String
        /// The rank k of factorized layers.
        public let rank: Int?
        /// Bits of the factors (low-rank) or of the matrix (dense).
        public let bits: Int
        /// Bits of a CALDERA backbone.
        public let backboneBits: Int?
        /// Quantization group size (meaningful below 16 bits).
        public let groupSize: Int
        /// Bytes of the original weight.
        public let bytesBefore: Int
        /// The plan's estimate of the bytes after (at the planned bit widths; 16-bit figures assume 2 bytes).
        public let estimatedBytes: Int
        /// The plan's estimate of ‖W − Ŵ‖_F / ‖W‖_F; under `--stats`, of a low-rank layer's
        /// relative output error (from its data-aware spectrum; dense layers' stays a weight error).
        public let estimatedRelativeError: Double?
        /// The measured ‖W − Ŵ‖_F / ‖W‖_F of the written tensors.
        public let measuredRelativeError: Double
        /// The measured relative output error ‖(W − Ŵ)·X‖_F / ‖W·X‖_F of the written tensors on the
        /// statistics' inputs (`--stats`); absent without statistics for the layer.
        public let measuredOutputError: Double?
        /// Bytes of the tensors written for the layer.
        public let bytesWritten: Int
        /// Seconds spent compressing it.
        public let seconds: Double
        /// True when an earlier, interrupted run compressed it.
        public let resumed: Bool
        /// The ``Planning/EstimateCheck`` warning when the measured error is far above the
        /// estimate; absent otherwise.
        public let warning: String?
    }

    /// Sums over the compressed layers and the whole output.
    public struct Totals: Sendable, Equatable, Encodable {
        /// Compressed layers.
        public let layers: Int
        /// Their bytes before.
        public let bytesBefore: Int
        /// Their estimated bytes after.
        public let estimatedBytes: Int
        /// Their bytes written.
        public let bytesWritten: Int
        /// Seconds spent compressing them (across runs, summed over layers).
        public let seconds: Double
        /// Tensor bytes of the input checkpoint.
        public let modelBytesBefore: Int
        /// Tensor bytes of the output checkpoint (the index's `total_size`).
        public let modelBytesAfter: Int
        /// Wall-clock seconds of this run.
        public let elapsedSeconds: Double
    }

    /// `"rankscope-report"`.
    public let format: String
    /// Schema version, 1.
    public let version: Int
    /// The input checkpoint's path.
    public let input: String
    /// The plan file, when known.
    public let plan: String?
    /// The activation-statistics file of a `--stats` job; absent otherwise.
    public let statistics: String?
    /// The output folder.
    public let output: String
    /// True when compressed layers were written as dense `P.weight` (W_k materialised).
    public let dense: Bool
    /// The shard files, in order.
    public let shards: [String]
    /// Per compressed layer, in checkpoint order.
    public let layers: [Layer]
    /// The totals.
    public let totals: Totals

    /// The report file's name in the output folder.
    public static let fileName = "rankscope-report.json"

    /// The report as pretty-printed JSON with sorted keys and a final newline.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self) + Data("\n".utf8)
    }
}

extension JobReport.Layer {
    /// The report row of `layer` with its result, its estimated bytes those `settings` write
    /// (the plan's figure under default settings; `--dense` and `--factor-type` change it).
    init(_ layer: JobLayer, _ result: LayerResult, settings: LayerCompressionSettings) {
        let info = layer.tensor.info
        let summary = ChoiceSummary(layer.choice, storedBits: info.dtype.byteWidth * 8)
        self.init(name: info.name, rows: info.shape[0], columns: info.shape[1], method: summary.method, rank: summary.rank,
                  bits: summary.bits, backboneBits: summary.backboneBits, groupSize: summary.groupSize, bytesBefore: info.byteCount,
                  estimatedBytes: layer.plannedBytes(settings: settings),
                  estimatedRelativeError: result.estimatedRelativeError, measuredRelativeError: result.measuredRelativeError,
                  measuredOutputError: result.measuredOutputError, bytesWritten: result.bytesWritten, seconds: result.seconds, resumed: result.resumed,
                  warning: result.estimateWarning)
    }
}
