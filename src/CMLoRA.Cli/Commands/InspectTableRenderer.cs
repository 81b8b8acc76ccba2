using System.Globalization;
using CMLoRA.Engine.Lora;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CMLoRA.Cli.Commands;

/// <summary>Renders a <see cref="LoraInspection"/> as Spectre tables. Every value goes in as plain text, never markup.</summary>
internal static class InspectTableRenderer
{
    private const int TagsShown = 12;

    public static void Render(IAnsiConsole console, LoraInspection i, bool listModules)
    {
        console.Write(new Rule(Markup.Escape(i.FileName)).LeftJustified());
        var summary = Table("LoRA");
        Row(summary, "path", i.Path);
        Row(summary, "size", $"{i.SizeBytes:N0} bytes");
        Row(summary, "name", i.Name);
        Row(summary, "alias (ss_output_name)", i.Metadata.OutputName);
        Row(summary, "naming", i.Naming.ToString());
        Row(summary, "network type", i.NetworkType.ToString());
        Row(summary, "base model", i.BaseModel.DisplayName + (i.BaseModel.IsSd1Compatible ? "" : " (not usable with SD 1.x)"));
        Row(summary, "base model evidence", i.BaseModel.Evidence.Count == 0 ? "none in the file" : string.Join("\n", i.BaseModel.Evidence));
        Row(summary, "modules", $"{i.ModuleCount} (UNet {i.UnetModules}, text encoder {i.TextEncoderModules}; linear {i.LinearModules}, conv {i.ConvModules}; DoRA {i.DoraModules})");
        Row(summary, "rank (most common)", i.Rank == 0 ? "full matrix" : i.Rank.ToString(CultureInfo.InvariantCulture));
        if (i.RankHistogram.Count > 1)
            Row(summary, "ranks", string.Join(", ", i.RankHistogram.Select(p => $"{p.Key}×{p.Value}")));
        Row(summary, "alpha (most common)", i.Alpha is { } alpha ? Number(alpha) : null);
        if (i.AlphaHistogram.Count > 1)
            Row(summary, "alphas", string.Join(", ", i.AlphaHistogram.Select(p => $"{Number(p.Key)}×{p.Value}")));
        if (i.Alpha is { } a && i.Rank > 0) Row(summary, "scale (alpha / rank)", Number(a / i.Rank));
        console.Write(summary);

        var hashes = Table("Hashes");
        Row(hashes, "SHA-256", i.Hashes.Sha256);
        Row(hashes, "AutoV1", i.Hashes.AutoV1);
        Row(hashes, "AutoV2", i.Hashes.AutoV2);
        Row(hashes, "AutoV3", i.Hashes.AutoV3);
        Row(hashes, "A1111 Lora hash", i.Hashes.AutoV3Short);
        if (i.Metadata.SshsModelHash is { } stored)
            Row(hashes, "sshs_model_hash", stored + (i.StoredHashMatches == true ? " (matches AutoV3)" : " (stale: differs from AutoV3)"));
        console.Write(hashes);

        var metadata = Table("Metadata");
        Row(metadata, "title", i.Metadata.Title);
        Row(metadata, "author", i.Metadata.Author);
        Row(metadata, "ss_base_model_version", i.Metadata.BaseModelVersion);
        Row(metadata, "ss_sd_model_name", i.Metadata.SdModelName);
        Row(metadata, "ss_network_module", i.Metadata.NetworkModule);
        Row(metadata, "ss_network_dim / alpha", i.Metadata.NetworkDim is null && i.Metadata.NetworkAlpha is null ? null : $"{i.Metadata.NetworkDim ?? "?"} / {i.Metadata.NetworkAlpha ?? "?"}");
        Row(metadata, "ss_network_args", i.Metadata.NetworkArgs);
        Row(metadata, "ss_resolution", i.Metadata.Resolution);
        Row(metadata, "training images", i.Metadata.TrainImages?.ToString(CultureInfo.InvariantCulture));
        Row(metadata, "dataset size", i.Metadata.DatasetSize?.ToString(CultureInfo.InvariantCulture));
        Row(metadata, "epochs / steps", i.Metadata.Epochs is null && i.Metadata.Steps is null ? null : $"{i.Metadata.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "?"} / {i.Metadata.Steps?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        Row(metadata, "ss_clip_skip", i.Metadata.ClipSkip);
        Row(metadata, "trained until", i.Metadata.TrainingFinishedAt?.ToString("u", CultureInfo.InvariantCulture));
        Row(metadata, "ss_training_comment", i.Metadata.TrainingComment);
        foreach (var (key, value) in i.Metadata.ModelSpec.Where(p => p.Key is not ("title" or "author" or "thumbnail")).OrderBy(p => p.Key, StringComparer.Ordinal))
            Row(metadata, "modelspec." + key, value);
        int shown = metadata.Rows.Count;
        Row(metadata, "entries in file", $"{i.Metadata.Raw.Count} (all of them in --json)");
        if (shown > 0 || i.Metadata.Raw.Count > 0) console.Write(metadata);

        var words = Table("Trigger words");
        Row(words, "declared", i.Metadata.DeclaredTriggerWords.Count == 0 ? null : string.Join(", ", i.Metadata.DeclaredTriggerWords));
        Row(words, "suggested", i.Metadata.SuggestedTriggerWords.Count == 0 ? "none (no trigger phrase, output name or tag frequency in the file)" : string.Join(", ", i.Metadata.SuggestedTriggerWords));
        if (i.Metadata.TagFrequency.Count > 0)
            Row(words, "top tags", string.Join(", ", i.Metadata.TagFrequency.Take(TagsShown).Select(t => $"{t.Tag} ({t.Count})")));
        console.Write(words);

        foreach (string warning in i.Metadata.Warnings) console.Write(new Text($"warning: {warning}\n", new Style(Color.Yellow)));
        if (listModules) console.Write(ModuleTable(i.Modules));
    }

    private static Table ModuleTable(IReadOnlyList<LoraModuleSummary> modules)
    {
        var table = new Table().Title("Modules").AddColumns("key", "algorithm", "kind", "rank", "alpha", "scale", "shape", "DoRA");
        foreach (var m in modules)
            table.AddRow(Cells(m.Key, m.Algorithm.ToString(), m.Kind.ToString(), m.Rank.ToString(CultureInfo.InvariantCulture),
                Number(m.Alpha), Number(m.Scale), "[" + string.Join(",", m.Shape) + "]", m.Dora ? "yes" : ""));
        return table;
    }

    private static Table Table(string title) => new Table().Title(title).AddColumns("field", "value");

    private static void Row(Table table, string field, string? value)
    {
        if (!string.IsNullOrEmpty(value)) table.AddRow(Cells(field, value));
    }

    private static IRenderable[] Cells(params string[] values) => values.Select(v => (IRenderable)new Text(v)).ToArray();

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
