import Planning

/// The `rankscope plan --json` document (schema in docs/planning.md).
/// Keys whose value does not apply (a block outside blocks, a rank of a dense matrix, no
/// target, no allocation, the statistics and whitening of plain spectra) are left out rather
/// than written as null. `spectrum_kind` says which spectra the errors come from (see
/// ``SpectraSource``).
struct PlanReport: ReportObject {
    /// Sums over a set of tensors (the model, a block, a role): ``SizeFields`` and ``Sums``.
    struct Figures: ReportObject {
        let sizes: SizeFields
        let sums: Sums
        var parts: [any Encodable] { [sizes, sums] }

        init(_ f: PlanFigures) {
            sizes = SizeFields(parametersBefore: f.parametersBefore, parametersAfter: f.parametersAfter,
                               bytesBefore: f.bytesBefore, bytesAfter: f.bytesAfter)
            sums = Sums(tensors: f.tensorCount, bytesReadBefore: f.bytesReadBefore, bytesReadAfter: f.bytesReadAfter,
                        flopsBefore: f.flopsBefore, flopsAfter: f.flopsAfter, bitsPerWeight: f.bitsPerWeight,
                        relativeError: f.relativeError, meanRelativeError: f.meanRelativeError, squaredError: f.squaredError,
                        squaredNorm: f.squaredNorm, unknownErrorCount: f.unknownErrorCount,
                        estimatedErrorCount: f.estimatedErrorCount > 0 ? f.estimatedErrorCount : nil,
                        memoryBoundSpeedup: f.memoryBoundSpeedup, computeBoundSpeedup: f.computeBoundSpeedup)
        }
    }

    /// The figures of ``PlanFigures`` besides sizes: traffic, work, errors, speed-ups.
    struct Sums: Encodable {
        let tensors: Int
        let bytesReadBefore: Int
        let bytesReadAfter: Int
        let flopsBefore: Int
        let flopsAfter: Int
        let bitsPerWeight: Double
        let relativeError: Double
        let meanRelativeError: Double
        let squaredError: Double
        let squaredNorm: Double
        let unknownErrorCount: Int
        /// `plan --estimate`: matrices whose error here is an upper bound from a partial spectrum (left out when none).
        let estimatedErrorCount: Int?
        let memoryBoundSpeedup: Double
        let computeBoundSpeedup: Double
    }

    struct BlockFigures: Encodable {
        let block: Int?
        let figures: Figures
    }

    struct RoleFigures: Encodable {
        let role: String
        let figures: Figures
    }

    struct Totals: Encodable {
        let model: Figures
        let blocks: [BlockFigures]
        let roles: [RoleFigures]
    }

    /// A ``Planning/LayerChoice``: `dense` at some bits, or `low_rank` with its widths.
    struct Choice: Encodable {
        let kind: String
        let rank: Int?
        let factorBits: Int?
        let denseBits: Int?
        let groupSize: Int
        let backboneBits: Int?
        /// `"e8p"` for an E8P backbone; absent for a scalar one or none.
        let backboneCodebook: String?

        init(_ choice: LayerChoice) {
            switch choice {
            case let .dense(bits, groupSize):
                (kind, rank, factorBits, denseBits, self.groupSize, backboneBits) = ("dense", nil, nil, bits, groupSize, nil)
                backboneCodebook = nil
            case let .lowRank(rank, factorBits, groupSize, backboneBits, codebook):
                (kind, self.rank, self.factorBits, denseBits, self.groupSize, self.backboneBits) = ("low_rank", rank, factorBits, nil, groupSize, backboneBits)
                backboneCodebook = backboneBits != nil && codebook != .scalar ? codebook.rawValue : nil
            }
        }
    }

    /// One compressible matrix: which (``MatrixFields``), what the plan decided and why, its sizes
    /// (``SizeFields``), and its spectrum's kind and whitening (``SpectrumOriginFields``).
    struct Layer: ReportObject {
        let matrix: MatrixFields
        let decision: Decision
        let sizes: SizeFields
        let origin: SpectrumOriginFields
        var parts: [any Encodable] { [matrix, decision, sizes, origin] }
    }

    /// A layer's choice, how it was bound and decided, its error and heavy-tail figures.
    struct Decision: Encodable {
        let choice: Choice
        let constraint: String
        let floor: Int?
        let decidedBy: String
        let relativeError: Double?
        let alpha: Double?
        let numSpikes: Int?
        let caution: String?
    }

    struct Format: Encodable {
        let format: String
        let bytes: Int?
        let breakEvenDensity: Double?
        let ratioToDenseValues: Double?
    }

    struct Sparse: Encodable {
        let keptParameters: Int
        let density: Double
        let valueBits: Int
        let lowRankBytes: Int?
        let denseValuesBytes: Int
        let unprunedBytes: Int
        let formats: [Format]
    }

    struct Target: Encodable {
        let kind: String
        let value: Double
    }

    struct Uniform: Encodable {
        let fraction: Double
        let parametersAfter: Int
        let bytesAfter: Int
        let relativeError: Double
        let proxyError: Double?
    }

    struct AllocationFigures: Encodable {
        let multiplier: Double
        let fillMoves: Int
        let isUniform: Bool
        let objective: String
        let minRank: String
        let proxyError: Double
        let loss: String?
        let predictedLossIncrease: Double?
        let uniformPredictedLossIncrease: Double?
        let errorImprovement: Double?
        let sizeImprovement: Double?
        let uniform: Uniform?
    }

    struct Defaults: Encodable {
        let factorBits: Int
        let groupSize: Int
        let backboneBits: Int?
        let objective: String
        let minRank: String
    }

