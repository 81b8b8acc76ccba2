namespace CMLoRA.Engine.Lora;

/// <summary>The role of one stored tensor of a LoRA module (the tensor-name suffix it came from).</summary>
public enum LoraFactor
{
    /// <summary><c>lora_down.weight</c> or <c>lora_A.weight</c>: <c>[r, in]</c> or <c>[r, in, kh, kw]</c>.</summary>
    Down,
    /// <summary><c>lora_up.weight</c> or <c>lora_B.weight</c>: <c>[out, r]</c> or <c>[out, r, 1, 1]</c>.</summary>
    Up,
    /// <summary><c>lora_mid.weight</c>: Tucker core <c>[r, r, kh, kw]</c> of a LoCon convolution.</summary>
    Mid,
    /// <summary><c>hada_w1_a</c>: <c>[out, r]</c> (Tucker form: <c>[r, out]</c>).</summary>
    HadaW1A,
    /// <summary><c>hada_w1_b</c>: <c>[r, in·kh·kw]</c> (Tucker form: <c>[r, in]</c>).</summary>
    HadaW1B,
    /// <summary><c>hada_w2_a</c>.</summary>
    HadaW2A,
    /// <summary><c>hada_w2_b</c>.</summary>
    HadaW2B,
    /// <summary><c>hada_t1</c>: Tucker core <c>[r, r, kh, kw]</c> of the first product.</summary>
    HadaT1,
    /// <summary><c>hada_t2</c>: Tucker core of the second product.</summary>
    HadaT2,
    /// <summary><c>lokr_w1</c>: full first Kronecker factor <c>[a, c]</c>.</summary>
    LokrW1,
    /// <summary><c>lokr_w1_a</c>: <c>[a, r]</c>.</summary>
    LokrW1A,
    /// <summary><c>lokr_w1_b</c>: <c>[r, c]</c>.</summary>
    LokrW1B,
    /// <summary><c>lokr_w2</c>: full second Kronecker factor <c>[b, d]</c> or <c>[b, d, kh, kw]</c>.</summary>
    LokrW2,
    /// <summary><c>lokr_w2_a</c>: <c>[b, r]</c> (Tucker form: <c>[r, b]</c>).</summary>
    LokrW2A,
    /// <summary><c>lokr_w2_b</c>: <c>[r, d·kh·kw]</c> (Tucker form: <c>[r, d]</c>).</summary>
    LokrW2B,
    /// <summary><c>lokr_t2</c>: Tucker core <c>[r, r, kh, kw]</c> of the second factor.</summary>
    LokrT2,
    /// <summary><c>dora_scale</c> (LyCORIS/kohya) or <c>lora_magnitude_vector</c> (PEFT): the DoRA magnitude.</summary>
    DoraScale,
}
