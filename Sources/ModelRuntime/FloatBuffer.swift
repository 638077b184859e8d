/// A fixed-size scratch array of Floats for one forward pass (activations), freed with its owner.
final class FloatBuffer {
    /// The first element.
    let pointer: UnsafeMutablePointer<Float>
    /// Elements.
    let count: Int

    /// `count` uninitialised-then-zeroed Floats.
    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }
}
