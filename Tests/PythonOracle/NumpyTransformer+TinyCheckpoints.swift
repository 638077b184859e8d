extension NumpyTransformer {
    /// A main part for ``run(_:arguments:file:line:read:)`` that writes tiny random checkpoints
    /// (config.json + model.safetensors) into subfolders `gpt2` (Conv1D weights), `bigcode-mqa`
    /// (F16, multi-query), `bigcode-mha` (per-head fused q/k/v, erf GELU), `llama-gqa` (GQA,
    /// llama3 RoPE scaling, untied head) and `qwen2-bias` (q/k/v biases, linear RoPE scaling),
    /// and `bert` (an encoder with an unused pooler), with numpy's logits (for `bert`, last hidden
/// states) for 11 random ids each (`<name>.logits`) and
    /// `results.json` = `{"cases": [{"name", "ids"}]}`.
    public static let tinyCheckpoints = #"""
    rng = np.random.default_rng(7)
    out = sys.argv[1]
    cases = []
    def r(*shape): return (rng.standard_normal(shape) * 0.3).astype(np.float32)
    def one(*shape): return (1 + rng.standard_normal(shape) * 0.1).astype(np.float32)
    def write(name, cfg, t, fn, dtype=np.float32):
        d = os.path.join(out, name); os.makedirs(d)
        json.dump(cfg, open(os.path.join(d, 'config.json'), 'w'))
        save_file({k: (v.astype(dtype) if v.dtype.kind == 'f' else v) for k, v in t.items()}, os.path.join(d, 'model.safetensors'))
        ids = [int(i) for i in rng.integers(0, cfg['vocab_size'], 11)]
        c, W = load(d)
        save(out, name + '.logits', fn(c, W, ids))
        cases.append({'name': name, 'ids': ids})
    H, I, V, P, L = 32, 48, 50, 16, 2
    def gpt_like(kind, qkv_rows, conv, extra={}):
        t = {'transformer.wte.weight': r(V, H), 'transformer.wpe.weight': r(P, H), 'transformer.ln_f.weight': one(H), 'transformer.ln_f.bias': r(H)}
        def lin(name, o, i):
            t[name + '.weight'] = r(i, o) if conv else r(o, i); t[name + '.bias'] = r(o)
        for l in range(L):
            p = 'transformer.h.%d.' % l
            for n in ('ln_1', 'ln_2'): t[p + n + '.weight'] = one(H); t[p + n + '.bias'] = r(H)
            lin(p + 'attn.c_attn', qkv_rows, H); lin(p + 'attn.c_proj', H, H)
            lin(p + 'mlp.c_fc', I, H); lin(p + 'mlp.c_proj', H, I)
            if conv: t[p + 'attn.bias'] = np.tril(np.ones((1, 1, P, P), np.float32))
        cfg = {'model_type': kind, 'n_embd': H, 'n_head': 4, 'n_layer': L, 'n_positions': P, 'n_inner': I, 'vocab_size': V, 'layer_norm_epsilon': 1e-5}
        cfg.update(extra)
        return cfg, t
    cfg, t = gpt_like('gpt2', 3 * H, True, {'activation_function': 'gelu_new'})
    write('gpt2', cfg, t, gpt)
    cfg, t = gpt_like('gpt_bigcode', H + 2 * (H // 4), False, {'multi_query': True, 'activation_function': 'gelu_pytorch_tanh'})
    write('bigcode-mqa', cfg, t, gpt, np.float16)
    cfg, t = gpt_like('gpt_bigcode', 3 * H, False, {'multi_query': False, 'activation_function': 'gelu'})
    write('bigcode-mha', cfg, t, gpt)
    def llama_like(kind, heads, kv, bias, tied, scaling):
        hd = H // heads
        t = {'model.embed_tokens.weight': r(V, H), 'model.norm.weight': one(H)}
        if not tied: t['lm_head.weight'] = r(V, H)
        for l in range(L):
            p = 'model.layers.%d.' % l
            t[p + 'input_layernorm.weight'] = one(H); t[p + 'post_attention_layernorm.weight'] = one(H)
            for n, o, i in (('self_attn.q_proj', heads * hd, H), ('self_attn.k_proj', kv * hd, H), ('self_attn.v_proj', kv * hd, H),
                            ('self_attn.o_proj', H, heads * hd), ('mlp.gate_proj', I, H), ('mlp.up_proj', I, H), ('mlp.down_proj', H, I)):
                t[p + n + '.weight'] = r(o, i)
                if bias and n in ('self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj'): t[p + n + '.bias'] = r(o)
        cfg = {'model_type': kind, 'hidden_size': H, 'intermediate_size': I, 'num_hidden_layers': L, 'num_attention_heads': heads,
               'num_key_value_heads': kv, 'vocab_size': V, 'rms_norm_eps': 1e-5, 'rope_theta': 10000.0, 'hidden_act': 'silu',
               'tie_word_embeddings': tied, 'rope_scaling': scaling, 'max_position_embeddings': 64}
        return cfg, t
    cfg, t = llama_like('llama', 4, 2, False, False, {'rope_type': 'llama3', 'factor': 8.0, 'low_freq_factor': 1.0, 'high_freq_factor': 4.0, 'original_max_position_embeddings': 64})
    write('llama-gqa', cfg, t, llama)
    cfg, t = llama_like('qwen2', 4, 4, True, True, {'type': 'linear', 'factor': 2.0})
    write('qwen2-bias', cfg, t, llama)
    t = {'embeddings.word_embeddings.weight': r(V, H), 'embeddings.position_embeddings.weight': r(64, H),
         'embeddings.token_type_embeddings.weight': r(2, H), 'embeddings.LayerNorm.weight': one(H), 'embeddings.LayerNorm.bias': r(H),
         'pooler.dense.weight': r(H, H), 'pooler.dense.bias': r(H)}
    for l in range(L):
        p = 'encoder.layer.%d.' % l
        for n, o, i in (('attention.self.query', H, H), ('attention.self.key', H, H), ('attention.self.value', H, H),
                        ('attention.output.dense', H, H), ('intermediate.dense', I, H), ('output.dense', H, I)):
            t[p + n + '.weight'] = r(o, i); t[p + n + '.bias'] = r(o)
        for n in ('attention.output.LayerNorm', 'output.LayerNorm'): t[p + n + '.weight'] = one(H); t[p + n + '.bias'] = r(H)
    cfg = {'model_type': 'bert', 'hidden_size': H, 'num_attention_heads': 4, 'num_hidden_layers': L, 'intermediate_size': I,
           'vocab_size': V, 'max_position_embeddings': 64, 'type_vocab_size': 2, 'layer_norm_eps': 1e-12, 'hidden_act': 'gelu'}
    write('bert', cfg, t, bert)
    json.dump({'cases': cases}, open(os.path.join(out, 'results.json'), 'w'))
    """#
}
