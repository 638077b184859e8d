import LinearAlgebra
import Planning

/// What a reader reconstructs from one layer's output tensors, decoded from the bytes themselves
/// (as a loader would, in double precision), so a figure measured on it is a figure of the file.
///
/// The layouts are ``MatrixCompressor``'s: `P.weight` (dense, or a materialised `W_k`) or
/// `P.{qweight,scales,zeros}` alone; else `Ŵ = A·B` from the factors `P.1` (A, m×k) and `P.0`
/// (B, k×n), plus the CALDERA backbone `P.backbone` when present. Quantized matrices are decoded
/// as ``CompressedMatrix/quantizedTensors`` describes them (``QuantizedLayout``).
enum LayerReadBack {
    /// Ŵ for the weight `P.weight` (`module` = P) from `compressed`'s tensors.
    ///
    /// - Throws: ``CompressionError/invalidChoice(tensor:reason:)`` when the tensors are not one
    ///   of the layouts above.
    static func matrix(of compressed: CompressedMatrix, module: String) throws -> Matrix {
        let decoder = Decoder(compressed)
        if let dense = try decoder.matrix(prefix: module) { return dense }
        guard let b = try decoder.matrix(prefix: module + ".0"), let a = try decoder.matrix(prefix: module + ".1") else {
            throw CompressionError.invalidChoice(tensor: module + ".weight", reason: "its output tensors are neither a matrix nor two factors")
        }
        let product = try a.multiplied(by: b)
        guard let backbone = try decoder.matrix(prefix: module + ".backbone") else { return product }
        return backbone + product
    }

    /// Decodes the matrices of one layer's tensors by name prefix.
    private struct Decoder {
        let tensors: [String: OutputTensor]
        let descriptions: [String: QuantizedTensorDescription]

        init(_ compressed: CompressedMatrix) {
            tensors = Dictionary(compressed.tensors.map { ($0.name, $0) }) { first, _ in first }
            descriptions = Dictionary(compressed.quantizedTensors.map { ($0.prefix, $0) }) { first, _ in first }
        }

        /// The matrix stored under `prefix`, nil when there is none.
        func matrix(prefix: String) throws -> Matrix? {
            if let plain = tensors[prefix + ".weight"] { return try Self.decode(plain) }
            guard let description = descriptions[prefix],
                  let codes = tensors[QuantizedLayout.codesName(prefix: prefix)],
                  let scales = tensors[QuantizedLayout.scalesName(prefix: prefix)],
                  let zeros = tensors[QuantizedLayout.zerosName(prefix: prefix)],
                  let scaleFormat = ScaleFormat(dtype: scales.dtype) else { return nil }
            let count = description.rows * description.columns
            let quantized = QuantizedMatrix(rows: description.rows, columns: description.columns, bits: description.bits,
                                            groupSize: description.groupSize,
                                            codes: BitPacking.unpack(codes.bytes, bits: description.bits, count: count),
                                            scales: Self.halfWords(scales.bytes), scaleFormat: scaleFormat,
                                            zeros: Self.halfWords(zeros.bytes))
            let stored = quantized.dequantized()
            return description.transposed ? stored.transposed() : stored
        }

        /// An unquantized 2-D tensor (F32, F16, BF16) widened to double.
        private static func decode(_ tensor: OutputTensor) throws -> Matrix {
            guard tensor.shape.count == 2, let format = ScalarFormat(tensor.dtype) else {
                throw CompressionError.invalidChoice(tensor: tensor.name, reason: "it is not a floating-point matrix")
            }
            return try tensor.bytes.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return Matrix(rows: tensor.shape[0], columns: tensor.shape[1]) }
                return try Matrix(MatrixSource(base: base, rows: tensor.shape[0], columns: tensor.shape[1], format: format))
            }
        }

        /// Little-endian 16-bit words.
        private static func halfWords(_ bytes: [UInt8]) -> [UInt16] {
            stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
        }
    }
}
