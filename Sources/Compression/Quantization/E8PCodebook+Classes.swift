/// The second path of ``E8PCodebook/nearest(_:)``, for inputs the coset decoder leaves open:
/// the nearest codeword class by class instead of vector by vector.
///
/// The 256 absolute vectors fall into classes of permutations of one multiset of values (all ½;
/// one 3/2 and seven ½; …). The 227 vectors of norm² ≤ 10 make 7 *complete* classes (every
/// permutation of the multiset is in the grid); the 29 padding vectors are part of one class.
/// For an absolute vector a, ``E8PCodebook/nearestByEnumeration(_:)`` scores
/// `c(a) = Σ(mᵢ − aᵢ)² + [parity wrong]·minⱼ 4·mⱼ·aⱼ` with `m = |y|`, `y = x ∓ ¼`, and whether the
/// parity is wrong depends only on the class (Σ2aᵢ mod 4 is the same for every permutation) and
/// on y. Over a complete class the minimum of `c` needs no enumeration: by the rearrangement
/// inequality `Σ(mᵢ − aᵢ)²` is smallest when the largest m meets the largest a, and a flip of entry
/// j is the same as scoring `−mⱼ` in its place, which then meets the smallest a. So with m sorted
/// in descending order and a descending, one dot product when the parity is right and eight
/// (prefix and suffix sums) when it is wrong give the class's best codeword. The padding class is
/// enumerated vector by vector, only when a lower bound (its own rearrangement bound) does not
/// already exclude it.
///
/// **Same code as the enumeration.** As for the coset path, this answers only when its codeword
/// beats every other candidate by more than `1e-9·(1 + ‖x‖²)`: the next best candidate of any class
/// and either shift (every flip position is a candidate), and, inside the winning class, every
/// other permutation (an exchange across two adjacent sorted positions holding different values
/// of a costs `2·(m₍ᵢ₎ − m₍ᵢ₊₁₎)·(a₍ᵢ₎ − a₍ᵢ₊₁₎)`, and any other permutation at least as much).
/// Anything closer, and non-finite input, goes to the enumeration.
extension E8PCodebook {
    /// The classes of ``absoluteGrid``, flat: the values of the 7 complete classes in descending
    /// order (8 each), their `‖a‖²` and `Σ 2aᵢ mod 4`; the 29 vectors of the incomplete padding
    /// class by index, with its values sorted, norm and parity.
    struct AbsoluteClasses {
        var values: [Double] = []
        var norms: [Double] = []
        var parities: [Int] = []
        var padding: [Int] = []
        var paddingValues: [Double] = []
        var paddingNorm = 0.0
        var paddingParity = 0
    }

    static let absoluteClasses: AbsoluteClasses = {
        var groups: [[Double]: [Int]] = [:]
        for index in 0..<256 {
            let values = (0..<dimension).map { absoluteGrid[index * dimension + $0] }
            groups[values.sorted(by: >), default: []].append(index)
        }
        var table = AbsoluteClasses()
        for (values, indices) in groups.sorted(by: { $0.value[0] < $1.value[0] }) {
            var permutations = 40320  // 8!, divided by the factorial of each value's multiplicity
            for value in Set(values) { permutations /= (1...values.filter { $0 == value }.count).reduce(1, *) }
            let norm = values.reduce(0) { $0 + $1 * $1 }, parity = Int(values.reduce(0) { $0 + 2 * $1 }) % 4
            if indices.count == permutations {
                table.values += values
                table.norms.append(norm)
                table.parities.append(parity)
            } else {
                precondition(table.padding.isEmpty, "one incomplete class")
                table.padding = indices.sorted()
                table.paddingValues = values
                table.paddingNorm = norm
                table.paddingParity = parity
            }
        }
        precondition(table.norms.count == 7 && table.padding.count == 29, "E8P's grid: 7 complete classes and 29 padding vectors")
        return table
    }()

