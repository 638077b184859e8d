/// Something that draws itself into an area of a cell buffer, immediate-mode style:
/// widgets are cheap values rebuilt every frame and hold no terminal state.
///
/// `render` must clip to `area` and to the buffer and must not trap on any area,
/// including 0×0 and areas partly or wholly outside the buffer.
public protocol Widget {
    /// Draws into `buffer`, touching only cells inside `area`.
    func render(into buffer: inout CellBuffer, area: Rect)
}
