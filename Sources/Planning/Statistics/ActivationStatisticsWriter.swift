import LinearAlgebra
import SafeTensors

/// Writes the activation-statistics layout documented on ``ActivationStatistics`` (F64 values,
/// I64 `[1]` token counts), atomically. For tests and tools; the Python collector writes the same.
public enum ActivationStatisticsWriter {
    /// Writes `layers` to `path`, each module's second moment and/or mean square and its tokens.
    public static func write(path: String, layers: [LayerInputStatistics]) throws {
        var tensors: [(TensorSpec, [UInt8])] = []
        for layer in layers.sorted(by: { $0.module < $1.module }) {
            if let moment = layer.secondMoment {
                tensors.append((TensorSpec(name: layer.module + ActivationStatistics.secondMomentSuffix, dtype: .F64, shape: [moment.rows, moment.columns]),
                                moment.elements.withUnsafeBytes { Array($0) }))
            }
            if let meanSquare = layer.meanSquare {
                tensors.append((TensorSpec(name: layer.module + ActivationStatistics.meanSquareSuffix, dtype: .F64, shape: [meanSquare.count]),
                                meanSquare.withUnsafeBytes { Array($0) }))
            }
            tensors.append((TensorSpec(name: layer.module + ActivationStatistics.tokensSuffix, dtype: .I64, shape: [1]),
                            withUnsafeBytes(of: Int64(layer.tokens).littleEndian) { Array($0) }))
        }
        try SafeTensorsWriter.write(path: path, tensors: tensors,
                                    metadata: ["format": ActivationStatistics.format, "version": ActivationStatistics.version])
    }
}
