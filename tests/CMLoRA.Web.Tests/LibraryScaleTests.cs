using System.Diagnostics;
using CMLoRA.Storage;
using CMLoRA.Storage.Library;
using CMLoRA.TestSupport;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace CMLoRA.Web.Tests;

/// <summary>The library query over 10,000 LoRAs in a real, migrated SQLite file: paging, search, filters and sorts stay fast.</summary>
public class LibraryScaleTests(ITestOutputHelper output)
{
    public const int Rows = 10_000;

    [Fact]
    public async Task TheLibraryPageQueryStaysFastWithTenThousandLorasAsync()
    {
        string folder = Directory.CreateTempSubdirectory("cmlora-scale-").FullName;
        try
        {
            var options = new DbContextOptionsBuilder<StudioDbContext>().UseStudioSqlite(Path.Combine(folder, "studio.db")).Options;
            await using (var db = new StudioDbContext(options))
            {
                await SqliteDatabase.MigrateAsync(db);
                var owners = Enumerable.Range(0, 5).Select(i => new StudioUser { UserName = $"u{i}@t", Email = $"u{i}@t", DisplayName = $"User {i}" }).ToList();
                db.Users.AddRange(owners);
                var random = new Random(7);
                string[] bases = ["SD 1.x", "SD 1.x", "SD 1.x", "SDXL", "SD 2.x"];
                var start = DateTimeOffset.UtcNow.AddDays(-400);
                for (int i = 0; i < Rows; i++)
                {
                    db.Loras.Add(new LibraryLora
                    {
                        Name = $"lora {i:D5} {(i % 7 == 0 ? "watercolor" : "character")}",
                        FileName = $"lora_{i}.safetensors",
                        Sha256 = i.ToString("x64"),
                        AutoV2 = i.ToString("x10"),
                        AutoV3 = i.ToString("x64"),
                        BaseModel = bases[i % bases.Length],
                        Category = (LoraCategory)(i % 6),
                        TriggerWords = i % 13 == 0 ? "ada, red hair" : $"word{i}",
                        Tags = i % 11 == 0 ? "portrait" : "",
                        OwnerId = owners[i % owners.Count].Id,
                        Visibility = i % 3 == 0 ? Visibility.Private : Visibility.Team,
                        CreatedAt = start.AddMinutes(i * 50),
                        UsageCount = random.Next(1000),
                        MetadataJson = "{\"ss_output_name\":\"x\"}",
                    });
                }
                await db.SaveChangesAsync();
            }

            string viewer = (await new StudioDbContext(options).Users.OrderBy(u => u.Email).FirstAsync()).Id;
            var cases = new (string Label, LoraFilter Filter, bool Admin)[]
            {
                ("first page, newest", new LoraFilter(), false),
                ("page 200, newest", new LoraFilter { Page = 200 }, false),
                ("search 'watercolor', by name", new LoraFilter { Search = "watercolor", Sort = LoraSort.Name }, false),
                ("search trigger 'red hair'", new LoraFilter { Search = "red hair" }, false),
                ("category + base model, by usage", new LoraFilter { Category = LoraCategory.Style, BaseModel = "SD 1.x", Sort = LoraSort.Usage }, false),
                ("owner + private, admin", new LoraFilter { OwnerId = viewer, Visibility = Visibility.Private }, true),
                ("everything, admin, by usage", new LoraFilter { Sort = LoraSort.Usage }, true),
            };
            var lines = new List<string>();
            await using (var warm = new StudioDbContext(options))
                await LoraQueries.PageAsync(warm, new LoraFilter(), viewer, false); // compile the query once
            foreach (var (label, filter, admin) in cases)
            {
                // Best of three: the machine is shared, and a neighbour's build should not count as our query time.
                LoraPage page = null!;
                var best = TimeSpan.MaxValue;
                for (int run = 0; run < 3; run++)
                {
                    await using var db = new StudioDbContext(options);
                    var clock = Stopwatch.StartNew();
                    page = await LoraQueries.PageAsync(db, filter, viewer, admin);
                    clock.Stop();
                    if (clock.Elapsed < best) best = clock.Elapsed;
                }
                Assert.True(page.Total > 0, label);
                Assert.True(page.Items.Count > 0, label);
                lines.Add($"{label}: {best.TotalMilliseconds:0.0} ms ({page.Total} matches)");
                // Generous for a shared 2-core machine; the measured times are far lower (see the report file).
                Assert.True(best.TotalMilliseconds < 1000, $"{label} took {best.TotalMilliseconds:0} ms");
            }
            var visible = await LoraQueries.PageAsync(new StudioDbContext(options), new LoraFilter { PageSize = 1 }, viewer, false);
            Assert.Equal(Enumerable.Range(0, Rows).Count(i => i % 3 != 0 || i % 5 == 0), visible.Total); // team + own private

            foreach (string line in lines) output.WriteLine(line);
            await File.WriteAllLinesAsync(Path.Combine(RepoRoot.Artifacts("measurements"), "library-10k-query.txt"), lines);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
