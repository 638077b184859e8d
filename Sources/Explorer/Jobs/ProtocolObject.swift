import Foundation

/// One line of a child's JSON-lines protocol as an object with its `"event"` name and typed
/// field access: the parsing ``JobLine`` and ``EvaluationLine`` share. Nil for blank or malformed
/// lines and for objects without an event.
struct ProtocolObject {
    /// The `"event"` key.
    let event: String
    private let object: [String: Any]

    /// Parses `line`.
    init?(_ line: String) {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let event = object["event"] as? String else { return nil }
        self.event = event
        self.object = object
    }

    /// The number at `key` as an integer, nil when absent or not a number.
    func int(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }
    /// The number at `key`, nil when absent, null or not a number.
    func double(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
    /// The string at `key`, nil when absent or not a string.
    func string(_ key: String) -> String? { object[key] as? String }
}
