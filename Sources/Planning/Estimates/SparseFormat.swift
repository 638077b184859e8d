/// Storage formats for a matrix pruned unstructured to `nnz` kept values, for comparing pruning
/// with dense low-rank factors at the same parameter count.
///
/// For an m×n matrix, `nnz` kept values of `b` bits each, sizes in bits of the tensor data a
/// file holds (a safetensors header adds its JSON per tensor on top):
/// - ``csr64`` (PyTorch `sparse_csr`, int64 indices): nnz·(b + 64) + 64·(m + 1)
///   — one 64-bit column index per value and m + 1 64-bit row pointers.
/// - ``coo64`` (PyTorch `sparse_coo`, int64 indices): nnz·(b + 128) — a 64-bit row and a 64-bit column index per value.
/// - ``index16`` (SpQR-style 16-bit indices): nnz·(b + 16) + 32·(m + 1)·T with T = ⌈n / 65536⌉
///   — a 16-bit column index per value and m + 1 32-bit row pointers per tile of 65536 columns
///   (T = 1, so nnz·(b + 16) + 32·(m + 1), for every n ≤ 65536, which covers today's LLMs).
/// - ``bitmask`` (compressed-tensors `sparse-bitmask`): nnz·b + 8·m·⌈n/8⌉ + 64·m + 128 — the kept
///   values (`compressed`), a uint8 bitmask of one bit per element with each row padded to whole
///   bytes (`bitmask`, m × ⌈n/8⌉), an int64 offset per row into the values (`row_offsets`) and
///   the int64 shape [m, n] (`shape`).
/// - ``semiStructured24`` (compressed-tensors `sparse-24-bitmask`, 2:4): (m·n/2)·b + 8·m·⌈n/8⌉ + 128
///   — exactly half the values (`compressed`, m × n/2), the same row-padded bitmask as position
///   metadata (2 bits per kept value when 8 divides n) and the int64 shape. Applicable only when
///   n is a multiple of 4 and the density is at most 50%; below 50% the pattern still stores half
///   the values (explicit zeros fill the slots), so the size is the same; above 50% (or n not a
///   multiple of 4) the format does not apply and the size is `nil`.
///
/// The bitmask and 2:4 sizes equal, to the byte, the tensors compressed-tensors writes for the
/// same matrix (checked by writing them with a numpy reimplementation of its documented layout).
///
/// The dense matrix takes m·n·b. **Break-even density versus dense**: the density d = nnz/(m·n)
/// at which the format's size equals m·n·b; below it the format is smaller. For the formats of
/// the form nnz·p + f: d* = (m·n·b − f) / (m·n·p), so CSR (m·n·b − 64(m+1)) / (m·n·(b+64)),
/// COO b / (b + 128), 16-bit (m·n·b − 32(m+1)T) / (m·n·(b+16)), bitmask
/// (m·n·b − 8·m·⌈n/8⌉ − 64·m − 128) / (m·n·b); for 2:4, whose size does not depend on nnz, 0.5
/// when it is smaller than dense there, else never. `nil` means the format is never smaller than dense.
///
/// **Versus dense low-rank factors with the same parameter count** P = nnz: the factors take P·b
/// bits (plus their scales below 16 bits) and need no indices, so no density makes a sparse format
/// smaller; what is reported is the index overhead per kept value (size − nnz·b)/nnz and the rank
/// whose factors fit in the same bits, ⌊size / ((m + n)·b)⌋.
public enum SparseFormat: String, CaseIterable, Sendable {
    /// CSR with 64-bit column indices and row pointers.
    case csr64 = "csr-int64"
    /// COO with 64-bit row and column indices.
    case coo64 = "coo-int64"
    /// 16-bit column indices, 32-bit row pointers (SpQR-style).
    case index16 = "index16"
    /// One presence bit per element plus the kept values.
    case bitmask
    /// 2:4 semi-structured: half the values plus 2-bit metadata per kept value.
    case semiStructured24 = "2:4"

    /// Columns one 16-bit index can address.
    public static let index16TileColumns = 65536
    /// Bits of compressed-tensors' `shape` tensor: [m, n] as int64.
    public static let shapeBits = 2 * 64

