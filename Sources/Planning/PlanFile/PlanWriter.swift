import StrictJSON

/// Writes a ``PlanDocument`` as the plan-file text: pretty-printed with two-space indents, keys
/// in a fixed order (format, version, checkpoint, defaults, target, rules, overrides; inside a
/// rule `match` first, then rank, keep_dense, exclude, bits, allow_bits, group_size, backbone_bits, backbone_codebook,
/// dense_bits, floor, lock), a final newline. The same plan always gives the same bytes.
enum PlanWriter {
    static func bytes(of document: PlanDocument) -> [UInt8] {
        JSONWriter.bytes(value(of: document), pretty: true) + [0x0A]
    }

    static func value(of document: PlanDocument) -> JSONValue {
        var top = JSONObject()
        top.append(key: "format", value: .string(PlanDocument.formatName))
        top.append(key: "version", value: integer(PlanDocument.currentVersion))
        if let checkpoint = document.checkpoint {
            top.append(key: "checkpoint", value: .object(JSONObject([
                ("path", .string(checkpoint.path)), ("tensors", integer(checkpoint.tensorCount)),
                ("parameters", integer(checkpoint.parameterCount)), ("fingerprint", .string(checkpoint.fingerprint)),
            ])))
        }
        let defaults = document.defaults
        var defaultsObject = JSONObject([
            ("factor_bits", integer(defaults.factorBits)), ("group_size", integer(defaults.groupSize)),
            ("backbone_bits", defaults.backboneBits.map(integer) ?? .null),
        ])
        // Only when not the scalar default, so plans without E8P keep their bytes.
        if defaults.backboneCodebook != .scalar {
            defaultsObject.append(key: "backbone_codebook", value: .string(defaults.backboneCodebook.rawValue))
        }
        defaultsObject.append(key: "objective", value: .string(defaults.objective.rawValue))
        defaultsObject.append(key: "min_rank", value: minimumRank(defaults.minimumRank))
        top.append(key: "defaults", value: .object(defaultsObject))
        if let target = document.target { top.append(key: "target", value: .object(JSONObject([targetMember(target)]))) }
        top.append(key: "rules", value: .array(document.rules.map { rule in
            var object = JSONObject([("match", .string(rule.pattern))])
            append(rule.settings, to: &object)
            return .object(object)
        }))
        var overrides = JSONObject()
        for override in document.overrides {
            var object = JSONObject()
            append(override.settings, to: &object)
            overrides.append(key: override.tensor, value: .object(object))
        }
        top.append(key: "overrides", value: .object(overrides))
        return .object(top)
    }

    private static func targetMember(_ target: BudgetTarget) -> (String, JSONValue) {
        switch target {
        case .parameters(let count): return ("parameters", integer(count))
        case .parameterShare(let share): return ("parameters", .string(share.text))
        case .bytes(let count): return ("bytes", integer(count))
        case .bitsPerWeight(let bits): return ("bits_per_weight", real(bits))
        case .relativeError(let error): return ("relative_error", real(error))
        }
    }

    private static func append(_ settings: PlanSettings, to object: inout JSONObject) {
        switch settings.action {
        case .rank(.exact(let k))?: object.append(key: "rank", value: integer(k))
        case .rank(.fraction(let f))?: object.append(key: "rank", value: .object(JSONObject([("fraction", real(f))])))
        case .rank(.energy(let e))?: object.append(key: "rank", value: .object(JSONObject([("energy", real(e))])))
        case .keepDense?: object.append(key: "keep_dense", value: .bool(true))
        case .exclude?: object.append(key: "exclude", value: .bool(true))
        case nil: break
        }
        if let bits = settings.factorBits { object.append(key: "bits", value: integer(bits)) }
        if let allowed = settings.allowedBits { object.append(key: "allow_bits", value: .array(allowed.map(integer))) }
        if let size = settings.groupSize { object.append(key: "group_size", value: integer(size)) }
        if let backbone = settings.backboneBits { object.append(key: "backbone_bits", value: backbone.map(integer) ?? .null) }
        if let codebook = settings.backboneCodebook { object.append(key: "backbone_codebook", value: .string(codebook.rawValue)) }
        if let bits = settings.denseBits { object.append(key: "dense_bits", value: integer(bits)) }
        if let floor = settings.floor { object.append(key: "floor", value: integer(floor)) }
        if let lock = settings.lock { object.append(key: "lock", value: .bool(lock)) }
    }

    /// A rank as a number, a share as its text (`"50%u"`).
    private static func minimumRank(_ minimum: MinimumRank) -> JSONValue {
        if case .rank(let k) = minimum { return integer(k) }
        return .string(minimum.description)
    }

    private static func integer(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }

    /// The shortest text that reads back as the same double (finite values only reach here).
    private static func real(_ value: Double) -> JSONValue { JSONNumber(value).map(JSONValue.number) ?? .null }
}
