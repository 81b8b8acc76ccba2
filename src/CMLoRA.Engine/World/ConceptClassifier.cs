using CMLoRA.Engine.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace CMLoRA.Engine.World;

/// <summary>
/// A compact CNN that tells which world concepts a 64×64 picture shows: a multi-label sigmoid head over every
/// concept of <see cref="ConceptCatalog.All"/>. It is trained only on rendered pictures (with augmentation) and is
/// the judge of the LoRA quality benchmark. About 380k parameters; 64² → 4² with GroupNorm and SiLU.
/// </summary>
public sealed class ConceptClassifier : Module<Tensor, Tensor>
{
    /// <summary>Value of the "format" metadata key of saved weights.</summary>
    public const string Format = "cmlora-world-classifier/1";

    /// <summary>Manifest name of the committed weights embedded in the engine assembly.</summary>
    public const string BuiltInResource = "CMLoRA.Engine.Resources.world-concept-classifier.safetensors";

    // Channel counts are multiples of 16 on purpose: on AVX-512 machines libtorch's oneDNN kernels were measured
    // to return wrong convolutions for counts such as 24 or 40 (see docs/builtin-world.md).
    private static readonly (int In, int Out, int Stride)[] Blocks =
        [(16, 32, 2), (32, 64, 2), (64, 64, 1), (64, 96, 2), (96, 96, 1), (96, 128, 2)];

    private readonly Conv2d conv_in;
    private readonly GroupNorm norm_in;
    private readonly ModuleList<Module<Tensor, Tensor>> blocks;
    private readonly Linear head;

    /// <summary>A freshly initialised classifier (use <c>torch.manual_seed</c> first for reproducible weights).</summary>
    public ConceptClassifier() : base(nameof(ConceptClassifier))
    {
        conv_in = Conv2d(3, 16, kernel_size: 3, padding: 1);
        norm_in = GroupNorm(4, 16);
        blocks = new ModuleList<Module<Tensor, Tensor>>(Blocks.Select(b => (Module<Tensor, Tensor>)new ConvBlock(b.In, b.Out, b.Stride)).ToArray());
        head = Linear(2 * 128 + 128 * 4 * 4, ConceptLabels.Count);
        RegisterComponents();
    }

