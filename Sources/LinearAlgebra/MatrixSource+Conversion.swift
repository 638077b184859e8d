/// Hot conversion loops: contiguous runs of source elements into `Double` buffers.
///
/// These are the only loops that touch every element of a checkpoint tensor, so they work on raw
/// pointers, switch on the format once per run, and check finiteness with a branch-free
/// reduction; the position of a non-finite element is searched only after one was seen.
extension MatrixSource {
    /// Converts `count` consecutive elements starting at element `(row, column)` into
    /// `destination[0..<count]`, multiplied by `scale` (a power of two, so the scaling is exact).
    ///
    /// - Returns: the column of the first non-finite element in the run, or `nil`.
    ///
    /// Generic over the destination so the single-precision Gram path shares it; callers convert
    /// `f64` sources to `Double` only (a `Float` destination would round them).
    @inline(__always)
    func convertRun<Element: BinaryFloatingPoint>(row: Int, column: Int, count: Int, scale: Double,
                                                  into destination: UnsafeMutablePointer<Element>,
                                                  f16Table: UnsafeBufferPointer<Float>) -> Int? {
        let width = format.byteWidth
        let start = base + (row * columns + column) * width
        var allFinite = true
        switch format {
        case .f64:
            for k in 0..<count {
                let value = start.loadUnaligned(fromByteOffset: k &* 8, as: Double.self)
                allFinite = allFinite && value.isFinite
                destination[k] = Element(value * scale)
            }
        case .f32:
            for k in 0..<count {
                let value = start.loadUnaligned(fromByteOffset: k &* 4, as: Float.self)
                allFinite = allFinite && value.isFinite
                destination[k] = Element(value)
            }
        case .f16:
            for k in 0..<count {
                let bits = start.loadUnaligned(fromByteOffset: k &* 2, as: UInt16.self)
                allFinite = allFinite && (bits & 0x7C00) != 0x7C00
                destination[k] = Element(f16Table[Int(bits)])
            }
        case .bf16:
            for k in 0..<count {
                let bits = start.loadUnaligned(fromByteOffset: k &* 2, as: UInt16.self)
                allFinite = allFinite && (bits & 0x7F80) != 0x7F80
                destination[k] = Element(Float(bitPattern: UInt32(bits) << 16))
            }
        }
        if allFinite { return nil }
        for k in 0..<count where !destination[k].isFinite {
            return column + k
        }
        return nil
    }

    /// Largest absolute value of an `f64` source, or throws at the first non-finite element.
    ///
    /// Used to pick an exact power-of-two scale so that squares and Gram sums of `f64` inputs can
    /// neither overflow nor underflow (narrower formats cannot: their squares fit a `Double`).
    func maximumMagnitudeOfDoubles(isCancelled: () -> Bool) throws -> Double {
        var maximum = 0.0
        for i in 0..<rows {
            if i & 255 == 0, isCancelled() { throw LinearAlgebraError.cancelled }
            let rowStart = base + i * columns * 8
            var rowMaximum = 0.0
            for k in 0..<columns {
                let value = abs(rowStart.loadUnaligned(fromByteOffset: k &* 8, as: Double.self))
                // NaN compares false, so it would be skipped: detect it separately below.
                rowMaximum = value > rowMaximum ? value : rowMaximum
                if !value.isFinite {
                    throw LinearAlgebraError.nonFinite(row: i, column: k)
                }
            }
            maximum = max(maximum, rowMaximum)
        }
        return maximum
    }

    /// An exact power of two that brings `maximum` near 1, or 1 when no rescaling is needed.
    static func scale(forMaximum maximum: Double) -> Double {
        guard maximum > 0, maximum.isFinite else { return 1 }
        // Squares of values in [2^-400, 2^400] and sums of up to 2^60 of them stay normal.
        if maximum < 0x1p-400 || maximum > 0x1p400 {
            let exponent = min(max(-Int(maximum.exponent), -1000), 1000)
            return Double(sign: .plus, exponent: exponent, significand: 1)
        }
        return 1
    }

    /// All elements converted to `Double`, row-major; the storage behind `Matrix.init(_:)` and
    /// `SingularValues.computeExactly`. Written once, without a zero-fill pass first.
    func convertedElements(isCancelled: () -> Bool) throws -> [Double] {
        try convertedElements(as: Double.self, isCancelled: isCancelled)
    }

    /// All elements converted to `Element`, row-major, written once. `Float` holds `f32`, `f16`
    /// and `bf16` values exactly; callers convert `f64` sources to `Double` only.
    func convertedElements<Element: BinaryFloatingPoint>(as type: Element.Type, isCancelled: () -> Bool) throws -> [Element] {
        let count = try validatedElementCount()
        let columns = self.columns
        let rowsPerCheck = max(1, 65_536 / max(columns, 1))
        return try HalfPrecision.f16Table.withUnsafeBufferPointer { table in
            try [Element](unsafeUninitializedCapacity: count) { buffer, initializedCount in
                initializedCount = 0
                guard let start = buffer.baseAddress else { return }
                for row in 0..<rows {
                    if row % rowsPerCheck == 0, isCancelled() { throw LinearAlgebraError.cancelled }
                    if let column = convertRun(row: row, column: 0, count: columns, scale: 1,
                                               into: start + row * columns, f16Table: table) {
                        throw LinearAlgebraError.nonFinite(row: row, column: column)
                    }
                }
                initializedCount = count
            }
        }
    }
}
