/// Any JSON value, as produced by ``JSONParser`` and consumed by ``JSONWriter``.
///
/// Numbers keep their literal text (see ``JSONNumber``) and objects keep member order and key
/// positions (see ``JSONObject``), so tools can report exact locations and rewrite files without
/// reordering them.
public indirect enum JSONValue: Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number with its literal text.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object with ordered members.
    case object(JSONObject)

    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The exact integer, if this is a number written as an integer that fits in `Int`
    /// (`1.0` and `1e3` are not integers here; see ``JSONNumber``).
    public var intValue: Int? {
        if case .number(let n) = self { return n.intValue }
        return nil
    }

    /// The number as the nearest `Double`, if this is a number.
    public var doubleValue: Double? {
        if case .number(let n) = self { return n.doubleValue }
        return nil
    }

    /// The number with its literal text, if this is a number.
    public var numberValue: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The Boolean, if this is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The object, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// True when this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value for `key` when this is an object holding it; `nil` otherwise.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// A short name of the value's type (`null`, `a Boolean`, `a number`, `a string`, `an array`,
    /// `an object`), for error messages such as "expected an object but found an array".
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a Boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
