import StrictJSON

/// Parses and checks plan-file text into a ``PlanDocument``. Everything that can be checked
/// without the checkpoint is checked here (types, keys, bit widths, regular expressions, version);
/// what needs the tensors (names, full ranks) is checked by ``PlanDocument/resolve(tensors:)``.
struct PlanReader {
    let file: String

    static let topKeys = ["format", "version", "checkpoint", "defaults", "target", "rules", "overrides"]
    static let checkpointKeys = ["path", "tensors", "parameters", "fingerprint"]
    static let defaultsKeys = ["factor_bits", "group_size", "backbone_bits", "backbone_codebook", "objective", "min_rank"]
    static let targetKeys = ["parameters", "bytes", "bits_per_weight", "relative_error"]
    static let settingKeys = ["rank", "keep_dense", "exclude", "bits", "allow_bits", "group_size", "backbone_bits", "backbone_codebook", "dense_bits", "lock", "floor"]
    static let ruleKeys = ["match"] + settingKeys
    /// Most rules a plan may hold: applying them costs rules × matrices searches.
    static let maximumRules = 1000
    /// Largest plan file read, 16 MiB (a plan for the largest models is well under 1 MiB).
    static let maximumBytes = 16 << 20

    func read<Bytes: Collection>(_ bytes: Bytes) throws -> PlanDocument where Bytes.Element == UInt8 {
        guard bytes.count <= PlanReader.maximumBytes else { throw PlanReader.tooLarge(file: file, bytes: bytes.count) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch let error as JSONParseError {
            throw PlanFileError(file: file, line: error.position.line, problem: "not valid JSON: \(error.message) (column \(error.position.column))")
        }
        guard let object = value.objectValue else {
            throw PlanFileError(file: file, line: 1, problem: "a plan must be a JSON object, not \(value.kindDescription)")
        }
        let top = try PlanObjectReader(object, file: file, line: 1, name: "the plan", allowedKeys: PlanReader.topKeys)
        guard let format = try top.string("format"), format == PlanDocument.formatName else {
            throw top.error("format", "not a rankscope plan: \"format\" must be \"\(PlanDocument.formatName)\"")
        }
        guard let version = try top.int("version") else {
            throw top.error("format", "the plan has no \"version\"")
        }
        guard version == PlanDocument.currentVersion else {
            throw top.error("version", "plan version \(version) is not supported; this rankscope reads version \(PlanDocument.currentVersion)")
        }
        var document = PlanDocument(file: file)
        if let reader = try top.child("checkpoint", name: "\"checkpoint\"", allowedKeys: PlanReader.checkpointKeys) {
            document.checkpoint = try readCheckpoint(reader)
        }
        if let reader = try top.child("defaults", name: "\"defaults\"", allowedKeys: PlanReader.defaultsKeys) {
            document.defaults = try readDefaults(reader)
        }
        if let reader = try top.child("target", name: "\"target\"", allowedKeys: PlanReader.targetKeys) {
            document.target = try readTarget(reader)
        }
        if let rules = top.value("rules") {
            guard let elements = rules.arrayValue else { throw top.typeError("rules", "an array", found: rules) }
            guard elements.count <= PlanReader.maximumRules else {
                throw top.error("rules", "the plan has \(elements.count) rules; at most \(PlanReader.maximumRules) are allowed")
            }
            for (index, element) in elements.enumerated() {
                let name = "rule \(index + 1)"
                guard let object = element.objectValue, !object.isEmpty else {
                    throw top.error("rules", "\(name) must be an object with a \"match\" key, not \(element.objectValue == nil ? element.kindDescription : "an empty object")")
                }
                let reader = try PlanObjectReader(object, file: file, line: nil, name: name, allowedKeys: PlanReader.ruleKeys)
                document.rules.append(try readRule(reader))
            }
        }
        if let overrides = try top.object("overrides") {
            for member in overrides {
                let name = "the override of \(member.key)"
                guard let object = member.value.objectValue else {
                    throw PlanFileError(file: file, line: member.position?.line,
                                        problem: "\(name) must be an object, not \(member.value.kindDescription)")
                }
                let reader = try PlanObjectReader(object, file: file, line: member.position?.line, name: name,
                                                  allowedKeys: PlanReader.settingKeys)
                document.overrides.append(PlanOverride(tensor: member.key, settings: try readSettings(reader), line: reader.line))
            }
        }
        return document
    }

    /// The error for a plan file of `bytes` bytes, above ``maximumBytes``.
    static func tooLarge(file: String, bytes: Int) -> PlanFileError {
        PlanFileError(file: file, line: nil,
                      problem: "the plan file is \(bytes) bytes; at most \(maximumBytes) (16 MiB) are read, and a plan needs far less")
    }

    private func readCheckpoint(_ reader: PlanObjectReader) throws -> PlanCheckpointReference {
        func required<T>(_ key: String, _ get: (String) throws -> T?) throws -> T {
            guard let value = try get(key) else { throw reader.error(nil, "\"checkpoint\" has no \(JSONWriter.quoted(key))") }
            return value
        }
        return PlanCheckpointReference(path: try required("path", reader.string), tensorCount: try required("tensors", reader.int),
                                       parameterCount: try required("parameters", reader.int),
                                       fingerprint: try required("fingerprint", reader.string))
    }

    private func readDefaults(_ reader: PlanObjectReader) throws -> PlanDefaults {
        var defaults = PlanDefaults()
        if let bits = try factorBits(reader, "factor_bits") { defaults.factorBits = bits }
        if let size = try groupSize(reader) { defaults.groupSize = size }
        if let backbone = try backboneBits(reader) { defaults.backboneBits = backbone }
        if let codebook = try backboneCodebook(reader) { defaults.backboneCodebook = codebook }
        if let name = try reader.string("objective") {
            guard let objective = AllocationObjective(name: name) else {
                throw reader.error("objective", "\"objective\" \(JSONWriter.quoted(name)) is not one of "
                                   + AllocationObjective.allCases.map { JSONWriter.quoted($0.rawValue) }.joined(separator: ", "))
            }
            defaults.objective = objective
        }
        if let value = reader.value("min_rank") {
            let text = value.intValue.map(String.init) ?? value.stringValue
            guard let text, let minimum = MinimumRank.parse(text) else {
                throw reader.error("min_rank", "\"min_rank\" \(JSONWriter.string(value)) is not a minimum rank; write 16, \"10%\" (of full rank), \"50%u\" (of the uniform rank) or \"auto\"")
            }
            defaults.minimumRank = minimum
        }
        return defaults
    }

    private func readTarget(_ reader: PlanObjectReader) throws -> BudgetTarget {
        guard reader.object.count == 1, let member = reader.object.members.first else {
            throw reader.error(nil, "\"target\" must hold exactly one of \(PlanReader.targetKeys.joined(separator: ", "))")
        }
        let key = member.key
        switch key {
        case "parameters", "bytes":
            let parse = key == "parameters" ? QuantityParser.parameterCount : QuantityParser.byteCount
            let count: Int?
            switch member.value {
            case .number(let number): count = number.intValue
            case .string(let text):
                if key == "parameters", let share = ParameterShare.parse(text) { return .parameterShare(share) }
                count = parse(text)
            default: throw reader.typeError(key, "an integer or a string such as \(key == "parameters" ? "\"13.2B\", \"90%\" or \"90%lin\"" : "\"8GB\"")", found: member.value)
            }
            guard let count, count > 0 else {
                throw reader.error(key, "\(JSONWriter.quoted(key)) target \(JSONWriter.string(member.value)) is not a positive whole count")
            }
            return key == "parameters" ? .parameters(count) : .bytes(count)
        case "bits_per_weight":
            let bits = try reader.double(key)!
            guard bits > 0 else { throw reader.error(key, "\"bits_per_weight\" must be above 0") }
            return .bitsPerWeight(bits)
        default:
            let error = try reader.double(key)!
            guard error >= 0, error <= 1 else { throw reader.error(key, "\"relative_error\" must lie in 0…1") }
            return .relativeError(error)
        }
    }

    private func readRule(_ reader: PlanObjectReader) throws -> PlanRule {
        guard let pattern = try reader.string("match") else { throw reader.error(nil, "\(reader.name) has no \"match\"") }
        guard !pattern.isEmpty else { throw reader.error("match", "\"match\" in \(reader.name) is empty; use \".*\" to match every matrix") }
        do {
            _ = try BoundedRegex(pattern)
        } catch let error as BoundedRegexError {
            throw reader.error("match", "\"match\" in \(reader.name), \(JSONWriter.quoted(BoundedRegex.excerpt(pattern))), is not a valid regular expression: \(error.problem)")
        }
        return PlanRule(pattern: pattern, settings: try readSettings(reader), line: reader.line)
    }

    private func readSettings(_ reader: PlanObjectReader) throws -> PlanSettings {
        var settings = PlanSettings()
        let actions = ["rank", "keep_dense", "exclude"].filter { reader.value($0) != nil }
        if actions.count > 1 {
            throw reader.error(actions[1], "\(reader.name) sets both \(actions[0]) and \(actions[1]); give each its own rule")
        }
        if let rank = reader.value("rank") { settings.action = .rank(try rankRule(rank, reader)) }
        for key in ["keep_dense", "exclude"] {
            if let flag = try reader.bool(key) {
                guard flag else { throw reader.error(key, "\"\(key)\" can only be true; remove it, or set a rank in a later rule") }
                settings.action = key == "exclude" ? .exclude : .keepDense
            }
        }
        settings.factorBits = try factorBits(reader, "bits")
        settings.denseBits = try factorBits(reader, "dense_bits")
        settings.allowedBits = try allowedBits(reader)
        settings.groupSize = try groupSize(reader)
        settings.backboneBits = try backboneBits(reader)
        settings.backboneCodebook = try backboneCodebook(reader)
        settings.lock = try reader.bool("lock")
        if let floor = try reader.int("floor") {
            guard floor >= 0 else { throw reader.error("floor", "\"floor\" in \(reader.name) is \(floor); use 0 or more") }
            settings.floor = floor
        }
        return settings
    }

    /// `64`, `{"fraction": 0.25}` or `{"energy": 0.99}`.
    private func rankRule(_ value: JSONValue, _ reader: PlanObjectReader) throws -> RankRule {
        if let k = value.intValue {
            guard k >= 0 else { throw reader.error("rank", "rank \(k) in \(reader.name) is negative; use 0 or more") }
            return .exact(k)
        }
        let expected = "an integer, {\"fraction\": f} or {\"energy\": e}"
        guard let object = value.objectValue, object.count == 1, let member = object.members.first,
              member.key == "fraction" || member.key == "energy" else {
            throw reader.typeError("rank", expected, found: value)
        }
        guard let fraction = member.value.doubleValue, fraction.isFinite else {
            throw reader.error("rank", "the rank \(member.key) in \(reader.name) must be a number, not \(member.value.kindDescription)")
        }
        guard fraction >= 0, fraction <= 1 else {
            throw reader.error("rank", "the rank \(member.key) \(member.value.numberValue?.text ?? "") in \(reader.name) is outside 0…1")
        }
        return member.key == "fraction" ? .fraction(fraction) : .energy(fraction)
    }

    private func factorBits(_ reader: PlanObjectReader, _ key: String) throws -> Int? {
        guard let bits = try reader.int(key) else { return nil }
        guard LayerChoice.supportedFactorBits.contains(bits) else {
            throw reader.error(key, "\(bits) bits (\(JSONWriter.quoted(key)) in \(reader.name)) is not supported; use 16, 8, 4, 3 or 2")
        }
        return bits
    }

    /// `[16, 8, 4]`: supported widths, at least one, kept ascending without repeats.
    private func allowedBits(_ reader: PlanObjectReader) throws -> [Int]? {
        guard let value = reader.value("allow_bits") else { return nil }
        guard let elements = value.arrayValue else { throw reader.typeError("allow_bits", "an array of bit widths", found: value) }
        guard !elements.isEmpty else { throw reader.error("allow_bits", "\"allow_bits\" in \(reader.name) is empty; list at least one bit width") }
        var bits = Set<Int>()
        for element in elements {
            guard let width = element.intValue, LayerChoice.supportedFactorBits.contains(width) else {
                throw reader.error("allow_bits", "\(JSONWriter.string(element)) in \"allow_bits\" of \(reader.name) is not a supported bit width; use 16, 8, 4, 3 or 2")
            }
            bits.insert(width)
        }
        return bits.sorted()
    }

    private func groupSize(_ reader: PlanObjectReader) throws -> Int? {
        guard let size = try reader.int("group_size") else { return nil }
        guard size >= 1 else { throw reader.error("group_size", "\"group_size\" in \(reader.name) is \(size); use 1 or more") }
        return size
    }

    /// nil when absent, else the named ``BackboneCodebook``.
    private func backboneCodebook(_ reader: PlanObjectReader) throws -> BackboneCodebook? {
        guard let name = try reader.string("backbone_codebook") else { return nil }
        guard let codebook = BackboneCodebook(rawValue: name) else {
            throw reader.error("backbone_codebook", "\"backbone_codebook\" \(JSONWriter.quoted(name)) in \(reader.name) is not one of "
                               + BackboneCodebook.allCases.map { JSONWriter.quoted($0.rawValue) }.joined(separator: ", "))
        }
        return codebook
    }

    /// nil: absent; .some(nil): `null`; .some(b): b bits.
    private func backboneBits(_ reader: PlanObjectReader) throws -> Int?? {
        guard let value = reader.value("backbone_bits") else { return nil }
        if value.isNull { return .some(nil) }
        guard let bits = value.intValue else { throw reader.typeError("backbone_bits", "an integer or null", found: value) }
        guard LayerChoice.supportedBackboneBits.contains(bits) else {
            throw reader.error("backbone_bits", "\(bits) backbone bits (in \(reader.name)) is not supported; use 2, 3 or 4, or null")
        }
        return .some(bits)
    }
}
