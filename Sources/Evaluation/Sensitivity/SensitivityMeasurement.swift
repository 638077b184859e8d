import Compression
import Foundation
import ModelRuntime
import Planning
import SafeTensors

/// Measures a ``Planning/SensitivityProfile``'s probes: each matrix truncated alone, at each probe
/// rank and factor bit width, exactly as `compress` would write it (``InMemoryCompression``, plain
/// or data-aware with the statistics), its loss measured by a ``LossProbe`` from the matrix's
/// block on.
public struct SensitivityMeasurement {
    /// One compressible matrix to probe.
    public struct Matrix: Sendable {
        /// The tensor name (`….weight`).
        public let name: String
        /// m.
        public let rows: Int
        /// n.
        public let columns: Int
        /// All its singular values, descending (whitened for data-aware truncation): the probes' tail energies.
        public let singularValues: [Double]

        /// A matrix to probe.
        public init(name: String, rows: Int, columns: Int, singularValues: [Double]) {
            self.name = name
            self.rows = rows
            self.columns = columns
            self.singularValues = singularValues
        }

        /// The module path (the name without `.weight`).
        var module: String { String(name.dropLast(".weight".count)) }
    }

    /// The checkpoint the model was loaded from.
    public let checkpoint: Checkpoint
    /// The probe that measures the loss.
    public let probe: LossProbe
    /// Plain (nil) or data-aware truncation.
    public let statistics: ActivationStatistics?
    /// Probe ranks as fractions of min(m, n).
    public let rankFractions: [Double]
    /// Factor bit widths to probe (16 first).
    public let bits: [Int]

    /// Sets up a measurement.
    public init(checkpoint: Checkpoint, probe: LossProbe, statistics: ActivationStatistics?, rankFractions: [Double], bits: [Int]) {
        self.checkpoint = checkpoint
        self.probe = probe
        self.statistics = statistics
        self.rankFractions = rankFractions
        self.bits = bits
    }

    /// The probe ranks of a matrix of full rank `fullRank`: each fraction rounded, at least 1, no repeats.
    public func ranks(fullRank: Int) -> [Int] {
        var seen = Set<Int>()
        return rankFractions.map { SensitivityProfile.probeRank(fraction: $0, fullRank: fullRank) }.filter { seen.insert($0).inserted }
    }

    /// Probes per matrix of full rank `fullRank`.
    public func probeCount(fullRank: Int) -> Int { ranks(fullRank: fullRank).count * bits.count }

    /// How many of `matrix`'s probes `reused` already holds.
    public func reusedCount(_ matrix: Matrix, from reused: SensitivityCache.ReusableProbes) -> Int {
        let ranks = ranks(fullRank: min(matrix.rows, matrix.columns))
        return bits.reduce(0) { sum, width in sum + ranks.filter { reused.point(of: matrix.name, rank: $0, factorBits: width) != nil }.count }
    }

    /// Measures every probe of `matrix` that `reused` does not already hold (those are taken as
    /// they are), telling `progress` after each one measured.
    public func measure(_ matrix: Matrix, reusing reused: SensitivityCache.ReusableProbes = .init(), progress: () -> Void = {},
                        isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> SensitivityProfile.MatrixProbes {
        let fullRank = min(matrix.rows, matrix.columns)
        let tails = SensitivityCurve.relativeTails(matrix.singularValues)
        let settings = LayerCompressionSettings(statistics: statistics)
        var points: [SensitivityProfile.Point] = []
        for width in bits {
            for rank in ranks(fullRank: fullRank) {
                if let point = reused.point(of: matrix.name, rank: rank, factorBits: width) {
                    points.append(point)
                    continue
                }
                let choice = LayerChoice.lowRank(rank: rank, factorBits: width)
                let decoded = try InMemoryCompression.decodedLayers(of: checkpoint, choices: [matrix.name: choice],
                                                                    singularValues: [matrix.name: matrix.singularValues],
                                                                    settings: settings, isCancelled: isCancelled)
                let layer = decoded.layers[matrix.module]!
                let replacement = layer.linearOperator(storedTransposed: probe.model.storesWeightTransposed(matrix.module))
                let measured = try probe.measure(replacing: [matrix.module: replacement])
                points.append(SensitivityProfile.Point(rank: rank, factorBits: width, tailEnergy: tails[min(rank, tails.count - 1)],
                                                       loss: measured.loss, lossIncrease: measured.loss - probe.originalLoss,
                                                       lossIncreaseStandardError: measured.standardError,
                                                       lossIncreaseWindows: measured.windowIncreases))
                progress()
            }
        }
        return SensitivityProfile.MatrixProbes(name: matrix.name, rows: matrix.rows, columns: matrix.columns, points: points)
    }

    /// Measures every matrix of `matrices` truncated at once at `fraction` of its full rank
    /// (``SensitivityProfile/probeRank(fraction:fullRank:)``, the rank its own probe used) with
    /// 16-bit factors: the joint probe the combination rule is fitted to.
    public func measureJoint(_ matrices: [Matrix], fraction: Double, isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> SensitivityProfile.JointProbe {
        let choices = Dictionary(uniqueKeysWithValues: matrices.map { matrix in
            (matrix.name, LayerChoice.lowRank(rank: SensitivityProfile.probeRank(fraction: fraction, fullRank: min(matrix.rows, matrix.columns)), factorBits: 16))
        })
        let decoded = try InMemoryCompression.decodedLayers(of: checkpoint, choices: choices,
                                                            singularValues: Dictionary(uniqueKeysWithValues: matrices.map { ($0.name, $0.singularValues) }),
                                                            settings: LayerCompressionSettings(statistics: statistics), isCancelled: isCancelled)
        let replacements = Dictionary(uniqueKeysWithValues: matrices.map { matrix in
            (matrix.module, decoded.layers[matrix.module]!.linearOperator(storedTransposed: probe.model.storesWeightTransposed(matrix.module)))
        })
        let measured = try probe.measure(replacing: replacements)
        return SensitivityProfile.JointProbe(rankFraction: fraction, factorBits: 16, loss: measured.loss, lossIncrease: measured.loss - probe.originalLoss,
                                             lossIncreaseStandardError: measured.standardError, lossIncreaseWindows: measured.windowIncreases)
    }
}
