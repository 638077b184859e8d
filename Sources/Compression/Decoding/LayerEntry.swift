import Planning
import SafeTensors
import StrictJSON

/// One layer of the `rankscope` section of an output's `config.json` (``ConfigSection``), read back:
/// `method`, `rank`, `bits`, `group_size`, `backbone_bits`, `backbone_codebook`, `dtype`, `shape` and `incoherence_seed`.
struct LayerEntry {
    /// Which tensors hold the weight (for a folder not written with `--dense`).
    let form: StoredLayout.Form
    /// The dtype of unquantized outputs.
    let dtype: DType
    /// [m, n], nil when the entry predates the key.
    let shape: [Int]?
    /// `incoherence_seed`: the stored CALDERA parts are of `U·W·Vᵀ` (``Incoherence``); nil without.
    let incoherenceSeed: UInt64?

    /// Reads `value`, the entry of `module` in `file`.
    ///
    /// - Throws: ``DecodingError/malformedEntry(file:module:reason:)``.
    init(_ value: JSONValue, module: String, file: String) throws {
        func failure(_ reason: String) -> DecodingError { .malformedEntry(file: file, module: module, reason: reason) }
        guard case .object(let object) = value else { throw failure("it is not an object") }
        func integer(_ key: String) throws -> Int? {
            guard let member = object[key], member != .null else { return nil }
            guard case .number(let number) = member, let value = number.intValue, value >= 0 else {
                throw failure("\"\(key)\" is not a non-negative integer")
            }
            return value
        }
        guard case .string(let method)? = object["method"] else { throw failure("it has no \"method\"") }
        guard let bits = try integer("bits"), let groupSize = try integer("group_size"), groupSize >= 1 else {
            throw failure("it lacks \"bits\" or a positive \"group_size\"")
        }
        guard case .string(let typeName)? = object["dtype"], let dtype = DType(rawValue: typeName), [.F32, .F16, .BF16].contains(dtype) else {
            throw failure("its \"dtype\" is not F32, F16 or BF16")
        }
        let quantizable = 2...8
        switch method {
        case "dense":
            guard bits >= 16 || quantizable.contains(bits) else { throw failure("\(bits) bits is not a quantized width (2–8) or 16 and more") }
            form = bits >= 16 ? .plain : .quantized(bits: bits, groupSize: groupSize)
        case "rank", "caldera":
            guard let rank = try integer("rank"), rank >= 0 else { throw failure("it has no \"rank\" of 0 or more") }
            guard bits >= 16 || quantizable.contains(bits) else { throw failure("\(bits) factor bits is not a quantized width (2–8) or 16") }
            let backbone = try integer("backbone_bits")
            if method == "caldera" {
                guard let backbone, quantizable.contains(backbone) else { throw failure("a caldera layer needs \"backbone_bits\" 2–8") }
            }
            var codebook = BackboneCodebook.scalar
            if let member = object["backbone_codebook"], member != .null {
                guard method == "caldera", case .string(let name) = member, let known = BackboneCodebook(rawValue: name) else {
                    throw failure("its \"backbone_codebook\" is not \"scalar\" or \"e8p\" on a caldera layer")
                }
                codebook = known
            }
            form = .factors(rank: rank, bits: bits, groupSize: groupSize, backboneBits: method == "caldera" ? backbone : nil,
                            backboneCodebook: codebook)
        default:
            throw failure("method \"\(method)\" is not rank, caldera or dense")
        }
        self.dtype = dtype
        incoherenceSeed = try integer("incoherence_seed").map { UInt64($0) }
        if let member = object["shape"] {
            guard case .array(let items) = member, items.count == 2,
                  case .number(let m) = items[0], case .number(let n) = items[1],
                  let rows = m.intValue, let columns = n.intValue, rows >= 1, columns >= 1 else {
                throw failure("\"shape\" is not [rows, columns]")
            }
            shape = [rows, columns]
        } else {
            shape = nil
        }
    }
}
