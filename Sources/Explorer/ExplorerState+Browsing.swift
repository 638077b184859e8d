import Foundation
import Planning

/// The layer browser: which lines show (filter, folds), in which order (sort), and moving
/// between them. The selection follows its layer through every change, or its block's header
/// when the layer is folded away.
extension ExplorerState {
    /// Recomputes ``rows`` and keeps the cursor on the same layer or block where possible.
    mutating func rebuildRows() {
        let previousPosition = cursor.flatMap { rows.firstIndex(of: $0) } ?? 0
        let sortValues = self.sortValues()
        let descending = (sort != .name) != sortReversed
        func precedes(_ a: Double, _ b: Double, _ nameOrder: Bool) -> Bool {
            if a != b { return descending ? a > b : a < b }
            return nameOrder
        }
        var shownGroups: [(block: Int?, members: [Int], value: Double, order: Int)] = []
        for (order, group) in groups.enumerated() {
            let members = group.members.filter(matchesFilter)
            guard !members.isEmpty else { continue }
            let sorted = sort == .name && !sortReversed ? members : members.sorted { a, b in
                precedes(sortValues[a], sortValues[b],
                         sortReversed && sort == .name ? a > b : a < b)
            }
            let value: Double
            switch sort {
            case .name: value = Double(order)
            case .size, .parameters: value = members.reduce(0) { $0 + sortValues[$1] }
            case .error, .energyRank, .alpha: value = members.map { sortValues[$0] }.max() ?? 0
            }
            shownGroups.append((group.block, sorted, value, order))
        }
        if sort != .name || sortReversed {
            shownGroups.sort { precedes($0.value, $1.value, $0.order < $1.order) }
        }
        var lines: [BrowserRow] = []
        for group in shownGroups {
            lines.append(.group(group.block))
            if !folded.contains(group.block) { lines += group.members.map(BrowserRow.layer) }
        }
        rows = lines
        if let remembered = hiddenCursor, lines.contains(remembered) {
            cursor = remembered
            hiddenCursor = nil
            return
        }
        if let current = cursor, lines.contains(current) { return }
        if hiddenCursor == nil { hiddenCursor = cursor }
        if case .layer(let index)? = cursor, lines.contains(.group(entries[index].name.block)),
           folded.contains(entries[index].name.block) {
            cursor = .group(entries[index].name.block)
            return
        }
        cursor = lines.isEmpty ? nil : lines[min(previousPosition, lines.count - 1)]
    }

    /// The value each row sorts by (0 for name order, where catalog order is used).
    func sortValues() -> [Double] {
        switch sort {
        case .name: return entries.indices.map(Double.init)
        case .size: return entries.indices.map { Double(estimate($0).bytesAfter) }
        case .parameters: return entries.indices.map { Double(estimate($0).parametersAfter) }
        case .error: return entries.indices.map { estimate($0).relativeError ?? -1 }
        case .energyRank: return statuses.map { Double($0.spectrum?.summary.energyRank99 ?? -1) }
        case .alpha: return allMetrics().map { $0?.alpha ?? -2 }
        }
    }

    /// True when row `index`'s tensor name matches the filter (always without one).
    func matchesFilter(_ index: Int) -> Bool { filterMatches?[index] ?? true }

    /// Moves the cursor `delta` lines, clamped to the list.
    mutating func move(by delta: Int) {
        guard !rows.isEmpty else { return }
        let position = cursor.flatMap { rows.firstIndex(of: $0) } ?? 0
        cursor = rows[min(max(0, position + delta), rows.count - 1)]
        hiddenCursor = nil
    }

    /// Selects line `line` of ``rows`` (a mouse click); out of range does nothing.
    public mutating func select(line: Int) {
        guard rows.indices.contains(line) else { return }
        cursor = rows[line]
        hiddenCursor = nil
    }

    /// The block of the selected line.
    var selectedBlock: Int?? {
        switch cursor {
        case .group(let block): return .some(block)
        case .layer(let index): return .some(entries[index].name.block)
        case nil: return nil
        }
    }

    mutating func toggleFold() -> ExplorerUpdate {
        guard let block = selectedBlock else { return .none }
        let unfolding = folded.contains(block)
        if unfolding {
            folded.remove(block)
        } else {
            folded.insert(block)
            cursor = .group(block)
        }
        rebuildRows()
        return .say("\(ExplorerState.groupTitle(block)) \(unfolding ? "unfolded" : "folded").")
    }

    mutating func setAllFolded(_ fold: Bool) -> ExplorerUpdate {
        folded = fold ? Set(groups.map(\.block)) : []
        if fold, let block = selectedBlock { cursor = .group(block) }
        rebuildRows()
        return .say(fold ? "All blocks folded (R unfolds)." : "All blocks unfolded.")
    }

    mutating func setSort(_ order: LayerSort, reversed: Bool) -> ExplorerUpdate {
        sort = order
        sortReversed = reversed
        rebuildRows()
        return .say("Sorted by \(sortLabel).")
    }

    /// `name ↑`, `size ↓`: the order and its direction.
    public var sortLabel: String {
        let descending = (sort != .name) != sortReversed
        return sort.label + (descending ? " ↓" : " ↑")
    }

    /// The title of a block's group: `block 3`, or `other` outside blocks.
    public static func groupTitle(_ block: Int?) -> String { block.map { "block \($0)" } ?? "other" }

    /// Applies a filter regex (``NameFilter``): an empty text clears it; an invalid one, or one
    /// whose matching runs past ``NameFilter/stepBudget``, leaves the last good filter in place
    /// and says why.
    mutating func applyFilter(_ text: String) -> ExplorerUpdate {
        if text.isEmpty {
            filterMatches = nil
            filterText = ""
            rebuildRows()
            return .say("Filter cleared.")
        }
        switch NameFilter.matches(text, in: entries.map(\.info.name)) {
        case .success(let matches):
            filterMatches = matches
            filterText = text
        case .failure(.invalid(let problem)):
            return .say("Not a valid regular expression: /\(BoundedRegex.excerpt(text))/: \(problem).")
        case .failure(.tooSlow(let problem)):
            return .say("/\(BoundedRegex.excerpt(text))/ cannot be applied: \(problem); the filter is unchanged.", tone: .error)
        }
        rebuildRows()
        let shown = rows.filter { $0.layerIndex != nil }.count
        let matched = matchCount
        return .say(rows.isEmpty ? "No layer matches /\(text)/."
                                 : "/\(text)/ matches \(matched) layers\(shown < matched ? " (\(shown) unfolded)" : "").")
    }

    /// Layers passing the filter (folded or not).
    var matchCount: Int { filterMatches?.filter { $0 }.count ?? entries.count }
}
