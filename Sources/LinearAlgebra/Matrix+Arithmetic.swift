/// Element-wise sums and differences of equally shaped matrices.
extension Matrix {
    /// `left + right`, element-wise.
    ///
    /// - Precondition: both have the same shape (like adding arrays of different lengths, a bug).
    public static func + (left: Matrix, right: Matrix) -> Matrix {
        combine(left, right, +)
    }

    /// `left − right`, element-wise.
    ///
    /// - Precondition: both have the same shape.
    public static func - (left: Matrix, right: Matrix) -> Matrix {
        combine(left, right, -)
    }

    /// ‖self − reference‖_F / ‖reference‖_F; 0 when both are zero, ∞ when only the reference is.
    public func relativeDistance(to reference: Matrix) -> Double {
        let difference = (self - reference).frobeniusNorm
        let norm = reference.frobeniusNorm
        if norm == 0 { return difference == 0 ? 0 : .infinity }
        return difference / norm
    }

    private static func combine(_ left: Matrix, _ right: Matrix, _ operation: (Double, Double) -> Double) -> Matrix {
        precondition(left.rows == right.rows && left.columns == right.columns,
                     "cannot combine \(left.rows)×\(left.columns) with \(right.rows)×\(right.columns)")
        var result = left
        for index in result.elements.indices {
            result.elements[index] = operation(left.elements[index], right.elements[index])
        }
        return result
    }
}
