import StrictJSON

/// Reads typed fields out of a parsed `tokenizer.json`, turning every wrong shape into a
/// ``TokenizerError/invalid(file:path:problem:)`` that names the file and the dotted path.
struct TokenizerFileReader {
    /// The file's name as shown in messages.
    let file: String

    /// An error for `path` finishing with `problem`.
    func invalid(_ path: String, _ problem: String) -> TokenizerError {
        .invalid(file: file, path: path, problem: problem)
    }

    /// An unsupported-`type` error for `component`.
    func unsupported(_ component: String, _ type: String, _ supported: [String]) -> TokenizerError {
        .unsupported(file: file, component: component, type: type, supported: supported)
    }

    /// The value as an object.
    func object(_ value: JSONValue?, _ path: String) throws -> JSONObject {
        guard let value else { throw invalid(path, "is missing") }
        guard let object = value.objectValue else { throw invalid(path, "must be an object but is \(value.kindDescription)") }
        return object
    }

    /// The value as an array.
    func array(_ value: JSONValue?, _ path: String) throws -> [JSONValue] {
        guard let value else { throw invalid(path, "is missing") }
        guard let array = value.arrayValue else { throw invalid(path, "must be an array but is \(value.kindDescription)") }
        return array
    }

    /// The value as a string.
    func string(_ value: JSONValue?, _ path: String) throws -> String {
        guard let value else { throw invalid(path, "is missing") }
        guard let string = value.stringValue else { throw invalid(path, "must be a string but is \(value.kindDescription)") }
        return string
    }

    /// The value as a string, or `nil` when absent or `null`.
    func optionalString(_ value: JSONValue?, _ path: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        return try string(value, path)
    }

    /// The value as a Boolean, or `fallback` when absent or `null`.
    func bool(_ value: JSONValue?, _ path: String, default fallback: Bool) throws -> Bool {
        guard let value, !value.isNull else { return fallback }
        guard let bool = value.boolValue else { throw invalid(path, "must be true or false but is \(value.kindDescription)") }
        return bool
    }

    /// The value as a Boolean, or `nil` when absent or `null`.
    func optionalBool(_ value: JSONValue?, _ path: String) throws -> Bool? {
        guard let value, !value.isNull else { return nil }
        return try bool(value, path, default: false)
    }

    /// The value as a non-negative integer.
    func count(_ value: JSONValue?, _ path: String) throws -> Int {
        guard let value else { throw invalid(path, "is missing") }
        guard let int = value.intValue, int >= 0 else {
            throw invalid(path, "must be a non-negative integer but is \(value.kindDescription)")
        }
        return int
    }

    /// The value as a non-negative integer, or `fallback` when absent or `null`.
    func count(_ value: JSONValue?, _ path: String, default fallback: Int) throws -> Int {
        guard let value, !value.isNull else { return fallback }
        return try count(value, path)
    }

    /// The value as a token id (a non-negative integer below 2³¹).
    func tokenID(_ value: JSONValue?, _ path: String) throws -> Int {
        let id = try count(value, path)
        guard id <= Int(Int32.max) else { throw invalid(path, "is \(id), larger than a token id can be") }
        return id
    }

    /// The component's `type` member.
    func type(_ object: JSONObject, _ path: String) throws -> String {
        try string(object["type"], path + ".type")
    }
}
