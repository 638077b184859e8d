import SafeTensors

/// What a data-aware spectrum was whitened with, cached beside it as the vector `[kind, λ]`
/// (kind 1 for Cholesky, 0 for diagonal) under the tensor's name followed by ` whitening`. A
/// space cannot occur in the checkpoint tensor names the cache is asked about in practice, and a
/// data-aware spectrum without this record is recomputed.
extension SpectrumCache {
    /// The whitening recorded beside `tensorName`'s spectrum by `method`, if a valid record is there.
    func whitening(of tensorName: String, in file: FileIdentity, method: String) -> WhiteningSummary? {
        guard let record = singularValues(of: Self.whiteningRecordName(tensorName), in: file, method: method),
              record.count == 2, record[0] == 0 || record[0] == 1, record[1].isFinite, record[1] >= 0 else { return nil }
        return WhiteningSummary(kind: record[0] == 1 ? .cholesky : .diagonal, shift: record[1])
    }

    /// Records `whitening` beside `tensorName`'s spectrum by `method`.
    func store(_ whitening: WhiteningSummary, of tensorName: String, in file: FileIdentity, method: String) {
        store([whitening.kind == .cholesky ? 1 : 0, whitening.shift], of: Self.whiteningRecordName(tensorName), in: file, method: method)
    }

    static func whiteningRecordName(_ tensorName: String) -> String { tensorName + " whitening" }
}
