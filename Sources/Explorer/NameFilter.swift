import Foundation

/// The browser's filter: a regular expression over tensor names, matched once per name when it
/// is applied, with its matching bounded in time so a backtracking pattern such as
/// `^(\w+\.?)*$x` cannot pin the UI (it would take minutes). The time is checked through
/// `NSRegularExpression`'s progress reports, which ICU makes during a long match, so a single
/// slow name is stopped inside its match, not after it.
enum NameFilter {
    /// The time all names together may take (seconds).
    static let budget: TimeInterval = 0.25

    /// Why a pattern was refused.
    enum Refusal: Error, Equatable {
        /// Not a regular expression.
        case invalid
        /// Matching took longer than the budget.
        case tooSlow
    }

    /// Which of `names` `pattern` matches (anywhere in the name), or why it is refused, within
    /// `budget` seconds for all names together.
    static func matches(_ pattern: String, in names: [String], budget: TimeInterval = budget) -> Result<[Bool], Refusal> {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return .failure(.invalid) }
        let deadline = Date().addingTimeInterval(budget)
        var result: [Bool] = []
        result.reserveCapacity(names.count)
        for name in names {
            var found = false, late = false
            regex.enumerateMatches(in: name, options: [.reportProgress], range: NSRange(name.startIndex..., in: name)) { match, _, stop in
                if match != nil {
                    found = true
                    stop.pointee = true
                } else if Date() > deadline {
                    late = true
                    stop.pointee = true
                }
            }
            if late || (!found && Date() > deadline) { return .failure(.tooSlow) }
            result.append(found)
        }
        return .success(result)
    }
}
