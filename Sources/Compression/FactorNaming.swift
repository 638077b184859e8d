/// How a factorized linear layer is named in the output checkpoint.
///
/// A linear `P` stored as `P.weight` [m, n] (PyTorch's `[out_features, in_features]`) and
/// replaced by `W ≈ A·B` becomes the two layers of `nn.Sequential(nn.Linear(n, k, bias=False),
/// nn.Linear(k, m))`, which is what swapping the module in PyTorch produces:
/// - `P.0.weight` = B, shape [k, n] (applied first),
/// - `P.1.weight` = A, shape [m, k],
/// - `P.1.bias` = the original `P.bias`, when there is one (the bias is added after the second layer).
///
/// A CALDERA backbone Q of `W ≈ Q + A·B` is stored beside them as `P.backbone.*`.
public enum FactorNaming {
    /// The module path of a weight tensor name: `model.layers.0.mlp.up_proj` for
    /// `model.layers.0.mlp.up_proj.weight`; nil when the name does not end in `.weight`.
    public static func modulePath(ofWeight name: String) -> String? {
        guard name.hasSuffix(".weight"), name.count > ".weight".count else { return nil }
        return String(name.dropLast(".weight".count))
    }

    /// The name of the first factor B [k, n]: `P.0.weight`.
    public static func firstFactor(module: String) -> String { "\(module).0.weight" }

    /// The name of the second factor A [m, k]: `P.1.weight`.
    public static func secondFactor(module: String) -> String { "\(module).1.weight" }

    /// Where the original `P.bias` goes: `P.1.bias`.
    public static func bias(module: String) -> String { "\(module).1.bias" }

    /// The name of the CALDERA backbone's dense (dequantized) weight: `P.backbone.weight`.
    public static func backbone(module: String) -> String { "\(module).backbone.weight" }
}
