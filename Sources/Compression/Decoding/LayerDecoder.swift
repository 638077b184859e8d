import LinearAlgebra
import SafeTensors
import Planning

/// Decodes one layer's stored tensors (``StoredLayout``) into a ``DecodedLinear``: the one decoder
/// behind ``InMemoryCompression`` (tensors just produced) and ``CompressedFolder`` (tensors read
/// from the written folder), so both give the same values bit for bit.
///
/// Every tensor's dtype and shape are checked against the layout first: a missing tensor or a
/// disagreeing one is a ``DecodingError`` naming its file.
struct LayerDecoder<Source: DecodingSource> {
    let source: Source
    /// The layer's module path `P`, for messages.
    let module: String
    /// The dtype of its unquantized (16-bit) tensors, when known (the `dtype` of its entry).
    var floatType: DType? = nil
    /// The layer's `incoherence_seed`: a CALDERA layer's stored Q + A·B is then `U·W·Vᵀ`
    /// (``Incoherence``), and the weight returned is `Uᵀ·(Q + A·B)·V`, formed in double and
    /// rounded once to Float, as a dense layer. Nil for a layer stored as it is.
    var incoherenceSeed: UInt64? = nil
    /// True to return every CALDERA layer as ``DecodedLinear/packedCaldera(_:bias:)``: the backbone
    /// kept as its stored codes, the incoherence seed kept instead of applied (what a runtime wants);
    /// false for Q in Float, and a dense Ŵ under incoherence processing (what a reader of W wants).
    var packedBackbones = false

    /// The weight of `layout` (without bias).
    func weight(_ layout: StoredLayout) throws -> DecodedLinear {
        let m = layout.rows, n = layout.columns
        switch layout.form {
        case .plain:
            return .dense(weight: try plain(prefix: module, rows: m, columns: n), bias: nil)
        case let .quantized(bits, groupSize):
            return .dense(weight: DecodedMatrix(try dequantized(prefix: module, rows: m, columns: n, bits: bits, groupSize: groupSize)), bias: nil)
        case let .factors(rank, bits, groupSize, backboneBits, backboneCodebook):
            let first = FactorNaming.firstFactorPrefix(module: module), second = FactorNaming.secondFactorPrefix(module: module)
            let b: Matrix, a: Matrix
            if bits >= 16 {
                b = try plain(prefix: first, rows: rank, columns: n).widened
                a = try plain(prefix: second, rows: m, columns: rank).widened
            } else {
                b = try dequantized(prefix: first, rows: rank, columns: n, bits: bits, groupSize: groupSize)
                a = try dequantized(prefix: second, rows: rank, columns: m, bits: bits, groupSize: groupSize).transposed()
            }
            guard let backboneBits else { return .factored(a: DecodedMatrix(a), b: DecodedMatrix(b), bias: nil) }
            let backbonePrefix = FactorNaming.backbonePrefix(module: module)
            let backbone = PackedBackbone(codes: backboneCodebook == .e8p
                ? .e8p(try lattice(prefix: backbonePrefix, rows: m, columns: n, bits: backboneBits))
                : .scalar(try quantized(prefix: backbonePrefix, rows: m, columns: n, bits: backboneBits, groupSize: groupSize)))
            if packedBackbones {
                return .packedCaldera(PackedCaldera(backbone: backbone, a: DecodedMatrix(a), b: DecodedMatrix(b), incoherenceSeed: incoherenceSeed),
                                      bias: nil)
            }
            let q = backbone.dequantized()
            guard let incoherenceSeed else { return .caldera(backbone: DecodedMatrix(q), a: DecodedMatrix(a), b: DecodedMatrix(b), bias: nil) }
            // The parts in double, as the compressor measured them, rounded once at the end.
            let weight = Incoherence(seed: incoherenceSeed, rows: m, columns: n).unrotated(try q + a.multiplied(by: b))
            return .dense(weight: DecodedMatrix(weight), bias: nil)
        }
    }

    /// The bias `name` of a layer stored as `layout`, nil when the source has no such tensor: m
    /// values, or n for a weight stored `[in, out]` (GPT-2's Conv1D, whose bias has one value per
    /// column of the stored matrix).
    func bias(_ name: String, of layout: StoredLayout) throws -> [Float]? {
        guard let info = source.info(of: name) else { return nil }
        guard info.shape.count == 1, info.shape[0] == layout.rows || info.shape[0] == layout.columns else {
            let expected = layout.rows == layout.columns ? "[\(layout.rows)]" : "[\(layout.rows)] or [\(layout.columns)]"
            throw DecodingError.tensorMismatch(file: source.file(of: name), tensor: name, expected: "shape \(expected)",
                                               found: "shape \(info.shape)")
        }
        return try floats(name, dtype: info.dtype, count: info.shape[0])
    }

    /// `p.weight` [rows, columns] at F32, F16 or BF16.
    private func plain(prefix: String, rows: Int, columns: Int) throws -> DecodedMatrix {
        let name = prefix + ".weight"
        try require(name, shape: [rows, columns], dtypes: floatType.map { [$0] } ?? [.F32, .F16, .BF16])
        let dtype = source.info(of: name)!.dtype
        return DecodedMatrix(rows: rows, columns: columns, values: try floats(name, dtype: dtype, count: rows * columns))
    }

