import Planning

/// The `rankscope spectra --json` document. Schema:
///
/// ```
/// { "path": String,
///   "spectrum_kind": "weights" | "data_aware",
///   "statistics": { "path": String, "fingerprint": String } (only data_aware),
///   "matrices": [ { "name", "block": Int | null, "role", "dtype", "rows", "columns",
///                   "frobenius_norm", "spectral_norm", "stable_rank", "effective_rank",
///                   "energy_rank_90", "energy_rank_99", "energy_rank_99_9", "break_even_rank",
///                   "from_cache": Bool, "singular_values": [Double] (only with --values),
///                   "whitening": "cholesky" | "diagonal", "whitening_shift": Double (only data_aware) } ],
///   "failures": [ { "name": String, "message": String } ],
///   "details": [ { WeightWatcher's details columns, see MetricsDetails } ] (only with --metrics) }
/// ```
/// Keys marked "only" are left out, not null, when they do not apply.
struct SpectraReport: Encodable {
    struct MatrixFigures: Encodable {
        let name: String
        let block: Int?
        let role: String
        let dtype: String
        let rows: Int
        let columns: Int
        let frobenius_norm: Double
        let spectral_norm: Double
        let stable_rank: Double
        let effective_rank: Double
        let energy_rank_90: Int
        let energy_rank_99: Int
        let energy_rank_99_9: Int
        let break_even_rank: Int
        let from_cache: Bool
        let singular_values: [Double]?
        let whitening: String?
        let whitening_shift: Double?
    }

    struct Failure: Encodable {
        let name: String
        let message: String
    }

    let path: String
    let spectrum_kind: String
    let statistics: SpectraSource.Statistics?
    let matrices: [MatrixFigures]
    let failures: [Failure]
    let details: [MetricsDetails.JSONRow]?

    init(path: String, source: SpectraSource, results: [SpectraCommand.Result], failures: [SpectrumError], includeValues: Bool,
         includeMetrics: Bool = false) {
        details = includeMetrics ? MetricsDetails.rows(results, kind: source.kind).map(MetricsDetails.JSONRow.init) : nil
        self.path = path
        spectrum_kind = source.kind
        statistics = source.statistics
        matrices = results.map { result in
            let summary = result.spectrum.summary
            return MatrixFigures(
                name: result.entry.info.name, block: result.entry.name.block, role: result.entry.name.role,
                dtype: result.entry.info.dtype.rawValue, rows: summary.rows, columns: summary.columns,
                frobenius_norm: summary.frobeniusNorm, spectral_norm: summary.spectralNorm,
                stable_rank: summary.stableRank, effective_rank: summary.effectiveRank,
                energy_rank_90: summary.energyRank90, energy_rank_99: summary.energyRank99,
                energy_rank_99_9: summary.energyRank999, break_even_rank: summary.breakEvenRank,
                from_cache: result.fromCache, singular_values: includeValues ? result.spectrum.singularValues : nil,
                whitening: source.whiteningKind(of: result.entry.info.name),
                whitening_shift: source.whiteningShift(of: result.entry.info.name))
        }
        self.failures = failures.map { Failure(name: $0.tensorName, message: $0.description) }
    }
}
