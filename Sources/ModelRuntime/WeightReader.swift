import LinearAlgebra
import SafeTensors

/// Reads named checkpoint tensors into Float arrays, checking each one's shape against what the
/// config implies. F32, F16, BF16 and F64 are converted once, so the runtime's footprint is
/// about 4 bytes per parameter it uses (plus activations), whatever the stored dtype.
struct WeightReader {
    let checkpoint: Checkpoint
    private let byName: [String: CheckpointTensor]

    init(checkpoint: Checkpoint) {
        self.checkpoint = checkpoint
        var byName: [String: CheckpointTensor] = [:]
        for tensor in checkpoint.tensors { byName[tensor.name] = tensor }
        self.byName = byName
    }

    /// Whether the checkpoint holds a tensor called `name`.
    func contains(_ name: String) -> Bool { byName[name] != nil }

    /// The tensor `name` as Floats, row-major; its shape must be `shape`.
    func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let tensor = byName[name] else {
            throw ModelRuntimeError.missingTensor(name: name, checkpoint: checkpoint.path)
        }
        guard tensor.info.shape == shape else {
            throw ModelRuntimeError.tensorShape(name: name, expected: shape, found: tensor.info.shape, checkpoint: checkpoint.path)
        }
        let count = tensor.info.elementCount
        let dtype = tensor.info.dtype
        guard [.F32, .F16, .BF16, .F64].contains(dtype) else {
            throw ModelRuntimeError.unsupportedDType(name: name, dtype: dtype.rawValue, checkpoint: checkpoint.path)
        }
        guard count > 0 else { return [] }
        return try checkpoint.withBytes(of: tensor) { bytes in
            HalfPrecision.f16Table.withUnsafeBufferPointer { table in
                [Float](unsafeUninitializedCapacity: count) { out, initialized in
                    let base = bytes.baseAddress!
                    switch dtype {
                    case .F32:
                        // Little-endian F32 is the in-memory Float: one copy (the mapping may be unaligned).
                        UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: base, byteCount: count * 4)
                    case .F16:
                        for i in 0..<count { out[i] = table[Int(base.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))] }
                    case .BF16:
                        for i in 0..<count {
                            out[i] = Float(bitPattern: UInt32(base.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)) << 16)
                        }
                    default:
                        for i in 0..<count { out[i] = Float(base.loadUnaligned(fromByteOffset: i &* 8, as: Double.self)) }
                    }
                    initialized = count
                }
            }
        }
    }

    /// The linear layer `module` stored as `<module>.weight` `[outputs, inputs]` (or `[inputs,
    /// outputs]` for GPT-2's Conv1D, `transposed`, turned around once here) and, when
    /// `bias` is true, `<module>.bias`; with `bias` nil the bias is read when present.
    func dense(_ module: String, outputs: Int, inputs: Int, bias: Bool?, transposed: Bool = false) throws -> DenseLinear {
        var weight: [Float]
        if transposed {
            let stored = try floats(module + ".weight", shape: [inputs, outputs])
            weight = [Float](repeating: 0, count: outputs * inputs)
            for i in 0..<inputs {
                for o in 0..<outputs { weight[o * inputs + i] = stored[i * outputs + o] }
            }
        } else {
            weight = try floats(module + ".weight", shape: [outputs, inputs])
        }
        let readBias = bias ?? contains(module + ".bias")
        let biasValues = readBias ? try floats(module + ".bias", shape: [outputs]) : nil
        return DenseLinear(weight: weight, outputs: outputs, inputs: inputs, bias: biasValues)
    }
}
