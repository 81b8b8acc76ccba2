using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CMLoRA.TestSupport;

/// <summary>
/// An HTTP client with its own cookie jar, signed in (or not) to a running studio the way a browser is: through the
/// real sign-in form with its anti-forgery token. API calls that change data carry the RequestVerificationToken header.
/// </summary>
public sealed partial class StudioSession : IDisposable
{
    public HttpClient Http { get; }
    public CookieContainer Cookies { get; } = new();

    private StudioSession(Uri baseAddress)
    {
        var handler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        Http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
    }

    public static StudioSession Anonymous(StudioProcess studio) => new(studio.BaseAddress);

    /// <summary>Signs in through /account/login; throws with the page's error when the studio refuses.</summary>
    public static async Task<StudioSession> SignInAsync(StudioProcess studio, string email, string password = TestAccounts.Password)
    {
        var session = new StudioSession(studio.BaseAddress);
        using var response = await session.PostFormAsync("/account/login", "login", new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            string body = await response.Content.ReadAsStringAsync();
            session.Dispose();
            throw new InvalidOperationException($"sign-in as {email} failed ({(int)response.StatusCode}): {PageError(body) ?? body[..Math.Min(400, body.Length)]}");
        }
        await session.LoadAntiforgeryTokenAsync();
        return session;
    }

    /// <summary>Creates the first administrator through /setup on a fresh studio and returns that session.</summary>
    public static async Task<StudioSession> SetupFirstAdminAsync(StudioProcess studio, string email = TestAccounts.AdminEmail,
        string password = TestAccounts.Password, string name = TestAccounts.AdminName)
    {
        var session = new StudioSession(studio.BaseAddress);
        using var response = await session.PostFormAsync("/setup", "setup", new()
        {
            ["Input.DisplayName"] = name,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"setup failed ({(int)response.StatusCode})");
        await session.LoadAntiforgeryTokenAsync();
        return session;
    }

    /// <summary>Posts a static server-rendered Blazor form: fetches the page for its anti-forgery token, then submits.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, string formName, Dictionary<string, string> fields)
    {
        using var page = await Http.GetAsync(path);
        string html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryField().Match(html);
        var form = new Dictionary<string, string>(fields) { ["_handler"] = formName };
        if (token.Success) form["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        return await Http.PostAsync(path, new FormUrlEncodedContent(form));
    }

    /// <summary>The error message a static page shows in its role="alert" box, if any.</summary>
    public static string? PageError(string html)
    {
        var match = AlertBox().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value.Trim()) : null;
    }

    public async Task LoadAntiforgeryTokenAsync()
    {
        using var response = await Http.GetAsync("/api/antiforgery");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Http.DefaultRequestHeaders.Remove("RequestVerificationToken");
        Http.DefaultRequestHeaders.Add("RequestVerificationToken", json.RootElement.GetProperty("token").GetString());
    }

    /// <summary>Creates an account as this (admin) session; returns its id.</summary>
    public async Task<string> CreateAccountAsync(string email, string displayName, string role = "Member", string password = TestAccounts.Password)
    {
        using var response = await Http.PostAsJsonAsync("/api/admin/users", new { email, displayName, password, role });
        string body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"creating {email} failed ({(int)response.StatusCode}): {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>POSTs files as multipart/form-data to <paramref name="path"/> (an upload as the browser sends it).</summary>
    public async Task<HttpResponseMessage> UploadAsync(string path, params (string FileName, byte[] Content)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (fileName, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", fileName);
        }
        return await Http.PostAsync(path, form);
    }

    /// <summary>Uploads one LoRA and returns its id; throws with the studio's reason when refused.</summary>
    public async Task<Guid> UploadLoraAsync(byte[] content, string fileName = "tiny_ada.safetensors", string visibility = "Private")
    {
        using var response = await UploadAsync($"/api/loras?visibility={visibility}", (fileName, content));
        string body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"upload refused ({(int)response.StatusCode}): {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement[0].GetProperty("loraId").GetGuid();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("role=\"alert\"[^>]*>([^<]+)<")]
    private static partial Regex AlertBox();

    public void Dispose() => Http.Dispose();
}
