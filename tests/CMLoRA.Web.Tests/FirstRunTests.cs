using System.Net;
using System.Net.Http.Json;
using CMLoRA.TestSupport;

namespace CMLoRA.Web.Tests;

/// <summary>A fresh install with no configured admin: the browser is asked for one, exactly once.</summary>
public class FirstRunTests : IAsyncLifetime
{
    private StudioProcess _studio = null!;

    public async Task InitializeAsync()
    {
        // A crash left half an upload behind in this data folder; start-up removes it.
        string dataDir = Directory.CreateTempSubdirectory("cmlora-studio-").FullName;
        Directory.CreateDirectory(Path.Combine(dataDir, "tmp"));
        await File.WriteAllBytesAsync(Path.Combine(dataDir, "tmp", "interrupted.part"), new byte[1024]);
        _studio = await StudioProcess.StartAsync(dataDir);
    }

    public async Task DisposeAsync()
    {
        await _studio.DisposeAsync();
        try { Directory.Delete(_studio.DataDir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task AFreshStudioAsksForTheFirstAdminThenClosesSetupAsync()
    {
        using var anonymous = StudioSession.Anonymous(_studio);
        foreach (string path in new[] { "/", "/library", "/account/login" })
        {
            using var page = await anonymous.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/setup", page.Headers.Location!.OriginalString);
        }
        using (var api = await anonymous.Http.GetAsync("/api/me"))
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Contains("No accounts yet: open the studio in a browser", _studio.Log);
        Assert.Empty(Directory.GetFiles(Path.Combine(_studio.DataDir, "tmp")));
        Assert.Contains("Removed 1 interrupted upload(s)", _studio.Log);

        // A mismatched confirmation is refused and creates nothing.
        using (var mismatch = await anonymous.PostFormAsync("/setup", "setup", new()
               {
                   ["Input.DisplayName"] = "Eve", ["Input.Email"] = "eve@studio.test",
                   ["Input.Password"] = TestAccounts.Password, ["Input.ConfirmPassword"] = "Other-Pass1",
               }))
        {
            Assert.Equal(HttpStatusCode.OK, mismatch.StatusCode);
            Assert.Contains("The two passwords differ.", await mismatch.Content.ReadAsStringAsync());
        }

        using var admin = await StudioSession.SetupFirstAdminAsync(_studio);
        var me = await admin.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/me");
        Assert.True(me.GetProperty("isAdmin").GetBoolean());
        Assert.Equal(TestAccounts.AdminName, me.GetProperty("displayName").GetString());

        // Setup is closed for good: a second attempt is sent to sign in and creates no account.
        using var late = StudioSession.Anonymous(_studio);
        using (var again = await late.PostFormAsync("/setup", "setup", new()
               {
                   ["Input.DisplayName"] = "Eve", ["Input.Email"] = "eve@studio.test",
                   ["Input.Password"] = TestAccounts.Password, ["Input.ConfirmPassword"] = TestAccounts.Password,
               }))
        {
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
            Assert.Equal("/account/login", again.Headers.Location!.AbsolutePath);
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => StudioSession.SignInAsync(_studio, "eve@studio.test"));
        var accounts = await admin.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/admin/users");
        Assert.Equal(1, accounts.GetArrayLength());
    }
}
