import Foundation
import LinearAlgebra
import Planning
import SafeTensors
import XCTest

final class LayerEstimateTests: XCTestCase {
    /// A random m×m orthogonal matrix (row-major) by Gram–Schmidt of a Gaussian matrix.
    private func orthogonal(_ size: Int, seed: UInt64) -> [[Double]] {
        var generator = SeededGenerator(seed: seed)
        var basis: [[Double]] = []
        while basis.count < size {
            var v = (0..<size).map { _ in generator.nextGaussian() }
            for _ in 0..<2 {
                for q in basis {
                    let dot = zip(v, q).reduce(0) { $0 + $1.0 * $1.1 }
                    v = zip(v, q).map { $0 - dot * $1 }
                }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            basis.append(v.map { $0 / norm })
        }
        return basis
    }

    /// W = U·diag(σ)·Vᵀ built explicitly, so Frobenius errors can be computed element by element.
    private func matrix(rows m: Int, columns n: Int, sigma: [Double], keep: Int = .max) -> [[Double]] {
        let u = orthogonal(m, seed: 11)
        let v = orthogonal(n, seed: 12)
        var w = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
        for (index, s) in sigma.enumerated() where index < keep {
            for i in 0..<m { for j in 0..<n { w[i][j] += s * u[index][i] * v[index][j] } }
        }
        return w
    }

    private func frobenius(_ a: [[Double]], minus b: [[Double]]? = nil) -> Double {
        var sum = 0.0
        for i in a.indices { for j in a[i].indices {
            let d = a[i][j] - (b?[i][j] ?? 0)
            sum += d * d
        } }
        return sum.squareRoot()
    }

    private let sigma: [Double] = [9, 5, 3, 2, 1, 0.5]

    private func tensor(kind: TensorKind = .linear, storedBits: Int = 32) -> PlannedTensor {
        PlannedTensor(name: "blk.0.w", block: 0, role: "w", kind: kind, shape: [6, 10], storedBits: storedBits,
                      spectrum: Spectrum(tensorName: "blk.0.w", rows: 6, columns: 10, singularValues: sigma))
    }

    func testTruncationErrorMatchesExplicitMatrices() throws {
        let w = matrix(rows: 6, columns: 10, sigma: sigma)
        for k in 0...6 {
            let estimate = try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: k))
            let direct = frobenius(w, minus: matrix(rows: 6, columns: 10, sigma: sigma, keep: k)) / frobenius(w)
            XCTAssertEqual(estimate.relativeError!, direct, accuracy: 1e-12, "rank \(k)")
            XCTAssertEqual(estimate.noiseSquaredError, 0)
        }
    }

    func testLowRankSizesByHand() throws {
        // m = 6, n = 10, k = 2, 4-bit factors, groups of 4:
        // A 6×2: 12·4 = 48 bits + k·⌈6/4⌉ = 4 groups · 32 = 128 → 176 bits = 22 bytes.
        // B 2×10: 20·4 = 80 bits + k·⌈10/4⌉ = 6 groups · 32 = 192 → 272 bits = 34 bytes.
        let lord = try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: 2, factorBits: 4, groupSize: 4))
        XCTAssertEqual(lord.parametersBefore, 60)
        XCTAssertEqual(lord.parametersAfter, 32)
        XCTAssertEqual(lord.bytesBefore, 240)
        XCTAssertEqual(lord.bytesAfter, 56)
        XCTAssertEqual(lord.bitsPerWeight, 56.0 * 8 / 60, accuracy: 1e-15)
        XCTAssertEqual(lord.flopsBefore, 120)
        XCTAssertEqual(lord.flopsAfter, 64)
        XCTAssertEqual(lord.bytesReadAfter, 56)
        XCTAssertEqual(lord.memoryBoundSpeedup, 240.0 / 56, accuracy: 1e-15)
        XCTAssertEqual(lord.computeBoundSpeedup, 120.0 / 64, accuracy: 1e-15)
        // CALDERA adds Q 6×10 at 3 bits: 180 bits + 6·⌈10/4⌉ = 18 groups · 32 = 576 → 756 bits = 95 bytes (rounded up).
        let caldera = try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: 2, factorBits: 4, groupSize: 4, backboneBits: 3))
        XCTAssertEqual(caldera.parametersAfter, 92)
        XCTAssertEqual(caldera.bytesAfter, 56 + 95)
        XCTAssertEqual(caldera.flopsAfter, 120 + 64)
        // 16-bit factors: 2 bytes per element, no scales.
        let plain = try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: 3))
        XCTAssertEqual(plain.bytesAfter, 3 * 16 * 2)
        XCTAssertEqual(plain.parametersAfter, 48)
        // A partial group costs a whole scale and zero point: 8-bit dense, groups of 4 along 10 columns → 3 per row.
        let dense8 = try LayerEstimate(tensor: tensor(), choice: .dense(bits: 8, groupSize: 4))
        XCTAssertEqual(dense8.bytesAfter, (60 * 8 + 6 * 3 * 32) / 8)
        XCTAssertEqual(dense8.parametersAfter, 60)
        XCTAssertEqual(dense8.flopsAfter, 120)
        // Rank 0 leaves nothing to compute.
        let empty = try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: 0))
        XCTAssertEqual(empty.computeBoundSpeedup, .infinity)
        XCTAssertEqual(empty.relativeError!, 1, accuracy: 1e-15)
    }

    func testEmbeddingReadsOneRowPerToken() throws {
        let table = PlannedTensor(name: "embed_tokens.weight", kind: .embedding, shape: [1000, 64], storedBits: 16)
        let estimate = LayerEstimate.kept(table)
        XCTAssertEqual(estimate.bytesAfter, 128_000)
        XCTAssertEqual(estimate.bytesReadAfter, 128)
        XCTAssertEqual(estimate.flopsAfter, 0)
        XCTAssertEqual(estimate.computeBoundSpeedup, 1)
        XCTAssertNil(estimate.squaredError)
        let norm = PlannedTensor(name: "norm.weight", kind: .norm, shape: [64], storedBits: 32)
        XCTAssertEqual(LayerEstimate.kept(norm).bytesAfter, 256)
        XCTAssertThrowsError(try LayerEstimate(tensor: norm, choice: .lowRank(rank: 1)))
    }

    func testRmsRangeAndNoiseFractionFormulas() {
        XCTAssertEqual(GroupQuantization.inverseNormalCDF(0.975), 1.959963984540054, accuracy: 1e-10)
        XCTAssertEqual(GroupQuantization.inverseNormalCDF(0.5), 0, accuracy: 1e-12)
        XCTAssertEqual(GroupQuantization.rmsRange(groupLength: 1), 0)
        // E[(max − min)²] of g standard normals, integrated in numpy over the range's density
        // g(g−1)∫φ(x)φ(x+r)(Φ(x+r) − Φ(x))^(g−2) dx: the fit is within 0.4 % from 16 to 1024.
        for (g, meanSquare) in [(16, 13.03726), (64, 22.37483), (128, 27.27634), (1024, 42.45015)] {
            let rms = GroupQuantization.rmsRange(groupLength: g)
            XCTAssertEqual(rms * rms / meanSquare, 1, accuracy: 0.004, "g = \(g)")
        }
        // The zero point's slack: 1.5·255 = 382.5 lies in [256, 512), F16 spacing 2^(8−10): u = 1/2 at 8 bits;
        // 1.5·15 = 22.5 in [16, 32): u = 2·2^(4−10) = 1/32 at 4 bits; 1.5·7 = 10.5: u = 2·2^(3−10) = 1/64.
        XCTAssertEqual(GroupQuantization.zeroPointSlack(bits: 8), 0.5)
        XCTAssertEqual(GroupQuantization.zeroPointSlack(bits: 4), 1.0 / 32)
        XCTAssertEqual(GroupQuantization.zeroPointSlack(bits: 3), 1.0 / 64)
        // c(4, 128) = (126 + 6u²)/128 · ρ₂²/(12·(15 − u)²) with ρ₂ = 2·Φ⁻¹(127.5775/128.155), u = 1/32.
        let rho = 2 * GroupQuantization.inverseNormalCDF(127.5775 / 128.155)
        let u4 = 1.0 / 32
        let c128 = (126 + 6 * u4 * u4) / 128 * rho * rho / (12 * (15 - u4) * (15 - u4))
        XCTAssertEqual(GroupQuantization.noiseFraction(bits: 4, groupLength: 128), c128, accuracy: 1e-15)
        XCTAssertEqual(GroupQuantization.noiseFraction(bits: 16, groupLength: 128), 0)
        // Groups of two keep both elements (nearly) exactly.
        XCTAssertEqual(GroupQuantization.noiseFraction(bits: 3, groupLength: 2), 0)
        // Rows of 300 in groups of 128: two full groups and a partial one of 44, weighted by length.
        let rho44 = 2 * GroupQuantization.inverseNormalCDF(43.5775 / 44.155)
        let c44 = (42 + 6 * u4 * u4) / 44 * rho44 * rho44 / (12 * (15 - u4) * (15 - u4))
        XCTAssertEqual(GroupQuantization.noiseFraction(bits: 4, length: 300, groupSize: 128), (256 * c128 + 44 * c44) / 300, accuracy: 1e-15)
        // Rows shorter than a group form one group.
        XCTAssertEqual(GroupQuantization.noiseFraction(bits: 4, length: 44, groupSize: 128), c44, accuracy: 1e-15)
    }

    /// Asymmetric round-to-nearest of one group as ``QuantizedMatrix`` does it without F16 rounding:
    /// step (max − min)/(2^b − 1 − u), grid shifted u/2 steps below the minimum (u the zero point's
    /// slack, 2·F16 spacing at 1.5·(2^b − 1), derived here by hand). Returns the dequantized values.
    private func quantize(_ values: [Double], bits: Int) -> [Double] {
        let low = values.min()!
        let high = values.max()!
        let slack: Double = [2: 1.0 / 128, 3: 1.0 / 64, 4: 1.0 / 32, 8: 0.5][bits]!
        let step = (high - low) / (Double((1 << bits) - 1) - slack)
        guard step > 0 else { return values }
        let origin = low - slack / 2 * step
        return values.map { origin + (($0 - origin) / step).rounded() * step }
    }

    /// The noise model against simulated round-to-nearest of Gaussian groups (the model's own assumptions).
    func testNoiseFractionMatchesSimulation() {
        var generator = SeededGenerator(seed: 5)
        for (bits, group) in [(4, 128), (3, 64), (2, 128), (8, 32), (4, 16)] {
            var energy = 0.0
            var noise = 0.0
            for _ in 0..<2000 {
                let values = (0..<group).map { _ in generator.nextGaussian() }
                let restored = quantize(values, bits: bits)
                energy += values.reduce(0) { $0 + $1 * $1 }
                noise += zip(values, restored).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }
            let model = GroupQuantization.noiseFraction(bits: bits, groupLength: group)
            XCTAssertEqual(noise / energy, model, accuracy: model * 0.025, "\(bits) bits, groups of \(group)")
        }
    }

    /// The factor-noise model c_f·(E − tail(k)) against quantizing the factors of an explicit matrix.
    func testFactorNoiseModelMatchesSimulation() throws {
        let (m, n, k, bits, group) = (64, 96, 8, 4, 16)
        var generator = SeededGenerator(seed: 9)
        let sigma = (0..<min(m, n)).map { 10 * pow(0.8, Double($0)) }
        let u = orthogonal(m, seed: 21)
        let v = orthogonal(n, seed: 22)
        // Balanced split a_i = √σᵢ·uᵢ, b_i = √σᵢ·vᵢ, each quantized in groups along m (A) and n (B).
        var trials = 0.0
        var measured = 0.0
        for trial in 0..<6 {
            let signs = (0..<k).map { _ in generator.nextGaussian() >= 0 ? 1.0 : -1.0 }
            var a: [[Double]] = []
            var b: [[Double]] = []
            for i in 0..<k {
                let scale = sigma[i].squareRoot() * signs[i]
                let column = u[i].map { $0 * scale }
                let row = v[i].map { $0 * sigma[i].squareRoot() * signs[i] }
                a.append(stride(from: 0, to: m, by: group).flatMap { quantize(Array(column[$0..<min($0 + group, m)]), bits: bits) })
                b.append(stride(from: 0, to: n, by: group).flatMap { quantize(Array(row[$0..<min($0 + group, n)]), bits: bits) })
            }
            var error = 0.0
            for r in 0..<m { for c in 0..<n {
                var exact = 0.0
                var approx = 0.0
                for i in 0..<k {
                    exact += sigma[i] * u[i][r] * v[i][c]
                    approx += a[i][r] * b[i][c]
                }
                error += (exact - approx) * (exact - approx)
            } }
            measured += error
            trials += 1
            _ = trial
        }
        let spectrum = Spectrum(tensorName: "w", rows: m, columns: n, singularValues: sigma)
        let estimate = try LayerEstimate(tensor: PlannedTensor(name: "w", shape: [m, n], spectrum: spectrum),
                                         choice: .lowRank(rank: k, factorBits: bits, groupSize: group))
        let model = estimate.noiseSquaredError!
        XCTAssertEqual(measured / trials, model, accuracy: model * 0.1)
        // And the model's closed form: (c_A + c_B + c_A·c_B)·Σ_{i≤k} σᵢ², with c_A = c_B = c(4, 16) (64 and 96 split evenly).
        let cA = GroupQuantization.noiseFraction(bits: bits, groupLength: group)
        let kept = sigma.prefix(k).reduce(0) { $0 + $1 * $1 }
        XCTAssertEqual(model, (2 * cA + cA * cA) * kept, accuracy: 1e-9 * kept)
        XCTAssertEqual(estimate.residualSquaredError!, sigma.dropFirst(k).reduce(0) { $0 + $1 * $1 }, accuracy: 1e-9)
    }

    func testCalderaAndDenseErrorModels() throws {
        let energy = sigma.reduce(0) { $0 + $1 * $1 }
        let tail2 = sigma.dropFirst(2).reduce(0) { $0 + $1 * $1 }
        // Backbone at 2 bits, groups of min(128, 10) = 10 along the columns; factors at 16 bits add no noise.
        let cQ = GroupQuantization.noiseFraction(bits: 2, groupLength: 10)
        let caldera = try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: 2, factorBits: 16, backboneBits: 2))
        XCTAssertEqual(caldera.squaredError!, cQ * tail2, accuracy: 1e-12)
        XCTAssertEqual(caldera.relativeError!, (cQ * tail2 / energy).squareRoot(), accuracy: 1e-12)
        // Quantized factors: 4 bits in groups of 4, backbone 3 bits. c(b, 4) = (2 + 6u²)/4·ρ₂(4)²/(12·(2^b − 1 − u)²)
        // with u = 1/32 at 4 bits and 1/64 at 3 (see testRmsRangeAndNoiseFractionFormulas), c(b, 2) = 0. A's columns (6 = 4 + 2): c_A = (4/6)·c(4, 4); B's rows and Q's rows (10 = 4 + 4 + 2):
        // c_B = (8/10)·c(4, 4), c_Q = (8/10)·c(3, 4). ε² = c_Q·(tail + c_f·(E − tail)), c_f = c_A + c_B + c_A·c_B.
        let rho4 = 2 * GroupQuantization.inverseNormalCDF(3.5775 / 4.155)
        let (u4, u3) = (1.0 / 32, 1.0 / 64)
        let c44 = (2 + 6 * u4 * u4) / 4 * rho4 * rho4 / (12 * (15 - u4) * (15 - u4))
        let c34 = (2 + 6 * u3 * u3) / 4 * rho4 * rho4 / (12 * (7 - u3) * (7 - u3))
        let (cA, cB, cQ3) = (4.0 / 6 * c44, 0.8 * c44, 0.8 * c34)
        let cF = cA + cB + cA * cB
        let quantized = try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: 2, factorBits: 4, groupSize: 4, backboneBits: 3))
        XCTAssertEqual(quantized.residualSquaredError!, cQ3 * tail2, accuracy: 1e-12)
        XCTAssertEqual(quantized.noiseSquaredError!, cQ3 * cF * (energy - tail2), accuracy: 1e-12)
        // The same factors without a backbone: tail + c_f·(E − tail).
        let lord = try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: 2, factorBits: 4, groupSize: 4))
        XCTAssertEqual(lord.squaredError!, tail2 + cF * (energy - tail2), accuracy: 1e-12)
        // Never worse with more rank, even with coarse factors over a fine backbone.
        for (factorBits, backboneBits) in [(2, 4), (16, 2), (3, 3), (2, nil)] as [(Int, Int?)] {
            let errors = try (0...6).map {
                try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: $0, factorBits: factorBits, groupSize: 4,
                                                                     backboneBits: backboneBits)).squaredError!
            }
            for k in 1...6 { XCTAssertLessThanOrEqual(errors[k], errors[k - 1], "rank \(k), \(factorBits)/\(String(describing: backboneBits))") }
        }
        // Dense 4-bit: c(4, 10)·E, relative √c even without a spectrum.
        let c4 = GroupQuantization.noiseFraction(bits: 4, groupLength: 10)
        XCTAssertEqual(try LayerEstimate(tensor: tensor(), choice: .dense(bits: 4)).squaredError!, c4 * energy, accuracy: 1e-12)
        let bare = PlannedTensor(name: "w", shape: [6, 10], storedBits: 16)
        let bareEstimate = try LayerEstimate(tensor: bare, choice: .dense(bits: 4))
        XCTAssertNil(bareEstimate.squaredError)
        XCTAssertEqual(bareEstimate.relativeError!, c4.squareRoot(), accuracy: 1e-15)
        XCTAssertNil(try LayerEstimate(tensor: bare, choice: .lowRank(rank: 1)).relativeError)
    }

    /// An E8P backbone: one 16-bit code per 8 weights and one F16 scale per row (the bytes
    /// `compress` writes), c_Q = ``BackboneCodebook/e8pNoiseFraction`` in the CALDERA model; at 3 and 4
    /// bits a residual stage adds m·n/8 (signs) or 2·m·n/8 (E8P codes) and a second F16 scale per row,
    /// with c_Q = ``BackboneCodebook/e8pNoiseFraction(bits:)``; only with a multiple of 8 columns.
    func testE8PBackboneBytesAndErrorModel() throws {
        let wide = PlannedTensor(name: "blk.0.w", block: 0, role: "w", kind: .linear, shape: [6, 16], storedBits: 32,
                                 spectrum: Spectrum(tensorName: "blk.0.w", rows: 6, columns: 16, singularValues: sigma))
        let scalar = try LayerEstimate(tensor: wide, choice: .lowRank(rank: 2, factorBits: 4, groupSize: 4, backboneBits: 2))
        let e8p = try LayerEstimate(tensor: wide, choice: .lowRank(rank: 2, factorBits: 4, groupSize: 4, backboneBits: 2, codebook: .e8p))
        let factors = GroupQuantization.factorBytes(rows: 6, columns: 16, rank: 2, bits: 4, groupSize: 4)
        XCTAssertEqual(scalar.bytesAfter, factors + (6 * 16 * 2 + 32 * 6 * 4) / 8)
        XCTAssertEqual(e8p.bytesAfter, factors + 2 * 6 * 2 + 2 * 6)
        XCTAssertEqual(e8p.parametersAfter, scalar.parametersAfter)
        let energy = sigma.reduce(0) { $0 + $1 * $1 }
        let tail2 = sigma.dropFirst(2).reduce(0) { $0 + $1 * $1 }
        let cA = GroupQuantization.noiseFraction(bits: 4, length: 6, groupSize: 4)
        let cB = GroupQuantization.noiseFraction(bits: 4, length: 16, groupSize: 4)
        let cF = cA + cB + cA * cB
        XCTAssertEqual(e8p.squaredError!, 0.092 * (tail2 + cF * (energy - tail2)), accuracy: 1e-12)
        for (bits, codes) in [(3, 6 * 16 * 3 / 8), (4, 6 * 16 * 4 / 8)] {
            let residual = try LayerEstimate(tensor: wide, choice: .lowRank(rank: 2, factorBits: 4, groupSize: 4, backboneBits: bits, codebook: .e8p))
            XCTAssertEqual(residual.bytesAfter, factors + codes + 2 * 2 * 6, "\(bits) bits: codes and two F16 scales per row")
            let cQ = BackboneCodebook.e8pNoiseFraction(bits: bits)
            XCTAssertEqual(residual.squaredError!, cQ * (tail2 + cF * (energy - tail2)), accuracy: 1e-12)
            XCTAssertLessThan(cQ, GroupQuantization.noiseFraction(bits: bits, length: 1024, groupSize: 128), "below groups of 128 at \(bits) bits")
        }
        XCTAssertGreaterThan(BackboneCodebook.e8pNoiseFraction(bits: 3), BackboneCodebook.e8pNoiseFraction(bits: 4))
        XCTAssertLessThan(BackboneCodebook.e8pNoiseFraction(bits: 3), BackboneCodebook.e8pNoiseFraction(bits: 2))
        XCTAssertThrowsError(try LayerEstimate(tensor: wide, choice: .lowRank(rank: 2, backboneBits: 5, codebook: .e8p))) {
            XCTAssertEqual($0 as? PlanError, .unsupportedBackboneBits(tensor: "blk.0.w", bits: 5))
        }
        for bits in [2, 3, 4] {
            XCTAssertThrowsError(try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: 2, backboneBits: bits, codebook: .e8p))) {
                XCTAssertEqual($0 as? PlanError, .e8pNeedsMultipleOfEight(tensor: "blk.0.w", columns: 10))
            }
        }
        // Without a backbone the codebook is moot.
        XCTAssertNoThrow(try LayerEstimate(tensor: tensor(), choice: .lowRank(rank: 2, codebook: .e8p)))
    }

    func testTotalsByBlockAndRole() throws {
        func linear(_ block: Int, _ role: String) -> PlannedTensor {
            PlannedTensor(name: "layers.\(block).\(role).weight", block: block, role: role, shape: [6, 10], storedBits: 16,
                          spectrum: Spectrum(tensorName: "x", rows: 6, columns: 10, singularValues: sigma))
        }
        let tensors = [
            PlannedTensor(name: "embed.weight", kind: .embedding, shape: [100, 10], storedBits: 16),
            linear(0, "q"), linear(0, "up"), linear(1, "q"), linear(1, "up"),
            PlannedTensor(name: "layers.1.norm.weight", block: 1, role: "norm", kind: .norm, shape: [10], storedBits: 16),
        ]
        let choices: [String: LayerChoice] = ["layers.0.q.weight": .lowRank(rank: 2), "layers.1.up.weight": .lowRank(rank: 1, factorBits: 8, groupSize: 4)]
        let totals = try PlanTotals(tensors: tensors, choices: choices)
        // Parameters: 1000 + 4·60 + 10 before; after: q0 → 2·16 = 32, up1 → 16.
        XCTAssertEqual(totals.model.parametersBefore, 1250)
        XCTAssertEqual(totals.model.parametersAfter, 1000 + 32 + 60 + 60 + 16 + 10)
        // Bytes after: embed 2000, q0 64, up0 120, q1 120, up1 8-bit groups of 4: A 6×1: 48 + 2·32 = 112 bits = 14 bytes,
        // B 1×10: 80 + 3·32 = 176 bits = 22 bytes; norm 20.
        XCTAssertEqual(totals.model.bytesAfter, 2000 + 64 + 120 + 120 + 36 + 20)
        XCTAssertEqual(totals.model.bytesBefore, 2500)
        XCTAssertEqual(totals.model.bytesReadAfter, 20 + 64 + 120 + 120 + 36 + 20)
        XCTAssertEqual(totals.byBlock.map(\.block), [nil, 0, 1])
        XCTAssertEqual(totals.byBlock[1].figures.parametersAfter, 32 + 60)
        XCTAssertEqual(totals.byRole.map(\.role), ["embed.weight", "norm", "q", "up"])
        XCTAssertEqual(totals.byRole[2].figures.bytesAfter, 64 + 120)
        // Model error: energy-weighted over the four matrices with spectra.
        let energy = sigma.reduce(0) { $0 + $1 * $1 }
        let e0 = try LayerEstimate(tensor: tensors[1], choice: choices["layers.0.q.weight"]!).squaredError!
        let e3 = try LayerEstimate(tensor: tensors[4], choice: choices["layers.1.up.weight"]!).squaredError!
        XCTAssertEqual(totals.model.relativeError, ((e0 + e3) / (4 * energy)).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(totals.model.meanRelativeError, ((e0 / energy).squareRoot() + (e3 / energy).squareRoot()) / 4, accuracy: 1e-12)
        XCTAssertEqual(totals.model.flopsBefore, 4 * 120)
        XCTAssertEqual(totals.model.flopsAfter, 2 * 2 * 16 + 120 + 120 + 2 * 16)
        XCTAssertThrowsError(try PlanTotals(tensors: tensors, choices: ["layers.0.q.weight": .lowRank(rank: 7)]))
    }
}

final class PlannedTensorTests: XCTestCase {
    func testFromCatalogEntry() throws {
        let info = try XCTUnwrap(TensorInfo(name: "model.layers.3.mlp.up_proj.weight", dtype: .BF16, shape: [12, 8]))
        let entry = CatalogEntry(tensor: CheckpointTensor(info: info, fileIndex: 0))
        let tensor = PlannedTensor(entry: entry, spectrum: nil)
        XCTAssertEqual(tensor.block, 3)
        XCTAssertEqual(tensor.role, "mlp.up_proj")
        XCTAssertEqual(tensor.storedBits, 16)
        XCTAssertEqual(tensor.storedBytes, 192)
        XCTAssertTrue(tensor.isCompressible)
        XCTAssertNil(tensor.squaredNorm)
        let norm = try XCTUnwrap(TensorInfo(name: "model.norm.weight", dtype: .F32, shape: [8]))
        let normTensor = PlannedTensor(entry: CatalogEntry(tensor: CheckpointTensor(info: norm, fileIndex: 0)), spectrum: nil)
        XCTAssertFalse(normTensor.isCompressible)
        XCTAssertEqual(normTensor.storedBytes, 32)
    }
}