    /// <summary>
    /// Sets every weight from <paramref name="seed"/> alone (uniform ±1/√fan-in for convolutions and the head, as
    /// PyTorch's default; ones and zeros for norms). It does not touch torch's global generator, so concurrent work
    /// cannot change the result.
    /// </summary>
    public void Initialise(long seed)
    {
        var random = new WorldRandom(seed);
        var parameters = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var guard = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            if (name.Contains("norm", StringComparison.Ordinal))
            {
                using Scalar value = (name.EndsWith(".weight", StringComparison.Ordinal) ? 1f : 0f).ToScalar();
                parameter.fill_(value);
                continue;
            }
            var weight = name.EndsWith(".bias", StringComparison.Ordinal) ? parameters[name[..^5] + ".weight"] : parameter;
            float bound = 1f / MathF.Sqrt(weight.NumberOfElements / weight.shape[0]);
            var values = new float[parameter.NumberOfElements];
            for (int i = 0; i < values.Length; i++) values[i] = random.Range(-bound, bound);
            using var source = tensor(values, parameter.shape);
            parameter.copy_(source);
        }
    }

    /// <summary>(in channels, out channels, stride, input side) of every 3×3 convolution, for numerical self-checks.</summary>
    public static IReadOnlyList<(int In, int Out, int Stride, int Side)> ConvolutionShapes()
    {
        var shapes = new List<(int, int, int, int)> { (3, 16, 1, 64) };
        int side = 64;
        foreach (var (cin, cout, stride) in Blocks)
        {
            shapes.Add((cin, cout, stride, side));
            side /= stride;
        }
        return shapes;
    }

    /// <summary>Logits [B, concepts] for pictures [B, 3, 64, 64] in [0, 1].</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = functional.silu(norm_in.forward(conv_in.forward(images.mul(Scalars.Two).sub(Scalars.One))));
        foreach (var block in blocks) x = block.forward(x);
        // Mean and max pooling see global texture (styles, backgrounds) and small things anywhere (objects); the
        // flattened 4×4 map keeps where things are (a hat is above the body, objects sit in corners).
        var pooled = cat(new[] { x.mean(new long[] { 2, 3 }), x.amax(new long[] { 2, 3 }), x.flatten(1) }, 1);
        return head.forward(pooled).MoveToOuterDisposeScope();
    }

    /// <summary>Per-concept probabilities [B, concepts] (label order of <see cref="ConceptCatalog.All"/>) for pictures [B, 3, 64, 64] in [0, 1].</summary>
    public Tensor Predict(Tensor images)
    {
        bool training = this.training;
        eval();
        try
        {
            using var guard = no_grad();
            using var logits = images.dtype == ScalarType.Float32 ? forward(images) : ForwardConverted(images);
            return logits.sigmoid();
        }
        finally
        {
            if (training) train();
        }
    }

    private Tensor ForwardConverted(Tensor images)
    {
        using var converted = images.to_type(ScalarType.Float32);
        return forward(converted);
    }

    /// <summary>Saves the weights as safetensors with the concept list and <paramref name="metadata"/> in the header.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            ["format"] = Format,
            ["concepts"] = ConceptIds,
        };
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        SafetensorsWriter.Write(path, named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter)), meta);
    }

    /// <summary>Loads weights written by <see cref="Save"/>; refuses files trained for a different concept list.</summary>
    public static ConceptClassifier Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        if (!file.Metadata.TryGetValue("format", out var format) || format != Format)
            throw new InvalidDataException($"{Path.GetFileName(path)} is not a world concept classifier (format '{format}', expected '{Format}').");
        if (!file.Metadata.TryGetValue("concepts", out var concepts) || concepts != ConceptIds)
            throw new InvalidDataException($"{Path.GetFileName(path)} was trained for concepts [{concepts}] but the catalogue has [{ConceptIds}]; retrain it.");
        var model = new ConceptClassifier();
        using (no_grad())
            foreach (var (name, parameter) in model.named_parameters())
                file.ReadInto(name, parameter);
        model.eval();
        return model;
    }

    /// <summary>Loads the committed weights embedded in the engine.</summary>
    public static ConceptClassifier LoadBuiltIn() =>
        WithBuiltInFile(Load) ?? throw new InvalidOperationException($"The engine was built without the resource {BuiltInResource}.");

    /// <summary>The header metadata of the embedded weights (steps, seed, measured accuracy); empty when absent.</summary>
    public static IReadOnlyDictionary<string, string> BuiltInMetadata() =>
        WithBuiltInFile(path =>
        {
            using var file = SafetensorsFile.Open(path);
            return (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(file.Metadata);
        }) ?? new Dictionary<string, string>();

    // The safetensors reader works on files, so the embedded copy is spilled to a temporary file for the read.
    private static T? WithBuiltInFile<T>(Func<string, T> read) where T : class
    {
        using var stream = typeof(ConceptClassifier).Assembly.GetManifestResourceStream(BuiltInResource);
        if (stream is null) return null;
        string temporary = Path.Combine(Path.GetTempPath(), $"cmlora-classifier-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var file = File.Create(temporary)) stream.CopyTo(file);
            return read(temporary);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static string ConceptIds => string.Join(",", ConceptCatalog.All.Select(c => c.Id));

    private sealed class ConvBlock : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv;
        private readonly GroupNorm norm;

        public ConvBlock(int inChannels, int outChannels, int stride) : base(nameof(ConvBlock))
        {
            conv = Conv2d(inChannels, outChannels, kernel_size: 3, stride: stride, padding: 1);
            norm = GroupNorm(8, outChannels);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => functional.silu(norm.forward(conv.forward(x)));
    }
}
