import StrictJSON

/// Reads one object of a plan file: rejects unknown keys and turns each value into the type it
/// must have, with errors naming the line of the key.
struct PlanObjectReader {
    let object: JSONObject
    let file: String
    /// The line of the object itself (its key in the parent, or its first member).
    let line: Int?
    /// What the object is, for messages: `the plan`, `rule 2`, `the override of x.weight`.
    let name: String

    init(_ object: JSONObject, file: String, line: Int?, name: String, allowedKeys: [String]) throws {
        self.object = object
        self.file = file
        self.line = line ?? object.members.first?.position?.line
        self.name = name
        for member in object where !allowedKeys.contains(member.key) {
            throw PlanFileError(file: file, line: member.position?.line ?? line,
                                problem: "unknown key \(JSONWriter.quoted(member.key)) in \(name); expected one of \(allowedKeys.joined(separator: ", "))")
        }
    }

    /// The line of `key` (the object's line when absent).
    func line(of key: String) -> Int? {
        object.memberIndex(forKey: key).flatMap { object.members[$0].position?.line } ?? line
    }

    /// An error at `key`'s line (or the object's).
    func error(_ key: String?, _ problem: String) -> PlanFileError {
        PlanFileError(file: file, line: key.map(line(of:)) ?? line, problem: problem)
    }

    /// A wrong-type error: `"bits" in rule 2 must be an integer, not a string`.
    func typeError(_ key: String, _ expected: String, found: JSONValue) -> PlanFileError {
        error(key, "\(JSONWriter.quoted(key)) in \(name) must be \(expected), not \(found.kindDescription)")
    }

    func value(_ key: String) -> JSONValue? { object[key] }

    func require(_ key: String) throws -> JSONValue {
        guard let value = object[key] else { throw error(nil, "\(name) has no \(JSONWriter.quoted(key))") }
        return value
    }

    func int(_ key: String) throws -> Int? {
        guard let value = object[key] else { return nil }
        guard let int = value.intValue else { throw typeError(key, "an integer", found: value) }
        return int
    }

    func double(_ key: String) throws -> Double? {
        guard let value = object[key] else { return nil }
        guard let double = value.doubleValue, double.isFinite else { throw typeError(key, "a number", found: value) }
        return double
    }

    func string(_ key: String) throws -> String? {
        guard let value = object[key] else { return nil }
        guard let string = value.stringValue else { throw typeError(key, "a string", found: value) }
        return string
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = object[key] else { return nil }
        guard let bool = value.boolValue else { throw typeError(key, "true or false", found: value) }
        return bool
    }

    func object(_ key: String) throws -> JSONObject? {
        guard let value = object[key] else { return nil }
        guard let object = value.objectValue else { throw typeError(key, "an object", found: value) }
        return object
    }

    /// A child reader for the object under `key`.
    func child(_ key: String, name: String, allowedKeys: [String]) throws -> PlanObjectReader? {
        guard let object = try object(key) else { return nil }
        return try PlanObjectReader(object, file: file, line: line(of: key), name: name, allowedKeys: allowedKeys)
    }
}
