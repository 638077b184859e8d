import Planning

/// The top of a report about spectra (`spectra --json`, `plan --json`): the checkpoint, whose
/// singular values the figures come from (`spectrum_kind`: `weights` or `data_aware`) and, for
/// data-aware ones, the statistics file.
struct ReportHeader: Encodable {
    let path: String
    let spectrumKind: String
    let statistics: SpectraSource.Statistics?

    init(path: String, source: SpectraSource) {
        self.path = path
        spectrumKind = source.kind
        statistics = source.statistics
    }
}

/// Which matrix a row is about: a `spectra --json` matrix, a `plan --json` layer.
struct MatrixFields: Encodable {
    let name: String
    let block: Int?
    let role: String
    let rows: Int
    let columns: Int
}

/// Parameters and bytes before and after a plan: of a layer, or summed (`Figures`).
struct SizeFields: Encodable {
    let parametersBefore: Int
    let parametersAfter: Int
    let bytesBefore: Int
    let bytesAfter: Int
}

/// How a matrix's spectrum was made: for a data-aware one, its whitening (`cholesky` or
/// `diagonal`) and shift λ; in a plan's rows also its kind (`weights` or `data_aware`, absent
/// when no figure needed a spectrum). Absent keys do not apply (see ``SpectraSource``).
struct SpectrumOriginFields: Encodable {
    let spectrumKind: String?
    let whitening: String?
    let whiteningShift: Double?
    /// True (and present) only when the row's spectrum is a partial estimate (`plan --estimate`).
    let spectrumEstimate: Bool?

    /// The fields of `name` in `source`; `kind` only when the row states it (a plan's rows).
    init(_ name: String, in source: SpectraSource, kind: String? = nil) {
        spectrumKind = kind
        whitening = source.whiteningKind(of: name)
        whiteningShift = source.whiteningShift(of: name)
        spectrumEstimate = source.estimated.contains(name) ? true : nil
    }
}