    /// The code of the nearest codeword and its squared distance when the class search settles it
    /// with a clear margin (see above); nil when the enumeration must decide.
    static func nearestByClasses(_ x: UnsafePointer<Double>) -> (code: UInt16, distance: Double)? {
        var norm = 0.0
        for i in 0..<dimension { norm += x[i] * x[i] }
        guard norm.isFinite else { return nil }
        let tolerance = 1e-9 * (1 + norm)
        return absoluteClasses.values.withUnsafeBufferPointer { table in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 8 * dimension) { scratch in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * dimension) { order in
                    searchClasses(x, tolerance: tolerance, table: table.baseAddress!, scratch: scratch.baseAddress!, order: order.baseAddress!)
                }
            }
        }
    }

    /// ``nearestByClasses(_:)`` with its tables and scratch space: `table` the complete classes'
    /// values (``AbsoluteClasses/values``), `scratch` 64 doubles, `order` 16 integers.
    private static func searchClasses(_ x: UnsafePointer<Double>, tolerance: Double, table: UnsafePointer<Double>,
                                      scratch: UnsafeMutablePointer<Double>, order: UnsafeMutablePointer<Int>) -> (code: UInt16, distance: Double)? {
        let classes = absoluteClasses
        let magnitudes = scratch                         // |y| per shift: [shift·8 + i]
        let sorted = magnitudes + 2 * dimension          // |y| descending, per shift
        let prefix = magnitudes + 4 * dimension, suffix = magnitudes + 5 * dimension
        let sequence = magnitudes + 6 * dimension        // the winner's m in pairing order
        let assigned = magnitudes + 7 * dimension        // the winner's absolute vector
        for i in 0..<(2 * dimension) { order[i] = i % dimension }  // entries by magnitude, per shift
        var norms = (0.0, 0.0), signs: (UInt16, UInt16) = (0, 0), negatives = (0, 0)
        // The best candidate: distance, shift, class (−1: a padding vector, then `flip` is its index), flip position (−1: none).
        var best = (distance: Double.infinity, shift: 0, type: 0, flip: 0), second = Double.infinity
        func consider(_ distance: Double, _ shift: Int, _ type: Int, _ flip: Int) {
            if distance < best.distance {
                second = best.distance
                best = (distance, shift, type, flip)
            } else if distance < second {
                second = distance
            }
        }
        for shift in 0..<2 {
            let offset = shift * dimension
            var squares = 0.0, count = 0, bits: UInt16 = 0
            for i in 0..<dimension {
                let y = x[i] - (shift == 0 ? 0.25 : -0.25)
                magnitudes[offset + i] = abs(y)
                squares += y * y
                if y < 0 {
                    count += 1
                    if i < 7 { bits |= 1 << (8 + UInt16(i)) }
                }
            }
            if shift == 0 { norms.0 = squares; signs.0 = bits; negatives.0 = count } else { norms.1 = squares; signs.1 = bits; negatives.1 = count }
            // Insertion sort of the entries by magnitude, descending (ties keep index order).
            for i in 1..<dimension {
                let entry = order[offset + i]
                var j = i
                while j > 0, magnitudes[offset + order[offset + j - 1]] < magnitudes[offset + entry] {
                    order[offset + j] = order[offset + j - 1]
                    j -= 1
                }
                order[offset + j] = entry
            }
            for i in 0..<dimension { sorted[offset + i] = magnitudes[offset + order[offset + i]] }
            let m = sorted + offset
            for type in 0..<classes.norms.count {
                let a = table + type * dimension
                if (classes.parities[type] + 2 * count) % 4 == 0 {
                    var dot = 0.0
                    for i in 0..<dimension { dot += m[i] * a[i] }
                    consider(squares - 2 * dot + classes.norms[type], shift, type, -1)
                } else {
                    // Flip at sorted position j: m₍ᵢ₎ meets a₍ᵢ₎ before j, a₍ᵢ₋₁₎ after, −m₍ⱼ₎ meets a₍₈₎.
                    prefix[0] = 0
                    for j in 0..<(dimension - 1) { prefix[j + 1] = prefix[j] + m[j] * a[j] }
                    suffix[dimension - 1] = 0
                    for j in stride(from: dimension - 1, to: 0, by: -1) { suffix[j - 1] = suffix[j] + m[j] * a[j - 1] }
                    for j in 0..<dimension {
                        let dot = prefix[j] + suffix[j] - m[j] * a[dimension - 1]
                        consider(squares - 2 * dot + classes.norms[type], shift, type, j)
                    }
                }
            }
        }
        // The padding vectors, one by one, unless their class's rearrangement bound rules them out.
        let padding = classes.padding, values = classes.paddingValues
        let paddingNorm = classes.paddingNorm, paddingParity = classes.paddingParity
        for shift in 0..<2 {
            let offset = shift * dimension, squares = shift == 0 ? norms.0 : norms.1, count = shift == 0 ? negatives.0 : negatives.1
            var bound = 0.0
            for i in 0..<dimension { bound += sorted[offset + i] * values[i] }
            // Without a flip the rearrangement pairing is the class's best; a flip only adds cost.
            guard squares - 2 * bound + paddingNorm <= best.distance + 2 * tolerance else { continue }
            let wrongParity = (paddingParity + 2 * count) % 4 != 0
            for index in padding {
                var dot = 0.0, cheapest = Double.infinity, next = Double.infinity
                for i in 0..<dimension {
                    let product = magnitudes[offset + i] * absoluteGrid[index * dimension + i]
                    dot += product
                    if 4 * product < cheapest { next = cheapest; cheapest = 4 * product } else if 4 * product < next { next = 4 * product }
                }
                let distance = squares - 2 * dot + paddingNorm
                if wrongParity {
                    consider(distance + cheapest, shift, -1, index)
                    consider(distance + next, shift, -1, -1)  // the second-cheapest flip: only a rival
                } else {
                    consider(distance, shift, -1, index)
                }
            }
        }
        guard second - best.distance > tolerance else { return nil }
        let offset = best.shift * dimension
        var code = UInt16(best.shift) << 15 | (best.shift == 0 ? signs.0 : signs.1)
        if best.type < 0 {
            // A padding vector: its signs follow y, and a wrong parity flips its cheapest entry (first of equals).
            let index = best.flip, count = best.shift == 0 ? negatives.0 : negatives.1
            if (paddingParity + 2 * count) % 4 != 0 {
                var cheapest = Double.infinity, at = 0
                for i in 0..<dimension {
                    let flip = 4 * magnitudes[offset + i] * absoluteGrid[index * dimension + i]
                    if flip < cheapest { cheapest = flip; at = i }
                }
                if at < 7 { code ^= 1 << (8 + UInt16(at)) }
            }
            return (code | UInt16(index), best.distance)
        }
        // A complete class: its values in pairing order, checked against every exchange.
        let a = table + best.type * dimension, flip = best.flip
        for i in 0..<dimension {
            let position = flip < 0 || i < flip ? i : (i == flip ? dimension - 1 : i - 1)
            assigned[order[offset + i]] = a[position]
            sequence[position] = i == flip ? -sorted[offset + i] : sorted[offset + i]
        }
        for i in 0..<(dimension - 1) where a[i] != a[i + 1] {
            guard 2 * (sequence[i] - sequence[i + 1]) * (a[i] - a[i + 1]) > tolerance else { return nil }
        }
        var key = 0
        for i in 0..<dimension { key = key << 2 | Int(assigned[i] - 0.5) }
        let index = absoluteIndex[key]
        guard index >= 0 else { return nil }
        if flip >= 0, order[offset + flip] < 7 { code ^= 1 << (8 + UInt16(order[offset + flip])) }
        return (code | UInt16(index), best.distance)
    }
}
