/// Orders strings the way people expect names with numbers to be ordered:
/// `layers.2` before `layers.10`.
public enum NaturalOrder {
    /// True when `a` sorts before `b`, comparing runs of digits by numeric value.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        var left = Array(a.utf8)[...]
        var right = Array(b.utf8)[...]
        while let l = left.first, let r = right.first {
            if isDigit(l) && isDigit(r) {
                let leftRun = left.prefix(while: isDigit)
                let rightRun = right.prefix(while: isDigit)
                let leftDigits = leftRun.drop(while: { $0 == UInt8(ascii: "0") })
                let rightDigits = rightRun.drop(while: { $0 == UInt8(ascii: "0") })
                if leftDigits.count != rightDigits.count { return leftDigits.count < rightDigits.count }
                if !leftDigits.elementsEqual(rightDigits) { return leftDigits.lexicographicallyPrecedes(rightDigits) }
                if leftRun.count != rightRun.count { return leftRun.count < rightRun.count }
                left = left.dropFirst(leftRun.count)
                right = right.dropFirst(rightRun.count)
            } else {
                if l != r { return l < r }
                left = left.dropFirst()
                right = right.dropFirst()
            }
        }
        return left.isEmpty && !right.isEmpty
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
