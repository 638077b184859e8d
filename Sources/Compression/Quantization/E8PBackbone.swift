import LinearAlgebra
import Planning
import SafeTensors

/// A CALDERA backbone in the E8P codebook at 2, 3 or 4 bits per weight, as QuIP# builds its wider
/// codebooks: residual vector quantization. Stage 1 is an ``E8PMatrix`` (2 bits); at 3 and 4 bits a
/// second stage quantizes stage 1's residual at its own per-row scale, a ``SignMatrix`` (1 bit) or
/// another ``E8PMatrix`` (2 bits), as ``Planning/BackboneCodebook/e8pStages(bits:)`` says. An entry
/// reads back as the sum of the stages' values, formed in double.
///
/// On RMS-scaled Gaussian rows the relative squared error is 0.092 (2 bits), 0.0325 (3) and 0.0091
/// (4), below the scalar Lloyd–Max grids of the same width (0.1175, 0.0345, 0.0095;
/// ``Planning/BackboneCodebook/e8pNoiseFraction(bits:)``).
///
/// Stored as ``E8PMatrix``'s `p.e8p`, `p.e8p_scales`, plus `p.e8p_residual` (U8 signs or U16 E8P
/// codes, [rows, columns/8]) and `p.e8p_residual_scales` (F16 [rows]) with a residual stage
/// (``specs(prefix:rows:columns:bits:)``; docs/compression.md, "E8P backbone layout").
struct E8PBackbone: Sendable, Equatable {
    /// The residual stage.
    enum Residual: Sendable, Equatable {
        /// One bit per weight (3-bit backbones).
        case signs(SignMatrix)
        /// E8P again (4-bit backbones).
        case lattice(E8PMatrix)

        /// Its values in double.
        func dequantized() -> Matrix {
            switch self {
            case .signs(let signs): return signs.dequantized()
            case .lattice(let lattice): return lattice.dequantized()
            }
        }
    }

    /// Stage 1: E8P on the matrix.
    let lattice: E8PMatrix
    /// Stage 2 on stage 1's residual, nil at 2 bits.
    let residual: Residual?

    /// Rows.
    var rows: Int { lattice.rows }
    /// Columns (a multiple of 8).
    var columns: Int { lattice.columns }
    /// Bits per weight of the codes: 2, 3 or 4.
    var bits: Int {
        switch residual {
        case nil: return 2
        case .signs?: return 3
        case .lattice?: return 4
        }
    }

    /// The stages of `bits`; a precondition failure for widths without an E8P variant (validation refuses them first).
    static func stages(bits: Int) -> BackboneCodebook.E8PStages {
        guard let stages = BackboneCodebook.e8pStages(bits: bits) else { preconditionFailure("no E8P backbone at \(bits) bits") }
        return stages
    }

    /// The residual codes tensor's name under `prefix`: `p.e8p_residual`.
    static func residualName(prefix: String) -> String { prefix + ".e8p_residual" }
    /// The residual scales tensor's name under `prefix`: `p.e8p_residual_scales`.
    static func residualScalesName(prefix: String) -> String { prefix + ".e8p_residual_scales" }

    /// The tensors' specs of a `rows`×`columns` backbone at `bits` under `prefix`, in the order
    /// ``tensors(prefix:)`` gives them: ``E8PMatrix``'s two, then the residual's codes (U8 signs at
    /// 3 bits, U16 E8P codes at 4) and scales.
    static func specs(prefix: String, rows: Int, columns: Int, bits: Int) -> [TensorSpec] {
        let lattice = E8PMatrix.specs(prefix: prefix, rows: rows, columns: columns)
        let runs = columns / E8PCodebook.dimension
        let codes: DType
        switch stages(bits: bits) {
        case .lattice: return lattice
        case .latticeAndSigns: codes = .U8
        case .latticeAndLattice: codes = .U16
        }
        return lattice + [TensorSpec(name: residualName(prefix: prefix), dtype: codes, shape: [rows, runs]),
                          TensorSpec(name: residualScalesName(prefix: prefix), dtype: .F16, shape: [rows])]
    }

    /// A backbone from its stages (their shapes must agree).
    init(lattice: E8PMatrix, residual: Residual?) {
        switch residual {
        case .signs(let signs)?: precondition(signs.rows == lattice.rows && signs.columns == lattice.columns, "stage shapes differ")
        case .lattice(let second)?: precondition(second.rows == lattice.rows && second.columns == lattice.columns, "stage shapes differ")
        case nil: break
        }
        self.lattice = lattice
        self.residual = residual
    }

    /// Greedy residual quantization of `matrix` (columns a multiple of 8) at `bits`: stage 1 the
    /// nearest E8P codewords at each row's scale (``E8PMatrix/init(quantizing:scaleFactor:)``), stage 2
    /// the nearest codewords of its own kind to stage 1's residual at the residual's row scales
    /// (mean |r| for signs, RMS(r) for E8P, the best factors on Gaussian rows: E8P's second stage
    /// leaves 0.0113, 0.0092, 0.0097 of the energy at RMS × 1/0.8, 1, 1/1.2; numpy, 64×512 rows).
    init(quantizing matrix: Matrix, bits: Int) {
        let lattice = E8PMatrix(quantizing: matrix)
        let residual: Residual?
        switch Self.stages(bits: bits) {
        case .lattice: residual = nil
        case .latticeAndSigns: residual = .signs(SignMatrix(quantizing: matrix - lattice.dequantized()))
        case .latticeAndLattice: residual = .lattice(E8PMatrix(quantizing: matrix - lattice.dequantized()))
        }
        self.init(lattice: lattice, residual: residual)
    }

    /// What a reader reconstructs: stage 1's values plus stage 2's, in double.
    func dequantized() -> Matrix {
        guard let residual else { return lattice.dequantized() }
        return lattice.dequantized() + residual.dequantized()
    }

    /// Rows `range` in Float, row-major into `output` (`range.count × columns` values): stage 1's
    /// values, then stage 2's added in Float (each stage's values are exact in Float, and their
    /// Float sum is the double sum ``dequantized()`` forms, rounded once).
    func decodeRows(_ range: Range<Int>, into output: UnsafeMutablePointer<Float>) {
        lattice.decodeRows(range, into: output)
        switch residual {
        case nil: break
        case .signs(let signs)?: signs.addRows(range, to: output)
        case .lattice(let second)?: second.decodeRows(range, into: output, accumulate: true)
        }
    }

    /// Bytes as stored: the stages' codes and scales.
    var byteCount: Int {
        switch residual {
        case nil: return lattice.byteCount
        case .signs(let signs)?: return lattice.byteCount + signs.byteCount
        case .lattice(let second)?: return lattice.byteCount + second.byteCount
        }
    }

    /// The tensors under `prefix`, as ``specs(prefix:rows:columns:bits:)`` names them.
    func tensors(prefix: String) -> [OutputTensor] {
        let first = lattice.tensors(prefix: prefix)
        let specs = Self.specs(prefix: prefix, rows: rows, columns: columns, bits: bits)
        let codes: [UInt8], scales: [UInt16]
        switch residual {
        case nil: return first
        case .signs(let signs)?: (codes, scales) = (signs.signs, signs.scales)
        case .lattice(let second)?:
            (codes, scales) = (second.codeBytes, second.scales)
        }
        return first + [OutputTensor(name: specs[2].name, dtype: specs[2].dtype, shape: specs[2].shape, bytes: codes),
                        OutputTensor(name: specs[3].name, dtype: specs[3].dtype, shape: specs[3].shape, bytes: StoredFloats.bytes(ofF16: scales))]
    }
}
