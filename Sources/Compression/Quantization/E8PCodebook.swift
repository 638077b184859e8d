/// QuIP#'s 2-bit lattice codebook "E8P" (Tseng et al. 2024): 2^16 codewords in 8 dimensions,
/// one 16-bit code per 8 weights, all of them points of the shifted E8 lattice `E8 + ¼·1`.
///
/// **Construction** (from the paper's description; the table of padding vectors is this
/// implementation's own rule, see below):
/// - the *absolute grid*: the 227 distinct vectors `|x|` for x in `D8 + ½` (half-integer entries
///   with an even sum, a coset of D8 inside E8) with `‖x‖² ≤ 10`, padded to 256 with 29 vectors of
///   norm² 12 having five entries 3/2 and three 1/2 — here the first 29 of the 56 such patterns in
///   increasing lexicographic order (QuIP# lists its own 29; the choice only touches the outermost
///   shell, 7,424 of the 65,536 codewords);
/// - *signs*: every sign pattern `s` with `Σ sᵢ·aᵢ` even (so `s⊙a ∈ D8 + ½ ⊂ E8`): each entry of a
///   is a half-integer, so flipping one sign changes the parity of the sum, and 7 free signs fix
///   the 8th: 2^7 patterns;
/// - *shift*: `±¼` added to every entry.
///
/// **Code layout** (16 bits): bits 0–7 the index of `a` in ``absoluteGrid``, bits 8–14 the signs
/// of entries 0–6 (bit set = negative), bit 15 the shift (clear: +¼, set: −¼). The sign of entry 7
/// is the one that makes `Σ sᵢ·aᵢ` even.
///
/// **Nearest codeword** (``nearest(_:)``), exact: first the nearest point of the whole coset,
/// which is the answer when it is a codeword with a clear margin (``nearestInCoset(_:)``), then a
/// search over classes of permuted absolute vectors (``nearestByClasses(_:)``), else the
/// enumeration (``nearestByEnumeration(_:)``), the reference the other two must agree with: for each shift and each `a`, the best signs
/// follow `y = x ∓ ¼` entry by entry, at squared distance `Σ(|yᵢ| − aᵢ)² = ‖y‖² − 2·Σ|yᵢ|·aᵢ + ‖a‖²`
/// (one dot product per candidate); when their sum has the wrong parity (known from the number of
/// negative entries of y and `Σ 2aᵢ mod 4`), the cheapest single flip costs `minᵢ 4·|yᵢ|·aᵢ`
/// (flipping more signs only adds cost, and any odd number of flips restores parity, one being
/// cheapest). 2·256 candidates of 8 entries each; a candidate already farther than the best so
/// far is skipped before its flip is sought.
enum E8PCodebook {
    /// Entries per code.
    static let dimension = 8
    /// The 256 absolute vectors a, each 8 entries (row-major, 256·8 values).
    static let absoluteGrid: [Double] = {
        var vectors: Set<[Int]> = []  // in units of ½: odd entries
        // x ∈ D8 + ½ with ‖x‖² ≤ 10 and x even-summed: in units of ½, odd entries e with Σe ≡ 0 (mod 4)
        // and Σe² ≤ 40; entries range over ±1, ±3, ±5 (|x| ≤ √10 < 7/2).
        let odd = [-5, -3, -1, 1, 3, 5]
        var entries = [Int](repeating: 0, count: 8)
        func fill(_ position: Int, _ squares: Int) {
            if position == 8 {
                if entries.reduce(0, +) % 4 == 0 { vectors.insert(entries.map(abs)) }
                return
            }
            for value in odd where squares + value * value <= 40 {
                entries[position] = value
                fill(position + 1, squares + value * value)
            }
        }
        fill(0, 0)
        precondition(vectors.count == 227, "the D8 + ½ shell of norm² ≤ 10 has 227 absolute vectors")
        // Five 3/2 and three 1/2, as units of ½: the first 29 patterns in lexicographic order.
        var padding: [[Int]] = []
        for mask in 0..<256 where mask.nonzeroBitCount == 3 {
            padding.append((0..<8).map { mask >> (7 - $0) & 1 == 1 ? 1 : 3 })
        }
        padding.sort { $0.lexicographicallyPrecedes($1) }
        let grid = vectors.sorted { $0.lexicographicallyPrecedes($1) } + padding.prefix(29)
        return grid.flatMap { $0.map { Double($0) / 2 } }
    }()

    /// The codeword of `code` (8 entries).
    static func codeword(_ code: UInt16) -> [Double] {
        [Double](unsafeUninitializedCapacity: dimension) { buffer, count in
            codeword(code, into: buffer.baseAddress!)
            count = dimension
        }
    }