    /// Everything below the ``ReportHeader``.
    struct Contents: Encodable {
        let planFile: String?
        let target: Target?
        let defaults: Defaults
        let totals: Totals
        let layers: [Layer]
        let sparse: [Sparse]
        let allocation: AllocationFigures?
        /// With `--sensitivity`: the predicted quality of the plan and the uniform plan.
        let prediction: PredictionReport?
        /// With `--measure`: the uniform plan(s) and the allocated plan, predicted and measured (docs/evaluation.md).
        let comparison: [PlanMeasurement.Report]?
        let warnings: [String]
    }

    let header: ReportHeader
    let contents: Contents
    var parts: [any Encodable] { [header, contents] }

    init(path: String, planFile: String?, evaluation: PlanEvaluation, resolved: ResolvedPlan, source: SpectraSource = .weights,
         prediction: PredictionReport? = nil, comparison: [PlanMeasurement.Report]? = nil) {
        header = ReportHeader(path: path, source: source)
        let d = evaluation.defaults
        let totals = evaluation.totals
        let layers = totals.estimates.compactMap { estimate -> Layer? in
            guard let constraint = resolved.constraints[estimate.name] else { return nil }  // compressible matrices only
            let name = estimate.name
            let (kind, floor): (String, Int?)
            switch constraint {
            case .free(let f): (kind, floor) = ("free", f)
            case .locked: (kind, floor) = ("locked", nil)
            case .excluded: (kind, floor) = ("excluded", nil)
            }
            let metrics = evaluation.metrics[name]
            let decision = Decision(choice: Choice(evaluation.choices[name] ?? .keep), constraint: kind, floor: floor,
                                    decidedBy: evaluation.allocation != nil && kind == "free" ? "allocator" : (resolved.decidedBy[name] ?? .defaults).description,
                                    relativeError: estimate.relativeError, alpha: metrics?.alpha, numSpikes: metrics?.spikeCount,
                                    caution: metrics.map { SpectralCaution(metrics: $0).rawValue })
            return Layer(matrix: MatrixFields(name: name, block: estimate.block, role: estimate.role,
                                              rows: evaluation.shapes[name]?.rows ?? 0, columns: evaluation.shapes[name]?.columns ?? 0),
                         decision: decision,
                         sizes: SizeFields(parametersBefore: estimate.parametersBefore, parametersAfter: estimate.parametersAfter,
                                           bytesBefore: estimate.bytesBefore, bytesAfter: estimate.bytesAfter),
                         origin: SpectrumOriginFields(name, in: source, kind: source.kind(of: name, hasSpectrum: evaluation.measured.contains(name))))
        }
        let sparse = evaluation.sparse.map { comparison in
            Sparse(keptParameters: comparison.keptParameters, density: comparison.density, valueBits: comparison.valueBits,
                   lowRankBytes: comparison.keptParameters == evaluation.lowRankParameters ? evaluation.lowRankBytes : nil,
                   denseValuesBytes: comparison.denseValuesBytes, unprunedBytes: comparison.denseBytes,
                   formats: comparison.rows.map {
                       Format(format: $0.format.rawValue, bytes: $0.bytes, breakEvenDensity: $0.breakEvenDensity,
                              ratioToDenseValues: $0.ratioToDenseValues)
                   })
        }
        let allocation = evaluation.allocation.map { allocation in
            AllocationFigures(multiplier: allocation.multiplier, fillMoves: allocation.fillMoves, isUniform: allocation.isUniform,
                              objective: allocation.objective.rawValue, minRank: allocation.minimumRank.description,
                              proxyError: allocation.proxyError, loss: allocation.prediction?.lossDescription,
                              predictedLossIncrease: allocation.prediction?.lossIncrease,
                              uniformPredictedLossIncrease: allocation.prediction?.uniformLossIncrease,
                              errorImprovement: allocation.errorImprovement, sizeImprovement: allocation.sizeImprovement,
                              uniform: allocation.uniform.map {
                                  Uniform(fraction: $0.fraction, parametersAfter: $0.totals.model.parametersAfter,
                                          bytesAfter: $0.totals.model.bytesAfter, relativeError: $0.totals.model.relativeError,
                                          proxyError: allocation.uniformProxyError)
                              })
        }
        contents = Contents(planFile: planFile, target: evaluation.target.map(PlanReport.target),
                            defaults: Defaults(factorBits: d.factorBits, groupSize: d.groupSize, backboneBits: d.backboneBits,
                                               objective: d.objective.rawValue, minRank: d.minimumRank.description),
                            totals: Totals(model: Figures(totals.model),
                                           blocks: totals.byBlock.map { BlockFigures(block: $0.block, figures: Figures($0.figures)) },
                                           roles: totals.byRole.map { RoleFigures(role: $0.role, figures: Figures($0.figures)) }),
                            layers: layers, sparse: sparse, allocation: allocation, prediction: prediction,
                            comparison: comparison, warnings: resolved.warnings)
    }

    private static func target(_ target: BudgetTarget) -> Target {
        switch target {
        case .parameters(let count): return Target(kind: "parameters", value: Double(count))
        case .parameterShare(let share): return Target(kind: share.ofLinear ? "parameters_percent_of_linear" : "parameters_percent", value: share.percent)
        case .bytes(let count): return Target(kind: "bytes", value: Double(count))
        case .bitsPerWeight(let bits): return Target(kind: "bits_per_weight", value: bits)
        case .relativeError(let error): return Target(kind: "relative_error", value: error)
        }
    }
}
