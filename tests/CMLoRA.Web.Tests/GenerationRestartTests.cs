using CMLoRA.TestSupport;
using Microsoft.Data.Sqlite;

namespace CMLoRA.Web.Tests;

/// <summary>Killing the studio during a job: on restart the job is re-queued once and finishes, and no row is lost.</summary>
public class GenerationRestartTests
{
    private static async Task<(long Jobs, long Images, string Status, long Requeues)> RowsAsync(string dataDir, Guid job)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "studio.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        async Task<object?> Scalar(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$job", job.ToString().ToUpperInvariant());
            return await command.ExecuteScalarAsync();
        }
        return ((long)(await Scalar("SELECT COUNT(*) FROM GenerationJobs"))!, (long)(await Scalar("SELECT COUNT(*) FROM GeneratedImages"))!,
            Enum.GetName(typeof(StatusCode), (long)(await Scalar("SELECT Status FROM GenerationJobs WHERE Id = $job"))!)!,
            (long)(await Scalar("SELECT RequeueCount FROM GenerationJobs WHERE Id = $job"))!);
    }

    private enum StatusCode { Queued, Running, Finished, Failed, Cancelled, Interrupted }

    [Fact]
    public async Task KilledDuringAJobTheQueueResumesAndNothingIsLostAsync()
    {
        string modelParent = Directory.CreateTempSubdirectory("cmlora-tiny-model-").FullName;
        var environment = GenerationFixture.Environment(TinyModel.Create(modelParent));
        var studio = await StudioProcess.StartAsync(environment: environment);
        string dataDir = studio.DataDir;
        try
        {
            Guid first, interrupted, waiting;
            List<Guid> storedBeforeKill;
            using (var admin = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail))
            {
                first = await JobClient.SubmitAsync(admin.Http, JobClient.TinyRequest(steps: 2, seed: 1));
                Assert.Equal("Finished", JobClient.Status(await JobClient.WaitAsync(admin.Http, first, JobClient.IsFinal)));
                // Three images of 20 steps: the kill lands after the first image is stored, during a later one.
                interrupted = await JobClient.SubmitAsync(admin.Http, JobClient.TinyRequest(steps: 20, batch: 3, seed: 5));
                waiting = await JobClient.SubmitAsync(admin.Http, JobClient.TinyRequest(steps: 2, seed: 9));
                var running = await JobClient.WaitAsync(admin.Http, interrupted,
                    j => JobClient.Status(j) == "Running" && j.GetProperty("imageIds").GetArrayLength() >= 1, TimeSpan.FromSeconds(600),
                    what: "running with its first image stored");
                storedBeforeKill = running.GetProperty("imageIds").EnumerateArray().Select(e => e.GetGuid()).ToList();
            }
            await studio.KillAsync();
            var before = await RowsAsync(dataDir, interrupted);
            Assert.Equal((3L, "Running", 0L), (before.Jobs, before.Status, before.Requeues));
            Assert.True(before.Images >= 1 + storedBeforeKill.Count, $"images before the kill: {before.Images}");

            await studio.DisposeAsync();
            studio = await StudioProcess.StartAsync(dataDir, environment);
            using var again = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail);
            var job = await JobClient.WaitAsync(again.Http, interrupted, JobClient.IsFinal, TimeSpan.FromSeconds(900), what: "finished after the restart");
            Assert.Equal("Finished", JobClient.Status(job));
            Assert.Equal(1, job.GetProperty("requeueCount").GetInt32());
            var finalImages = job.GetProperty("imageIds").EnumerateArray().Select(e => e.GetGuid()).ToList();
            Assert.Equal(3, finalImages.Count);
            // Images stored before the kill were kept, not made again.
            Assert.All(storedBeforeKill, id => Assert.Contains(id, finalImages));
            Assert.Equal("Finished", JobClient.Status(await JobClient.WaitAsync(again.Http, waiting, JobClient.IsFinal, TimeSpan.FromSeconds(600))));

            var after = await RowsAsync(dataDir, interrupted);
            // 3 jobs; images: 1 (first) + 3 (interrupted) + 1 (waiting).
            Assert.Equal((3L, 5L, "Finished", 1L), after);
            Assert.Equal(5, Directory.GetFiles(Path.Combine(dataDir, "images"), "*.png").Length);
        }
        finally
        {
            await studio.DisposeAsync();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
            try { Directory.Delete(modelParent, recursive: true); } catch (IOException) { }
        }
    }
}
