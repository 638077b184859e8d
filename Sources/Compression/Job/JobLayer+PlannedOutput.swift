import Planning
import SafeTensors

extension JobLayer {
    /// The tensors this layer's output will hold, from its shape and choice alone (names from
    /// ``FactorNaming``, quantized layout from ``QuantizedLayout``), as ``MatrixCompressor`` and
    /// ``DataAwareLayer`` write them; ``OutputForecast`` sizes the files from these before
    /// anything is compressed. Sorted by name, the order the assembler writes a layer's tensors in.
    func plannedOutputs(settings: LayerCompressionSettings) -> [TensorSpec] {
        let floatType = settings.outputType(forStored: tensor.info.dtype)
        let (m, n) = (rows, columns)
        func float(_ name: String, _ shape: [Int]) -> [TensorSpec] { [TensorSpec(name: name, dtype: floatType, shape: shape)] }
        func quantized(_ prefix: String, rows r: Int, columns c: Int, bits: Int, groupSize g: Int) -> [TensorSpec] {
            let groups = [r, (c + g - 1) / g]
            return [TensorSpec(name: QuantizedLayout.codesName(prefix: prefix), dtype: .U8, shape: [(r * c * bits + 7) / 8]),
                    TensorSpec(name: QuantizedLayout.scalesName(prefix: prefix), dtype: .F16, shape: groups),
                    TensorSpec(name: QuantizedLayout.zerosName(prefix: prefix), dtype: .F16, shape: groups)]
        }
        var specs: [TensorSpec]
        switch choice {
        case let .dense(bits, groupSize):
            if let bits, bits < 16 {
                specs = quantized(module, rows: m, columns: n, bits: bits, groupSize: groupSize)
            } else {
                specs = float(module + ".weight", [m, n])
            }
        case let .lowRank(rank, factorBits, groupSize, backboneBits, _):
            if settings.materializeDense { return float(module + ".weight", [m, n]) }
            if factorBits >= 16 {
                specs = float(FactorNaming.firstFactor(module: module), [rank, n]) + float(FactorNaming.secondFactor(module: module), [m, rank])
            } else {
                specs = quantized(FactorNaming.firstFactorPrefix(module: module), rows: rank, columns: n, bits: factorBits, groupSize: groupSize)
                    + quantized(FactorNaming.secondFactorPrefix(module: module), rows: rank, columns: m, bits: factorBits, groupSize: groupSize)
            }
            if let backboneBits, settings.codebook(for: choice) == .e8p {
                specs += E8PBackbone.specs(prefix: FactorNaming.backbonePrefix(module: module), rows: m, columns: n, bits: backboneBits)
            } else if let backboneBits {
                specs += quantized(FactorNaming.backbonePrefix(module: module), rows: m, columns: n, bits: backboneBits, groupSize: groupSize)
            }
        }
        return specs.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// The bytes of ``plannedOutputs(settings:)``: what the job writes for this layer's weight
    /// with these settings (output type, `--dense`), the report's `estimated_bytes`.
    func plannedBytes(settings: LayerCompressionSettings) -> Int {
        plannedOutputs(settings: settings).reduce(0) { $0 + $1.shape.reduce(1, *) * $1.dtype.byteWidth }
    }
}
