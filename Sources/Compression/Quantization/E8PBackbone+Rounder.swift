import LinearAlgebra
import SafeTensors

extension E8PBackbone {
    /// Rounds one run of 8 entries of a row at a time with every stage of a backbone, at row scales
    /// fixed in advance, and collects the codes: the block quantizer of ``HessianQuantizer/quantizeE8P(_:bits:)``,
    /// whose targets only exist once the earlier blocks' errors have been fed into them.
    struct Rounder {
        /// The backbone whose scales (and width) are used; its codes are replaced.
        private let template: E8PBackbone
        private let firstScales: [Double]
        private let secondScales: [Double]
        private var firstCodes: [UInt16]
        private var secondCodes: [UInt16]
        private var signs: [UInt8]
        private let runs: Int
        private var scaled = [Double](repeating: 0, count: E8PCodebook.dimension)

        /// A rounder at the scales (and stages) of `template`.
        init(scalesOf template: E8PBackbone) {
            self.template = template
            func values(_ bits: [UInt16]) -> [Double] { bits.map { Double(HalfPrecision.float(fromF16: $0)) } }
            firstScales = values(template.lattice.scales)
            switch template.residual {
            case nil: secondScales = []
            case .signs(let stage)?: secondScales = values(stage.scales)
            case .lattice(let stage)?: secondScales = values(stage.scales)
            }
            runs = template.columns / E8PCodebook.dimension
            firstCodes = [UInt16](repeating: 0, count: template.rows * runs)
            secondCodes = template.bits == 4 ? firstCodes : []
            signs = template.bits == 3 ? [UInt8](repeating: 0, count: template.rows * runs) : []
        }

        /// Rounds `target` (8 entries, unscaled) as run `run` of row `row`: stage 1 the nearest E8P
        /// codeword to `target/s₁`, stage 2 the nearest codeword of its kind to the residual over
        /// `s₂`; writes what a reader gets back (`s₁·c₁ + s₂·c₂`, the sum ``dequantized()`` forms)
        /// into `approximation`. A stage whose scale is not positive and finite reads back as 0.
        mutating func round(row: Int, run: Int, _ target: [Double], into approximation: inout [Double]) {
            let d = E8PCodebook.dimension, index = row * runs + run
            let first = firstScales[row]
            for i in 0..<d { approximation[i] = 0 }
            if first > 0, first.isFinite {
                for i in 0..<d { scaled[i] = target[i] / first }
                let code = E8PCodebook.nearest(scaled[...]).code
                firstCodes[index] = code
                let word = E8PCodebook.codeword(code)
                for i in 0..<d { approximation[i] = first * word[i] }
            }
            guard template.residual != nil else { return }
            let second = secondScales[row]
            guard second > 0, second.isFinite else { return }
            for i in 0..<d { scaled[i] = (target[i] - approximation[i]) / second }
            if template.bits == 3 {
                let byte = SignMatrix.nearest(scaled[...])
                signs[index] = byte
                for i in 0..<d { approximation[i] += second * SignMatrix.sign(byte, i) }
            } else {
                let code = E8PCodebook.nearest(scaled[...]).code
                secondCodes[index] = code
                let word = E8PCodebook.codeword(code)
                for i in 0..<d { approximation[i] += second * word[i] }
            }
        }

        /// The backbone of the codes rounded so far.
        func backbone(rows: Int, columns: Int) -> E8PBackbone {
            let lattice = E8PMatrix(rows: rows, columns: columns, codes: firstCodes, scales: template.lattice.scales)
            switch template.residual {
            case nil: return E8PBackbone(lattice: lattice, residual: nil)
            case .signs(let stage)?:
                return E8PBackbone(lattice: lattice, residual: .signs(SignMatrix(rows: rows, columns: columns, signs: signs, scales: stage.scales)))
            case .lattice(let stage)?:
                return E8PBackbone(lattice: lattice, residual: .lattice(E8PMatrix(rows: rows, columns: columns, codes: secondCodes, scales: stage.scales)))
            }
        }
    }
}
