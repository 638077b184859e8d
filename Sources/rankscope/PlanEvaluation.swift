import Planning

/// Everything `rankscope plan` reports about one plan: the choices (as written, or allocated
/// for a target), their totals, the allocation's comparison with a uniform rank, and the sparse
/// formats at the plan's parameter count.
struct PlanEvaluation {
    /// The target met, nil when the plan was evaluated as written.
    let target: BudgetTarget?
    /// A choice for every compressible matrix.
    let choices: [String: LayerChoice]
    /// Totals of the whole model.
    let totals: PlanTotals
    /// The allocation, when a target was given.
    let allocation: Allocation?
    /// Sparse formats at the plan's parameter count over the compressible matrices, then at any extra count asked.
    let sparse: [SparseComparison]
    /// The compressible matrices' bytes after the plan (the dense low-rank size the formats compare with).
    let lowRankBytes: Int
    /// Their parameters after the plan.
    let lowRankParameters: Int
    /// The defaults used (factor bits are the sparse formats' value width).
    let defaults: PlanDefaults
    /// Rows and columns of every compressible matrix.
    let shapes: [String: (rows: Int, columns: Int)]
    /// WeightWatcher's metrics of every compressible matrix with a spectrum (of the kind the
    /// plan uses), for the cautions (``SpectralCaution``) the report marks.
    let metrics: [String: SpectralMetrics]
    /// The matrices that have a spectrum (those whose error or allocation was asked for).
    let measured: Set<String>

    /// `resolution`: the plan run over `tensors` (``PlanResolution``, as `compress` runs it);
    /// `extraSparseCount`: `--sparse-params`.
    init(tensors: [PlannedTensor], resolution: PlanResolution, extraSparseCount: Int?) throws {
        target = resolution.settings.target
        defaults = resolution.settings.defaults
        allocation = resolution.allocation
        choices = resolution.choices
        totals = try resolution.allocation?.totals ?? PlanTotals(tensors: tensors, choices: resolution.choices)
        let compressibleNames = Set(tensors.filter(\.isCompressible).map(\.name))
        let compressible = totals.estimates.filter { compressibleNames.contains($0.name) }
        lowRankBytes = compressible.reduce(0) { $0 + $1.bytesAfter }
        lowRankParameters = compressible.reduce(0) { $0 + $1.parametersAfter }
        let shapes = tensors.compactMap { tensor in tensor.isCompressible ? tensor.matrixShape : nil }
        self.shapes = Dictionary(uniqueKeysWithValues: tensors.compactMap { tensor in
            tensor.isCompressible ? tensor.matrixShape.map { (tensor.name, $0) } : nil
        })
        let measured = tensors.filter { $0.isCompressible && $0.spectrum != nil }
        self.measured = Set(measured.map(\.name))
        // Heavy-tailed metrics read every singular value: never an estimate's completed tail.
        let exact = measured.filter { $0.spectrum?.isEstimate == false }
        metrics = Dictionary(uniqueKeysWithValues: zip(exact.map(\.name), SpectralMetrics.compute(exact.compactMap(\.spectrum))))
        sparse = ([lowRankParameters] + (extraSparseCount.map { [$0] } ?? [])).map {
            SparseComparison(shapes: shapes, keptParameters: $0, valueBits: resolution.settings.defaults.factorBits)
        }
    }
}
