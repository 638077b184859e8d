extension CellBuffer {
    /// The cells that differ from `previous`, in row-major order, for a backend to write.
    ///
    /// Continuation cells are never listed (writing the wide grapheme to their left covers
    /// them). When the sizes differ every non-continuation cell is listed, because the
    /// terminal's old contents cannot be trusted after a resize.
    public func diff(from previous: CellBuffer) -> [(x: Int, y: Int, cell: Cell)] {
        var out: [(x: Int, y: Int, cell: Cell)] = []
        let full = previous.width != width || previous.height != height
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                let c = cells[i]
                if c.isContinuation { continue }
                if full || c != previous.cells[i] {
                    out.append((x: x, y: y, cell: c))
                } else if x + 1 < width, cells[i + 1].isContinuation != previous.cells[i + 1].isContinuation {
                    out.append((x: x, y: y, cell: c))
                }
            }
        }
        return out
    }
}
