using CMLoRA.Engine.Generation;
using CMLoRA.Engine.Tests.Support;
using CMLoRA.Engine.Training;

namespace CMLoRA.Engine.Tests.Training;

/// <summary>
/// The whole recipe on tiny configs, a few steps each: VAE run → model run → export (float32). Shared by the export
/// and LoRA tests, which run one after the other in this collection.
/// </summary>
public sealed class TinyBuiltInModelFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public string VaeRun { get; }
    public string ModelRun { get; }
    public string ModelFolder { get; }
    public ExportResult Export { get; }
    public StableDiffusionGenerator Generator { get; }

    public TinyBuiltInModelFixture()
    {
        TinyTraining.OneThread();
        VaeRun = _temp.File("vae-run");
        using (var vae = VaeTrainer.Start(VaeRun, TinyTraining.VaeOptions(steps: 2)))
        {
            vae.Train();
            vae.Export();
        }
        ModelRun = _temp.File("model-run");
        using (var model = DiffusionTrainer.Start(ModelRun, TinyTraining.ModelOptions(VaeRun, steps: 2)))
            model.Train();
        ModelFolder = _temp.File("builtin");
        Export = BuiltInModelExporter.Export(ModelRun, ModelFolder);
        Generator = StableDiffusionGenerator.Load(ModelFolder);
    }

    public string TempFile(string name) => _temp.File(name);

    public void Dispose()
    {
        Generator.Dispose();
        _temp.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class TinyBuiltInModelCollection : ICollectionFixture<TinyBuiltInModelFixture>
{
    public const string Name = "tiny built-in model";
}
