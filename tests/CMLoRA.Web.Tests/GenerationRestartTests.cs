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
            using (var admin = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail))
            {
                first = await JobClient.SubmitAsync(admin.Http, JobClient.TinyRequest(steps: 2, seed: 1));
                Assert.Equal("Finished", JobClient.Status(await JobClient.WaitAsync(admin.Http, first, JobClient.IsFinal)));
                // Two images of 150 steps: the kill lands after the first image is stored and during the second.
                interrupted = await JobClient.SubmitAsync(admin.Http, JobClient.TinyRequest(steps: 150, batch: 2, seed: 5));
                waiting = await JobClient.SubmitAsync(admin.Http, JobClient.TinyRequest(steps: 2, seed: 9));
                await JobClient.WaitAsync(admin.Http, interrupted, j => JobClient.Status(j) == "Running" && j.GetProperty("step").GetInt32() > 160,
                    what: "running its second image");
            }
            await studio.KillAsync();
            var before = await RowsAsync(dataDir, interrupted);
            Assert.Equal((3L, 2L, "Running", 0L), before);

            await studio.DisposeAsync();
            studio = await StudioProcess.StartAsync(dataDir, environment);
            using var again = await StudioSession.SignInAsync(studio, TestAccounts.AdminEmail);
            var job = await JobClient.WaitAsync(again.Http, interrupted, JobClient.IsFinal, what: "finished after the restart");
            Assert.Equal("Finished", JobClient.Status(job));
            Assert.Equal(1, job.GetProperty("requeueCount").GetInt32());
            Assert.Equal(2, job.GetProperty("imageIds").GetArrayLength());
            Assert.Equal("Finished", JobClient.Status(await JobClient.WaitAsync(again.Http, waiting, JobClient.IsFinal)));

            var after = await RowsAsync(dataDir, interrupted);
            // 3 jobs; images: 1 (first) + 2 (interrupted: the one stored before the kill was kept, not made twice) + 1 (waiting).
            Assert.Equal((3L, 4L, "Finished", 1L), after);
            Assert.Equal(4, Directory.GetFiles(Path.Combine(dataDir, "images"), "*.png").Length);
        }
        finally
        {
            await studio.DisposeAsync();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
            try { Directory.Delete(modelParent, recursive: true); } catch (IOException) { }
        }
    }
}
