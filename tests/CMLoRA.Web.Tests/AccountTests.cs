using System.Net;
using System.Net.Http.Json;
using CMLoRA.Storage;
using CMLoRA.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace CMLoRA.Web.Tests;

[Collection(StudioCollection.Name)]
public class AccountTests(StudioFixture fixture)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/library")]
    [InlineData("/collections")]
    [InlineData("/admin")]
    public async Task AnonymousPageRequestsAreSentToSignInAsync(string path)
    {
        using var anonymous = StudioSession.Anonymous(fixture.Studio);
        using var response = await anonymous.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", response.Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData("GET", "/api/me")]
    [InlineData("GET", "/api/antiforgery")]
    [InlineData("GET", "/api/admin/users")]
    [InlineData("POST", "/api/admin/users/x/disable")]
    [InlineData("POST", "/api/admin/users/x/enable")]
    [InlineData("POST", "/api/admin/users/x/role")]
    [InlineData("GET", "/api/loras")]
    [InlineData("POST", "/api/loras")]
    [InlineData("GET", "/api/loras/00000000-0000-0000-0000-000000000001")]
    [InlineData("PUT", "/api/loras/00000000-0000-0000-0000-000000000001")]
    [InlineData("DELETE", "/api/loras/00000000-0000-0000-0000-000000000001")]
    [InlineData("GET", "/api/loras/00000000-0000-0000-0000-000000000001/preview")]
    [InlineData("POST", "/api/loras/00000000-0000-0000-0000-000000000001/preview")]
    [InlineData("POST", "/api/loras/import-folder")]
    [InlineData("GET", "/api/collections")]
    [InlineData("POST", "/api/collections")]
    [InlineData("POST", "/api/collections/preflight")]
    [InlineData("GET", "/api/collections/00000000-0000-0000-0000-000000000001")]
    [InlineData("PUT", "/api/collections/00000000-0000-0000-0000-000000000001")]
    [InlineData("DELETE", "/api/collections/00000000-0000-0000-0000-000000000001")]
    [InlineData("POST", "/api/collections/00000000-0000-0000-0000-000000000001/duplicate")]
    [InlineData("POST", "/api/collections/00000000-0000-0000-0000-000000000001/restore")]
    public async Task EveryApiEndpointRefusesAnonymousCallersAsync(string method, string path)
    {
        using var anonymous = StudioSession.Anonymous(fixture.Studio);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "GET" ? null : JsonContent.Create(new { }) };
        using var response = await anonymous.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("other member", HttpStatusCode.Forbidden)]
    [InlineData("owner", HttpStatusCode.Forbidden)]
    [InlineData("admin", HttpStatusCode.OK)]
    public async Task OnlyAdminsListAccountsAsync(string caller, HttpStatusCode expected)
    {
        using var response = await fixture.As(caller).Http.GetAsync("/api/admin/users");
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("anonymous", HttpStatusCode.Unauthorized)]
    [InlineData("other member", HttpStatusCode.Forbidden)]
    public async Task MembersCannotCreateAccountsAsync(string caller, HttpStatusCode expected)
    {
        using var response = await fixture.As(caller).Http.PostAsJsonAsync("/api/admin/users",
            new { email = "mallory@studio.test", displayName = "Mallory", password = TestAccounts.Password, role = "Admin" });
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("anonymous", "/account/login")]
    [InlineData("other member", "/account/access-denied")]
    public async Task TheAdminPageIsForAdminsOnlyAsync(string caller, string redirectedTo)
    {
        using var response = await fixture.As(caller).Http.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(redirectedTo, response.Headers.Location!.AbsolutePath);

        using var admin = await fixture.Admin.Http.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task ApiCallsThatChangeDataNeedTheAntiforgeryHeaderAsync()
    {
        using var admin = await StudioSession.SignInAsync(fixture.Studio, TestAccounts.AdminEmail);
        admin.Http.DefaultRequestHeaders.Remove("RequestVerificationToken");
        using var response = await admin.Http.PostAsJsonAsync("/api/admin/users",
            new { email = "noheader@studio.test", displayName = "X", password = TestAccounts.Password, role = "Member" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("RequestVerificationToken header is missing", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignOutIsAFormPostThatNeedsItsAntiforgeryTokenAsync()
    {
        using var session = await StudioSession.SignInAsync(fixture.Studio, StudioFixture.BobEmail);
        session.Http.DefaultRequestHeaders.Remove("RequestVerificationToken"); // a cross-site form has no token
        using (var forged = await session.Http.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "" })))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var stillIn = await session.Http.GetAsync("/api/me"))
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);

        using (var page = await session.Http.GetAsync("/"))
        {
            string html = await page.Content.ReadAsStringAsync();
            var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"");
            Assert.True(token.Success, "the layout's sign-out form carries an anti-forgery token");
            using var signOut = await session.Http.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token.Groups[1].Value),
            }));
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        }
        using (var after = await session.Http.GetAsync("/api/me"))
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task TheConfiguredAdminExistsAndSetupIsClosedAsync()
    {
        var me = await fixture.Admin.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/me");
        Assert.True(me.GetProperty("isAdmin").GetBoolean());
        using var anonymous = StudioSession.Anonymous(fixture.Studio);
        using var setup = await anonymous.Http.GetAsync("/setup");
        Assert.Equal(HttpStatusCode.Redirect, setup.StatusCode);
        Assert.Equal("/account/login", setup.Headers.Location!.AbsolutePath);
        Assert.Contains("Created the first administrator admin@studio.test from configuration", fixture.Studio.Log);
    }

    [Fact]
    public async Task WrongPasswordsLockTheAccountAfterFiveAttemptsAsync()
    {
        await fixture.Admin.CreateAccountAsync("locky@studio.test", "Locky");
        using var anonymous = StudioSession.Anonymous(fixture.Studio);
        for (int attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await anonymous.PostFormAsync("/account/login", "login", new() { ["Input.Email"] = "locky@studio.test", ["Input.Password"] = "wrong-Pass9" });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            string expected = attempt < 5 ? "Wrong email or password." : "Too many failed attempts";
            Assert.StartsWith(expected, StudioSession.PageError(await wrong.Content.ReadAsStringAsync()));
        }
        // The right password no longer helps while the lockout lasts.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StudioSession.SignInAsync(fixture.Studio, "locky@studio.test"));
        Assert.Contains("this account is locked. Try again in 15 minutes", error.Message);
    }

    [Fact]
    public async Task DisabledAccountsCannotSignInUntilReEnabledAsync()
    {
        string id = await fixture.Admin.CreateAccountAsync("dora@studio.test", "Dora");
        using (await StudioSession.SignInAsync(fixture.Studio, "dora@studio.test")) { }

        using (var disable = await fixture.Admin.Http.PostAsync($"/api/admin/users/{id}/disable", null))
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StudioSession.SignInAsync(fixture.Studio, "dora@studio.test"));
        Assert.Contains("This account is disabled.", error.Message);

        using (var enable = await fixture.Admin.Http.PostAsync($"/api/admin/users/{id}/enable", null))
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        using (await StudioSession.SignInAsync(fixture.Studio, "dora@studio.test")) { }
    }

    [Fact]
    public async Task AnAdminCannotDisableThemselvesAsync()
    {
        var me = await fixture.Admin.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/me");
        using var response = await fixture.Admin.Http.PostAsync($"/api/admin/users/{me.GetProperty("id").GetString()}/disable", null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("you cannot disable your own account", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PasswordsAreStoredAsIdentityHashesAsync()
    {
        await using var db = new StudioDbContext(new DbContextOptionsBuilder<StudioDbContext>()
            .UseStudioSqlite(Path.Combine(fixture.Studio.DataDir, "studio.db")).Options);
        var alice = await db.Users.SingleAsync(u => u.Email == StudioFixture.AliceEmail);
        Assert.NotNull(alice.PasswordHash);
        Assert.DoesNotContain(TestAccounts.Password, alice.PasswordHash);
        Assert.StartsWith("AQAAAA", alice.PasswordHash); // Identity v3 format: PBKDF2 with a per-user salt
        Assert.True(alice.LockoutEnabled);
    }
}
