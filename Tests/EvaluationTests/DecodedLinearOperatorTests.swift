import Compression
import Evaluation
import ModelRuntime
import XCTest

/// Decoded layers run as operators compute `x·Wᵀ + b` of the layer they decode, `W = Q + A·B`
/// (or `A·B`, or `W`), also when the checkpoint stores the weight `[in, out]` (GPT-2's Conv1D:
/// the decoded matrices are then of `Wᵀ`).
final class DecodedLinearOperatorTests: XCTestCase {
    func random(_ rows: Int, _ columns: Int, _ generator: inout SystemRandomNumberGenerator) -> DecodedMatrix {
        DecodedMatrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in Float.random(in: -1...1, using: &generator) })
    }

    func testEveryKindComputesItsReconstruction() {
        var generator = SystemRandomNumberGenerator()
        let m = 7, n = 5, k = 2, tokens = 3
        let q = random(m, n, &generator), a = random(m, k, &generator), b = random(k, n, &generator)
        let bias = (0..<m).map { _ in Float.random(in: -1...1, using: &generator) }
        // The stored matrix S (m × n) each kind decodes to.
        func stored(_ layer: DecodedLinear) -> [Double] {
            (0..<(m * n)).map { index -> Double in
                let (i, j) = (index / n, index % n)
                var product = 0.0
                for r in 0..<k { product += Double(a[i, r]) * Double(b[r, j]) }
                switch layer {
                case .dense: return Double(q[i, j])
                case .factored: return product
                case .caldera: return Double(q[i, j]) + product
                case .packedCaldera: preconditionFailure("not built here: PackedCalderaOperatorTests")
                }
            }
        }
        for layer in [DecodedLinear.dense(weight: q, bias: bias), .factored(a: a, b: b, bias: nil), .caldera(backbone: q, a: a, b: b, bias: bias)] {
            for transposed in [false, true] {
                // Runtime weight W: S itself, or Sᵀ when the checkpoint stores [in, out].
                let (outputs, inputs) = transposed ? (n, m) : (m, n)
                let s = stored(layer)
                let operatorBias: [Float]? = transposed ? nil : layer.bias
                let decoded: DecodedLinear
                switch layer {
                case .dense(let w, _): decoded = .dense(weight: w, bias: operatorBias)
                case .factored(let a, let b, _): decoded = .factored(a: a, b: b, bias: operatorBias)
                case .caldera(let q, let a, let b, _): decoded = .caldera(backbone: q, a: a, b: b, bias: operatorBias)
                case .packedCaldera: preconditionFailure("not built here: PackedCalderaOperatorTests")
                }
                let op = decoded.linearOperator(storedTransposed: transposed)
                XCTAssertEqual(op.outputCount, outputs)
                XCTAssertEqual(op.inputCount, inputs)
                let x = (0..<(tokens * inputs)).map { _ in Float.random(in: -1...1, using: &generator) }
                var y = [Float](repeating: 0, count: tokens * outputs)
                x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { yp in
                    op.apply(xp.baseAddress!, rows: tokens, into: yp.baseAddress!, accumulate: false)
                } }
                for t in 0..<tokens {
                    for o in 0..<outputs {
                        var expected = Double(operatorBias?[o] ?? 0)
                        for i in 0..<inputs {
                            let w = transposed ? s[i * n + o] : s[o * n + i]
                            expected += Double(x[t * inputs + i]) * w
                        }
                        XCTAssertEqual(Double(y[t * outputs + o]), expected, accuracy: 1e-5, "\(layer) transposed \(transposed)")
                    }
                }
            }
        }
    }
}
