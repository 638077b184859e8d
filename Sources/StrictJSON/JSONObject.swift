/// A JSON object that keeps its members in document order, with the position of every key.
///
/// Lookups by key are linear for small objects and go through a hash index once the object
/// holds more than a few members, so both the many tiny objects of a safetensors header and
/// its one huge top-level object stay cheap. When duplicate keys were allowed while parsing,
/// ``subscript(_:)`` returns the last value, as Python's `json` and Rust's `serde_json` do.
///
/// Equality compares keys and values in order and ignores source positions, so a document
/// equals itself after a write/parse round trip.
public struct JSONObject: Equatable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    /// One `"key": value` pair of an object.
    public struct Member: Equatable, Sendable {
        /// The member's key.
        public var key: String
        /// The member's value.
        public var value: JSONValue
        /// Where the key starts in the parsed document (its opening quote); `nil` for members
        /// built in code.
        public var position: SourcePosition?

        /// Creates a member.
        public init(key: String, value: JSONValue, position: SourcePosition? = nil) {
            self.key = key
            self.value = value
            self.position = position
        }

        /// Members are equal when key and value are; positions are ignored.
        public static func == (lhs: Member, rhs: Member) -> Bool {
            lhs.key == rhs.key && lhs.value == rhs.value
        }
    }

    /// Objects with more members than this get a hash index for lookups.
    private static let indexThreshold = 8

    /// The members in document order.
    public private(set) var members: [Member]
    /// Key → position in `members` of its last occurrence; only kept for larger objects.
    private var index: [String: Int]?

    /// Creates an empty object.
    public init() {
        members = []
        index = nil
    }

    /// Creates an object from members in the given order.
    public init(members: [Member]) {
        self.members = []
        self.index = nil
        self.members.reserveCapacity(members.count)
        for member in members { append(member) }
    }

    /// Creates an object from `(key, value)` pairs in the given order.
    public init(_ pairs: [(String, JSONValue)]) {
        self.init(members: pairs.map { Member(key: $0.0, value: $0.1) })
    }

    /// Creates an object from a dictionary literal, keeping the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// The keys in document order (a duplicated key appears as often as it occurs).
    public var keys: [String] { members.map(\.key) }

    /// The number of members.
    public var count: Int { members.count }

    /// True when the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// Iterates over the members in document order.
    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// The index in ``members`` of the last member with `key`, if any.
    public func memberIndex(forKey key: String) -> Int? {
        if let index { return index[key] }
        var i = members.count - 1
        while i >= 0 {
            if members[i].key == key { return i }
            i -= 1
        }
        return nil
    }

    /// True when a member has `key`.
    public func contains(key: String) -> Bool { memberIndex(forKey: key) != nil }

    /// The value for `key` (the last one if the key is duplicated). Setting replaces the
    /// value in place (keeping its position in the order), appends a new member, or with
    /// `nil` removes every member with that key.
    public subscript(key: String) -> JSONValue? {
        get { memberIndex(forKey: key).map { members[$0].value } }
        set {
            if let newValue {
                if let i = memberIndex(forKey: key) {
                    members[i].value = newValue
                } else {
                    append(Member(key: key, value: newValue))
                }
            } else if memberIndex(forKey: key) != nil {
                let kept = members.filter { $0.key != key }
                self = JSONObject(members: kept)
            }
        }
    }

    /// Appends a member at the end, even when its key is already present.
    public mutating func append(_ member: Member) {
        members.append(member)
        if index != nil {
            index?[member.key] = members.count - 1
        } else if members.count > JSONObject.indexThreshold {
            var built = [String: Int](minimumCapacity: members.count * 2)
            for (i, m) in members.enumerated() { built[m.key] = i }
            index = built
        }
    }

    /// Appends `key: value` at the end, even when `key` is already present.
    public mutating func append(key: String, value: JSONValue) {
        append(Member(key: key, value: value))
    }

    /// Objects are equal when they hold the same keys and values in the same order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members == rhs.members
    }
}
