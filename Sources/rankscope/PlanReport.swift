import Planning

/// The `rankscope plan --json` document (schema in docs/planning.md).
/// Keys whose value does not apply (a block outside blocks, a rank of a dense matrix, no
/// target, no allocation, the statistics and whitening of plain spectra) are left out rather
/// than written as null. `spectrum_kind` says which spectra the errors come from (see
/// ``SpectraSource``).
struct PlanReport: Encodable {
    /// Sums over a set of tensors.
    struct Figures: Encodable {
        let tensors: Int
        let parameters_before: Int
        let parameters_after: Int
        let bytes_before: Int
        let bytes_after: Int
        let bytes_read_before: Int
        let bytes_read_after: Int
        let flops_before: Int
        let flops_after: Int
        let bits_per_weight: Double
        let relative_error: Double
        let mean_relative_error: Double
        let squared_error: Double
        let squared_norm: Double
        let unknown_error_count: Int
        let memory_bound_speedup: Double
        let compute_bound_speedup: Double

        init(_ f: PlanFigures) {
            tensors = f.tensorCount
            parameters_before = f.parametersBefore
            parameters_after = f.parametersAfter
            bytes_before = f.bytesBefore
            bytes_after = f.bytesAfter
            bytes_read_before = f.bytesReadBefore
            bytes_read_after = f.bytesReadAfter
            flops_before = f.flopsBefore
            flops_after = f.flopsAfter
            bits_per_weight = f.bitsPerWeight
            relative_error = f.relativeError
            mean_relative_error = f.meanRelativeError
            squared_error = f.squaredError
            squared_norm = f.squaredNorm
            unknown_error_count = f.unknownErrorCount
            memory_bound_speedup = f.memoryBoundSpeedup
            compute_bound_speedup = f.computeBoundSpeedup
        }
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

    struct Choice: Encodable {
        let kind: String
        let rank: Int?
        let factor_bits: Int?
        let dense_bits: Int?
        let group_size: Int
        let backbone_bits: Int?

        init(_ choice: LayerChoice) {
            switch choice {
            case let .dense(bits, groupSize):
                kind = "dense"
                rank = nil
                factor_bits = nil
                dense_bits = bits
                group_size = groupSize
                backbone_bits = nil
            case let .lowRank(rank, factorBits, groupSize, backboneBits):
                kind = "low_rank"
                self.rank = rank
                factor_bits = factorBits
                dense_bits = nil
                group_size = groupSize
                backbone_bits = backboneBits
            }
        }
    }

    struct Layer: Encodable {
        let name: String
        let block: Int?
        let role: String
        let rows: Int
        let columns: Int
        let choice: Choice
        let constraint: String
        let floor: Int?
        let decided_by: String
        let parameters_before: Int
        let parameters_after: Int
        let bytes_before: Int
        let bytes_after: Int
        let relative_error: Double?
        let spectrum_kind: String?
        let whitening: String?
        let whitening_shift: Double?
        let alpha: Double?
        let num_spikes: Int?
        let caution: String?
    }

    struct Format: Encodable {
        let format: String
        let bytes: Int?
        let break_even_density: Double?
        let ratio_to_dense_values: Double?
    }

    struct Sparse: Encodable {
        let kept_parameters: Int
        let density: Double
        let value_bits: Int
        let low_rank_bytes: Int?
        let dense_values_bytes: Int
        let unpruned_bytes: Int
        let formats: [Format]
    }

    struct Target: Encodable {
        let kind: String
        let value: Double
    }

    struct Uniform: Encodable {
        let fraction: Double
        let parameters_after: Int
        let bytes_after: Int
        let relative_error: Double
        let proxy_error: Double?
    }

    struct AllocationFigures: Encodable {
        let multiplier: Double
        let fill_moves: Int
        let is_uniform: Bool
        let objective: String
        let min_rank: String
        let proxy_error: Double
        let loss: String?
        let predicted_loss_increase: Double?
        let uniform_predicted_loss_increase: Double?
        let error_improvement: Double?
        let size_improvement: Double?
        let uniform: Uniform?
    }

    struct Defaults: Encodable {
        let factor_bits: Int
        let group_size: Int
        let backbone_bits: Int?
        let objective: String
        let min_rank: String
    }

