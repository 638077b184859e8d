/// How a factorized linear layer is named in the output checkpoint.
///
/// A linear `P` stored as `P.weight` [m, n] (PyTorch's `[out_features, in_features]`) and
/// replaced by `W ≈ A·B` becomes the two layers of `nn.Sequential(nn.Linear(n, k, bias=False),
/// nn.Linear(k, m))`, which is what swapping the module in PyTorch produces:
/// - `P.0.weight` = B, shape [k, n] (applied first),
/// - `P.1.weight` = A, shape [m, k],
/// - `P.1.bias` = the original `P.bias`, when there is one (the bias is added after the second layer).
///
/// A CALDERA backbone Q of `W ≈ Q + A·B` is stored beside them as `P.backbone.*`. Quantized
/// matrices (factors below 16 bits, backbones, quantized dense weights) replace `.weight` by
/// `.qweight`, `.scales` and `.zeros` under the same prefix (``QuantizedLayout``).
public enum FactorNaming {
    /// The module path of a weight tensor name: `model.layers.0.mlp.up_proj` for
    /// `model.layers.0.mlp.up_proj.weight`; nil when the name does not end in `.weight`.
    public static func modulePath(ofWeight name: String) -> String? {
        guard name.hasSuffix(".weight"), name.count > ".weight".count else { return nil }
        return String(name.dropLast(".weight".count))
    }

    /// The name of the first factor B [k, n]: `P.0.weight`.
    public static func firstFactor(module: String) -> String { "\(firstFactorPrefix(module: module)).weight" }

    /// The name of the second factor A [m, k]: `P.1.weight`.
    public static func secondFactor(module: String) -> String { "\(secondFactorPrefix(module: module)).weight" }

    /// The prefix of the first factor's tensors: `P.0`.
    public static func firstFactorPrefix(module: String) -> String { "\(module).0" }

    /// The prefix of the second factor's tensors: `P.1`.
    public static func secondFactorPrefix(module: String) -> String { "\(module).1" }

    /// The prefix of a CALDERA backbone's tensors: `P.backbone` (always quantized: 2–4 bits).
    public static func backbonePrefix(module: String) -> String { "\(module).backbone" }

    /// Where the original `P.bias` goes: `P.1.bias`.
    public static func bias(module: String) -> String { "\(module).1.bias" }

    /// The name a CALDERA backbone would have unquantized: `P.backbone.weight` (rankscope always
    /// writes backbones quantized, under ``backbonePrefix(module:)``).
    public static func backbone(module: String) -> String { "\(backbonePrefix(module: module)).weight" }
}