    /// Writes the codeword of `code` to `values[0..<8]`.
    static func codeword(_ code: UInt16, into values: UnsafeMutablePointer<Double>) {
        absoluteGrid.withUnsafeBufferPointer { grid in
            let base = Int(code & 0xFF) * dimension
            // In units of ½ the entries are odd integers, so the sum's parity is exact.
            var twiceSum = 0
            for i in 0..<7 {
                let value = code >> (8 + UInt16(i)) & 1 == 1 ? -grid[base + i] : grid[base + i]
                values[i] = value
                twiceSum += Int(2 * value)
            }
            let last = grid[base + 7]
            values[7] = (twiceSum + Int(2 * last)) & 3 == 0 ? last : -last  // Σ even ⇔ Σ 2aᵢ ≡ 0 (mod 4)
            let shift = code >> 15 == 1 ? -0.25 : 0.25
            for i in 0..<dimension { values[i] += shift }
        }
    }

    /// Every codeword in Float, code by code (2^16 × 8 values, 2 MiB; exact: entries are multiples
    /// of ¼ below 3): the runtime's lookup table for decoding rows (``E8PMatrix/decodeRows(_:into:)``).
    static let codewordTable: [Float] = (0..<(1 << 16)).flatMap { codeword(UInt16($0)).map(Float.init) }

    /// ‖a‖² of each absolute vector.
    private static let absoluteNorms: [Double] = (0..<256).map { index in
        (0..<dimension).reduce(0.0) { $0 + absoluteGrid[index * dimension + $1] * absoluteGrid[index * dimension + $1] }
    }
    /// Σ 2aᵢ mod 4 of each absolute vector (0 or 2: a sum of eight odd numbers). With `k` negative
    /// signs, `Σ sᵢ·2aᵢ ≡ Σ 2aᵢ + 2k (mod 4)` (each flip changes the sum by 2·(odd)), so the
    /// signed sum `Σ sᵢ·aᵢ` is even exactly when `Σ 2aᵢ + 2k ≡ 0 (mod 4)`.
    private static let absoluteParity: [Int] = (0..<256).map { index in
        Int((0..<dimension).reduce(0.0) { $0 + 2 * absoluteGrid[index * dimension + $1] }) % 4
    }

    /// The code of the codeword nearest to `x` (8 entries, squared Euclidean distance), and that
    /// distance: the coset decoder's answer when it settles the question (``nearestInCoset(_:)``,
    /// about three inputs in four), else the class search's (``nearestByClasses(_:)``, nearly all
    /// the others), else the enumeration's; the same code every way.
    static func nearest(_ x: ArraySlice<Double>) -> (code: UInt16, distance: Double) {
        precondition(x.count == dimension, "E8P quantizes 8 entries at a time")
        if let found = x.withUnsafeBufferPointer({ nearestInCoset($0.baseAddress!) ?? nearestByClasses($0.baseAddress!) }) { return found }
        return nearestByEnumeration(x)
    }

    /// ``nearest(_:)`` by the enumeration described above, for every input.
    static func nearestByEnumeration(_ x: ArraySlice<Double>) -> (code: UInt16, distance: Double) {
        precondition(x.count == dimension, "E8P quantizes 8 entries at a time")
        let start = x.startIndex
        var best = (code: UInt16(0), distance: Double.infinity)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: dimension) { magnitude in
            absoluteGrid.withUnsafeBufferPointer { grid in
                for shiftBit in 0..<2 {
                    let shift = shiftBit == 0 ? 0.25 : -0.25
                    var norm = 0.0, negatives = 0
                    var signs = UInt16(shiftBit) << 15
                    for i in 0..<dimension {
                        let y = x[start + i] - shift
                        magnitude[i] = abs(y)
                        norm += y * y
                        if y < 0 {
                            negatives += 1
                            if i < 7 { signs |= 1 << (8 + UInt16(i)) }
                        }
                    }
                    for index in 0..<256 {
                        let base = index * dimension
                        var dot = 0.0
                        for i in 0..<dimension { dot += magnitude[i] * grid[base + i] }
                        // Σ(|yᵢ| − aᵢ)² with the signs of y.
                        var distance = norm - 2 * dot + absoluteNorms[index]
                        guard distance < best.distance else { continue }
                        var code = signs | UInt16(index)
                        if (absoluteParity[index] + 2 * negatives) % 4 != 0 {
                            var cheapest = Double.infinity, cheapestAt = 0
                            for i in 0..<dimension {
                                let flip = 4 * magnitude[i] * grid[base + i]
                                if flip < cheapest { cheapest = flip; cheapestAt = i }
                            }
                            distance += cheapest
                            guard distance < best.distance else { continue }
                            if cheapestAt < 7 { code ^= 1 << (8 + UInt16(cheapestAt)) }  // entry 7's sign follows the parity
                        }
                        best = (code, distance)
                    }
                }
            }
        }
        return best
    }
}
