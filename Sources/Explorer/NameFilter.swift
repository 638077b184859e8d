import Planning

/// The browser's filter: a ``BoundedRegex`` over tensor names (the dialect plan rules and
/// `spectra --filter` use, so a pattern means the same everywhere), matched once per name when
/// it is applied. BoundedRegex never backtracks, so `^(\w+\.?)*$x` costs what `x` costs; its
/// steps are still counted against ``stepBudget`` for all names together, so no pattern the
/// dialect accepts can hold the UI for long.
enum NameFilter {
    /// Steps all names together may take (well under a tenth of a second).
    static let stepBudget = 20_000_000

    /// Why a pattern was refused: one clause from ``BoundedRegexError``.
    enum Refusal: Error, Equatable {
        /// Not a pattern the dialect accepts (syntax, or beyond its limits).
        case invalid(String)
        /// Matching took more than ``stepBudget`` steps.
        case tooSlow(String)
    }

    /// Which of `names` `pattern` matches (anywhere in the name), or why it is refused.
    static func matches(_ pattern: String, in names: [String], steps: Int = stepBudget) -> Result<[Bool], Refusal> {
        let regex: BoundedRegex
        do { regex = try BoundedRegex(pattern) } catch {
            return .failure(.invalid((error as? BoundedRegexError)?.problem ?? "\(error)"))
        }
        var budget = RegexStepBudget(steps: steps)
        var result: [Bool] = []
        result.reserveCapacity(names.count)
        for name in names {
            do { result.append(try regex.matches(name, budget: &budget)) } catch {
                return .failure(.tooSlow((error as? BoundedRegexError)?.problem ?? "\(error)"))
            }
        }
        return .success(result)
    }
}
