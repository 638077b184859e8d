import LinearAlgebra
import SafeTensors

/// One matrix as written to the output: its tensors and exactly what a reader gets back from them.
struct EncodedMatrix {
    /// The tensors: `p.weight` unquantized, or `p.qweight`, `p.scales`, `p.zeros` (``QuantizedLayout``).
    let tensors: [OutputTensor]
    /// The matrix a reader reconstructs, in the orientation of the matrix encoded.
    let readBack: Matrix
    /// How to decode it, for quantized matrices.
    let description: QuantizedTensorDescription?

    /// Encodes `matrix` under the prefix `prefix`: at `bits` ≥ 16 as `p.weight` of type
    /// `factorType`, below as group-quantized codes of the matrix (or of its transpose when
    /// `groupDownColumns`, the second factor A's layout).
    init(_ matrix: Matrix, prefix: String, bits: Int, groupSize: Int, groupDownColumns: Bool, factorType: DType) throws {
        if bits >= 16 {
            let stored = try StoredFloats(matrix, as: factorType)
            self.init(tensors: [OutputTensor(name: "\(prefix).weight", dtype: factorType, shape: [matrix.rows, matrix.columns], bytes: stored.bytes)],
                      readBack: stored.readBack, description: nil)
            return
        }
        let stored = groupDownColumns ? matrix.transposed() : matrix
        self.init(try QuantizedMatrix(quantizing: stored, bits: bits, groupSize: groupSize), prefix: prefix, transposed: groupDownColumns)
    }

    /// Encodes codes already chosen (e.g. by ``HessianQuantizer``) under the prefix `prefix`, in
    /// the same layout; `transposed` when `quantized` holds the transpose of the matrix it stands for.
    init(_ quantized: QuantizedMatrix, prefix: String, transposed: Bool) {
        let groupShape = [quantized.rows, quantized.groupsPerRow]
        let dequantized = quantized.dequantized()
        self.init(tensors: [
                      OutputTensor(name: QuantizedLayout.codesName(prefix: prefix), dtype: .U8,
                                   shape: [quantized.packedCodes.count], bytes: quantized.packedCodes),
                      OutputTensor(name: QuantizedLayout.scalesName(prefix: prefix), dtype: quantized.scaleFormat.dtype,
                                   shape: groupShape, bytes: StoredFloats.bytes(ofF16: quantized.scales)),
                      OutputTensor(name: QuantizedLayout.zerosName(prefix: prefix), dtype: .F16,
                                   shape: groupShape, bytes: StoredFloats.bytes(ofF16: quantized.zeros)),
                  ],
                  readBack: transposed ? dequantized.transposed() : dequantized,
                  description: QuantizedTensorDescription(prefix: prefix, rows: quantized.rows, columns: quantized.columns,
                                                          bits: quantized.bits, groupSize: quantized.groupSize, transposed: transposed))
    }

    /// An ``E8PBackbone`` under the prefix `prefix` (`p.e8p`, `p.e8p_scales`, and a residual stage's
    /// `p.e8p_residual`, `p.e8p_residual_scales`; no group-quantized description: ``LayerDecoder``
    /// reads it from the layer's `backbone_codebook` and `backbone_bits`).
    init(_ backbone: E8PBackbone, prefix: String) {
        self.init(tensors: backbone.tensors(prefix: prefix), readBack: backbone.dequantized(), description: nil)
    }

    private init(tensors: [OutputTensor], readBack: Matrix, description: QuantizedTensorDescription?) {
        self.tensors = tensors
        self.readBack = readBack
        self.description = description
    }
}
