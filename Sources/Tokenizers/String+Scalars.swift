/// Scalar-exact helpers for decoders: no canonical-equivalence matching, no lossy decoding.
extension String {
    /// The string with every non-overlapping occurrence of `target` (compared by scalars,
    /// not by canonical equivalence) replaced.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let needle = ScalarText.scalars(target)
        if needle.isEmpty { return self }
        return ScalarText.string(Normalizer.replace(.literal(needle), ScalarText.scalars(replacement)).apply(ScalarText.scalars(self)))
    }

    /// The bytes as a string when they are valid UTF-8.
    init?(validatingUTF8Bytes bytes: [UInt8]) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var view = String.UnicodeScalarView()
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let c): view.append(c)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        self = String(view)
    }
}