    let path: String
    let spectrum_kind: String
    let statistics: SpectraSource.Statistics?
    let plan_file: String?
    let target: Target?
    let defaults: Defaults
    let totals: Totals
    let layers: [Layer]
    let sparse: [Sparse]
    let allocation: AllocationFigures?
    /// With `--sensitivity`: the predicted quality of the plan and the uniform plan.
    let prediction: PredictionReport?
    let warnings: [String]

    init(path: String, planFile: String?, evaluation: PlanEvaluation, resolved: ResolvedPlan, source: SpectraSource = .weights,
         prediction: PredictionReport? = nil) {
        self.path = path
        self.prediction = prediction
        spectrum_kind = source.kind
        statistics = source.statistics
        plan_file = planFile
        target = evaluation.target.map(PlanReport.target)
        let d = evaluation.defaults
        defaults = Defaults(factor_bits: d.factorBits, group_size: d.groupSize, backbone_bits: d.backboneBits,
                            objective: d.objective.rawValue, min_rank: d.minimumRank.description)
        let totals = evaluation.totals
        self.totals = Totals(model: Figures(totals.model),
                             blocks: totals.byBlock.map { BlockFigures(block: $0.block, figures: Figures($0.figures)) },
                             roles: totals.byRole.map { RoleFigures(role: $0.role, figures: Figures($0.figures)) })
        layers = totals.estimates.compactMap { estimate in
            guard let constraint = resolved.constraints[estimate.name] else { return nil }  // compressible matrices only
            let choice = evaluation.choices[estimate.name] ?? .keep
            let (kind, floor): (String, Int?)
            switch constraint {
            case .free(let f): (kind, floor) = ("free", f)
            case .locked: (kind, floor) = ("locked", nil)
            case .excluded: (kind, floor) = ("excluded", nil)
            }
            return Layer(name: estimate.name, block: estimate.block, role: estimate.role,
                         rows: evaluation.shapes[estimate.name]?.rows ?? 0, columns: evaluation.shapes[estimate.name]?.columns ?? 0,
                         choice: Choice(choice), constraint: kind, floor: floor,
                         decided_by: evaluation.allocation != nil && kind == "free" ? "allocator" : (resolved.decidedBy[estimate.name] ?? .defaults).description,
                         parameters_before: estimate.parametersBefore, parameters_after: estimate.parametersAfter,
                         bytes_before: estimate.bytesBefore, bytes_after: estimate.bytesAfter, relative_error: estimate.relativeError,
                         spectrum_kind: source.kind(of: estimate.name, hasSpectrum: evaluation.measured.contains(estimate.name)),
                         whitening: source.whiteningKind(of: estimate.name), whitening_shift: source.whiteningShift(of: estimate.name),
                         alpha: evaluation.metrics[estimate.name]?.alpha, num_spikes: evaluation.metrics[estimate.name]?.spikeCount,
                         caution: evaluation.metrics[estimate.name].map { SpectralCaution(metrics: $0).rawValue })
        }
        sparse = evaluation.sparse.map { comparison in
            Sparse(kept_parameters: comparison.keptParameters, density: comparison.density, value_bits: comparison.valueBits,
                   low_rank_bytes: comparison.keptParameters == evaluation.lowRankParameters ? evaluation.lowRankBytes : nil,
                   dense_values_bytes: comparison.denseValuesBytes, unpruned_bytes: comparison.denseBytes,
                   formats: comparison.rows.map {
                       Format(format: $0.format.rawValue, bytes: $0.bytes, break_even_density: $0.breakEvenDensity,
                              ratio_to_dense_values: $0.ratioToDenseValues)
                   })
        }
        allocation = evaluation.allocation.map { allocation in
            AllocationFigures(multiplier: allocation.multiplier, fill_moves: allocation.fillMoves, is_uniform: allocation.isUniform,
                              objective: allocation.objective.rawValue, min_rank: allocation.minimumRank.description,
                              proxy_error: allocation.proxyError, loss: allocation.prediction?.lossDescription,
                              predicted_loss_increase: allocation.prediction?.lossIncrease,
                              uniform_predicted_loss_increase: allocation.prediction?.uniformLossIncrease,
                              error_improvement: allocation.errorImprovement, size_improvement: allocation.sizeImprovement,
                              uniform: allocation.uniform.map {
                                  Uniform(fraction: $0.fraction, parameters_after: $0.totals.model.parametersAfter,
                                          bytes_after: $0.totals.model.bytesAfter, relative_error: $0.totals.model.relativeError,
                                          proxy_error: allocation.uniformProxyError)
                              })
        }
        warnings = resolved.warnings
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