    /// `p.{qweight,scales,zeros}` of an R×C matrix X at `bits` in groups of `groupSize`, dequantized
    /// as `(q − z)·s` in double (``QuantizedMatrix/dequantized()``); a ``DecodedMatrix`` of it holds `Float((q − z)·s)`.
    private func dequantized(prefix: String, rows: Int, columns: Int, bits: Int, groupSize: Int) throws -> Matrix {
        try quantized(prefix: prefix, rows: rows, columns: columns, bits: bits, groupSize: groupSize).dequantized()
    }

    /// `p.{qweight,scales,zeros}` of an R×C matrix X at `bits` in groups of `groupSize`, as stored.
    private func quantized(prefix: String, rows: Int, columns: Int, bits: Int, groupSize: Int) throws -> QuantizedMatrix {
        let codesName = QuantizedLayout.codesName(prefix: prefix)
        let scalesName = QuantizedLayout.scalesName(prefix: prefix), zerosName = QuantizedLayout.zerosName(prefix: prefix)
        let groups = (columns + groupSize - 1) / groupSize
        try require(codesName, shape: [(rows * columns * bits + 7) / 8], dtypes: [.U8])
        try require(scalesName, shape: [rows, groups], dtypes: [.F16, .BF16])
        let scaleFormat = ScaleFormat(dtype: source.info(of: scalesName)!.dtype)!  // required just above
        try require(zerosName, shape: [rows, groups], dtypes: [.F16])
        return QuantizedMatrix(rows: rows, columns: columns, bits: bits, groupSize: groupSize,
                               packedCodes: try source.withBytes(of: codesName) { Array($0) },
                               scales: try halfWords(scalesName), scaleFormat: scaleFormat, zeros: try halfWords(zerosName))
    }

    /// `p.{e8p,e8p_scales}` of an R×C E8P backbone at `bits` (``E8PBackbone``), with the residual
    /// stage's `p.{e8p_residual,e8p_residual_scales}` at 3 and 4 bits, as stored (read back as the
    /// stages' sum in double by ``E8PBackbone/dequantized()``).
    private func lattice(prefix: String, rows: Int, columns: Int, bits: Int) throws -> E8PBackbone {
        guard E8PMatrix.accepts(columns: columns), let stages = BackboneCodebook.e8pStages(bits: bits) else {
            throw DecodingError.tensorMismatch(file: source.file(of: module + ".weight"), tensor: E8PMatrix.codesName(prefix: prefix),
                                               expected: "an E8P backbone of 2, 3 or 4 bits and a multiple of 8 columns",
                                               found: "\(bits) bits and \(columns) columns")
        }
        let specs = E8PBackbone.specs(prefix: prefix, rows: rows, columns: columns, bits: bits)
        for spec in specs { try require(spec.name, shape: spec.shape, dtypes: [spec.dtype]) }
        let lattice = E8PMatrix(rows: rows, columns: columns, codes: try halfWords(specs[0].name), scales: try halfWords(specs[1].name))
        let residual: E8PBackbone.Residual?
        switch stages {
        case .lattice: residual = nil
        case .latticeAndSigns:
            residual = .signs(SignMatrix(rows: rows, columns: columns, signs: try source.withBytes(of: specs[2].name) { Array($0) },
                                         scales: try halfWords(specs[3].name)))
        case .latticeAndLattice:
            residual = .lattice(E8PMatrix(rows: rows, columns: columns, codes: try halfWords(specs[2].name), scales: try halfWords(specs[3].name)))
        }
        return E8PBackbone(lattice: lattice, residual: residual)
    }

    /// Checks that `name` exists with `shape` and one of `dtypes`.
    private func require(_ name: String, shape: [Int], dtypes: [DType]) throws {
        guard let info = source.info(of: name) else {
            throw DecodingError.missingTensor(file: source.file(of: module + ".weight"), module: module, tensor: name)
        }
        guard info.shape == shape, dtypes.contains(info.dtype) else {
            let kinds = dtypes.map(\.rawValue).joined(separator: " or ")
            throw DecodingError.tensorMismatch(file: source.file(of: name), tensor: name, expected: "\(kinds) of shape \(shape)",
                                               found: "\(info.dtype.rawValue) of shape \(info.shape)")
        }
    }

    /// The little-endian 16-bit words of a U16, F16 or BF16 tensor.
    private func halfWords(_ name: String) throws -> [UInt16] {
        try source.withBytes(of: name) { bytes in
            (0..<(bytes.count / 2)).map { UInt16(bytes[2 * $0]) | UInt16(bytes[2 * $0 + 1]) << 8 }
        }
    }

    /// `count` values of the floating-point tensor `name`, widened (or, from F64, rounded) to Float.
    private func floats(_ name: String, dtype: DType, count: Int) throws -> [Float] {
        try source.withBytes(of: name) { bytes -> [Float] in
            func word(_ index: Int) -> UInt16 { UInt16(bytes[2 * index]) | UInt16(bytes[2 * index + 1]) << 8 }
            switch dtype {
            case .F32:
                return (0..<count).map { bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian }.map(Float.init(bitPattern:))
            case .F16:
                return (0..<count).map { HalfPrecision.float(fromF16: word($0)) }
            case .BF16:
                return (0..<count).map { HalfPrecision.float(fromBF16: word($0)) }
            case .F64:
                return (0..<count).map { Float(Double(bitPattern: bytes.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self).littleEndian)) }
            default:
                throw DecodingError.tensorMismatch(file: source.file(of: name), tensor: name, expected: "a floating-point tensor",
                                                   found: "\(dtype.rawValue)")
            }
        }
    }
}
