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
struct SpectraReport: ReportObject {
    /// One matrix: which (``MatrixFields``), its spectrum's figures and how it was whitened.
    struct Matrix: ReportObject {
        let matrix: MatrixFields
        let figures: Figures
        let origin: SpectrumOriginFields
        var parts: [any Encodable] { [matrix, figures, origin] }
    }

    /// The figures of one spectrum (``Planning/SpectrumSummary``) and where it came from.
    struct Figures: Encodable {
        let dtype: String
        let frobeniusNorm: Double
        let spectralNorm: Double
        let stableRank: Double
        let effectiveRank: Double
        let energyRank90: Int
        let energyRank99: Int
        let energyRank99_9: Int
        let breakEvenRank: Int
        let fromCache: Bool
        let singularValues: [Double]?
    }

    struct Failure: Encodable {
        let name: String
        let message: String
    }

    struct Contents: Encodable {
        let matrices: [Matrix]
        let failures: [Failure]
        let details: [MetricsDetails.JSONRow]?
    }

    let header: ReportHeader
    let contents: Contents
    var parts: [any Encodable] { [header, contents] }

    init(path: String, source: SpectraSource, results: [SpectraCommand.Result], failures: [SpectrumError], includeValues: Bool,
         includeMetrics: Bool = false) {
        header = ReportHeader(path: path, source: source)
        let matrices = results.map { result in
            let summary = result.spectrum.summary, name = result.entry.info.name
            return Matrix(
                matrix: MatrixFields(name: name, block: result.entry.name.block, role: result.entry.name.role,
                                     rows: summary.rows, columns: summary.columns),
                figures: Figures(dtype: result.entry.info.dtype.rawValue, frobeniusNorm: summary.frobeniusNorm,
                                 spectralNorm: summary.spectralNorm, stableRank: summary.stableRank,
                                 effectiveRank: summary.effectiveRank, energyRank90: summary.energyRank90,
                                 energyRank99: summary.energyRank99, energyRank99_9: summary.energyRank999,
                                 breakEvenRank: summary.breakEvenRank, fromCache: result.fromCache,
                                 singularValues: includeValues ? result.spectrum.singularValues : nil),
                origin: SpectrumOriginFields(name, in: source))
        }
        contents = Contents(matrices: matrices, failures: failures.map { Failure(name: $0.tensorName, message: $0.description) },
                            details: includeMetrics ? MetricsDetails.rows(results, kind: source.kind).map(MetricsDetails.JSONRow.init) : nil)
    }
}
