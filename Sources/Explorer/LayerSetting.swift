import Planning

/// What the user decided for one table row: the plan choice, and whether a budget allocation
/// may change it (free), must leave it as is (locked), or keeps the matrix as stored (excluded).
public struct LayerSetting: Hashable, Sendable {
    /// How a budget allocation treats the row.
    public enum Mark: Hashable, Sendable {
        /// The allocator picks the rank.
        case free
        /// The choice stands as is.
        case locked
        /// Kept as stored, whatever the choice says.
        case excluded
    }

    /// The choice as last set (kept while excluded, so un-excluding restores it).
    public var choice: LayerChoice
    /// Lock or exclusion.
    public var mark: Mark
    /// The least rank a budget allocation may give the row while it is free (a plan file's `floor`).
    public var floor: Int

    /// A setting; by default dense as stored, free, with no floor.
    public init(choice: LayerChoice = .keep, mark: Mark = .free, floor: Int = 0) {
        self.choice = choice
        self.mark = mark
        self.floor = floor
    }

    /// The choice the plan uses: the stored tensor when excluded.
    public var effectiveChoice: LayerChoice { mark == .excluded ? .keep : choice }

    /// The allocator's constraint for this row.
    public var constraint: LayerConstraint {
        switch mark {
        case .free: return .free(floor: floor)
        case .locked: return .locked(choice)
        case .excluded: return .excluded
        }
    }
}
