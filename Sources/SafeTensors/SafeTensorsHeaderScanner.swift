/// The fast path of ``SafeTensorsHeader/parse(headerBytes:bufferLength:file:)``: reads tensor
/// names, dtypes, shapes and offsets straight from the header bytes, without building a JSON tree.
///
/// It accepts only the plain form writers produce, and only when every check of the strict
/// parse passes; on anything else it returns `nil` and the strict parse runs and reports the
/// problem, so errors never come from here. Accepted: the header begins with `{`; JSON whitespace
/// (space, tab, CR, LF) between tokens and after the closing brace; keys and strings of printable
/// ASCII without escapes; each tensor an object of exactly `dtype` (a known dtype), `shape`
/// (non-negative integers) and `data_offsets` (two), in any order; numbers of at most 18 digits
/// without sign, leading zero, fraction or exponent; at most one `__metadata__`, an object of
/// strings with distinct keys; distinct tensor names; offsets that tile the buffer. Anything else
/// (escapes, non-ASCII names, extra tensor fields, `null`, nesting…) defers.
/// `SafeTensorsHeaderScannerTests` checks that both paths agree on the malformed corpus, the
/// fuzz seeds and mutations of them.
enum SafeTensorsHeaderScanner {
    /// The header, or `nil` when the strict parse must decide.
    static func scan(headerBytes: UnsafeRawBufferPointer, bufferLength: Int) -> SafeTensorsHeader? {
        var cursor = Cursor(bytes: headerBytes)
        guard cursor.take(UInt8(ascii: "{")) else { return nil }
        var tensors: [TensorInfo] = []
        tensors.reserveCapacity(headerBytes.count / 96)
        var names = Set<String>(minimumCapacity: headerBytes.count / 96)
        var metadata: [(key: String, value: String)]?
        cursor.skipWhitespace()
        if !cursor.take(UInt8(ascii: "}")) {
            repeat {
                cursor.skipWhitespace()
                guard let key = cursor.string(), cursor.colon() else { return nil }
                cursor.skipWhitespace()
                if key == "__metadata__" {
                    guard metadata == nil, let pairs = cursor.stringMap() else { return nil }
                    metadata = pairs
                } else {
                    guard let tensor = cursor.tensor(name: key, bufferLength: bufferLength),
                          names.insert(key).inserted else { return nil }
                    tensors.append(tensor)
                }
                cursor.skipWhitespace()
            } while cursor.take(UInt8(ascii: ","))
            guard cursor.take(UInt8(ascii: "}")) else { return nil }
        }
        cursor.skipWhitespace()
        guard cursor.atEnd else { return nil }
        // A layout problem is left to the strict parse, which reports it.
        guard (try? SafeTensorsHeader.checkLayout(tensors, bufferLength: bufferLength,
                                                  fail: { SafeTensorsError(file: "", problem: $0) })) != nil else {
            return nil
        }
        return SafeTensorsHeader(tensors: tensors, orderedMetadata: metadata, headerLength: headerBytes.count,
                                 bufferLength: bufferLength)
    }

    /// A read position in the header bytes; every reader returns `nil`/`false` when the bytes are
    /// not in the accepted form.
    private struct Cursor {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        /// Consumes `byte` if it is next.
        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// Whitespace, `:`, whitespace.
        mutating func colon() -> Bool {
            skipWhitespace()
            return take(UInt8(ascii: ":"))
        }

        /// The raw bytes of a string of printable ASCII without escapes, quotes consumed.
        mutating func stringBytes() -> UnsafeRawBufferPointer? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return UnsafeRawBufferPointer(rebasing: bytes[start..<(index - 1)])
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
                index += 1
            }
            return nil
        }

        mutating func string() -> String? {
            stringBytes().map { String(decoding: $0, as: UTF8.self) }
        }

        /// A non-negative integer of at most 18 digits without a leading zero.
        mutating func integer() -> Int? {
            let start = index
            var value = 0
            while index < bytes.count, case let byte = bytes[index], byte >= 0x30 && byte <= 0x39 {
                // Checked before multiplying: a 19th digit could overflow `Int` and trap.
                if index - start >= 18 { return nil }
                value = value * 10 + Int(byte - 0x30)
                index += 1
            }
            let count = index - start
            guard count > 0, count == 1 || bytes[start] != 0x30 else { return nil }
            if index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): return nil
                default: break
                }
            }
            return value
        }

        /// `[` integers `]`.
        mutating func integers() -> [Int]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var values: [Int] = []
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return values }
            repeat {
                skipWhitespace()
                guard let value = integer() else { return nil }
                values.append(value)
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "]")) ? values : nil
        }

        /// `{` string keys to string values `}`, keys distinct, in order.
        mutating func stringMap() -> [(key: String, value: String)]? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var pairs: [(key: String, value: String)] = []
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return pairs }
            var keys = Set<String>()
            repeat {
                skipWhitespace()
                guard let key = string(), colon() else { return nil }
                skipWhitespace()
                guard let value = string(), keys.insert(key).inserted else { return nil }
                pairs.append((key, value))
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}")) ? pairs : nil
        }

        /// One tensor entry: exactly `dtype`, `shape` and `data_offsets`, valid against the buffer.
        mutating func tensor(name: String, bufferLength: Int) -> TensorInfo? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var dtype: DType?
            var shape: [Int]?
            var offsets: [Int]?
            repeat {
                skipWhitespace()
                guard let field = stringBytes(), colon() else { return nil }
                skipWhitespace()
                switch Field(field) {
                case .dtype?:
                    guard dtype == nil, let text = string(), let known = DType(rawValue: text) else { return nil }
                    dtype = known
                case .shape?:
                    guard shape == nil, let dimensions = integers() else { return nil }
                    shape = dimensions
                case .dataOffsets?:
                    guard offsets == nil, let pair = integers(), pair.count == 2 else { return nil }
                    offsets = pair
                case nil:
                    return nil
                }
                skipWhitespace()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")), let dtype, let shape, let offsets else { return nil }
            let (begin, end) = (offsets[0], offsets[1])
            guard end <= bufferLength, begin <= end,
                  let info = TensorInfo(name: name, dtype: dtype, shape: shape, dataBegin: begin),
                  info.dataEnd == end else { return nil }
            return info
        }
    }

    /// The tensor fields the scanner reads.
    private enum Field {
        case dtype, shape, dataOffsets

        init?(_ bytes: UnsafeRawBufferPointer) {
            if bytes.elementsEqual("dtype".utf8) { self = .dtype }
            else if bytes.elementsEqual("shape".utf8) { self = .shape }
            else if bytes.elementsEqual("data_offsets".utf8) { self = .dataOffsets }
            else { return nil }
        }
    }
}
