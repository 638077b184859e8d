import Planning

extension LayerChoice {
    /// True when the choice keeps the tensor exactly as stored (dense, no bit width).
    var keepsStoredTensor: Bool {
        if case .dense(nil, _) = self { return true }
        return false
    }
}
