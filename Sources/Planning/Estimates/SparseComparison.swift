/// The size a set of matrices would take if pruned unstructured to a given parameter count, in
/// each ``SparseFormat``, beside their dense and dense low-rank sizes.
///
/// The kept count is spread at one density d = keptParameters / Σ m·n over the matrices; each
/// matrix keeps nnz = round(d·m·n) values (so the sum may differ from the count by rounding, at
/// most half a value per matrix). Sizes are summed per matrix in bits and rounded to bytes once.
public struct SparseComparison: Sendable {
    /// One format's figures.
    public struct Row: Sendable, Equatable {
        /// The format.
        public let format: SparseFormat
        /// Total bytes, nil when the format does not apply at this density.
        public let bytes: Int?
        /// Break-even density versus dense for these matrices, nil if never smaller.
        public let breakEvenDensity: Double?
        /// Bytes / dense-values bytes of the same parameter count (nil when not applicable).
        public let ratioToDenseValues: Double?
    }

    /// Parameters kept.
    public let keptParameters: Int
    /// keptParameters / Σ m·n.
    public let density: Double
    /// Value width of every format, in bits.
    public let valueBits: Int
    /// The unpruned matrices at `valueBits`: Σ m·n·b / 8.
    public let denseBytes: Int
    /// The kept count stored as plain dense values (what low-rank factors of that count take, without scales): ⌈P·b/8⌉.
    public let denseValuesBytes: Int
    /// One row per format, in ``SparseFormat`` order.
    public let rows: [Row]

    /// Compares the formats for `shapes` pruned to `keptParameters` values of `valueBits` bits.
    public init(shapes: [(rows: Int, columns: Int)], keptParameters: Int, valueBits: Int) {
        let elements = shapes.reduce(0) { $0 + $1.rows * $1.columns }
        let density = elements > 0 ? min(1, Double(keptParameters) / Double(elements)) : 0
        self.keptParameters = keptParameters
        self.density = density
        self.valueBits = valueBits
        denseBytes = (elements * valueBits + 7) / 8
        let valuesBytes = (keptParameters * valueBits + 7) / 8
        denseValuesBytes = valuesBytes
        let plainShapes = shapes.map { ($0.rows, $0.columns) }
        rows = SparseFormat.allCases.map { format in
            var total = 0
            var applies = true
            for (m, n) in plainShapes {
                let nnz = Int((density * Double(m * n)).rounded())
                guard let bits = format.bits(rows: m, columns: n, nonZeros: nnz, valueBits: valueBits) else {
                    applies = false
                    break
                }
                total += bits
            }
            let bytes = applies ? (total + 7) / 8 : nil
            return Row(format: format, bytes: bytes,
                       breakEvenDensity: SparseFormat.breakEvenDensity(format: format, shapes: plainShapes, valueBits: valueBits),
                       ratioToDenseValues: bytes.flatMap { valuesBytes > 0 ? Double($0) / Double(valuesBytes) : nil })
        }
    }
}