    /// Bits of compressed-tensors' bitmask of an m×n matrix: m rows of ⌈n/8⌉ uint8.
    public static func bitmaskBits(rows m: Int, columns n: Int) -> Int { 8 * m * ((n + 7) / 8) }

    /// Size in bits of an m×n matrix with `nonZeros` kept values at `valueBits`, nil when the format does not apply.
    public func bits(rows m: Int, columns n: Int, nonZeros nnz: Int, valueBits b: Int) -> Int? {
        if self == .semiStructured24 {
            guard n % 4 == 0, 2 * nnz <= m * n else { return nil }
            return m * n / 2 * b + SparseFormat.bitmaskBits(rows: m, columns: n) + SparseFormat.shapeBits
        }
        let (perValue, fixed) = linearCost(rows: m, columns: n, valueBits: b)
        return nnz * perValue + fixed
    }

    /// Bytes: ⌈bits / 8⌉.
    public func bytes(rows: Int, columns: Int, nonZeros: Int, valueBits: Int) -> Int? {
        bits(rows: rows, columns: columns, nonZeros: nonZeros, valueBits: valueBits).map { ($0 + 7) / 8 }
    }

    /// For the formats sized nnz·p + f: (p, f). 2:4, whose size does not depend on nnz, is not one of them.
    func linearCost(rows m: Int, columns n: Int, valueBits b: Int) -> (perValue: Int, fixed: Int) {
        switch self {
        case .csr64: return (b + 64, 64 * (m + 1))
        case .coo64: return (b + 128, 0)
        case .index16:
            let tiles = max(1, (n + SparseFormat.index16TileColumns - 1) / SparseFormat.index16TileColumns)
            return (b + 16, 32 * (m + 1) * tiles)
        case .bitmask: return (b, SparseFormat.bitmaskBits(rows: m, columns: n) + 64 * m + SparseFormat.shapeBits)
        case .semiStructured24: return (0, bits(rows: m, columns: n, nonZeros: 0, valueBits: b) ?? 0)
        }
    }

    /// The density at which the format's size equals the dense m·n·b, clamped to [0, 1];
    /// nil when it is never smaller than dense.
    public func breakEvenDensity(rows: Int, columns: Int, valueBits: Int) -> Double? {
        SparseFormat.breakEvenDensity(format: self, shapes: [(rows, columns)], valueBits: valueBits)
    }

    /// The break-even density of a set of matrices pruned to the same density, where the total
    /// size equals the total dense size: (Σ m·n·b − Σ f) / (Σ m·n·p).
    public static func breakEvenDensity(format: SparseFormat, shapes: [(Int, Int)], valueBits b: Int) -> Double? {
        let elements = shapes.reduce(0) { $0 + $1.0 * $1.1 }
        guard elements > 0 else { return nil }
        if format == .semiStructured24 {
            let sizes = shapes.map { format.bits(rows: $0.0, columns: $0.1, nonZeros: 0, valueBits: b) }
            guard sizes.allSatisfy({ $0 != nil }), sizes.reduce(0, { $0 + $1! }) <= elements * b else { return nil }
            return 0.5
        }
        var fixed = 0
        var perValueElements = 0
        for (m, n) in shapes {
            let cost = format.linearCost(rows: m, columns: n, valueBits: b)
            fixed += cost.fixed
            perValueElements += m * n * cost.perValue
        }
        let density = Double(elements * b - fixed) / Double(perValueElements)
        return density < 0 ? nil : min(density, 1)
    }

    /// Index bits per kept value: (size − nnz·b) / nnz; nil when the format does not apply or nnz = 0.
    public func overheadBitsPerValue(rows: Int, columns: Int, nonZeros: Int, valueBits: Int) -> Double? {
        guard nonZeros > 0, let size = bits(rows: rows, columns: columns, nonZeros: nonZeros, valueBits: valueBits) else { return nil }
        return Double(size - nonZeros * valueBits) / Double(nonZeros)
    }

    /// The rank k whose dense factors, k·(m + n) values at `valueBits` (no scales), fit in the
    /// same bits as this format: ⌊size / ((m + n)·b)⌋.
    public func equivalentRank(rows: Int, columns: Int, nonZeros: Int, valueBits: Int) -> Int? {
        bits(rows: rows, columns: columns, nonZeros: nonZeros, valueBits: valueBits).map { $0 / ((rows + columns) * valueBits) }
    }
}
